"""Ops whose results are masks, integers or indices (no gradient): values, dtype and shape against PyTorch, from one
table; and the arguments PyTorch refuses, refused with an error that names the problem."""
import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

INTS = np.array([[-7, 4, 5, -4], [7, 8, -6, 0]], dtype=np.int32)
DIVISORS = np.array([[2, -3, 8, -2], [3, 5, 4, -1]], dtype=np.int32)
FLOATS = np.array([[1.0, np.nan, -np.inf, 2.5], [0.0, 1.0 + 1e-9, np.inf, -0.5]])

# name: (function of the library and the inputs, inputs)
VALUE_OPS = {
    "int division rounding": (lambda L, a, b: L.stack([a.div(b, rounding_mode="floor"), L.div(a, b, rounding_mode=
                                                       "trunc"), a // b]), [INTS, DIVISORS]),
    "int true division is float32": (lambda L, a, b: a / b, [INTS, DIVISORS]),
    "float floor division as Python's": (lambda L, a: L.floor_divide(a, 0.1), [np.array([1.0, -1.0, 0.3])]),
    "int remainder and fmod": (lambda L, a, b: L.stack([a % b, L.fmod(a, b), L.remainder(a, 3)]), [INTS, DIVISORS]),
    "shifts": (lambda L, a: L.stack([a << 2, a >> 1, L.bitwise_left_shift(a, 1)]), [np.abs(INTS)]),
    "reflected bitwise": (lambda L, a: L.stack([3 & a, 5 | a, 6 ^ a, ~a, L.bitwise_not(a)]), [INTS]),
    "logical": (lambda L, a, b: L.stack([L.logical_not(a), L.logical_and(a, b), a.logical_or(b), a.logical_xor(b)]),
                [INTS, DIVISORS]),
    "isnan isinf isfinite": (lambda L, a: L.stack([a.isnan(), L.isinf(a), a.isfinite()]), [FLOATS]),
    "isclose": (lambda L, a, b: L.stack([L.isclose(a, b), a.isclose(b, equal_nan=True), a.isclose(b, atol=0.6)]),
                [FLOATS, np.ones((2, 4))]),
    "all and any": (lambda L, a: L.stack([a.all(1), L.any(a, dim=1), a.all(dim=(0, 1), keepdim=True)[0, :1].expand(2)]),
                    [INTS]),
    "all of 0-d and empty": (lambda L, a, e: L.stack([a.all(), L.any(e), e.all()]), [np.array(0.0), np.zeros((0, 2))]),
    "nonzero": (lambda L, a: a.nonzero(), [INTS]),
    "nonzero as tuple": (lambda L, a: L.stack(L.nonzero(a, as_tuple=True)), [INTS]),
    "argsort stable descending": (lambda L, a: a.argsort(dim=1, descending=True, stable=True),
                                  [np.array([[1, 3, 1, 3, 2], [0, 0, 0, 1, 0]])]),
    "sort indices with ties": (lambda L, a: L.sort(a, stable=True).indices, [np.array([[2.0, 1.0, 2.0, 1.0]])]),
    "cummax indices of ties": (lambda L, a: L.stack([a.cummax(1).indices, a.cummin(1).indices]),
                               [np.array([[1.0, 3.0, 3.0, 2.0, 3.0], [0.0, 0.0, -1.0, -1.0, 5.0]])]),
    "integer cumsum and cumprod are int64": (lambda L, a: L.stack([a.cumsum(1), L.cumprod(a, 0).view(-1)[:4].expand(
        2, 4)]), [INTS]),
    "bool cumsum": (lambda L, a: (a > 0).cumsum(0), [INTS]),
    "floor of ints keeps them": (lambda L, a: L.stack([a.floor(), a.ceil(), a.round(), a.trunc()]), [INTS]),
    "copysign of ints is float": (lambda L, a, b: a.copysign(b), [INTS, DIVISORS]),
    "tril and triu of bool": (lambda L, a: L.stack([(a > 0).tril(), (a > 0).triu(1)]), [INTS]),
    "type": (lambda L, a: a.type(L.int64) + a.double().type(L.int32), [INTS]),
    "linspace of int64 truncates": (lambda L: L.linspace(-3.5, 3, 8, dtype=L.int64), []),
    "empty's shape and dtype": (lambda L: L.empty(2, 3, dtype=L.int64) * 0, []),
}


@pytest.mark.parametrize("name", sorted(VALUE_OPS))
def test_values_match_pytorch(name):
    fn, inputs = VALUE_OPS[name]
    out = fn(mg, *(mg.tensor(x) for x in inputs))
    ref = fn(torch, *(torch.tensor(x) for x in inputs))
    assert out.shape == tuple(ref.shape) and str(out.dtype) == str(ref.dtype).replace("torch.", "")
    np.testing.assert_array_equal(out.numpy(), ref.numpy())


def test_tensor_type_names():
    for dtype in ("float32", "float64", "int64", "int32", "bool", "uint8"):
        assert mg.zeros(1, dtype=getattr(mg, dtype)).type() == torch.zeros(1, dtype=getattr(torch, dtype)).type()
    assert mg.zeros(2).type("torch.DoubleTensor").dtype == np.float64


@pytest.mark.parametrize("call, error, words", [
    (lambda L: L.tensor([1, 2]) // L.tensor([1, 0]), ZeroDivisionError, "division by zero"),
    (lambda L: L.tensor([1, 2]) % 0, ZeroDivisionError, "division by zero"),
    (lambda L: L.tensor([1.0]).div(2, rounding_mode="round"), ValueError, "rounding_mode"),
    (lambda L: L.zeros(2, 4).roll((1, 2)), RuntimeError, "2 shifts"),
    (lambda L: L.zeros(2, 4).roll((1, 2), (0,)), RuntimeError, "align"),
    (lambda L: L.zeros(3).topk(4), RuntimeError, "out of range"),
    (lambda L: L.zeros(3).cumsum(1), IndexError, "out of range"),
    (lambda L: L.zeros(3, 3).diagonal(0, 1, 1), RuntimeError, "two different dimensions"),
    (lambda L: L.zeros(3).unfold(0, 4, 1), RuntimeError, "size 4"),
    (lambda L: L.zeros(2, 3).scatter(0, L.tensor([[0, 1, 1]]), L.ones(1, 3, dtype=L.float64)), TypeError, "dtype"),
    (lambda L: L.zeros(2, 3).scatter(0, L.tensor([[0, 2, 1]]), 1.0), IndexError, "out of bounds"),
    (lambda L: L.zeros(2, 3).scatter_reduce(0, L.tensor([[0, 1, 1]]), L.ones(1, 3), "median"), ValueError, "reduce"),
    (lambda L: L.einsum("ij,jk->ik", L.zeros(2, 3), L.zeros(2, 3)), ValueError, None),
    (lambda L: L.einsum("ij,jk", L.zeros(2, 3)), ValueError, "2 operands"),
    (lambda L: L.linspace(0, 1, 3, dtype=L.bool), TypeError, "bool"),
])
def test_what_pytorch_refuses_is_refused(call, error, words):
    with pytest.raises((RuntimeError, ValueError, IndexError, TypeError, ZeroDivisionError, NotImplementedError)):
        call(torch)
    with pytest.raises(error, match=words):
        call(mg)
