"""Reductions over some dimensions (all of them when ``dim`` is None), each forward beside its backward.

``dim`` is normalised by the Tensor method to a tuple of non-negative dimensions, or None for all.
"""
import numpy as np

from .arithmetic import where
from .function import Function
from .unary import rounded_once


def restore_reduced(g, shape, dim, keepdim):
    """Undo a reduction's shape: put the reduced dimensions back (size 1) and broadcast ``g`` to ``shape``."""
    if not keepdim:
        kept = list(g.shape)
        for d in sorted(range(len(shape)) if dim is None else dim):
            kept.insert(d, 1)
        g = g.reshape(tuple(kept))
    return g.expand(shape)


class Sum(Function):
    def forward(self, x, dim, keepdim):
        self.dim, self.keepdim = dim, keepdim
        self.torch_name = "SumBackward0" if dim is None else "SumBackward1"
        return np.asarray(x.sum(axis=dim, keepdims=keepdim))

    def backward(self, g):
        return restore_reduced(g, self.inputs[0].shape, self.dim, self.keepdim)


class Mean(Function):
    def forward(self, x, dim, keepdim):
        self.dim, self.keepdim = dim, keepdim
        self.torch_name = "MeanBackward0" if dim is None else "MeanBackward1"
        self.count = int(np.prod([x.shape[d] for d in (range(x.ndim) if dim is None else dim)]))
        return np.asarray(x.mean(axis=dim, keepdims=keepdim))

    def backward(self, g):
        return restore_reduced(g, self.inputs[0].shape, self.dim, self.keepdim) / self.count


class Prod(Function):
    """Product over ``dim``. The gradient of each entry is the product of the others, written so that zeros work
    (as PyTorch's): with no zero it is prod / x; with one zero, the zero's entry gets the product of the rest and the
    others 0; with two or more, all 0."""

    def forward(self, x, dim, keepdim):
        self.dim, self.keepdim = dim, keepdim
        self.torch_name = "ProdBackward0" if dim is None else "ProdBackward1"
        return np.asarray(np.prod(x, axis=dim, keepdims=keepdim))

    def backward(self, g):
        x = self.inputs[0]
        zero = x._array == 0
        zeros = zero.sum(axis=self.dim, keepdims=True)
        ones_for_zeros = where(zero, 1.0, x)
        rest = Prod.apply(ones_for_zeros, dim=self.dim, keepdim=True)
        others = where(zero, where(zeros == 1, rest, 0.0), where(zeros == 0, rest / ones_for_zeros, 0.0))
        return restore_reduced(g, x.shape, self.dim, self.keepdim) * others


class Norm(Function):
    """sqrt(sum x^2) over ``dim``; its gradient x / norm, taken as 0 where the norm is 0 (PyTorch's choice)."""
    torch_name = "LinalgVectorNormBackward0"

    def forward(self, x, dim, keepdim):
        self.dim, self.keepdim = dim, keepdim
        return np.sqrt(np.sum(x * x, axis=dim, keepdims=keepdim))

    def backward(self, g):
        x = self.inputs[0]
        norm = restore_reduced(self.output, x.shape, self.dim, self.keepdim)
        safe = norm + (norm._array == 0)
        return restore_reduced(g, x.shape, self.dim, self.keepdim) * x / safe


class Amax(Function):
    """Largest entries; the gradient is shared equally among tied maxima (as ``torch.amax`` and ``max()``)."""
    pick = staticmethod(np.max)

    def forward(self, x, dim, keepdim):
        self.dim, self.keepdim = dim, keepdim
        self.peak = self.pick(x, axis=dim, keepdims=True)
        if keepdim:
            return self.peak
        return self.peak.reshape(tuple(n for d, n in enumerate(x.shape) if dim is not None and d not in dim))

    def backward(self, g):
        x = self.inputs[0]
        hits = x._array == self.peak
        share = (hits / hits.sum(axis=self.dim, keepdims=True)).astype(g.dtype)
        return restore_reduced(g, x.shape, self.dim, self.keepdim) * share


class Amin(Amax):
    """Smallest entries; ties share the gradient equally (as ``torch.amin``)."""
    pick = staticmethod(np.min)


class Max(Amax):
    """``max()`` of all entries: ``Amax`` under PyTorch's name for it."""
    torch_name = "MaxBackward1"


class Min(Amin):
    torch_name = "MinBackward1"


class TakeAlong(Function):
    """The entries at ``indices`` along one dimension (``max(dim)``'s values, ``gather``): the gradient goes to
    those entries only, repeated indices adding up."""
    torch_name = "GatherBackward0"

    def forward(self, x, indices, dim, keepdim=True):
        self.indices, self.dim, self.keepdim = indices, dim, keepdim
        picked = np.take_along_axis(x, indices, axis=dim)
        return picked if keepdim else picked.squeeze(dim)

    def backward(self, g):
        g = g if self.keepdim else g.unsqueeze(self.dim)
        return PutAlong.apply(g, shape=self.inputs[0].shape, indices=self.indices, dim=self.dim)


class PutAlong(Function):
    """Zeros of ``shape`` with ``g`` added at ``indices`` along ``dim``: the gradient of ``TakeAlong``."""
    torch_name = "ScatterAddBackward0"

    def forward(self, g, shape, indices, dim):
        self.indices, self.dim = indices, dim
        out = np.zeros(shape, dtype=g.dtype)
        index = np.indices(indices.shape, sparse=True)
        index = tuple(indices if d == dim else i for d, i in enumerate(index))
        np.add.at(out, index, g)
        return out

    def backward(self, gg):
        return TakeAlong.apply(gg, indices=self.indices, dim=self.dim)


class IndexSelect(TakeAlong):
    """``index_select`` and ``repeat_interleave`` with a tensor of repeats: ``TakeAlong`` with the indices of one
    line spread over the other dimensions, under PyTorch's name."""
    torch_name = "IndexSelectBackward0"


class MaxAlong(TakeAlong):
    """The values of ``max(dim)``: ``TakeAlong`` at the indices of the maxima, under PyTorch's name."""
    torch_name = "MaxBackward0"


class MinAlong(TakeAlong):
    torch_name = "MinBackward0"


def _shifted(x, dim):
    """``x`` minus its maximum along ``dim``: exp of it never overflows, and softmax does not change."""
    if x.size == 0:
        return x.copy()
    return x - x.max(axis=dim, keepdims=True)


class Softmax(Function):
    """exp(x) / sum(exp(x)) along ``dim``. Backward: y * (g - sum(g * y)), y the output, the Jacobian
    diag(y) - y y^T applied without forming it."""

    def forward(self, x, dim):
        self.dim = dim
        e = rounded_once(np.exp, _shifted(x, dim))
        return e / e.sum(axis=dim, keepdims=True)

    def backward(self, g):
        y = self.output
        return y * (g - (g * y).sum(self.dim, keepdim=True))


class LogSoftmax(Function):
    """x - logsumexp(x) along ``dim``: finite where softmax underflows to 0. Backward: g - softmax(x) * sum(g)."""

    def forward(self, x, dim):
        self.dim = dim
        shifted = _shifted(x, dim)
        return shifted - rounded_once(np.log, rounded_once(np.exp, shifted).sum(axis=dim, keepdims=True))

    def backward(self, g):
        return g - self.output.exp() * g.sum(self.dim, keepdim=True)
