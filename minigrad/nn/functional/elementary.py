"""Elementary functions that numpy computes more accurately than any composition of Tensor ops (log1p and expm1 near
0, erf), each an op with its derivative beside it, written with Tensor ops so that it can be differentiated again."""
import math

import numpy as np

from ...functions import where
from ...tensor import Tensor

_erf_elementwise = np.vectorize(math.erf, otypes=[np.float64])


def log1p(x):
    """log(1 + x), exact for tiny x; d/dx = 1 / (1 + x)."""
    return Tensor.from_op(np.log1p(x._array), (x,), "log1p", lambda g: (g / (1 + x),))


def expm1(x):
    """exp(x) - 1, exact for tiny x; d/dx = exp(x)."""
    return Tensor.from_op(np.expm1(x._array), (x,), "expm1", lambda g: (g * x.exp(),))


def erf(x):
    """The error function (math.erf per element: exact, not fast); d/dx = 2/sqrt(pi) exp(-x^2)."""
    value = _erf_elementwise(x._array).astype(x.dtype, copy=False)
    return Tensor.from_op(value, (x,), "erf", lambda g: (g * (2 / math.sqrt(math.pi)) * (-(x * x)).exp(),))


def log1p_exp(z):
    """log(1 + exp(z)) without overflow or cancellation, smooth everywhere (derivative sigmoid(z), 1/2 at 0):
    max(z, 0) + log1p(exp(-|z|)), with max and -|z| written from the two sides of 0 so that 0 has no kink."""
    positive = z._array > 0
    above, below = where(positive, z, 0.0), where(positive, 0.0, z)     # max(z, 0), min(z, 0)
    return above + log1p((below - above).exp())
