"""Elementwise functions of one tensor, each forward beside its backward.

float32 ``exp``, ``log``, ``sin``, ``cos``, ``tanh`` (and ``tan``, ``log2``, ``log10``, ``exp2``, ``rsqrt``) are
computed in float64 and rounded once: numpy's float32 kernels can be more than one ulp off, which shows in printed
digits; rounded once, they are within an ulp of PyTorch's.
"""
import math

import numpy as np

from .function import Function


def rounded_once(fn, x):
    """``fn(x)`` with float32 input computed in float64 and rounded once to float32."""
    with np.errstate(divide="ignore", invalid="ignore"):     # log(0) = -inf, log(-1) = nan, silently as PyTorch
        if x.dtype == np.float32:
            return fn(x.astype(np.float64)).astype(np.float32)
        return fn(x)


class Exp(Function):
    def forward(self, x):
        return rounded_once(np.exp, x)

    def backward(self, g):
        return g * self.output


class Log(Function):
    def forward(self, x):
        return rounded_once(np.log, x)

    def backward(self, g):
        return g / self.inputs[0]


class Sin(Function):
    def forward(self, x):
        return rounded_once(np.sin, x)

    def backward(self, g):
        return g * self.inputs[0].cos()


class Cos(Function):
    def forward(self, x):
        return rounded_once(np.cos, x)

    def backward(self, g):
        return -g * self.inputs[0].sin()


class Tanh(Function):
    def forward(self, x):
        return rounded_once(np.tanh, x)

    def backward(self, g):
        return g * (1 - self.output * self.output)


class Tan(Function):
    def forward(self, x):
        return rounded_once(np.tan, x)

    def backward(self, g):
        return g * (1 + self.output * self.output)


class Log2(Function):
    def forward(self, x):
        return rounded_once(np.log2, x)

    def backward(self, g):
        return g / (self.inputs[0] * np.log(2.0))


class Log10(Function):
    def forward(self, x):
        return rounded_once(np.log10, x)

    def backward(self, g):
        return g / (self.inputs[0] * np.log(10.0))


class Exp2(Function):
    def forward(self, x):
        return rounded_once(np.exp2, x)

    def backward(self, g):
        return g * self.output * np.log(2.0)


_erf = np.frompyfunc(math.erf, 1, 1)


class Erf(Function):
    """The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to x (numpy has none: math.erf per element)."""

    def forward(self, x):
        return np.asarray(_erf(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)

    def backward(self, g):
        x = self.inputs[0]
        return g * (2 / math.sqrt(math.pi)) * (-(x * x)).exp()


class Asin(Function):
    def forward(self, x):
        return rounded_once(np.arcsin, x)

    def backward(self, g):
        x = self.inputs[0]
        return g * (1 - x * x).rsqrt()


class Acos(Function):
    def forward(self, x):
        return rounded_once(np.arccos, x)

    def backward(self, g):
        x = self.inputs[0]
        return -g * (1 - x * x).rsqrt()


class Atan(Function):
    def forward(self, x):
        return rounded_once(np.arctan, x)

    def backward(self, g):
        x = self.inputs[0]
        return g / (1 + x * x)


class Asinh(Function):
    def forward(self, x):
        return rounded_once(np.arcsinh, x)

    def backward(self, g):
        x = self.inputs[0]
        return g * (x * x + 1).rsqrt()


class Acosh(Function):
    def forward(self, x):
        return rounded_once(np.arccosh, x)

    def backward(self, g):
        x = self.inputs[0]
        return g * (x * x - 1).rsqrt()


class Atanh(Function):
    def forward(self, x):
        return rounded_once(np.arctanh, x)

    def backward(self, g):
        x = self.inputs[0]
        return g / (1 - x * x)


class Stepwise(Function):
    """A piecewise-constant function (floor, ceil, round, trunc): its gradient is zero everywhere, as PyTorch's."""
    compute = None

    def forward(self, x, **params):
        return self.compute(x, **params)

    def backward(self, g):
        return g * 0.0


class Floor(Stepwise):
    compute = staticmethod(np.floor)


class Ceil(Stepwise):
    compute = staticmethod(np.ceil)


class Trunc(Stepwise):
    compute = staticmethod(np.trunc)


class Round(Stepwise):
    """Halves to the even neighbour (as PyTorch and numpy); ``decimals`` rounds to that many places."""
    compute = staticmethod(lambda x, decimals=0: np.round(x, decimals))


class Rsqrt(Function):
    def forward(self, x):
        return rounded_once(lambda v: 1 / np.sqrt(v), x)

    def backward(self, g):
        return g * -0.5 * self.output * self.output * self.output


class Reciprocal(Function):
    """1 / x. d/dx = -(1/x)², written with the reciprocal (PyTorch's formula, so the gradient's bits are its too)."""

    def forward(self, x):
        with np.errstate(divide="ignore", over="ignore"):      # 1 / 0 = inf, 1 / 1e-45 = inf, silently as PyTorch
            return np.reciprocal(x)

    def backward(self, g):
        r = self.inputs[0].reciprocal()
        return -g * (r * r)


class Sinh(Function):
    def forward(self, x):
        return np.sinh(x)

    def backward(self, g):
        return g * self.inputs[0].cosh()


class Cosh(Function):
    def forward(self, x):
        return np.cosh(x)

    def backward(self, g):
        return g * self.inputs[0].sinh()


class Sqrt(Function):
    def forward(self, x):
        with np.errstate(invalid="ignore"):
            return np.sqrt(x)

    def backward(self, g):
        return g / (2 * self.output)


class Abs(Function):
    def forward(self, x):
        return np.abs(x)

    def backward(self, g):
        return g * self.inputs[0].sign()


class Sign(Function):
    """-1, 0 or 1; its gradient is zero everywhere (as PyTorch's)."""

    def forward(self, x):
        return np.sign(x)

    def backward(self, g):
        return g * 0.0


class Sigmoid(Function):
    def forward(self, x):
        # exp of a non-positive number only, so large |x| neither overflows nor loses the small side
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)

    def backward(self, g):
        return g * self.output * (1 - self.output)


class Relu(Function):
    """max(x, 0); the gradient at 0 is 0, as PyTorch's."""

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g):
        return g * (self.inputs[0]._array > 0).astype(g.dtype)


class Cast(Function):
    """A copy in another dtype (``to``, ``float()``, ``double()``); the gradient goes back in the input's dtype."""
    torch_name = "ToCopyBackward0"

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, g):
        return g.to(self.inputs[0].dtype)


class Clone(Function):
    def forward(self, x):
        return x.copy()

    def backward(self, g):
        return g
