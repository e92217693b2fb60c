"""conv1d, conv2d's groups/dilation/'same', conv_transpose2d and the pooling options (dilation, ceil_mode,
return_indices, count_include_pad, divisor_override, 1-D and adaptive): values and gradients against PyTorch in float32
and float64 over a table of option combinations, central differences (first and second order) in float64, and the
error cases raising PyTorch's kind of error."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck, nn
from minigrad.nn import functional as F

rng = np.random.default_rng(16)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")  # torch notes a copy
TOLERANCES = {np.float32: 2e-5, np.float64: 1e-12}

# (input shape, weight shape, stride, padding, dilation, groups): odd sizes, batch of 1, unbatched, 'same' with an
# even kernel (its extra padding goes at the end), depthwise, a kernel as large as the padded input
CONV2D_CASES = [
    ((2, 4, 7, 6), (6, 2, 3, 3), 1, 1, 1, 2),
    ((1, 3, 9, 8), (2, 3, 3, 2), (2, 1), (1, 0), (2, 1), 1),
    ((1, 3, 5, 4), (3, 1, 3, 3), 1, "same", 1, 3),
    ((1, 2, 8, 7), (4, 1, 2, 4), 1, "same", (2, 1), 2),
    ((2, 2, 7, 7), (3, 2, 3, 3), 2, "valid", 2, 1),
    ((1, 3, 5, 5), (3, 3, 5, 5), 1, 0, 1, 1),
    ((3, 6, 6), (4, 3, 3, 3), 2, 1, 1, 1),
]
CONV1D_CASES = [
    ((2, 4, 9), (6, 2, 3), 2, 1, 2, 2),
    ((3, 10), (4, 3, 4), 1, "same", 1, 1),
    ((1, 2, 7), (2, 2, 3), 1, 0, 1, 1),
    ((2, 3, 8), (3, 1, 2), 3, 1, 3, 3),
]
# (input shape, weight shape, stride, padding, output_padding, groups, dilation); the last but one has an
# output_padding as large as the stride (allowed since it is below the dilation): rows no window reaches
CONV_TRANSPOSE_CASES = [
    ((2, 4, 3, 4), (4, 3, 3, 3), 2, 1, 1, 2, 1),
    ((1, 2, 4, 3), (2, 2, 2, 3), (2, 3), (0, 1), (1, 2), 1, 1),
    ((2, 3, 3, 3), (3, 2, 3, 2), 1, 0, 0, 1, (2, 1)),
    ((1, 2, 3, 3), (2, 1, 3, 3), 1, 1, 1, 1, 2),
    ((1, 4, 5, 5), (4, 1, 3, 3), 3, 2, 2, 4, 1),
    ((2, 3, 4), (2, 3, 2, 2), 2, 0, 0, 1, 1),
]
CONV_TRANSPOSE1D_CASES = [((2, 4, 5), (4, 3, 3), 2, 1, 1, 2, 1), ((3, 6), (3, 2, 4), 3, 2, 2, 1, 2)]


def conv2d_call(stride, padding, dilation, groups):
    return lambda F_, x, w, b: F_.conv2d(x, w, b, stride, padding, dilation, groups)


def conv1d_call(stride, padding, dilation, groups):
    return lambda F_, x, w, b: F_.conv1d(x, w, b, stride, padding, dilation, groups)


def conv_transpose_call(kind, stride, padding, output_padding, groups, dilation):
    return lambda F_, x, w, b: getattr(F_, kind)(x, w, b, stride, padding, output_padding, groups, dilation)


def conv_arrays(x_shape, w_shape, out_channels):
    return [rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(out_channels)]


def conv_case(kind, case):
    """(arrays, call) of a table row."""
    if kind.startswith("conv_transpose"):
        x_shape, w_shape, *options = case
        return conv_arrays(x_shape, w_shape, w_shape[1] * options[3]), conv_transpose_call(kind, *options)
    x_shape, w_shape, *options = case
    call = conv2d_call(*options) if kind == "conv2d" else conv1d_call(*options)
    return conv_arrays(x_shape, w_shape, w_shape[0]), call


ALL_CONV_CASES = ([("conv2d", case) for case in CONV2D_CASES] + [("conv1d", case) for case in CONV1D_CASES]
                  + [("conv_transpose2d", case) for case in CONV_TRANSPOSE_CASES]
                  + [("conv_transpose1d", case) for case in CONV_TRANSPOSE1D_CASES])


def assert_matches_torch(call, arrays, dtype, grads=True):
    """call(F, *tensors) in minigrad and torch: the same output (and any extra outputs, e.g. indices), and the same
    gradients of <output, g> for a random g."""
    torch = pytest.importorskip("torch")
    ours = [mg.tensor(a.astype(dtype), requires_grad=grads) for a in arrays]
    theirs = [torch.tensor(a.astype(dtype), requires_grad=grads) for a in arrays]
    out, ref = call(F, *ours), call(torch.nn.functional, *theirs)
    extra, ref_extra = (out[1:], ref[1:]) if isinstance(ref, tuple) else ((), ())
    out, ref = (out[0], ref[0]) if isinstance(ref, tuple) else (out, ref)
    tol = TOLERANCES[dtype]
    assert out.dtype == dtype and out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    for mine, theirs_extra in zip(extra, ref_extra):
        np.testing.assert_array_equal(mine.numpy(), theirs_extra.numpy())
        assert mine.dtype == np.int64
    if not grads:
        return
    g = rng.standard_normal(tuple(ref.shape)).astype(dtype)
    out.backward(mg.tensor(g))
    ref.backward(torch.tensor(g))
    for mine, theirs_t in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.numpy(), theirs_t.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind, case", ALL_CONV_CASES)
def test_convolutions_match_pytorch(kind, case, dtype):
    arrays, call = conv_case(kind, case)
    assert_matches_torch(call, arrays, dtype)


@pytest.mark.parametrize("kind, case", ALL_CONV_CASES)
def test_convolutions_gradcheck(kind, case):
    arrays, call = conv_case(kind, case)
    assert gradcheck(lambda x, w, b: call(F, x, w, b), arrays)


SECOND_ORDER_CONV_CASES = [    # small, so that the second-order central differences stay fast
    ("conv2d", ((1, 4, 5, 4), (4, 2, 2, 2), 1, 1, 2, 2)),
    ("conv1d", ((1, 2, 7), (2, 2, 2), 1, "same", 2, 1)),
    ("conv_transpose2d", ((1, 2, 3, 3), (2, 2, 2, 2), 2, 1, 1, 2, 1)),
    ("conv_transpose2d", ((1, 2, 2, 3), (2, 1, 2, 2), 1, 1, 1, 1, 2)),
]


@pytest.mark.parametrize("kind, case", SECOND_ORDER_CONV_CASES)
def test_convolutions_second_derivatives(kind, case):
    arrays, call = conv_case(kind, case)
    assert gradgradcheck(lambda x, w, b: call(F, x, w, b), arrays)


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    """<conv2d(y, w), x> = <y, conv_transpose2d(x, w)> for every y: the defining property, independent of torch."""
    x, w, y = rng.standard_normal((2, 4, 3, 4)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal((2, 3, 6, 8))
    forward = F.conv2d(mg.tensor(y), mg.tensor(w), None, 2, 1).numpy()
    back = F.conv_transpose2d(mg.tensor(x), mg.tensor(w), None, 2, 1, output_padding=1).numpy()
    assert back.shape == y.shape
    np.testing.assert_allclose((forward * x).sum(), (y * back).sum(), rtol=1e-12)


# ---- pooling ---------------------------------------------------------------------------------------------------------
def distinct(*shape):
    """Values without ties (a max's gradient is then defined), in random order."""
    return rng.permutation(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape) / 10


# (input shape, kernel_size, stride, padding, dilation, ceil_mode)
MAX_POOL2D_CASES = [
    ((2, 2, 7, 6), 3, None, 0, 1, False),
    ((1, 2, 8, 9), 3, 2, 1, 2, True),
    ((2, 1, 7, 7), (2, 3), (2, 1), (1, 0), (1, 2), True),
    ((1, 3, 7, 5), 2, 2, 0, 1, True),
    ((2, 2, 6, 6), 3, 3, 1, 1, True),
    ((1, 1, 6, 7), 2, 1, 1, 3, False),
    ((3, 5, 5), 2, 2, 1, 1, True),
]
# (input shape, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
AVG_POOL2D_CASES = [
    ((2, 2, 7, 6), 3, 2, 1, True, True, None),
    ((2, 2, 7, 6), 3, 2, 1, True, False, None),
    ((1, 2, 5, 5), 2, None, 1, False, False, None),
    ((1, 1, 8, 7), (3, 2), (2, 2), (1, 1), True, True, 5),
    ((2, 3, 7, 5), 2, 2, 0, True, True, None),
    ((1, 2, 9, 9), 4, 3, 2, False, False, None),
    ((2, 6, 7), 3, 2, 1, True, False, None),
]
MAX_POOL1D_CASES = [((2, 3, 9), 3, 2, 1, 2, True), ((2, 7), 2, None, 0, 1, True), ((1, 2, 8), 3, 1, 1, 3, False)]
AVG_POOL1D_CASES = [((2, 3, 9), 3, 2, 1, True, False), ((2, 7), 2, None, 1, True, True),
                    ((1, 2, 8), 4, 3, 2, False, True)]
ADAPTIVE_CASES = [((2, 3, 7, 6), (3, 4)), ((1, 2, 5, 5), 1), ((2, 2, 6, 7), (None, 3)), ((3, 4, 4), (4, 4)),
                  ((1, 1, 5, 9), (2, 6))]
ADAPTIVE_1D_CASES = [((2, 3, 7), 3), ((2, 10), 4), ((1, 1, 5), 5)]


def max_pool2d_call(*options, indices=True):
    return lambda F_, x: F_.max_pool2d(x, *options, return_indices=indices)


POOL_CASES = (
    [(max_pool2d_call(*c[1:]), c[0]) for c in MAX_POOL2D_CASES]
    + [((lambda o: lambda F_, x: F_.avg_pool2d(x, *o))(c[1:]), c[0]) for c in AVG_POOL2D_CASES]
    + [((lambda o: lambda F_, x: F_.max_pool1d(x, *o, return_indices=True))(c[1:]), c[0]) for c in MAX_POOL1D_CASES]
    + [((lambda o: lambda F_, x: F_.avg_pool1d(x, *o))(c[1:]), c[0]) for c in AVG_POOL1D_CASES]
    + [((lambda o: lambda F_, x: F_.adaptive_avg_pool2d(x, o))(c[1]), c[0]) for c in ADAPTIVE_CASES]
    + [((lambda o: lambda F_, x: F_.adaptive_avg_pool1d(x, o))(c[1]), c[0]) for c in ADAPTIVE_1D_CASES])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("call, shape", POOL_CASES)
def test_pooling_matches_pytorch(call, shape, dtype):
    assert_matches_torch(call, [distinct(*shape)], dtype)


def values_only(call):
    def values(x):
        out = call(F, x)
        return out[0] if isinstance(out, tuple) else out
    return values


@pytest.mark.parametrize("call, shape", POOL_CASES)
def test_pooling_gradcheck(call, shape):
    assert gradcheck(values_only(call), [distinct(*shape)])


SECOND_ORDER_POOL_CASES = [    # small inputs: (call, shape)
    (max_pool2d_call(3, 2, 1, 2, True), (1, 1, 6, 5)),
    (lambda F_, x: F_.avg_pool2d(x, 3, 2, 1, True, False), (1, 1, 6, 5)),
    (lambda F_, x: F_.avg_pool2d(x, 2, 2, 0, True, True, 3), (1, 1, 5, 5)),
    (lambda F_, x: F_.max_pool1d(x, 2, 1, 1, 2, True), (1, 2, 6)),
    (lambda F_, x: F_.adaptive_avg_pool2d(x, (2, 3)), (1, 1, 5, 4)),
]


@pytest.mark.parametrize("call, shape", SECOND_ORDER_POOL_CASES)
def test_pooling_second_derivatives(call, shape):
    values = values_only(call)
    assert gradgradcheck(lambda t: values(t) * values(t), [distinct(*shape)])


def test_max_pool_ties_and_padding_route_like_pytorch():
    """Whole windows of equal values (ReLU's zeros) with dilation and ceil_mode: the first maximum gets the gradient,
    and its index, as in PyTorch; -inf padding never wins."""
    x = np.maximum(rng.standard_normal((2, 2, 7, 7)), 0)
    for options in [(3, 2, 1, 2, True), (2, 2, 0, 1, True), ((3, 2), 1, 1, (1, 3), False)]:
        assert_matches_torch(max_pool2d_call(*options), [x], np.float64)


def test_indices_without_a_graph():
    with mg.no_grad():
        out, indices = F.max_pool2d(mg.tensor(distinct(1, 1, 4, 4)), 2, return_indices=True)
    assert out.grad_fn is None and indices.dtype == np.int64 and indices.shape == (1, 1, 2, 2)


# ---- layers ----------------------------------------------------------------------------------------------------------
LAYERS = [
    ("Conv1d", (4, 6, 3), dict(stride=2, padding=1, dilation=2, groups=2), (2, 4, 9)),
    ("Conv2d", (4, 6, (3, 2)), dict(padding="same", dilation=(1, 2), groups=2, bias=False), (2, 4, 7, 6)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2, dilation=1), (2, 4, 3, 5)),
    ("ConvTranspose1d", (3, 2, 4), dict(stride=3, padding=2, dilation=2, bias=False), (3, 6)),
    ("MaxPool1d", (3,), dict(stride=2, padding=1, dilation=2, ceil_mode=True), (2, 3, 9)),
    ("MaxPool2d", (3,), dict(stride=2, padding=1, dilation=2, ceil_mode=True, return_indices=True), (2, 3, 9, 8)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 3, 9)),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True, divisor_override=4), (2, 3, 9, 8)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((None, 3),), {}, (2, 3, 9, 8)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS)
def test_layers_match_pytorch(name, args, kwargs, shape):
    """Same parameter shapes, repr and output as the torch layer with the same weights."""
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **kwargs, dtype=np.float64) if "Conv" in name else \
        getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs).double()
    assert repr(ours).split("  [")[0] == repr(theirs)
    for (key, p), (their_key, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        assert key == their_key and p.shape == tuple(q.shape)
        p.data = mg.tensor(q.detach().numpy().copy())
    x = distinct(*shape)
    out, ref = ours(mg.tensor(x)), theirs(torch.tensor(x))
    for mine, their in zip(*((out, ref) if isinstance(ref, tuple) else ((out,), (ref,)))):
        np.testing.assert_allclose(mine.detach().numpy(), their.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("output_size", [(8, 10), [1, 3, 7, 9], (7, 10)])
def test_conv_transpose_output_size_picks_output_padding_as_pytorch(output_size):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, dtype=np.float64), \
        torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    ours.weight.data, ours.bias.data = (mg.tensor(p.detach().numpy().copy()) for p in (theirs.weight, theirs.bias))
    x = rng.standard_normal((1, 2, 4, 5))
    out, ref = ours(mg.tensor(x), output_size=output_size), theirs(torch.tensor(x), output_size=output_size)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("output_size", [(10, 10), (8,), (8, 10, 1)])
def test_conv_transpose_unreachable_output_size_is_a_value_error_as_in_pytorch(output_size):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)(torch.randn(1, 2, 4, 5), output_size=output_size)
    with pytest.raises(ValueError, match="output.size"):
        nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)(mg.randn(1, 2, 4, 5), output_size=output_size)


def test_layer_initialisation_bounds_follow_fan_in():
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] x kernel area, as PyTorch (groups shrink it)."""
    for layer, fan_in in [(nn.Conv2d(8, 16, 3, groups=4), 2 * 9), (nn.ConvTranspose2d(8, 16, 3, groups=2), 8 * 9),
                          (nn.Conv1d(6, 20, 4), 6 * 4)]:
        bound = 1 / np.sqrt(fan_in)
        weights, biases = np.abs(layer.weight.detach().numpy()), np.abs(layer.bias.detach().numpy())
        assert weights.max() <= bound and biases.max() <= bound
        assert weights.max() > 0.9 * bound    # hundreds of draws: the bound is nearly reached


# ---- errors: the kind PyTorch raises --------------------------------------------------------------------------------
def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


ERROR_CASES = [
    ("groups do not divide the input channels", lambda F_, T: F_.conv2d(T(1, 3, 5, 5), T(4, 2, 3, 3), groups=2)),
    ("groups do not divide the weight", lambda F_, T: F_.conv2d(T(1, 4, 5, 5), T(3, 2, 3, 3), groups=2)),
    ("channels", lambda F_, T: F_.conv2d(T(2, 3, 5, 5), T(4, 2, 3, 3))),
    ("kernel larger than the padded input", lambda F_, T: F_.conv2d(T(1, 4, 2, 2), T(4, 4, 3, 3))),
    ("dilated kernel larger than the input", lambda F_, T: F_.conv2d(T(1, 1, 4, 4), T(1, 1, 2, 2), dilation=4)),
    ("conv1d kernel larger", lambda F_, T: F_.conv1d(T(1, 4, 2), T(4, 4, 3))),
    ("stride 0", lambda F_, T: F_.conv2d(T(1, 1, 5, 5), T(1, 1, 3, 3), stride=0)),
    ("negative padding", lambda F_, T: F_.conv2d(T(1, 1, 5, 5), T(1, 1, 3, 3), padding=-1)),
    ("groups 0", lambda F_, T: F_.conv2d(T(1, 1, 5, 5), T(1, 1, 3, 3), groups=0)),
    ("unknown padding string", lambda F_, T: F_.conv2d(T(1, 1, 5, 5), T(1, 1, 3, 3), padding="full")),
    ("'same' with a stride", lambda F_, T: F_.conv2d(T(1, 1, 5, 5), T(1, 1, 3, 3), stride=2, padding="same")),
    ("5-D input", lambda F_, T: F_.conv2d(T(1, 1, 1, 5, 5), T(1, 1, 3, 3))),
    ("bias shape", lambda F_, T: F_.conv2d(T(1, 1, 5, 5), T(2, 1, 3, 3), T(3))),
    ("output_padding >= stride", lambda F_, T: F_.conv_transpose2d(T(1, 2, 3, 3), T(2, 2, 3, 3), stride=2,
                                                                   output_padding=2)),
    ("output_padding without stride", lambda F_, T: F_.conv_transpose2d(T(1, 2, 3, 3), T(2, 2, 3, 3),
                                                                        output_padding=1)),
    ("transposed channels", lambda F_, T: F_.conv_transpose2d(T(1, 3, 3, 3), T(2, 2, 3, 3))),
    ("transposed groups", lambda F_, T: F_.conv_transpose2d(T(1, 3, 3, 3), T(3, 2, 3, 3), groups=2)),
    ("transposed output too small", lambda F_, T: F_.conv_transpose2d(T(1, 2, 1, 1), T(2, 2, 1, 1), padding=1)),
    ("conv_transpose1d output_padding", lambda F_, T: F_.conv_transpose1d(T(1, 2, 3), T(2, 2, 3), output_padding=1)),
    ("transposed padding string", lambda F_, T: F_.conv_transpose2d(T(1, 2, 3, 3), T(2, 2, 3, 3), padding="same")),
    ("pool padding over half the kernel", lambda F_, T: F_.max_pool2d(T(1, 1, 5, 5), 2, padding=2)),
    ("avg pool padding over half the kernel", lambda F_, T: F_.avg_pool2d(T(1, 1, 5, 5), 2, padding=2)),
    ("pool kernel larger than the input", lambda F_, T: F_.max_pool2d(T(1, 1, 1, 5), 2)),
    ("pool stride 0", lambda F_, T: F_.max_pool2d(T(1, 1, 5, 5), 2, stride=0)),
    ("pool dilation 0", lambda F_, T: F_.max_pool2d(T(1, 1, 5, 5), 2, dilation=0)),
    ("divisor_override 0", lambda F_, T: F_.avg_pool2d(T(1, 1, 5, 5), 2, divisor_override=0)),
    ("2-D input to max_pool2d", lambda F_, T: F_.max_pool2d(T(5, 5), 2)),
    ("max_pool1d kernel larger", lambda F_, T: F_.max_pool1d(T(1, 2, 3), 5)),
    ("adaptive output_size of 3 numbers", lambda F_, T: F_.adaptive_avg_pool2d(T(1, 1, 5, 5), (2, 3, 4))),
]


@pytest.mark.parametrize("what, call", ERROR_CASES, ids=[case[0] for case in ERROR_CASES])
def test_bad_arguments_raise_pytorchs_kind_of_error(what, call):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, lambda *shape: torch.tensor(randn(*shape)))
    with pytest.raises(theirs.type) as ours:
        call(F, lambda *shape: mg.tensor(randn(*shape)))
    op = call.__code__.co_names[-1]    # the F. function the case calls
    assert str(ours.value).startswith(f"{op}: "), "the message names the op"


LAYER_ERROR_CASES = [
    lambda nn_: nn_.Conv2d(3, 4, 3, groups=2),
    lambda nn_: nn_.Conv2d(4, 3, 3, groups=2),
    lambda nn_: nn_.Conv2d(4, 4, 3, groups=0),
    lambda nn_: nn_.Conv2d(4, 4, 3, stride=2, padding="same"),
    lambda nn_: nn_.Conv1d(4, 4, 3, padding="full"),
    lambda nn_: nn_.ConvTranspose2d(4, 6, 3, groups=4),
]


@pytest.mark.parametrize("call", LAYER_ERROR_CASES)
def test_layer_arguments_raise_pytorchs_kind_of_error(call):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        call(torch.nn)
    with pytest.raises(theirs.type):
        call(nn)
