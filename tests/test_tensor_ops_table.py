"""The Tensor ops PyTorch tutorials use, one table driving every check: values and gradients against PyTorch in
float32 and float64, and against central differences in float64 (second derivatives where the op is smooth)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck

rng = np.random.default_rng(11)


def r(*shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def no_ties(*shape):
    """Distinct values, so that max/min and clamp's bounds are never tied."""
    return rng.permutation(np.arange(int(np.prod(shape)), dtype=np.float64)).reshape(shape) / 7 - 1


INDEX = np.array([[0, 2, 2], [1, 0, 0]])
MASK = np.array([[True, False, True], [False, False, True]])

# name: (function of the library (minigrad or torch) and the inputs, inputs, smooth enough for second derivatives)
OPS = {
    "squeeze dim": (lambda L, a: a.squeeze(-2), [r(3, 1, 2)], True),
    "squeeze all": (lambda L, a: a.squeeze(), [r(1, 3, 1)], True),
    "unsqueeze negative": (lambda L, a: a.unsqueeze(-1) * a.unsqueeze(0), [r(3)], True),
    "minimum with ties": (lambda L, a, b: L.minimum(a, b), [np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])],
                          False),
    "clamp numbers": (lambda L, a: a.clamp(-0.5, 0.7), [no_ties(2, 3)], False),
    "clamp min only": (lambda L, a: L.clamp(a, min=0.1), [no_ties(4)], False),
    "clamp tensor bounds": (lambda L, a, lo, hi: a.clamp(lo, hi), [no_ties(5), np.full(5, -0.3), np.full(5, 0.4)],
                            False),
    "clip": (lambda L, a: a.clip(-0.95, 1.0), [no_ties(4)], False),
    "repeat": (lambda L, a: a.repeat(2, 1, 3), [r(2, 3)], True),
    "var": (lambda L, a: a.var(), [r(3, 4)], True),
    "var dim keepdim": (lambda L, a: a.var(-1, keepdim=True), [r(3, 4)], True),
    "var biased": (lambda L, a: a.var(0, unbiased=False), [r(3, 4)], True),
    "std dim": (lambda L, a: a.std(dim=1), [r(3, 4)], True),
    "std correction 0": (lambda L, a: a.std(dim=(0, 1), correction=0), [r(3, 4)], True),
    "prod": (lambda L, a: a.prod(), [r(2, 3)], True),
    "prod dim keepdim": (lambda L, a: a.prod(1, keepdim=True), [r(3, 4)], True),
    "prod with zeros": (lambda L, a: L.prod(a, dim=-1), [np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.5], [1.0, 2.0, 3.0]])],
                        False),        # first derivatives exact at zeros; second ones are not (nor PyTorch's)
    "logsumexp": (lambda L, a: a.logsumexp(1), [r(3, 4)], True),
    "logsumexp keepdim negative": (lambda L, a: a.logsumexp(-2, keepdim=True) * 2, [r(2, 3, 4)], True),
    "logsumexp large": (lambda L, a: L.logsumexp(a * 400, dim=0), [r(3, 2)], True),
    "gather": (lambda L, a: a.gather(1, L.tensor(INDEX)), [r(2, 3)], True),
    "gather smaller index": (lambda L, a: a.gather(0, L.tensor(INDEX[:1, :2])), [r(3, 4)], True),
    "masked_fill": (lambda L, a: a.masked_fill(L.tensor(MASK), 0.5), [r(2, 3)], True),
    "tril": (lambda L, a: a.tril(), [r(3, 4)], True),
    "triu diagonal": (lambda L, a: a.triu(1) + a.tril(-1), [r(2, 3, 3)], True),
    "flatten range": (lambda L, a: a.flatten(1, 2) * L.tensor(np.arange(24.0).reshape(2, 12, 1)).to(a.dtype),
                      [r(2, 3, 4, 1)], True),
    "flatten end_dim": (lambda L, a: a.flatten(end_dim=-2), [r(2, 3, 4)], True),
    "unflatten": (lambda L, a: a.unflatten(1, (2, 3)), [r(4, 6)], True),
    "erf": (lambda L, a: L.erf(a), [r(5)], True),
    "rsqrt": (lambda L, a: a.rsqrt(), [positive(4)], True),
    "log2": (lambda L, a: a.log2(), [positive(4)], True),
    "log10": (lambda L, a: L.log10(a), [positive(4)], True),
    "exp2": (lambda L, a: a.exp2(), [r(4)], True),
    "tan": (lambda L, a: a.tan(), [r(4, low=-1.2, high=1.2)], True),
    "argmax keepdim": (lambda L, a: a * a.argmax(1, keepdim=True).to(a.dtype), [r(3, 4)], True),
    "sum of 0-d over dim -1": (lambda L, a: a.sum(-1) * a.sum(0), [np.array(1.5)], True),
    "mean of 0-d keepdim": (lambda L, a: a.mean(0, keepdim=True) * a, [np.array(1.5)], True),
    "sum of an empty tensor": (lambda L, a: a.sum(0) + 1, [np.zeros((0, 3))], True),
    "logsumexp of an empty dim": (lambda L, a: a.logsumexp(0), [np.zeros((0, 2))], True),
    "cat with an empty tensor": (lambda L, a, b: L.cat([a, b], dim=0) * 2, [np.zeros((0, 3)), r(2, 3)], True),
    "max along dim of 0-d": (lambda L, a: a.max(0).values * a, [np.array(1.5)], False),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradient_against_central_differences(name):
    fn, inputs, _ = OPS[name]
    assert gradcheck(lambda *xs: fn(mg, *xs), inputs)


@pytest.mark.parametrize("name", sorted(n for n, case in OPS.items() if case[2]))
def test_second_derivatives_against_central_differences(name):
    fn, inputs, _ = OPS[name]
    assert gradgradcheck(lambda *xs: fn(mg, *xs), inputs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_values_and_gradients_against_pytorch(name, dtype):
    torch = pytest.importorskip("torch")
    fn, inputs, _ = OPS[name]
    ours = [mg.tensor(np.asarray(x, dtype=dtype), requires_grad=True) for x in inputs]
    theirs = [torch.tensor(np.asarray(x, dtype=dtype), requires_grad=True) for x in inputs]
    out, ref = fn(mg, *ours), fn(torch, *theirs)
    assert out.shape == tuple(ref.shape) and str(out.dtype) == str(ref.dtype).replace("torch.", "")
    weights = rng.uniform(0.5, 1.5, tuple(ref.shape))
    (out * mg.tensor(weights, dtype=dtype)).sum().backward()
    (ref * torch.tensor(weights, dtype=getattr(torch, dtype))).sum().backward()
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == "float64" else dict(rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), **tol)
    for x, t in zip(ours, theirs):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), **tol)
