"""Activations and normalised exponentials, with ``torch.nn.functional``'s names, arguments and edge values.

They are compositions of Tensor ops (and of elementary.py's), so their gradients, and gradients of gradients, come
from those ops.
"""
import math

from ...functions import where
from ...tensor import Tensor
from .elementary import erf, expm1, log1p_exp
from .layout import float_tensor


def _constant_max(x, dim):
    """max along ``dim`` as a constant (no graph): shifting by any constant leaves softmax and logsumexp unchanged."""
    return Tensor(x._array.max(axis=dim, keepdims=True))


def relu(input):
    """max(x, 0); gradient 0 at 0."""
    return float_tensor(input, "input", "relu").relu()


def softmax(input, dim=-1):
    """exp(x) / sum(exp(x)) along ``dim``, shifted by the maximum so that exp never overflows."""
    x = float_tensor(input, "input", "softmax")
    e = (x - _constant_max(x, dim)).exp()
    return e / e.sum(axis=dim, keepdims=True)


def log_softmax(input, dim=-1):
    """x - logsumexp(x) along ``dim``: finite where softmax underflows to 0 and its log would be -inf."""
    x = float_tensor(input, "input", "log_softmax")
    shifted = x - _constant_max(x, dim)
    return shifted - shifted.exp().sum(axis=dim, keepdims=True).log()


def sigmoid(input):
    return float_tensor(input, "input", "sigmoid").sigmoid()


def tanh(input):
    return float_tensor(input, "input", "tanh").tanh()


def gelu(input, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF (``approximate='tanh'``: Hendrycks and Gimpel's tanh formula)."""
    x = float_tensor(input, "input", "gelu")
    if approximate == "tanh":
        return 0.5 * x * (1 + (math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)).tanh())
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return 0.5 * x * (1 + erf(x * (1 / math.sqrt(2))))


def silu(input):
    """x * sigmoid(x) (also called swish)."""
    x = float_tensor(input, "input", "silu")
    return x * x.sigmoid()


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch, for stability)."""
    x = float_tensor(input, "input", "softplus")
    scaled = x * beta
    linear = scaled._array > threshold
    safe = where(linear, 0.0, scaled)        # exp never sees the large values the other branch keeps
    return where(linear, x, log1p_exp(safe) / beta)


def elu(input, alpha=1.0):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    x = float_tensor(input, "input", "elu")
    positive = x._array > 0
    return where(positive, x, alpha * expm1(where(positive, 0.0, x)))


def leaky_relu(input, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise (so the gradient at 0 is negative_slope, as PyTorch's)."""
    x = float_tensor(input, "input", "leaky_relu")
    return where(x._array > 0, x, x * negative_slope)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside and 0 on and outside the bounds (as
    PyTorch's)."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    x = float_tensor(input, "input", "hardtanh")
    inside = (x._array > min_val) & (x._array < max_val)
    return where(inside, x, x.detach().clamp(min_val, max_val))


def relu6(input):
    """min(max(x, 0), 6): hardtanh between 0 and 6."""
    return hardtanh(float_tensor(input, "input", "relu6"), 0.0, 6.0)


def logsigmoid(input):
    """log(sigmoid(x)) = -log(1 + exp(-x)), computed without overflow for large |x|."""
    return -log1p_exp(-float_tensor(input, "input", "logsigmoid"))
