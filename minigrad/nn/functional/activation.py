"""Activations and normalised exponentials."""
from ...tensor import Tensor
from .layout import float_tensor


def relu(input):
    return float_tensor(input, "input", "relu").relu()


def softmax(input, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the maximum so that exp never overflows."""
    x = float_tensor(input, "input", "softmax")
    e = (x - Tensor(x._array.max(axis=axis, keepdims=True))).exp()
    return e / e.sum(axis=axis, keepdims=True)
