"""The Tensor's methods that work along dimensions: reductions, shapes and indexing. Each puts its arguments in
order and calls one op's ``apply``; the rules live in reduction.py, shape.py and indexing.py.

Arguments follow PyTorch (``dim``, ``keepdim``); numpy's ``axis`` and ``keepdims`` are accepted as PyTorch does.
"""
from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..typing import ArrayLike, Dims, DTypeLike, Number, ShapeLike, TensorLike
from . import arithmetic as ar
from . import indexing as ix
from . import reduction as rd
from . import scatter as sc
from . import shape as sh
from .along import AlongMethods
from .dims import dims as _dims

if TYPE_CHECKING:
    from ..tensor import Tensor

MinMax = collections.namedtuple("MinMax", ["values", "indices"])     # what max(dim) / min(dim) return


def _one_d(value):
    """A 0-d index or source as 1-d (numbers stay numbers)."""
    if hasattr(value, "_array"):
        return value.reshape(1)
    return np.reshape(value, 1) if isinstance(value, (np.ndarray, list)) else value


def _shape_args(shape):
    """``f(2, 3)`` and ``f((2, 3))`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


class AxisMethods(AlongMethods):
    """Mixed into Tensor: reductions, shape ops and indexing (ops along one dimension: along.py)."""

    # ---- reductions ----------------------------------------------------------------------------------------------
    def sum(self, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
            keepdims: bool | None = None, dtype: DTypeLike | None = None) -> Tensor:
        """The sum over ``dim`` (all when None); ``dtype`` converts the input first, as PyTorch's."""
        dim, keepdim = (axis if dim is None else dim), (keepdim if keepdims is None else keepdims)
        x = self if dtype is None else self.astype(dtype)
        return rd.Sum.apply(x, dim=_dims(dim, self.ndim, "sum"), keepdim=keepdim)

    def mean(self, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
             keepdims: bool | None = None) -> Tensor:
        dim, keepdim = (axis if dim is None else dim), (keepdim if keepdims is None else keepdims)
        return rd.Mean.apply(self._floating(), dim=_dims(dim, self.ndim, "mean"), keepdim=keepdim)

    def prod(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        return rd.Prod.apply(self, dim=_dims(dim, self.ndim, "prod"), keepdim=keepdim)

    def amax(self, dim: Dims = (), keepdim: bool = False, *, axis: Dims = None,
             keepdims: bool | None = None) -> Tensor:
        """Largest entries over ``dim`` (all when it is ``()`` or None); ties share the gradient equally."""
        dim, keepdim = (axis if dim in ((), None) else dim), (keepdim if keepdims is None else keepdims)
        return rd.Amax.apply(self, dim=_dims(dim, self.ndim, "amax"), keepdim=keepdim)

    def amin(self, dim: Dims = (), keepdim: bool = False, *, axis: Dims = None,
             keepdims: bool | None = None) -> Tensor:
        dim, keepdim = (axis if dim in ((), None) else dim), (keepdim if keepdims is None else keepdims)
        return rd.Amin.apply(self, dim=_dims(dim, self.ndim, "amin"), keepdim=keepdim)

    def max(self, dim: int | Tensor | None = None, keepdim: bool = False, *, axis: Dims = None,
            keepdims: bool | None = None) -> Tensor | MinMax:
        """``max()``: the largest entry. ``max(dim)``: ``(values, indices)`` along ``dim``, as PyTorch; the
        gradient goes to the first maximum. ``max(other_tensor)``: ``maximum``. ``axis``/``keepdims`` are
        PyTorch's aliases of ``dim``/``keepdim`` (``amax`` reduces values only, over several dims too)."""
        if hasattr(dim, "_array"):
            return self.maximum(dim)
        dim, keepdim = _alias_dim(dim, keepdim, axis, keepdims, "max")
        return rd.Max.apply(self, dim=None, keepdim=False) if dim is None else self._pick(rd.MaxAlong, dim, keepdim)

    def min(self, dim: int | Tensor | None = None, keepdim: bool = False, *, axis: Dims = None,
            keepdims: bool | None = None) -> Tensor | MinMax:
        if hasattr(dim, "_array"):
            return self.minimum(dim)
        dim, keepdim = _alias_dim(dim, keepdim, axis, keepdims, "min")
        return rd.Min.apply(self, dim=None, keepdim=False) if dim is None else self._pick(rd.MinAlong, dim, keepdim)

    def _pick(self, along, dim, keepdim):
        d, = _dims(dim, self.ndim, "max") or (0,)
        if self.ndim == 0:
            return MinMax(self.clone(), type(self)(np.zeros((), dtype=np.int64)))
        arg = np.argmax if along is rd.MaxAlong else np.argmin
        indices = np.expand_dims(arg(self._array, axis=d), d)
        values = along.apply(self, indices=indices, dim=d, keepdim=keepdim)
        return MinMax(values, type(self)((indices if keepdim else indices.squeeze(d)).astype(np.int64)))

    def var(self, dim: Dims = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: int | None = None, axis: Dims = None) -> Tensor:
        """Variance over ``dim``: the sum of squared deviations over (N - correction); ``correction`` is 1
        (``unbiased=True``, PyTorch's default) or 0."""
        correction = (1 if unbiased else 0) if correction is None else correction
        dim = axis if dim is None else dim
        x, dims = self._floating(), _dims(dim, self.ndim, "var")
        count = int(np.prod([self.shape[d] for d in (range(self.ndim) if dims is None else dims)]))
        centered = x - x.mean(dims, keepdim=True)
        return (centered * centered).sum(dims, keepdim) / np.float64(count - correction if count > correction else 0)

    def std(self, dim: Dims = None, unbiased: bool = True, keepdim: bool = False, *,
            correction: int | None = None, axis: Dims = None) -> Tensor:
        return self.var(dim, unbiased, keepdim, correction=correction, axis=axis).sqrt()

    def logsumexp(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        """log(sum(exp(x))) over ``dim``, shifted by the largest entry so that exp never overflows."""
        x, dims = self._floating(), _dims(dim, self.ndim, "logsumexp")
        shift = x._array.max(axis=dims, keepdims=True) if x.numel() else np.zeros((1,) * x.ndim, x.dtype)
        shift = np.where(np.isfinite(shift), shift, 0).astype(x.dtype)
        out = (x - shift).exp().sum(dims, keepdim=True).log() + shift
        return out if keepdim else out.reshape(tuple(n for d, n in enumerate(out.shape) if dims is not None and
                                                     d not in dims))

    def softmax(self, dim: int, dtype: DTypeLike | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim``, computed after subtracting the maximum so that exp never overflows;
        ``dtype`` converts the input first, as PyTorch's."""
        x = self._floating() if dtype is None else self.astype(dtype)
        return rd.Softmax.apply(x, dim=_dims(dim, self.ndim, "softmax"))

    def log_softmax(self, dim: int, dtype: DTypeLike | None = None) -> Tensor:
        """x - logsumexp(x) along ``dim``: finite where softmax underflows to 0 and its log would be -inf."""
        x = self._floating() if dtype is None else self.astype(dtype)
        return rd.LogSoftmax.apply(x, dim=_dims(dim, self.ndim, "log_softmax"))

    def argmax(self, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None) -> Tensor:
        return self._arg(np.argmax, axis if dim is None else dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None) -> Tensor:
        return self._arg(np.argmin, axis if dim is None else dim, keepdim)

    def _arg(self, arg, dim, keepdim):
        if dim is None:
            index = arg(self._array)
            return type(self)(np.asarray(index).reshape((1,) * self.ndim if keepdim else ()).astype(np.int64))
        d, = _dims(dim, self.ndim, "argmax") or (0,)
        return type(self)(np.asarray(arg(self._array, axis=d, keepdims=keepdim)).astype(np.int64))

    # ---- shapes --------------------------------------------------------------------------------------------------
    def reshape(self, *shape: ShapeLike) -> Tensor:
        return sh.Reshape.apply(self, shape=_shape_args(shape))

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        return self.reshape(self.shape[:start] + (-1,) + self.shape[end + 1:])

    def squeeze(self, dim: Dims = None) -> Tensor:
        dims = _dims(dim, self.ndim, "squeeze")
        form = 0 if dims is None else 1 if isinstance(dim, (int, np.integer)) else 2    # PyTorch's node name
        dims = range(self.ndim) if dims is None else dims
        shape = tuple(n for d, n in enumerate(self.shape) if not (d in dims and n == 1))
        return sh.Squeeze.apply(self, shape=shape, form=form)

    def unsqueeze(self, dim: int) -> Tensor:
        d = _dims(dim, self.ndim + 1, "unsqueeze")[0]
        return sh.Unsqueeze.apply(self, shape=self.shape[:d] + (1,) + self.shape[d:])

    def permute(self, *dims: ShapeLike) -> Tensor:
        """The dimensions in the order ``dims`` (negative ones count from the end)."""
        dims = _shape_args(dims)
        order = tuple(int(d) % self.ndim for d in dims) if self.ndim else tuple(dims)
        if sorted(order) != list(range(self.ndim)):
            raise ValueError(f"permute: {dims} is not an order of the {self.ndim} dimensions of shape {self.shape}")
        return sh.Permute.apply(self, dims=order)

    def transpose(self, dim0: int, dim1: int, *more: int) -> Tensor:
        """Swap two dimensions, as ``torch.transpose``; ``permute`` takes a whole order."""
        if more:
            raise TypeError(f"transpose swaps two dimensions, as torch.transpose; for a whole order of dimensions "
                            f"use permute{(dim0, dim1, *more)}")
        order = list(range(self.ndim))
        d0, d1 = (_dims(d, self.ndim, "transpose")[0] for d in (dim0, dim1))
        order[d0], order[d1] = order[d1], order[d0]
        return sh.Transpose.apply(self, dims=tuple(order))

    swapaxes = swapdims = transpose
    T = property(lambda self: self.permute(tuple(reversed(range(self.ndim)))))
    mT = property(lambda self: self.transpose(-2, -1))

    def expand(self, *shape: ShapeLike) -> Tensor:
        shape = _shape_args(shape)
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        return sh.Expand.apply(self, shape=shape)

    broadcast_to = expand

    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor:
        d = _dims(dim, self.ndim, "unflatten")[0]
        return self.reshape(self.shape[:d] + tuple(sizes) + self.shape[d + 1:])

    def repeat(self, *sizes: ShapeLike) -> Tensor:
        """The tensor tiled ``sizes`` times along each dimension (leading sizes add dimensions), as PyTorch's."""
        sizes = _shape_args(sizes)
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: {len(sizes)} sizes for a tensor of {self.ndim} dimensions (need at least that)")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        spread = self.reshape(tuple(v for n in shape for v in (1, n)))
        tiled = spread.expand(tuple(v for r, n in zip(sizes, shape) for v in (r, n)))
        return tiled.reshape(tuple(r * n for r, n in zip(sizes, shape)))

    def repeat_interleave(self, repeats: int | ArrayLike, dim: int | None = None, *,
                          output_size: int | None = None) -> Tensor:
        """Each entry repeated ``repeats`` times along ``dim`` (of the flattened tensor when None), as PyTorch's:
        ``[a, b].repeat_interleave(2) = [a, a, b, b]``; ``repeats`` may be one count per entry along ``dim``."""
        x, d = (self.flatten(), 0) if dim is None or self.ndim == 0 else \
            (self, _dims(dim, self.ndim, "repeat_interleave")[0])
        counts = np.asarray(repeats._array if hasattr(repeats, "_array") else repeats)
        if counts.dtype.kind not in "iu" or counts.ndim > 1:
            raise TypeError(f"repeat_interleave: repeats must be an int or a 1-D integer tensor, got {repeats!r}")
        if (counts < 0).any():
            raise ValueError(f"repeat_interleave: repeats must be non-negative, got {counts.tolist()}")
        size = x.shape[d] if x.ndim else 1
        if counts.ndim == 1 and counts.size not in (1, size):
            raise ValueError(f"repeat_interleave: {counts.size} repeats for {size} entries along dimension {d}")
        total = int(np.broadcast_to(counts, (size,)).sum())
        if output_size is not None and output_size != total:
            raise ValueError(f"repeat_interleave: output_size {output_size} but the repeats make {total}")
        if counts.ndim == 0:
            r = int(counts)
            spread = x.unsqueeze(d + 1)
            return spread.expand(spread.shape[:d + 1] + (r,) + spread.shape[d + 2:]).flatten(d, d + 1)
        return x.index_select(d, np.repeat(np.arange(size), np.broadcast_to(counts, (size,))))

    def index_select(self, dim: int, index: ArrayLike) -> Tensor:
        """The entries at ``index`` (a 1-D integer tensor) along ``dim``, repeats allowed; their gradients add up."""
        indices = np.asarray(index._array if hasattr(index, "_array") else index)
        if indices.dtype.kind not in "iu" or indices.ndim > 1:
            raise TypeError(f"index_select: index must be a 0-D or 1-D integer tensor, got {index!r}")
        if self.ndim == 0:      # a 0-d tensor has one entry; PyTorch's result stays 0-d
            return self.reshape(1).index_select(0, indices).reshape(())
        d = _dims(dim, self.ndim, "index_select")[0]
        if indices.size and not (0 <= indices.min() and indices.max() < self.shape[d]):
            raise IndexError(f"index_select: index {indices.tolist()} out of range for dimension {d} of size "
                             f"{self.shape[d]}")
        line = indices.reshape((-1,) + (1,) * (self.ndim - d - 1)).astype(np.int64)
        along = np.broadcast_to(line, self.shape[:d] + (indices.size,) + self.shape[d + 1:])
        return rd.IndexSelect.apply(self, indices=along, dim=d)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        """Every window of ``size`` entries along ``dimension``, ``step`` apart: that dimension becomes the window
        count and the windows' entries a new last dimension (as PyTorch's). Overlapping windows add gradients."""
        d = _dims(dimension, self.ndim, "unfold")
        d = d[0] if d else 0
        length = self.shape[d] if self.ndim else 1
        if not 0 <= size <= length or step < 1:
            raise RuntimeError(f"unfold: size {size} and step {step} do not fit a dimension of {length}")
        count = (length - size) // step + 1
        starts = np.arange(count)[:, None] * step + np.arange(size)
        x = self.reshape(1) if self.ndim == 0 else self
        windows = x.index_select(d, starts.reshape(-1)).unflatten(d, (count, size))
        return windows.movedim(d + 1, -1) if self.ndim else windows.reshape(size)

    def movedim(self, source: int, destination: int) -> Tensor:
        """Dimension ``source`` moved to position ``destination``, the others keeping their order."""
        if self.ndim == 0:
            for d in (source, destination):
                _dims(d, 0, "movedim")          # 0 and -1 only, as PyTorch
            return self.reshape(())
        s, t = (_dims(v, self.ndim, "movedim")[0] for v in (source, destination))
        order = [k for k in range(self.ndim) if k != s]
        order.insert(t, s)
        return self.permute(order)

    moveaxis = movedim

    def gather(self, dim: int, index: ArrayLike) -> Tensor:
        """``out[i][j] = x[index[i][j]][j]`` for dim 0 (and so on): the entries at ``index`` along ``dim``."""
        d = _dims(dim, self.ndim, "gather")[0]
        indices = np.asarray(index._array if hasattr(index, "_array") else index)
        if indices.ndim != self.ndim:
            raise ValueError(f"gather: index has {indices.ndim} dimensions, the input {self.ndim}")
        x = self[tuple(slice(None) if k == d else slice(0, n) for k, n in enumerate(indices.shape))]
        return rd.TakeAlong.apply(x, indices=indices.astype(np.int64), dim=d)

    def scatter(self, dim: int, index: ArrayLike, src: TensorLike = None, value: Number | None = None, *,
                reduce: str | None = None) -> Tensor:
        """A copy with ``src`` (a tensor, or a number) written at ``index`` along ``dim``: the inverse of gather.
        ``reduce`` 'add' or 'multiply' combines instead of overwriting (PyTorch's older form of scatter_reduce)."""
        source = value if src is None else src
        if reduce is not None:
            if reduce not in ("add", "multiply"):
                raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
            return self.scatter_reduce(dim, index, self._scatter_source(source, index),
                                       "sum" if reduce == "add" else "prod")
        if self.ndim == 0:      # one entry: as the 1-d case, back to 0-d
            return self.reshape(1).scatter(dim, _one_d(index), _one_d(source), reduce=reduce).reshape(())
        d, indices = self._scatter_index(dim, index, "scatter")
        return sc.Scatter.apply(*self._operands(self._scatter_source(source, indices)), index=indices, dim=d)

    def scatter_add(self, dim: int, index: ArrayLike, src: TensorLike) -> Tensor:
        return self.scatter_reduce(dim, index, src, "sum")

    def scatter_reduce(self, dim: int, index: ArrayLike, src: TensorLike, reduce: str, *,
                       include_self: bool = True) -> Tensor:
        """``src`` reduced into a copy at ``index`` along ``dim`` by ``reduce`` (sum, prod, mean, amax, amin),
        with the tensor's own entry too unless ``include_self=False``."""
        if reduce not in sc.REDUCTIONS:
            raise ValueError(f"scatter_reduce: reduce must be one of {', '.join(sc.REDUCTIONS)}, got {reduce!r}")
        if self.ndim == 0:
            return self.reshape(1).scatter_reduce(dim, _one_d(index), _one_d(src), reduce,
                                                  include_self=include_self).reshape(())
        d, indices = self._scatter_index(dim, index, "scatter_reduce")
        x, source = self._operands(self._scatter_source(src, indices))
        return sc.ScatterReduce.apply(x, source, index=indices, dim=d, reduce=reduce, include_self=include_self)

    def _scatter_index(self, dim, index, op):
        d = _dims(dim, self.ndim, op)
        d = d[0] if d else 0
        indices = np.asarray(index._array if hasattr(index, "_array") else index)
        if indices.dtype.kind not in "iu" or indices.ndim != max(self.ndim, 1) and indices.size:
            raise ValueError(f"{op}: index must be an integer tensor with as many dimensions as the input "
                             f"({self.ndim}), got {indices.dtype} of shape {indices.shape}")
        if indices.size and (indices.min() < 0 or indices.max() >= (self.shape[d] if self.ndim else 1)):
            raise IndexError(f"{op}: index {int(indices.max())} is out of bounds for dimension {d} with size "
                             f"{self.shape[d] if self.ndim else 1}")
        return d, indices.astype(np.int64).reshape(indices.shape if self.ndim else ())

    def _scatter_source(self, source, indices):
        """``src`` cut to the index's shape (PyTorch reads only that corner), or a number spread over it."""
        if hasattr(source, "_array"):
            if source.dtype != self.dtype:
                raise TypeError(f"scatter: src has dtype {source.dtype}, the tensor {self.dtype}; they must agree")
            if source.ndim != np.ndim(indices):
                raise ValueError(f"scatter: src has {source.ndim} dimensions, index {np.ndim(indices)}")
            return source[tuple(slice(0, n) for n in np.shape(indices))] if source.ndim else source
        return type(self)(np.full(np.shape(indices), source, dtype=self.dtype))

    def masked_fill(self, mask: ArrayLike, value: TensorLike) -> Tensor:
        """``value`` where ``mask`` holds (broadcast), else the tensor's own entries; the dtype stays the tensor's."""
        mask = np.asarray(mask._array if hasattr(mask, "_array") else mask, dtype=bool)
        value = value.astype(self.dtype) if hasattr(value, "_array") else type(self)(np.asarray(value, self.dtype))
        return ar.where(mask, value, self)

    def tril(self, diagonal: int = 0) -> Tensor:
        """The lower triangle (entries on and below ``diagonal``) of the last two dimensions; zeros elsewhere."""
        return ar.where(np.tril(np.ones(self.shape[-2:], dtype=bool), diagonal), self, self._zero())

    def triu(self, diagonal: int = 0) -> Tensor:
        return ar.where(np.triu(np.ones(self.shape[-2:], dtype=bool), diagonal), self, self._zero())

    def _zero(self):
        """0 in this tensor's dtype (False for bool), so that masking keeps the dtype."""
        return type(self)(np.zeros((), dtype=self.dtype))

    def __getitem__(self, index: Any) -> Tensor:
        """Basic and advanced indexing, numpy's where PyTorch agrees, PyTorch's order where not (indexing.py)."""
        index = ix.plain_index(index)
        out = ix.Index.apply(self, index=index)
        order = ix.torch_order(index, self.ndim)
        return out if order is None else out.permute(order)

    def norm(self, p: Number | str = "fro", dim: Dims = None, keepdim: bool = False) -> Tensor:
        """The 2-norm (``p`` 2 or "fro") of all entries or along ``dim``, else ``(sum |x|^p)^(1/p)``; the gradient
        at a zero vector is 0, as PyTorch's."""
        if p in ("fro", 2):
            return rd.Norm.apply(self._floating(), dim=_dims(dim, self.ndim, "norm"), keepdim=keepdim)
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)


def _alias_dim(dim, keepdim, axis, keepdims, name):
    """``max``/``min`` take ``axis``/``keepdims`` as PyTorch does: another name for one ``dim``, not numpy's tuple."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}() got both dim={dim} and axis={axis}; give one")
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{name}(axis=...) takes one dimension as an int, got {axis!r}; amax/amin reduce several")
        dim = axis
    return dim, keepdim if keepdims is None else keepdims
