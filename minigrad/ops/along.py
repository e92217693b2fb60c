"""Ops along one dimension: cumulative sums and products, running maxima, sorting, flipping, rolling, diagonals;
``all`` and ``any``. The rules (forward beside backward) and the Tensor methods (``AlongMethods``, mixed into Tensor
through AxisMethods) that put the arguments in order.
"""
from __future__ import annotations

import collections
from typing import TYPE_CHECKING

import numpy as np

from ..typing import Dims
from .dims import one_dim as _dim
from .function import Function
from .reduction import TakeAlong

if TYPE_CHECKING:
    from ..tensor import Tensor

SortResult = collections.namedtuple("SortResult", ["values", "indices"])     # sort, topk, cummax, cummin


class Cumsum(Function):
    """Running sums along ``dim``; the gradient is the running sum of g taken from the end."""

    def forward(self, x, dim):
        self.dim = dim
        return np.cumsum(x, axis=dim, dtype=np.int64 if x.dtype.kind in "iub" else x.dtype)

    def backward(self, g):
        return g.flip(self.dim).cumsum(self.dim).flip(self.dim)


class Cumprod(Function):
    """Running products along ``dim``. The gradient of x_i is sum over k >= i of g_k * prod_{j <= k, j != i} x_j,
    computed with the zeros taken out so that it is exact where x has zeros (as PyTorch's)."""

    def forward(self, x, dim):
        self.dim = dim
        return np.cumprod(x, axis=dim)

    def backward(self, g):
        x = self.inputs[0]
        n = x.shape[self.dim]
        # prod_{j <= k, j != i} x_j as a (.., i, k, ..) tensor: the running products of x with x_i replaced by 1
        eye = np.eye(n, dtype=bool)
        ones_at_i = x.unsqueeze(self.dim).expand(x.shape[:self.dim] + (n,) + x.shape[self.dim:])
        ones_at_i = ones_at_i.masked_fill(eye.reshape((n, n) + (1,) * (x.ndim - self.dim - 1)), 1.0)
        partial = ones_at_i.cumprod(self.dim + 1)
        upper = np.triu(np.ones((n, n), dtype=bool)).reshape((n, n) + (1,) * (x.ndim - self.dim - 1))
        terms = partial.masked_fill(~upper, 0.0) * g.unsqueeze(self.dim)
        return terms.sum(self.dim + 1)


class LogCumSumExp(Function):
    """out_k = log(sum_{j <= k} exp(x_j)). d out_k / d x_j = exp(x_j - out_k) for j <= k, never above 1: the
    gradient sums those weights against g, line by line (n x n terms for a line of n)."""

    def forward(self, x, dim):
        self.dim = dim
        with np.errstate(invalid="ignore"):
            return np.logaddexp.accumulate(x, axis=dim)

    def backward(self, g):
        x, out = self.inputs[0], self.output
        n = x.shape[self.dim]
        upper = np.triu(np.ones((n, n), dtype=bool)).reshape((n, n) + (1,) * (x.ndim - self.dim - 1))
        weights = (x.unsqueeze(self.dim + 1) - out.unsqueeze(self.dim)).masked_fill(~upper, -np.inf).exp()
        return (weights * g.unsqueeze(self.dim)).sum(self.dim + 1)


class Flip(Function):
    def forward(self, x, dims):
        self.dims = dims
        return np.flip(x, dims).copy()

    def backward(self, g):
        return g.flip(self.dims)


class Roll(Function):
    def forward(self, x, shifts, dims):
        self.shifts, self.dims = shifts, dims
        return np.roll(x, shifts, axis=dims)

    def backward(self, g):
        return Roll.apply(g, shifts=tuple(-s for s in self.shifts), dims=self.dims)


class Diagonal(Function):
    """The diagonal ``offset`` of dimensions dim1 and dim2, as a last dimension (numpy's and PyTorch's layout)."""

    def forward(self, x, offset, dim1, dim2):
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2
        return np.diagonal(x, offset, dim1, dim2).copy()

    def backward(self, g):
        return DiagEmbed.apply(g, shape=self.inputs[0].shape, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


class DiagEmbed(Function):
    """Zeros of ``shape`` with the last dimension of ``g`` written on a diagonal: the inverse of ``Diagonal``."""

    def forward(self, g, shape, offset, dim1, dim2):
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2
        out = np.zeros(shape, dtype=g.dtype)
        length = g.shape[-1]
        rows, cols = np.arange(length) + max(-offset, 0), np.arange(length) + max(offset, 0)
        np.moveaxis(out, (dim1, dim2), (-2, -1))[..., rows, cols] = g
        return out

    def backward(self, gg):
        return Diagonal.apply(gg, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


class SortAlong(TakeAlong):
    """Values at sorted indices (``sort``, ``topk``); the gradient goes back to where each value came from."""
    torch_name = "SortBackward0"


class TopkAlong(TakeAlong):
    torch_name = "TopkBackward0"


class CummaxAlong(TakeAlong):
    torch_name = "CummaxBackward0"


class CumminAlong(TakeAlong):
    torch_name = "CumminBackward0"


class AlongMethods:
    """Mixed into Tensor (through AxisMethods): the ops along one dimension."""

    def cumsum(self, dim: int, *, dtype=None) -> Tensor:
        """Running sums along ``dim`` (integers and bools sum in int64, as PyTorch's)."""
        x, d = (self if dtype is None else self.astype(dtype)), _dim(dim, self.ndim, "cumsum")
        return Cumsum.apply(x, dim=d) if self.ndim else x.astype(np.int64 if x.dtype.kind in "iub" else x.dtype)

    def cumprod(self, dim: int, *, dtype=None) -> Tensor:
        x, d = (self if dtype is None else self.astype(dtype)), _dim(dim, self.ndim, "cumprod")
        if x.dtype.kind in "iub":
            return type(self)(np.cumprod(x._array.reshape(x.shape or (1,)), axis=d, dtype=np.int64).reshape(x.shape))
        return Cumprod.apply(x, dim=d) if self.ndim else x.clone()

    def logcumsumexp(self, dim: int) -> Tensor:
        """log(exp(x_0) + ... + exp(x_k)) along ``dim``, by logaddexp one step at a time (no overflow, no
        underflow of the small terms)."""
        x, d = self._floating(), _dim(dim, self.ndim, "logcumsumexp")
        return LogCumSumExp.apply(x, dim=d) if self.ndim else x.clone()

    def cummax(self, dim: int) -> SortResult:
        """Running maxima along ``dim`` and where each was reached (the latest of ties, as PyTorch)."""
        return self._running(dim, np.maximum, np.greater_equal, CummaxAlong)

    def cummin(self, dim: int) -> SortResult:
        return self._running(dim, np.minimum, np.less_equal, CumminAlong)

    def _running(self, dim, pick, reached, along):
        d = _dim(dim, self.ndim, "cummax")
        if self.ndim == 0:
            return SortResult(self.clone(), type(self)(np.zeros((), np.int64)))
        running = pick.accumulate(self._array, axis=d)
        positions = np.arange(self.shape[d]).reshape((-1,) + (1,) * (self.ndim - d - 1))
        indices = np.maximum.accumulate(np.where(reached(self._array, running), positions, 0), axis=d)
        return SortResult(along.apply(self, indices=indices, dim=d), type(self)(indices.astype(np.int64)))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> SortResult:
        """Values in order along ``dim`` and their original positions (ties keep their order)."""
        indices = self._sorted_indices(dim, descending)
        d = _dim(dim, self.ndim, "sort")
        values = SortAlong.apply(self, indices=indices, dim=d) if self.ndim else self.clone()
        return SortResult(values, type(self)(indices))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return type(self)(self._sorted_indices(dim, descending))

    def _sorted_indices(self, dim, descending):
        d = _dim(dim, self.ndim, "sort")
        if self.ndim == 0:
            return np.zeros((), np.int64)
        a = self._array.astype(np.int8) if self.dtype == np.bool_ else self._array
        if descending:      # stable from the largest: sort the reversed line ascending, reverse the result
            flipped = np.flip(a, d)
            order = np.flip(np.argsort(flipped, axis=d, kind="stable"), d)
            return (self.shape[d] - 1 - order).astype(np.int64)
        return np.argsort(a, axis=d, kind="stable").astype(np.int64)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> SortResult:
        """The ``k`` largest (smallest) entries along ``dim``, in order, and their positions."""
        d = _dim(dim, self.ndim, "topk")
        size = self.shape[d] if self.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError(f"topk: k ({k}) is out of range for dimension {d} of size {size}")
        if self.ndim == 0:
            return SortResult(self.clone(), type(self)(np.zeros((), np.int64)))
        indices = np.take(self._sorted_indices(d, largest), np.arange(k), axis=d)
        return SortResult(TopkAlong.apply(self, indices=indices, dim=d), type(self)(indices))

    def flip(self, *dims: Dims) -> Tensor:
        dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        return Flip.apply(self, dims=tuple(_dim(d, self.ndim, "flip") for d in dims)) if self.ndim else self.clone()

    def fliplr(self) -> Tensor:
        return self.flip(1)

    def flipud(self) -> Tensor:
        return self.flip(0)

    def roll(self, shifts: int | tuple[int, ...], dims: int | tuple[int, ...] | None = None) -> Tensor:
        """Entries moved ``shifts`` places along ``dims`` (of the flattened tensor when None), wrapping around."""
        if dims is None:
            if not isinstance(shifts, (int, np.integer)) and len(shifts) != 1:
                raise RuntimeError(f"roll: {len(shifts)} shifts need as many dims (None rolls the flattened tensor "
                                   f"by one shift)")
            return Roll.apply(self.flatten(), shifts=(int(np.sum(shifts)),), dims=(0,)).reshape(self.shape)
        shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll: shifts and dimensions must align, got {len(shifts)} shifts and {len(dims)} "
                               f"dims")
        return Roll.apply(self, shifts=shifts, dims=tuple(_dim(d, self.ndim, "roll") for d in dims))

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        d1, d2 = _dim(dim1, self.ndim, "diagonal"), _dim(dim2, self.ndim, "diagonal")
        if self.ndim < 2 or d1 == d2:
            raise RuntimeError(f"diagonal: needs two different dimensions of a tensor of at least 2, got dims "
                               f"{dim1}, {dim2} of shape {self.shape}")
        return Diagonal.apply(self, offset=offset, dim1=d1, dim2=d2)

    def diag(self, diagonal: int = 0) -> Tensor:
        """A vector's square matrix with it on diagonal ``diagonal``; a matrix's diagonal ``diagonal``."""
        if self.ndim == 1:
            n = self.shape[0] + abs(diagonal)
            return DiagEmbed.apply(self, shape=(n, n), offset=diagonal, dim1=0, dim2=1)
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise RuntimeError(f"diag: expected a 1-D or 2-D tensor, got shape {self.shape}")

    def all(self, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None) -> Tensor:
        dims = self._bool_dims(axis if dim is None else dim)
        return type(self)(np.asarray(np.all(self._array, axis=dims, keepdims=keepdim)))

    def any(self, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None) -> Tensor:
        dims = self._bool_dims(axis if dim is None else dim)
        return type(self)(np.asarray(np.any(self._array, axis=dims, keepdims=keepdim)))

    def _bool_dims(self, dim):
        if dim is None:
            return None
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        return tuple(_dim(d, self.ndim, "all") for d in dims) if self.ndim else None

    def nonzero(self, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        """The positions of the nonzero entries: an (n, ndim) int64 tensor, or one tensor per dimension."""
        where = np.nonzero(np.atleast_1d(self._array))
        if as_tuple:
            return tuple(type(self)(w.astype(np.int64)) for w in where)
        return type(self)(np.stack(where, axis=1).astype(np.int64).reshape(-1, max(self.ndim, 1))
                          if self.ndim else np.zeros((int(bool(self._array)), 0), np.int64))
