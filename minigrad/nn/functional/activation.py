"""Activations and normalised exponentials, with ``torch.nn.functional``'s names, arguments and edge values.

They are compositions of Tensor ops (and of elementary.py's), so their gradients, and gradients of gradients, come
from those ops.
"""
import math
import warnings

from ...functions import where
from .elementary import erf, expm1, log1p_exp
from .layout import float_tensor


def _implicit_dim(name, ndim):
    """PyTorch's choice when ``dim`` is not given (with its warning): 0 for 0-, 1- and 3-D input, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  f"an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def relu(input):
    """max(x, 0); gradient 0 at 0."""
    return float_tensor(input, "input", "relu").relu()


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``: the Tensor op ``softmax`` (shifted by the maximum, so exp never
    overflows)."""
    x = float_tensor(input, "input", "softmax")
    return x.softmax(_implicit_dim("softmax", x.ndim) if dim is None else dim, dtype)


def log_softmax(input, dim=None, dtype=None):
    """x - logsumexp(x) along ``dim``: the Tensor op ``log_softmax``, finite where softmax underflows to 0."""
    x = float_tensor(input, "input", "log_softmax")
    return x.log_softmax(_implicit_dim("log_softmax", x.ndim) if dim is None else dim, dtype)


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


def softmin(input, dim=None, dtype=None):
    """softmax(-x) along ``dim``."""
    x = float_tensor(input, "input", "softmin")
    return (-x).softmax(_implicit_dim("softmin", x.ndim) if dim is None else dim, dtype)


def celu(input, alpha=1.0):
    """x for x > 0, alpha (exp(x / alpha) - 1) otherwise."""
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (it divides x)")
    x = float_tensor(input, "input", "celu")
    positive = x._array > 0
    return where(positive, x, alpha * expm1(where(positive, 0.0, x) / alpha))


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input):
    """scale * elu(x, alpha) with Klambauer et al.'s constants, which keep activations at mean 0, variance 1."""
    return SELU_SCALE * elu(float_tensor(input, "input", "selu"), SELU_ALPHA)


def hardsigmoid(input):
    """(x + 3) / 6 clipped to [0, 1]; gradient 1/6 strictly between -3 and 3, 0 elsewhere (as PyTorch's)."""
    x = float_tensor(input, "input", "hardsigmoid")
    inside = (x._array > -3) & (x._array < 3)
    return where(inside, (x + 3) / 6, ((x.detach() + 3) / 6).clamp(0.0, 1.0))


def hardswish(input):
    """x * hardsigmoid(x): 0 up to -3, x from 3 on, x (x + 3) / 6 strictly between (so the gradient at -3 is 0 and
    at 3 is 1, as PyTorch's)."""
    x = float_tensor(input, "input", "hardswish")
    below, above = x._array <= -3, x._array >= 3
    return where(below, x * 0.0, where(above, x, x * (x + 3) / 6))


def softsign(input):
    """x / (1 + |x|)."""
    x = float_tensor(input, "input", "softsign")
    return x / (1 + x.abs())


def mish(input):
    """x * tanh(softplus(x)) (Misra 2019)."""
    x = float_tensor(input, "input", "mish")
    return x * softplus(x).tanh()
