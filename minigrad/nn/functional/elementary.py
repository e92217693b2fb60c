"""Elementary functions that numpy computes more accurately than any composition of Tensor ops (log1p and expm1 near
0, erf), each an op with its derivative beside it, written with Tensor ops so that it can be differentiated again."""
import numpy as np

from ...functions import where
from ...ops.function import Function
from ...ops.unary import Erf


class Log1p(Function):
    """log(1 + x), exact for tiny x; d/dx = 1 / (1 + x)."""
    op = "log1p"    # the short name graph tables show (the F. function's name)

    torch_name = "Log1PBackward0"

    def forward(self, x):
        return np.log1p(x)

    def backward(self, g):
        return g / (1 + self.inputs[0])


class Expm1(Function):
    """exp(x) - 1, exact for tiny x; d/dx = exp(x)."""
    op = "expm1"    # the short name graph tables show (the F. function's name)

    def forward(self, x):
        return np.expm1(x)

    def backward(self, g):
        return g * self.inputs[0].exp()


def log1p(x):
    """log(1 + x), exact for tiny x."""
    return Log1p.apply(x)


def expm1(x):
    """exp(x) - 1, exact for tiny x."""
    return Expm1.apply(x)


def erf(x):
    """The error function: the Tensor op ``Erf`` (math.erf per element, exact; d/dx = 2/sqrt(pi) exp(-x^2))."""
    return Erf.apply(x)


def log1p_exp(z):
    """log(1 + exp(z)) without overflow or cancellation, smooth everywhere (derivative sigmoid(z), 1/2 at 0):
    max(z, 0) + log1p(exp(-|z|)), with max and -|z| written from the two sides of 0 so that 0 has no kink."""
    positive = z._array > 0
    above, below = where(positive, z, 0.0), where(positive, 0.0, z)     # max(z, 0), min(z, 0)
    return above + log1p((below - above).exp())
