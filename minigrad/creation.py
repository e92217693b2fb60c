"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``linspace`` and their ``_like`` forms."""
import numpy as np

from .tensor import Tensor, as_array


def _shape(shape):
    """``zeros(2, 3)`` and ``zeros((2, 3))`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def tensor(data, dtype=None, requires_grad=False):
    """A new Tensor with its own copy of ``data``."""
    return Tensor(np.array(as_array(data, dtype), copy=True), requires_grad=requires_grad)


def zeros(*shape, dtype=np.float32, requires_grad=False):
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def zeros_like(input, dtype=None, requires_grad=False):
    return Tensor(np.zeros_like(as_array(input), dtype=dtype), requires_grad=requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    return Tensor(np.ones_like(as_array(input), dtype=dtype), requires_grad=requires_grad)


def full(size, fill_value, dtype=np.float32, requires_grad=False):
    return Tensor(np.full(size, fill_value, dtype=dtype), requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """As ``torch.arange``: integers give int64, any float argument gives float32 (unless ``dtype``)."""
    value = np.arange(start, end, step) if end is not None else np.arange(start)
    if dtype is None and value.dtype.kind == "f":
        dtype = np.float32          # computed in float64, rounded once (what PyTorch's float32 arange gives)
    return Tensor(value, dtype=dtype, requires_grad=requires_grad)


def linspace(start, end, steps, dtype=np.float32, requires_grad=False):
    return Tensor(np.linspace(start, end, steps, dtype=dtype), requires_grad=requires_grad)
