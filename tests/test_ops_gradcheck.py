"""Every Tensor op against central differences in float64, first and second derivatives."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import GradcheckError, gradcheck, gradgradcheck

rng = np.random.default_rng(1)


def r(*shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


CASES = {
    # name: (function, inputs)
    "add broadcast right": (lambda a, b: a + b, [r(3, 4), r(4)]),
    "add broadcast left": (lambda a, b: a + b, [r(1, 4), r(3, 1)]),
    "sub keeps rows": (lambda a, b: a - b, [r(2, 3, 4), r(3, 1)]),
    "rsub scalar": (lambda a: 3.0 - a, [r(5)]),
    "mul broadcast both": (lambda a, b: a * b, [r(2, 1, 4), r(3, 1)]),
    "rmul scalar": (lambda a: 2.5 * a, [r(3)]),
    "div": (lambda a, b: a / b, [r(3, 4), positive(4)]),
    "rdiv scalar": (lambda a: 1.0 / a, [positive(3)]),
    "neg": (lambda a: -a, [r(3)]),
    "pow scalar": (lambda a: a ** 3, [r(4)]),
    "pow fractional": (lambda a: a ** 0.5, [positive(4)]),
    "pow tensor exponent": (lambda a, b: a ** b, [positive(3, 2), r(2)]),
    "rpow": (lambda a: 2.0 ** a, [r(3)]),
    "matmul 2d": (lambda a, b: a @ b, [r(3, 4), r(4, 2)]),
    "matmul batched broadcast": (lambda a, b: a @ b, [r(2, 3, 4), r(4, 5)]),
    "matmul batch both": (lambda a, b: a @ b, [r(2, 1, 3, 4), r(3, 4, 2)]),
    "matmul vec-mat": (lambda a, b: a @ b, [r(4), r(4, 3)]),
    "matmul mat-vec": (lambda a, b: a @ b, [r(3, 4), r(4)]),
    "matmul vec-vec": (lambda a, b: a @ b, [r(4), r(4)]),
    "matmul vec-batched": (lambda a, b: a @ b, [r(4), r(2, 4, 3)]),
    "exp": (lambda a: a.exp(), [r(3, 2)]),
    "log": (lambda a: a.log(), [positive(3)]),
    "sqrt": (lambda a: a.sqrt(), [positive(3)]),
    "abs": (lambda a: a.abs(), [r(5)]),
    "sin": (lambda a: mg.sin(a), [r(4)]),
    "cos": (lambda a: mg.cos(a), [r(4)]),
    "sinh": (lambda a: mg.sinh(a), [r(4)]),
    "cosh": (lambda a: mg.cosh(a), [r(4)]),
    "tanh": (lambda a: mg.tanh(a), [r(4)]),
    "sigmoid": (lambda a: mg.sigmoid(a), [r(4, low=-8, high=8)]),
    "relu": (lambda a: mg.relu(a), [r(6)]),
    "maximum": (lambda a, b: mg.maximum(a, b), [r(3, 4), r(4)]),
    "where": (lambda a, b: mg.where(a._array > 0, a, b), [r(3, 4), r(4)]),
    "sum all": (lambda a: a.sum(), [r(3, 4)]),
    "sum axis": (lambda a: a.sum(axis=1), [r(3, 4, 2)]),
    "sum axes keepdims": (lambda a: a.sum(axis=(0, 2), keepdims=True), [r(3, 4, 2)]),
    "sum negative axis": (lambda a: a.sum(axis=-1), [r(3, 4)]),
    "mean axis": (lambda a: a.mean(axis=0), [r(3, 4)]),
    "mean all": (lambda a: a.mean(), [r(3, 4)]),
    "max all": (lambda a: a.max(), [r(3, 4)]),
    "amax axis keepdims": (lambda a: a.amax(axis=1, keepdims=True), [r(3, 4)]),
    "max axis": (lambda a: a.max(axis=0).values, [r(3, 4)]),
    "reshape": (lambda a: a.reshape(4, 3) * np.arange(12.0).reshape(4, 3), [r(3, 4)]),
    "permute": (lambda a, b: a.permute(2, 0, 1) @ b, [r(3, 4, 2), r(4, 2)]),
    "permute negative dims": (lambda a: a.permute(-1, 0, -2) * np.arange(24.0).reshape(2, 3, 4), [r(3, 4, 2)]),
    "transpose two dims": (lambda a: a.transpose(0, -1) * np.arange(24.0).reshape(2, 4, 3), [r(3, 4, 2)]),
    "T": (lambda a, b: a.T @ b, [r(3, 4), r(3, 2)]),
    "getitem slice": (lambda a: a[1:, ::2], [r(3, 4)]),
    "getitem int array repeats": (lambda a: a[np.array([0, 2, 0, 0])], [r(3, 2)]),
    "getitem pair of arrays": (lambda a: a[np.arange(3), np.array([1, 0, 1])], [r(3, 2)]),
    "getitem bool mask": (lambda a: a[a._array > 0], [r(3, 4)]),
    "concatenate": (lambda a, b: mg.concatenate([a, b], axis=1), [r(2, 3), r(2, 1)]),
    "stack": (lambda a, b: mg.stack([a, b], axis=1), [r(2, 3), r(2, 3)]),
    "broadcast_to": (lambda a: a.broadcast_to((2, 3, 4)), [r(3, 1)]),
    "chapter f: x cos(pi x)": (lambda x: x * mg.cos(np.pi * x), [r(5)]),
    "chapter f: 0.1 x1^2 + 2 x2^2": (lambda x1, x2: 0.1 * x1 ** 2 + 2 * x2 ** 2, [r(1), r(1)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_first_derivatives_match_central_differences(name):
    fn, inputs = CASES[name]
    assert gradcheck(fn, inputs)


SMOOTH = [n for n in CASES if n not in ("abs", "relu", "maximum", "where", "max all", "max axis keepdims",
                                        "max axis", "getitem bool mask")]


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_second_derivatives_match_central_differences(name):
    fn, inputs = CASES[name]
    assert gradgradcheck(fn, inputs)


def test_gradcheck_reports_the_worst_element():
    def wrong_square(x):          # value x^2, but a made-up gradient 3x at the element of index 2
        out = x ** 2
        def backward(g):
            scale = np.array([2.0, 2.0, 3.0])
            return (g * x * scale,)
        return mg.Tensor.from_op(out._array, (x,), "wrong_square", backward)

    with pytest.raises(GradcheckError, match=r"input 0, element \(2,\)"):
        gradcheck(wrong_square, [np.array([1.0, 2.0, 3.0])])
    assert gradcheck(wrong_square, [np.array([1.0, 2.0, 3.0])], raise_exception=False) is False
