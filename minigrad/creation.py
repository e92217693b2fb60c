"""Making tensors, with PyTorch's signatures: ``tensor``, ``from_numpy``, ``zeros``, ``ones``, ``full``, ``eye``,
``arange``, ``linspace``, ``meshgrid`` and the ``_like`` forms. Each takes ``device=`` (the CPU, the only one)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .device import check
from .tensor import Tensor, as_array
from .typing import ArrayLike, DTypeLike, Number, ShapeLike


def _shape(shape):
    """``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros([2, 3])`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _made(value, dtype, device, requires_grad):
    check(device)
    return Tensor(value, dtype=dtype, requires_grad=requires_grad)


def tensor(data: ArrayLike, dtype: DTypeLike | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new Tensor with its own copy of ``data``."""
    check(device)
    return Tensor(np.array(as_array(data, dtype), copy=True), requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory and dtype, as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)


def zeros(*size: ShapeLike, dtype: DTypeLike = np.float32, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _made(np.zeros(_shape(size), dtype=dtype), None, device, requires_grad)


def ones(*size: ShapeLike, dtype: DTypeLike = np.float32, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _made(np.ones(_shape(size), dtype=dtype), None, device, requires_grad)


def empty(*size: ShapeLike, dtype: DTypeLike = np.float32, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor whose values are not to be relied on (zeros here: numpy's empty would be as good)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size: ShapeLike, fill_value: Number, dtype: DTypeLike | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere; the dtype follows the value (float32, int64, bool) unless given, as PyTorch."""
    return _made(np.full(_shape((size,)), fill_value, dtype=dtype or as_array(fill_value).dtype), None, device,
                 requires_grad)


def eye(n: int, m: int | None = None, dtype: DTypeLike = np.float32, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    return _made(np.eye(n, m, dtype=dtype), None, device, requires_grad)


def zeros_like(input: ArrayLike, dtype: DTypeLike | None = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return _made(np.zeros_like(as_array(input), dtype=dtype), None, device, requires_grad)


def ones_like(input: ArrayLike, dtype: DTypeLike | None = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _made(np.ones_like(as_array(input), dtype=dtype), None, device, requires_grad)


def full_like(input: ArrayLike, fill_value: Number, dtype: DTypeLike | None = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _made(np.full_like(as_array(input), fill_value, dtype=dtype), None, device, requires_grad)


def arange(start: Number, end: Number | None = None, step: Number = 1, dtype: DTypeLike | None = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """As ``torch.arange``: integers give int64, any float argument gives float32 (unless ``dtype``)."""
    value = np.arange(start, end, step) if end is not None else np.arange(start)
    if dtype is None and value.dtype.kind == "f":
        dtype = np.float32          # computed in float64, rounded once (what PyTorch's float32 arange gives)
    return _made(value, dtype, device, requires_grad)


def linspace(start: Number, end: Number, steps: int, dtype: DTypeLike = np.float32, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``; an integer dtype truncates toward zero, as PyTorch."""
    if np.dtype(dtype) == np.bool_:
        raise TypeError("linspace: a bool dtype is not supported (PyTorch's is not implemented either); use a "
                        "number dtype")
    value = np.linspace(start, end, steps, dtype=np.float64)
    if np.dtype(dtype).kind in "iu":
        value = np.trunc(value)
    return _made(value.astype(dtype), None, device, requires_grad)


def meshgrid(*tensors: ArrayLike | Sequence[ArrayLike], indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: ``indexing='ij'`` (PyTorch's default) puts the first tensor along the
    first dimension, ``'xy'`` along the second (as numpy's default and the book's contour plots). Gradients flow."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    for t in tensors:
        if t.ndim > 1:
            raise ValueError(f"meshgrid expects 0-D or 1-D tensors, got shape {t.shape}")
    swap = indexing == "xy" and len(tensors) > 1
    order = [1, 0, *range(2, len(tensors))] if swap else list(range(len(tensors)))
    shape = tuple(tensors[k].numel() for k in order)
    grids = []
    for k, t in enumerate(tensors):
        place = order.index(k)
        grids.append(t.reshape(tuple(-1 if d == place else 1 for d in range(len(shape)))).expand(shape))
    return tuple(grids)
