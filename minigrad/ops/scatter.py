"""Scatter: entries of ``src`` written or reduced into a copy of ``x`` at ``index`` along ``dim`` (``scatter``,
``scatter_add``, ``scatter_reduce``), each rule's forward beside its backward.

Along ``dim``, src[i][j] goes to out[index[i][j]][j] (for dim 0; the other dimensions keep their place). The
gradients go back the same way: ``src`` gets the output's gradient gathered at ``index`` (weighted by what the
reduction did with it), ``x`` keeps the gradient of the positions it still contributes to.
"""
import numpy as np

from .arithmetic import where
from .function import Function
from .reduction import TakeAlong

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def positions(index, dim):
    """The numpy index tuple that sends entry (i, j, ...) of ``index`` to its place along ``dim``."""
    grid = np.indices(index.shape, sparse=True)
    return tuple(index if d == dim else g for d, g in enumerate(grid))


class Scatter(Function):
    """out = x, then out[index] = src (a repeated index keeps one of its writes, as PyTorch leaves unspecified).
    x's gradient is zero where it was overwritten; src gets the gradient at the place of each write."""

    def forward(self, x, src, index, dim):
        self.index, self.dim = index, dim
        out = x.copy()
        out[positions(index, dim)] = src
        return out

    def backward(self, g):
        x = self.inputs[0]
        kept = np.ones(x.shape, dtype=g.dtype)
        kept[positions(self.index, self.dim)] = 0
        return (g * kept if self.needs_grad(0) else None,
                TakeAlong.apply(g, indices=self.index, dim=self.dim) if self.needs_grad(1) else None)


class ScatterReduce(Function):
    """out = x (or, without ``include_self``, the reduction's identity where src lands) reduced with every src
    entry sent to the same place, by ``reduce`` (sum, prod, mean, amax, amin)."""

    def forward(self, x, src, index, dim, reduce, include_self):
        self.index, self.dim, self.reduce, self.include_self = index, dim, reduce, include_self
        where_to = positions(index, dim)
        self.hit = np.zeros(x.shape, dtype=bool)
        self.hit[where_to] = True
        self.count = np.full(x.shape, 1 if include_self else 0, dtype=np.int64)
        np.add.at(self.count, where_to, 1)
        if reduce in ("sum", "mean"):
            out = np.where(self.hit & (not include_self), 0, x).astype(x.dtype)
            np.add.at(out, where_to, src)
            if reduce == "mean":
                out = (out / np.maximum(self.count, 1)).astype(x.dtype) if x.dtype.kind == "f" else \
                    out // np.maximum(self.count, 1)
            return out
        ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce]
        identity = {"prod": 1, "amax": _extreme(x.dtype, -1), "amin": _extreme(x.dtype, 1)}[reduce]
        out = np.where(self.hit & (not include_self), identity, x).astype(x.dtype)
        ufunc.at(out, where_to, src)
        return out

    def backward(self, g):
        x, src = self.inputs
        kept = (~self.hit | self.include_self).astype(g.dtype)       # the places where x still counts
        if self.reduce == "sum":
            gx, gsrc = g * kept, TakeAlong.apply(g, indices=self.index, dim=self.dim)
        elif self.reduce == "mean":
            share = g / np.maximum(self.count, 1).astype(g.dtype)
            gx, gsrc = share * kept, TakeAlong.apply(share, indices=self.index, dim=self.dim)
        elif self.reduce == "prod":
            gx, gsrc = self._product_gradients(g, x, src, kept)
        else:
            gx, gsrc = self._extreme_gradients(g, x, src, kept)
        return (gx if self.needs_grad(0) else None, gsrc if self.needs_grad(1) else None)

    def _extreme_gradients(self, g, x, src, kept):
        """amax / amin: the gradient is shared equally among the entries equal to the result (as PyTorch's)."""
        out = self.output._array
        x_hits = (x._array == out) & kept.astype(bool)
        src_hits = src._array == np.take_along_axis(out, self.index, axis=self.dim)
        ties = x_hits.astype(np.int64)
        np.add.at(ties, positions(self.index, self.dim), src_hits)
        share = g / np.maximum(ties, 1).astype(g.dtype)
        return share * x_hits.astype(g.dtype), TakeAlong.apply(share, indices=self.index, dim=self.dim) * \
            src_hits.astype(g.dtype)

    def _product_gradients(self, g, x, src, kept):
        """prod: each factor's gradient is the product of the others, exact with zeros (as ``Prod``'s): the
        product of the nonzero factors, given only to the single zero where there is one."""
        zeros = (x._array == 0) & kept.astype(bool)
        zeros = zeros.astype(np.int64)
        np.add.at(zeros, positions(self.index, self.dim), src._array == 0)
        x_ones, src_ones = where(x._array == 0, 1.0, x), where(src._array == 0, 1.0, src)
        nonzero = ScatterReduce.apply(x_ones * kept + (1 - kept), src_ones, index=self.index, dim=self.dim,
                                      reduce="prod", include_self=True)

        def others(value, ones, gathered):
            at_zero = value._array == 0
            z = gathered(zeros)
            p = gathered(nonzero)
            return where(at_zero, where(z == 1, p, 0.0), where(z == 0, p / ones, 0.0))

        def same(a):
            return a

        def along(a):
            return TakeAlong.apply(a, indices=self.index, dim=self.dim) if hasattr(a, "_array") else \
                np.take_along_axis(a, self.index, axis=self.dim)

        gx = g * others(x, x_ones, same) * kept
        gsrc = TakeAlong.apply(g, indices=self.index, dim=self.dim) * others(src, src_ones, along)
        return gx, gsrc


def _extreme(dtype, sign):
    if dtype.kind == "f":
        return sign * np.inf
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    return (info.max if sign > 0 else info.min) if info else sign > 0
