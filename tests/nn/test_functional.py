"""conv2d, pooling and losses: central differences in float64 (first and second order) and PyTorch's values."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck
from minigrad.nn import functional as F

rng = np.random.default_rng(11)

# (N, C, H, W), (O, kh, kw), stride, padding: odd sizes, non-square kernels, strides that leave rows unused
CONV_CASES = [
    ((2, 3, 7, 6), (4, 3, 3), 1, 0),
    ((2, 2, 7, 7), (3, 3, 3), 2, 1),
    ((1, 2, 8, 9), (2, 2, 4), (3, 2), (1, 2)),
    ((3, 1, 5, 5), (2, 5, 5), 1, 2),
    ((2, 2, 6, 5), (3, 1, 1), 2, 0),
]


def conv_inputs(x_shape, w_shape):
    N, C, H, W = x_shape
    outs, kh, kw = w_shape
    return [rng.standard_normal(x_shape), rng.standard_normal((outs, C, kh, kw)), rng.standard_normal(outs)]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES)
def test_conv2d_gradcheck(x_shape, w_shape, stride, padding):
    inputs = conv_inputs(x_shape, w_shape)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding), inputs)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES[:3])
def test_conv2d_second_derivatives(x_shape, w_shape, stride, padding):
    """The backward ops (input grad = transposed conv, weight grad) are differentiable themselves."""
    inputs = conv_inputs(x_shape, w_shape)
    assert gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding), inputs)


def test_pool_gradchecks_and_second_derivatives():
    x = rng.permutation(np.arange(2 * 2 * 7 * 6, dtype=np.float64)).reshape(2, 2, 7, 6) / 10  # no ties
    for fn in (lambda t: F.max_pool2d(t, 2), lambda t: F.max_pool2d(t, 3, stride=2, padding=1),
               lambda t: F.max_pool2d(t, (2, 3), stride=(1, 2)), lambda t: F.avg_pool2d(t, 2),
               lambda t: F.avg_pool2d(t, 3, stride=2, padding=1), lambda t: F.avg_pool2d(t, (3, 2), stride=1)):
        assert gradcheck(fn, [x])
        assert gradgradcheck(lambda t: fn(t) * fn(t), [x])


def test_cross_entropy_gradcheck_all_reductions():
    logits, labels = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    for reduction in ("mean", "sum", "none"):
        assert gradcheck(lambda z: F.cross_entropy(z, labels, reduction=reduction), [logits])
        assert gradgradcheck(lambda z: F.cross_entropy(z, labels, reduction=reduction), [logits])


def test_mse_loss_gradcheck():
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    assert gradcheck(lambda x, y: F.mse_loss(x, y), [a, b])
    assert gradcheck(lambda x, y: F.mse_loss(x, y, reduction="none"), [a, b])


def test_cross_entropy_is_stable_for_huge_logits():
    z = mg.tensor([[1000.0, 0.0, -1000.0], [-5000.0, 5000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(z, np.array([0, 0]), reduction="none")
    assert np.allclose(loss.detach().numpy(), [0.0, 10000.0])
    loss.sum().backward()
    assert np.all(np.isfinite(z.grad.numpy()))
    assert np.allclose(z.grad.numpy(), [[0, 0, 0], [-1, 1, 0]])


def test_outputs_are_float32_for_float32_inputs():
    x = mg.randn(2, 1, 8, 8)
    w, b = mg.randn(3, 1, 3, 3, requires_grad=True), mg.randn(3, requires_grad=True)
    out = F.max_pool2d(F.conv2d(x, w, b, padding=1), 2)
    assert out.dtype == np.float32 and out.shape == (2, 3, 4, 4)
    F.cross_entropy(out.reshape(2, -1), np.array([0, 5])).backward()
    assert w.grad.dtype == np.float32 and b.grad.dtype == np.float32


@pytest.mark.parametrize("call, message", [    # conv and pooling: test_conv_pool_options.py
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0, 4, 1])), "label 4 is out of range"),
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0.0, 1.0, 1.0])), "integer class labels"),
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0, 1])), "shape (3,)"),
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0, 1, 2]), reduction="avg"), "reduction"),
    (lambda: F.mse_loss(mg.randn(3, 1), mg.randn(3)), "differ"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError)) as error:
        call()
    assert message in str(error.value)


# ---- against PyTorch ------------------------------------------------------------------------------------------------
def torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES + [((8, 6, 14, 14), (16, 5, 5), 1, 0)])
def test_conv2d_matches_pytorch(x_shape, w_shape, stride, padding, dtype):
    torch = torch_or_skip()
    x, w, b = (a.astype(dtype) for a in conv_inputs(x_shape, w_shape))
    ours = [mg.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = F.conv2d(*ours, stride=stride, padding=padding)
    ref = torch.nn.functional.conv2d(*theirs, stride=stride, padding=padding)
    g = rng.standard_normal(ref.shape).astype(dtype)
    (out * mg.tensor(g)).sum().backward()
    (ref * torch.tensor(g)).sum().backward()
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), **tol)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), **tol)


def test_max_pool_routes_ties_to_the_first_maximum_as_pytorch():
    torch = torch_or_skip()
    # after ReLU whole windows are 0; rounding to one decimal makes ties inside windows common as well
    x = np.maximum(np.round(rng.standard_normal((3, 2, 9, 8)), 1), 0)
    for kernel, stride, padding in [(2, 2, 0), (3, 2, 1), (3, 1, 0), ((2, 3), (2, 1), 0), ((3, 2), (3, 2), 0),
                                    (3, 3, 0)]:
        # (3, 2) windows tile the 9 x 8 input exactly; 3 x 3 windows leave its last two columns without gradient
        ours = mg.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        out = F.max_pool2d(ours, kernel, stride, padding)
        ref = torch.nn.functional.max_pool2d(theirs, kernel, stride, padding)
        g = rng.standard_normal(ref.shape)
        (out * mg.tensor(g)).sum().backward()
        (ref * torch.tensor(g)).sum().backward()
        np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_avg_pool_matches_pytorch():
    torch = torch_or_skip()
    x = rng.standard_normal((2, 3, 7, 8))
    for kernel, stride, padding in [(2, None, 0), (3, 2, 1), ((3, 2), 1, (1, 0))]:
        ours, theirs = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out = F.avg_pool2d(ours, kernel, stride, padding)
        ref = torch.nn.functional.avg_pool2d(theirs, kernel, stride, padding)
        g = rng.standard_normal(ref.shape)
        (out * mg.tensor(g)).sum().backward()
        (ref * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_and_mse_match_pytorch(reduction):
    torch = torch_or_skip()
    z, labels = rng.standard_normal((6, 5)) * 4, rng.integers(0, 5, 6)
    ours, theirs = mg.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    out = F.cross_entropy(ours, labels, reduction=reduction)
    ref = torch.nn.functional.cross_entropy(theirs, torch.tensor(labels), reduction=reduction)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-15)

    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    ours, theirs = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out = F.mse_loss(ours, mg.tensor(b), reduction=reduction)
    ref = torch.nn.functional.mse_loss(theirs, torch.tensor(b), reduction=reduction)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)
