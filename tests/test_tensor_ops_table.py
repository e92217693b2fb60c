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
SCATTER_INDEX = np.array([[0, 1, 2, 0], [2, 1, 0, 0]])
UNIQUE_INDEX = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])     # no place written twice: plain scatter's gradient exists
ATTENTION_MASK = np.array([[True, False, True, True, False], [True, True, False, False, False],
                           [False, False, False, False, True]])

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
    "repeat_interleave flattened": (lambda L, a: a.repeat_interleave(2), [r(2, 3)], True),
    "repeat_interleave dim": (lambda L, a: L.repeat_interleave(a, 3, dim=-1), [r(2, 3)], True),
    "repeat_interleave tensor repeats": (lambda L, a: a.repeat_interleave(L.tensor([2, 0, 1]), dim=1), [r(2, 3)],
                                         True),
    "repeat_interleave one repeat for all": (lambda L, a: a.repeat_interleave(L.tensor([3]), dim=0), [r(2, 3)], True),
    "repeat_interleave of 0-d": (lambda L, a: a.repeat_interleave(3) * L.tensor([1.0, 2.0, 3.0]).to(a.dtype),
                                 [np.array(0.7)], True),
    "index_select repeated": (lambda L, a: L.index_select(a, 0, L.tensor([2, 0, 2, 2])), [r(3, 2)], True),
    "softmax method": (lambda L, a: a.softmax(-1), [r(3, 4)], True),
    "softmax function dim 0": (lambda L, a: L.softmax(a, 0), [r(3, 4)], True),
    "softmax large": (lambda L, a: (a * 400).softmax(1), [r(2, 3)], True),
    "softmax of 0-d": (lambda L, a: a.softmax(0) * a, [np.array(0.4)], True),
    "log_softmax method": (lambda L, a: a.log_softmax(1), [r(2, 3, 2)], True),
    "log_softmax function large": (lambda L, a: L.log_softmax(a * 400, dim=0), [r(3, 2)], True),
    "asin acos atan": (lambda L, a: a.asin() + L.acos(a) * a.atan(), [r(5, low=-0.9, high=0.9)], True),
    "asinh acosh atanh": (lambda L, a, b: a.asinh() * b.acosh() + L.atanh(a * 0.4), [r(4), r(4, low=1.2, high=3)],
                          True),
    "floor ceil round trunc": (lambda L, a: a.floor() * a + a.ceil() + L.round(a * 3) * a + a.trunc() * a,
                               [r(6)], True),
    "round decimals": (lambda L, a: a.round(decimals=2) * a, [r(5)], True),
    "remainder and %": (lambda L, a, b: a % b + L.remainder(a * 3, 1.5), [r(3, 4), positive(4) * np.sign(r(4))],
                        True),
    "fmod": (lambda L, a, b: L.fmod(a * 3, b), [r(3, 4), positive(3, 4)], True),
    "copysign": (lambda L, a, b: a.copysign(b) + L.copysign(b, -1.0), [r(3, 4), r(4)], True),
    "div rounding modes": (lambda L, a, b: a.div(b, rounding_mode="floor") * a + L.div(a, b, rounding_mode="trunc"),
                           [r(3, 4), positive(4)], True),
    "lerp tensor weight": (lambda L, a, b, w: a.lerp(b, w), [r(3, 4), r(3, 4), r(4)], True),
    "logaddexp": (lambda L, a, b: L.logaddexp(a, b * 300), [r(3, 4), r(4)], True),
    "cumsum": (lambda L, a: a.cumsum(1) * a.cumsum(dim=-2), [r(3, 4)], True),
    "cumprod": (lambda L, a: a.cumprod(0) + L.cumprod(a, -1), [r(3, 4)], True),
    "cumprod with zeros": (lambda L, a: a.cumprod(1), [np.array([[0.0, 2.0, 0.5, 3.0], [1.5, 0.0, 0.0, 2.0]])],
                           False),
    "logcumsumexp wide range": (lambda L, a: L.logcumsumexp(a * L.tensor([1.0, 200.0, 1.0, 1.0]).to(a.dtype), dim=1),
                                [r(3, 4)], True),
    "cummax cummin": (lambda L, a: a.cummax(1).values * a.cummin(dim=0)[0], [no_ties(3, 4)], False),
    "sort": (lambda L, a: a.sort(1).values * L.sort(a, 0, descending=True)[0], [no_ties(3, 4)], False),
    "topk": (lambda L, a: a.topk(2).values.sum(1, keepdim=True) * L.topk(a, 1, dim=0, largest=False)[0],
             [no_ties(3, 4)], False),
    "flip": (lambda L, a: a.flip(0, -1) * a + L.flip(a, (1,)), [r(3, 4)], True),
    "roll": (lambda L, a: a.roll(1) * a.roll((1, -2), (0, 1)), [r(3, 4)], True),
    "diagonal and diag": (lambda L, a: a.diagonal(1) + L.diag(a[:, 0]).sum(0)[:3] + a.diagonal(0, 0, 1),
                          [r(3, 4)], True),
    "diag of a vector with offset": (lambda L, a: L.diag(a, -1), [r(3)], True),
    "unfold": (lambda L, a: a.unfold(1, 3, 2) * a.unfold(1, 3, 2), [r(2, 7)], True),
    "movedim": (lambda L, a: a.movedim(0, -1) * L.tensor(np.arange(24.0).reshape(3, 4, 2)).to(a.dtype),
                [r(2, 3, 4)], True),
    "einsum matmul": (lambda L, a, b: L.einsum("ij,jk->ik", a, b), [r(2, 3), r(3, 4)], True),
    "einsum batched and broadcast": (lambda L, a, b: L.einsum("...ij,...jk", a, b), [r(2, 1, 3, 4), r(5, 4, 2)], True),
    "einsum trace and diagonal": (lambda L, a: L.einsum("ii", a) * L.einsum("ii->i", a), [r(3, 3)], True),
    "einsum summed inside one operand": (lambda L, a, b: L.einsum("ij,k->i", a, b), [r(2, 3), r(4)], True),
    "einsum list of operands": (lambda L, a, b, c: L.einsum("ab,bc,cd->ad", [a, b, c]), [r(2, 3), r(3, 4), r(4, 2)],
                                True),
    "scatter": (lambda L, a, s: a.scatter(0, L.tensor(UNIQUE_INDEX), s), [r(3, 4), r(2, 4)], True),
    "scatter a number": (lambda L, a: a.scatter(1, L.tensor(SCATTER_INDEX[:, :3] % 3), 2.5) * a, [r(3, 4)], True),
    "scatter_add": (lambda L, a, s: L.scatter_add(a, 0, L.tensor(SCATTER_INDEX), s), [r(3, 4), r(2, 4)], True),
    "scatter_reduce mean": (lambda L, a, s: a.scatter_reduce(0, L.tensor(SCATTER_INDEX), s, "mean"),
                            [r(3, 4), r(2, 4)], True),
    "scatter_reduce sum not self": (lambda L, a, s: a.scatter_reduce(0, L.tensor(SCATTER_INDEX), s, "sum",
                                                                     include_self=False), [r(3, 4), r(2, 4)], True),
    "scatter_reduce prod with zeros": (lambda L, a, s: a.scatter_reduce(0, L.tensor(SCATTER_INDEX), s, "prod"),
                                       [np.array([[0.0, 1.5, 2.0, 0.0], [1.0, 0.0, -1.0, 2.0], [0.5, 1.0, 0.0, 3.0]]),
                                        np.array([[2.0, 0.0, 3.0, 0.0], [0.0, 1.5, 0.5, 2.0]])], False),
    "scatter_reduce amax ties": (lambda L, a, s: a.scatter_reduce(0, L.tensor(SCATTER_INDEX), s, "amax"),
                                 [np.array([[1.0, 2.0, 0.0, 4.0], [0.0, 2.0, 5.0, 1.0], [3.0, 0.0, 1.0, 1.0]]),
                                  np.array([[1.0, 2.0, 5.0, 4.0], [3.0, 1.0, 0.0, 2.0]])], False),    # 2-way ties
    "scatter_reduce amin not self": (lambda L, a, s: a.scatter_reduce(1, L.tensor(SCATTER_INDEX % 3), s, "amin",
                                                                      include_self=False),
                                     [no_ties(2, 4), no_ties(2, 4) + 9], False),
    "scaled_dot_product_attention": (lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(q, k, v),
                                     [r(2, 3, 4), r(2, 5, 4), r(2, 5, 2)], True),
    "attention causal with scale": (lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(
        q, k, v, is_causal=True, scale=0.3), [r(1, 2, 4, 3), r(1, 2, 4, 3), r(1, 2, 4, 2)], True),
    "attention float and bool masks": (lambda L, q, k, v, m: L.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=m) + L.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=L.tensor(
            ATTENTION_MASK)), [r(3, 4), r(5, 4), r(5, 2), r(3, 5)], True),
    "0-d: index_select, movedim, sort, cumsum": (lambda L, a: a.index_select(0, L.tensor([0])) * a.movedim(0, -1)
                                                  + a.sort().values * a.cumsum(0), [np.array(0.6)], True),
    "0-d: scatter_add and scatter_reduce": (lambda L, a, s: a.scatter_add(0, L.tensor(0), s) * a.scatter_reduce(
        0, L.tensor(0), s, "prod"), [np.array(0.6), np.array(-1.3)], True),
    "empty: softmax, cumprod, flip, sort": (lambda L, a: a.softmax(1) + a.cumprod(0) + a.flip(0) + a.sort(1).values,
                                            [np.zeros((0, 3))], True),
    "var_mean": (lambda L, a: L.var_mean(a, 1)[0] * L.var_mean(a, 1)[1], [r(3, 4)], True),
    "std_mean keepdim biased": (lambda L, a: L.std_mean(a, 0, keepdim=True, correction=0)[0] + L.std_mean(a)[1],
                                [r(3, 4)], True),
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


@pytest.mark.parametrize("call, error, words", [
    (lambda L, a: a.repeat_interleave(-1), ValueError, "non-negative"),
    (lambda L, a: a.repeat_interleave(L.tensor([1, -2]), dim=0), ValueError, "non-negative"),
    (lambda L, a: a.repeat_interleave(L.tensor([1, 2, 3]), dim=0), ValueError, "3 repeats for 2 entries"),
    (lambda L, a: a.repeat_interleave(2, dim=0, output_size=5), ValueError, "output_size 5"),
    (lambda L, a: a.index_select(1, L.tensor([0, 3])), IndexError, "out of range"),
    (lambda L, a: a.index_select(0, L.tensor([0.0])), TypeError, "integer"),
])
def test_repeats_and_indices_pytorch_refuses_are_refused(call, error, words):
    torch = pytest.importorskip("torch")
    with pytest.raises((RuntimeError, IndexError)):
        call(torch, torch.zeros(2, 3))
    with pytest.raises(error, match=words):
        call(mg, mg.zeros(2, 3))


def test_repeat_interleave_of_counts_alone_gives_the_repeated_indices():
    torch = pytest.importorskip("torch")
    for counts in ([2, 0, 1], [0, 0], []):
        ours = mg.repeat_interleave(mg.tensor(counts, dtype=mg.int64))
        theirs = torch.repeat_interleave(torch.tensor(counts, dtype=torch.int64))
        assert ours.dtype == np.int64 and ours.tolist() == theirs.tolist()
