"""Forward values and gradients against PyTorch on the same inputs (skipped where torch is not installed)."""
import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")

rng = np.random.default_rng(3)


def r(*shape):
    return rng.uniform(-2, 2, shape)


def pos(*shape):
    return rng.uniform(0.5, 2, shape)


# name: (minigrad function, torch function, inputs). Ties (relu at 0, max, maximum) are exercised on purpose.
CASES = {
    "add/sub/mul/div broadcast": (lambda a, b: (a + b) * (a - b) / b, lambda a, b: (a + b) * (a - b) / b,
                                  [r(3, 4), pos(4)]),
    "pow scalar and tensor": (lambda a, b: a ** 3 + a ** b, lambda a, b: a ** 3 + a ** b, [pos(3, 2), r(2)]),
    "rpow/rdiv": (lambda a: 2.0 ** a + 1.0 / a, lambda a: 2.0 ** a + 1.0 / a, [pos(4)]),
    "matmul batched": (lambda a, b: a @ b, lambda a, b: a @ b, [r(2, 3, 4), r(4, 5)]),
    "matmul vector cases": (lambda a, b, c: (a @ b) @ c, lambda a, b, c: (a @ b) @ c, [r(4), r(2, 4, 3), r(3)]),
    "unary": (lambda a: mg.exp(a) + mg.sin(a) * mg.cos(a) + mg.cosh(a) + mg.sinh(a) + mg.tanh(a) + mg.sigmoid(a)
              + mg.abs(a) + mg.relu(a) + mg.sqrt(mg.abs(a) + 1) + mg.log(mg.abs(a) + 1),
              lambda a: torch.exp(a) + torch.sin(a) * torch.cos(a) + torch.cosh(a) + torch.sinh(a) + torch.tanh(a)
              + torch.sigmoid(a) + torch.abs(a) + torch.relu(a) + torch.sqrt(torch.abs(a) + 1)
              + torch.log(torch.abs(a) + 1), [r(5, 3)]),
    "relu at zero": (lambda a: mg.relu(a), lambda a: torch.relu(a), [np.array([-1.0, 0.0, 2.0])]),
    "maximum with ties": (lambda a, b: mg.maximum(a, b), lambda a, b: torch.maximum(a, b),
                          [np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])]),
    "where": (lambda a, b: mg.where(a._array > 0, a, b), lambda a, b: torch.where(a > 0, a, b), [r(3, 4), r(4)]),
    "reductions": (lambda a: a.sum(axis=1) * a.mean(axis=0, keepdims=True).sum() + a.amax(axis=1),
                   lambda a: a.sum(dim=1) * a.mean(dim=0, keepdim=True).sum() + a.amax(dim=1), [r(3, 4)]),
    "max with ties": (lambda a: a.max(), lambda a: a.amax(), [np.array([[1.0, 3.0], [3.0, 0.0]])]),
    "max/min with torch's axis alias": (lambda a: a.max(axis=1, keepdims=True).values + a.min(axis=0).values,
                                        lambda a: a.max(axis=1, keepdims=True).values + a.min(axis=0).values,
                                        [np.array([[1.0, 3.0, 3.0], [2.0, 0.5, 0.5]])]),
    "shapes": (lambda a: a.reshape(4, 6).T.transpose(1, 0).reshape(2, 3, 4).permute(2, 0, 1) * 1.5,
               lambda a: a.reshape(4, 6).T.permute(1, 0).reshape(2, 3, 4).permute(2, 0, 1) * 1.5, [r(2, 12)]),
    "indexing": (lambda a: a[1:, ::2].sum() + a[np.array([0, 2, 0]), np.array([1, 1, 3])],
                 lambda a: a[1:, ::2].sum() + a[torch.tensor([0, 2, 0]), torch.tensor([1, 1, 3])], [r(3, 4)]),
    "cat/stack": (lambda a, b: mg.stack([mg.cat([a, b], axis=1), mg.cat([b, a], axis=1)], axis=0),
                  lambda a, b: torch.stack([torch.cat([a, b], dim=1), torch.cat([b, a], dim=1)], dim=0),
                  [r(2, 3), r(2, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_gradients_match_pytorch(name, dtype):
    fn, torch_fn, inputs = CASES[name]
    ours = [mg.tensor(x, dtype=dtype, requires_grad=True) for x in inputs]
    theirs = [torch.tensor(x, dtype=getattr(torch, np.dtype(dtype).name), requires_grad=True) for x in inputs]
    out, ref = fn(*ours), torch_fn(*theirs)
    weights = rng.uniform(0.5, 1.5, ref.shape)
    (out * weights).sum().backward()
    (ref * torch.tensor(weights, dtype=ref.dtype)).sum().backward()
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-5)
    assert out.dtype == dtype
    np.testing.assert_allclose(out._array, ref.detach().numpy(), **tol)
    for x, t in zip(ours, theirs):
        assert x.grad.dtype == dtype
        np.testing.assert_allclose(x.grad._array, t.grad.numpy(), **tol)


def test_hessian_vector_product_matches_pytorch():
    x0, v = r(4), r(4)
    x = mg.tensor(x0, dtype=np.float64, requires_grad=True)
    g, = mg.grad((x * mg.cos(np.pi * x) + mg.cosh(2 * x)).sum() * x.sum(), x, create_graph=True)
    hv, = mg.grad((g * v).sum(), x)
    t = torch.tensor(x0, requires_grad=True)
    tg, = torch.autograd.grad((t * torch.cos(np.pi * t) + torch.cosh(2 * t)).sum() * t.sum(), t, create_graph=True)
    thv, = torch.autograd.grad((tg * torch.tensor(v)).sum(), t)
    np.testing.assert_allclose(hv._array, thv.numpy(), rtol=1e-12)


POW_POINTS = [  # (base, exponent): zero bases, negative bases, zero exponents, as the op tests of issue 16 met them
    ([0.0, 0.0, 0.0, 0.0, -2.0, -2.0, 2.0], [2.0, 0.5, 0.0, -0.3, 2.0, 0.5, 0.0]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pow_gradients_at_zero_and_negative_bases_match_pytorch(dtype):
    for base, exponent in POW_POINTS:
        a, b = (mg.tensor(np.array(v, dtype=dtype), requires_grad=True) for v in (base, exponent))
        ta, tb = (torch.tensor(np.array(v, dtype=dtype), requires_grad=True) for v in (base, exponent))
        (a ** b).sum().backward()
        (ta ** tb).sum().backward()
        for ours, theirs in ((a.grad, ta.grad), (b.grad, tb.grad)):
            np.testing.assert_allclose(ours._array, theirs.numpy(), rtol=1e-6, equal_nan=True)
        for p in (0, 2, 0.5, -0.3, 3):      # a Python exponent
            x, tx = mg.tensor(np.array(base, dtype=dtype), requires_grad=True), torch.tensor(
                np.array(base, dtype=dtype), requires_grad=True)
            (x ** p).sum().backward()
            (tx ** p).sum().backward()
            np.testing.assert_allclose(x.grad._array, tx.grad.numpy(), rtol=1e-6, equal_nan=True)
        for s in (0.0, 2.0, -2.0):          # a Python base
            x, tx = mg.tensor(np.array(exponent, dtype=dtype), requires_grad=True), torch.tensor(
                np.array(exponent, dtype=dtype), requires_grad=True)
            (s ** x).sum().backward()
            (s ** tx).sum().backward()
            np.testing.assert_allclose(x.grad._array, tx.grad.numpy(), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("dim", [0, -1, (0,), None])
def test_reductions_of_a_0d_tensor_over_dim_0_or_minus_1(dim):
    x, t = mg.tensor(2.5, requires_grad=True), torch.tensor(2.5, requires_grad=True)
    for reduce in ("sum", "mean", "amax"):
        out = getattr(x, reduce)(dim) if dim is not None else getattr(x, reduce)()
        ref = getattr(t, reduce)(dim) if dim is not None else getattr(t, reduce)()
        assert out.shape == tuple(ref.shape) == () and out.item() == ref.item()
        (out * 3).backward()
        (ref * 3).backward()
    assert x.grad.item() == t.grad.item()


def test_permute_with_negative_dims_gives_the_gradient_pytorchs_shape():
    values = rng.uniform(-1, 1, (2, 3, 4))
    x, t = mg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    weights = rng.uniform(size=(4, 2, 3))
    (x.permute(-1, 0, -2) * weights).sum().backward()
    (t.permute(-1, 0, -2) * torch.tensor(weights)).sum().backward()
    assert x.grad.shape == (2, 3, 4)
    np.testing.assert_array_equal(x.grad._array, t.grad.numpy())
