"""The Tensor's PyTorch face: printing, names and signatures, dtypes, devices, each held against PyTorch."""
import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")


def both(values, dtype="float32", requires_grad=False):
    """The same values as a minigrad and a torch tensor."""
    array = np.array(values, dtype=dtype)
    return (mg.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def same(ours, theirs, ulps=0):
    """Same dtype, shape and values (NaN where NaN), to within ``ulps`` units in the last place."""
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert ours.shape == tuple(theirs.shape)
    a, b = ours.detach().numpy(), theirs.detach().numpy()
    if ulps:
        np.testing.assert_allclose(a, b, rtol=0, atol=ulps * np.spacing(np.abs(b).max()))
    else:
        np.testing.assert_array_equal(a, b)


# ---- printing --------------------------------------------------------------------------------------------------------
PRINTED = [
    ([0.0, 4.0, 8.0, 12.0], "float32"), (26.8341, "float32"), (3.0, "float32"), ([1.5, -2.25, 1e-5], "float32"),
    ([1e9, 1.0], "float32"), ([[1.0, 2.5], [-3.0, 4.0]], "float64"), ([1, 2, 30], "int64"), ([1, -2], "int32"),
    ([True, False], "bool"), ([], "float32"), (np.zeros((0, 3)), "float32"), ([np.nan, np.inf, 1.0], "float32"),
    ([np.nan, 2.5], "float32"), ([0.0, 0.0], "float32"), (np.arange(2000.0).reshape(40, 50), "float32"),
    (np.linspace(-1, 1, 30), "float32"), (np.arange(24.0).reshape(2, 3, 4) / 7, "float64"), (-0.0, "float32"),
    ([123456.0, 0.001], "float32"), ([], "int64"),
]


@pytest.mark.parametrize("case", range(len(PRINTED)))
def test_printing_is_pytorchs(case):
    values, dtype = PRINTED[case]
    ours, theirs = both(values, dtype)
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")


def test_printing_names_requires_grad_and_the_backward_node():
    (x, tx) = both(3.0, requires_grad=True)
    assert repr(x) == repr(tx) == "tensor(3., requires_grad=True)"
    assert repr(x * x * 3.111) == repr(tx * tx * 3.111)
    assert repr((x * 2).sum()) == repr((tx * 2).sum())
    assert repr(mg.nn.Parameter(mg.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


# ---- names and signatures --------------------------------------------------------------------------------------------
def test_reductions_take_dim_and_keepdim_and_numpys_names_still_work():
    values = np.random.default_rng(0).uniform(-1, 1, (3, 4, 5))
    x, t = both(values, "float64")
    same(x.sum(dim=1, keepdim=True), t.sum(dim=1, keepdim=True))
    same(x.sum(axis=(0, 2)), t.sum(dim=(0, 2)))
    same(x.mean(-1), t.mean(-1), ulps=2)       # PyTorch sums in another order
    same(x.amax(dim=(0, 1)), t.amax(dim=(0, 1)))
    same(x.amin(1, keepdim=True), t.amin(1, keepdim=True))
    same(x.argmax(), t.argmax())
    same(x.argmin(dim=2, keepdim=True), t.argmin(dim=2, keepdim=True))
    for name in ("max", "min"):
        values_i, indices_i = getattr(x, name)(1)
        ref = getattr(t, name)(1)
        same(values_i, ref.values)
        same(indices_i, ref.indices)
        same(getattr(x, name)(dim=-1, keepdim=True).indices, getattr(t, name)(dim=-1, keepdim=True).indices)
        same(getattr(x, name)(), getattr(t, name)())


def test_max_along_a_dimension_sends_the_gradient_to_the_first_maximum_as_pytorch():
    x, t = both([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    (x.max(1).values * mg.tensor([1.0, 2.0])).sum().backward()
    (t.max(1).values * torch.tensor([1.0, 2.0])).sum().backward()
    same(x.grad, t.grad)


def test_shape_and_conversion_methods():
    x, t = both(np.arange(6.0).reshape(2, 3))
    assert x.size() == tuple(t.size()) and x.size(1) == t.size(1) and x.size(-1) == 3
    assert x.numel() == t.numel() == 6 and x.dim() == t.dim() == 2
    same(x.view(3, 2), t.view(3, 2))
    same(x.view(-1), t.view(-1))
    same(x[:1].expand(4, 3), t[:1].expand(4, 3))
    same(x[:1].expand(4, -1), t[:1].expand(4, -1))
    same(x.T, t.T)
    same(x.transpose(0, 1), t.transpose(0, 1))
    same(x.clone(), t.clone())
    assert x.tolist() == t.tolist() and x[1, 2].item() == t[1, 2].item()
    for method in ("int", "long", "bool", "float", "double"):
        same(getattr(x, method)(), getattr(t, method)())
    same(x.to(mg.float64), t.to(torch.float64))
    same(x.to(mg.int32), t.to(torch.int32))


def test_shape_is_a_size_that_prints_and_behaves_as_torch_size():
    x, t = both(np.zeros((2, 3, 4)))
    for ours, theirs in [(x.shape, t.shape), (x.size(), t.size()), (x.shape[1:], t.shape[1:]),
                         (x.shape + (5,), t.shape + (5,)), ((5,) + x.shape, (5,) + t.shape),
                         (mg.Size([2, np.int64(3)]), torch.Size([2, np.int64(3)])), (mg.zeros(()).shape, torch.Size())]:
        assert isinstance(ours, mg.Size) and isinstance(ours, tuple)
        assert repr(ours) == str(ours) == repr(theirs).replace("torch.", "minigrad.") and ours == tuple(theirs)
        assert ours.numel() == theirs.numel()
    assert x.shape[0] == 2 and type(x.shape[0]) is int and x.shape == (2, 3, 4) and mg.zeros(x.shape).shape == x.shape
    with pytest.raises(TypeError, match=r"Size takes a sequence of ints, got \[2, 2.5\]"):
        mg.Size([2, 2.5])


def test_method_forms_of_the_arithmetic():
    x, t = both([1.0, 2.0, 3.0])
    y, u = both([0.5, -1.0, 2.0])
    same(x.add(y), t.add(u))
    same(x.add(y, alpha=2), t.add(u, alpha=2))
    same(x.sub(y, alpha=0.5), t.sub(u, alpha=0.5))
    same(x.mul(y), t.mul(u))
    same(x.div(y), t.div(u))
    same(x.pow(2), t.pow(2))
    same(x.neg(), t.neg())
    same(x.matmul(y), t.matmul(u))
    same(x.dot(y), t.dot(u))
    same(x.square(), t.square())
    same(mg.sign(y), torch.sign(u))
    m, tm = both(np.arange(6.0).reshape(2, 3))
    same(m.mv(x), tm.mv(t))
    same(m.mm(m.T), tm.mm(tm.T))
    with pytest.raises(RuntimeError, match=r"mm expects 2-D and 2-D tensors, got shapes \(3,\)"):
        x.mm(m)


def test_mask_operators_and_builtin_abs():
    m, tm = both([True, False, True], "bool")
    n, tn = both([True, True, False], "bool")
    for op in (lambda a, b: ~a, lambda a, b: a & b, lambda a, b: a | b, lambda a, b: a ^ b):
        same(op(m, n), op(tm, tn))
    x, t = both([-1.5, 2.0])
    same(abs(x), abs(t))
    same(+x, +t)


def test_norm_value_and_gradient_including_the_zero_vector():
    for values in ([3.0, -4.0], [0.0, 0.0]):
        x, t = both(values, "float64", requires_grad=True)
        same(x.norm(), t.norm())
        x.norm().backward()
        t.norm().backward()
        same(x.grad, t.grad)
    x, t = both(np.arange(6.0).reshape(2, 3), "float64")
    np.testing.assert_allclose(x.norm(dim=1).numpy(), t.norm(dim=1).numpy(), rtol=1e-15)
    np.testing.assert_allclose(mg.norm(x, p=1).numpy(), torch.norm(t, p=1).numpy(), rtol=1e-15)


def test_transpose_swaps_two_dimensions_and_permute_takes_an_order():
    x = mg.zeros(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2) and x.permute(2, 0, 1).shape == (4, 2, 3)
    assert x.transpose(-1, 0).shape == (4, 3, 2) and x.permute(-1, 0, 1).shape == (4, 2, 3)
    with pytest.raises(TypeError, match=r"permute\(2, 0, 1\)"):
        x.transpose(2, 0, 1)
    with pytest.raises(ValueError, match="not an order"):
        x.permute(0, 0, 1)


def test_dtype_names():
    pairs = {"float32": torch.float32, "float64": torch.float64, "float": torch.float, "double": torch.double,
             "int32": torch.int32, "int64": torch.int64, "long": torch.long, "int": torch.int, "bool": torch.bool,
             "float16": torch.float16, "half": torch.half, "uint8": torch.uint8, "int8": torch.int8}
    for name, reference in pairs.items():
        assert str(np.dtype(getattr(mg, name))) == str(reference).replace("torch.", ""), name
    assert mg.zeros(2, dtype=mg.long).dtype == mg.int64


PROMOTIONS = [
    (lambda a, b: a + b, (np.arange(3), "int64"), 0.5),
    (lambda a, b: b ** a, (np.arange(3), "int64"), 0.7),
    (lambda a, b: a * b, (np.arange(3), "int32"), 2),
    (lambda a, b: a / b, (np.arange(3), "int64"), 2),
    (lambda a, b: a + b, ([1.0, 2.0], "float32"), ("0-d", 2.5, "float64")),
    (lambda a, b: a + b, ([1, 2], "int64"), ("0-d", 2.5, "float32")),
    (lambda a, b: a + b, ([1, 2], "int64"), ("0-d", 2.5, "float64")),
    (lambda a, b: a * b, ([1.0, 2.0], "float32"), ("1-d", [2.5, 1.0], "float64")),
    (lambda a, b: a + b, ([True, False], "bool"), 1.5),
    (lambda a, b: a + b, ([True, False], "bool"), 2),
]


@pytest.mark.parametrize("case", range(len(PROMOTIONS)))
def test_dtype_promotion_is_pytorchs(case):
    fn, (values, dtype), other = PROMOTIONS[case]
    x, t = both(values, dtype)
    if isinstance(other, tuple):
        o, u = both(other[1], other[2])
        same(fn(x, o), fn(t, u))
    else:
        same(fn(x, other), fn(t, other))


def test_maximum_of_an_integer_tensor_and_a_float_gives_float32():
    x, t = both([0, 3], "int64")
    same(mg.maximum(x, mg.tensor(1.2)), torch.maximum(t, torch.tensor(1.2)))


def test_float32_elementary_functions_are_rounded_once_from_float64_and_within_an_ulp_of_pytorchs():
    values = np.random.default_rng(1).uniform(-3, 3, 20000).astype(np.float32)
    for name in ("sin", "cos", "exp", "tanh", "log"):
        inputs = np.abs(values) + np.float32(1e-3) if name == "log" else values
        ours = getattr(mg, name)(mg.tensor(inputs))
        np.testing.assert_array_equal(ours.numpy(), getattr(np, name)(inputs.astype(np.float64)).astype(np.float32))
        theirs = getattr(torch, name)(torch.tensor(inputs)).numpy()
        np.testing.assert_array_less(np.abs(ours.numpy() - theirs), 1.01 * np.spacing(np.abs(theirs)) + 1e-45)


# ---- creation --------------------------------------------------------------------------------------------------------
def test_creation_with_pytorchs_signatures():
    same(mg.zeros((2, 3)), torch.zeros((2, 3)))
    same(mg.ones(2, 3), torch.ones(2, 3))
    same(mg.ones([2]), torch.ones([2]))
    same(mg.full((2,), 7), torch.full((2,), 7))
    same(mg.full((2,), 0.5), torch.full((2,), 0.5))
    same(mg.eye(3), torch.eye(3))
    same(mg.full_like(mg.zeros(2, dtype=mg.int64), 3), torch.full_like(torch.zeros(2, dtype=torch.int64), 3))
    same(mg.linspace(-3.5, 3, 8, dtype=mg.int64), torch.linspace(-3.5, 3, 8, dtype=torch.int64))
    array = np.arange(3.0)
    shared = mg.from_numpy(array)
    array[0] = 5
    assert shared.dtype == np.float64 and shared.tolist() == [5.0, 1.0, 2.0]
    mg.manual_seed(0)
    sample = mg.normal(0.0, 0.01, size=(3, 2))
    assert sample.shape == (3, 2) and sample.dtype == np.float32


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(indexing):
    a, ta = both([1.0, 2.0, 3.0])
    b, tb = both([4.0, 5.0])
    for ours, theirs in zip(mg.meshgrid(a, b, indexing=indexing), torch.meshgrid(ta, tb, indexing=indexing)):
        same(ours, theirs)


def test_stack_of_mismatched_shapes_names_them():
    with pytest.raises(ValueError, match=r"\(2,\), \(3,\)"):
        mg.stack([mg.zeros(2), mg.zeros(3)])


# ---- devices ---------------------------------------------------------------------------------------------------------
def test_the_cpu_is_the_only_device():
    cpu = mg.device("cpu")
    x = mg.ones(2)
    assert x.device == cpu and str(x.device) == "cpu" and repr(cpu) == repr(torch.device("cpu"))
    assert x.to(cpu) is x and x.cpu() is x and x.to("cpu", mg.float64).dtype == np.float64
    assert mg.zeros(2, device="cpu").device == cpu and mg.tensor([1.0], device=cpu).device == "cpu"
    assert not mg.cuda.is_available() and mg.cuda.device_count() == 0
    for bad in (lambda: mg.device("cuda:0"), lambda: x.to("cuda"), lambda: mg.zeros(2, device="cuda"),
                lambda: x.cuda()):
        with pytest.raises(RuntimeError, match="minigrad runs on the CPU only"):
            bad()
    net = mg.nn.Linear(2, 1)
    assert net.to(cpu) is net and net.to(mg.device("cpu"), dtype=mg.float64).weight.dtype == np.float64


def test_max_and_min_take_axis_as_torch_does_an_alias_of_dim():
    x = mg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    values, indices = x.max(axis=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert x.min(axis=0, keepdims=True).values.shape == (1, 3)
    with pytest.raises(TypeError, match="amax/amin"):
        x.max(axis=(0, 1))
    with pytest.raises(TypeError, match="both dim=0 and axis=1"):
        x.min(0, axis=1)
