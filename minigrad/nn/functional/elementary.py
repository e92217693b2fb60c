"""Elementary functions that numpy computes more accurately than any composition of Tensor ops (log1p and expm1 near
0, erf), each an op with its derivative beside it, written with Tensor ops so that it can be differentiated again."""
import math

import numpy as np

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
