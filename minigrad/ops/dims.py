"""Dimension arguments checked as PyTorch checks them: negative ones count from the end, and a 0-d tensor accepts
dimension 0 and -1."""
import numpy as np


def _check(d, ndim, op):
    bound = max(ndim, 1)
    if not -bound <= d < bound:
        raise IndexError(f"{op}: dimension {d} is out of range for a tensor of {ndim} dimensions "
                         f"(expected to be in range of [{-bound}, {bound - 1}])")


def dims(dim, ndim, op):
    """``dim`` (an int, a sequence, or None for all) as a sorted tuple of non-negative dimensions, or None; a 0-d
    tensor's dimension 0 / -1 is ``()`` (reductions over it reduce over nothing)."""
    if dim is None:
        return None
    picked = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    for d in picked:
        _check(d, ndim, op)
    return () if ndim == 0 else tuple(sorted({int(d) % ndim for d in picked}))


def one_dim(dim, ndim, op):
    """One dimension as a non-negative int (0 for a 0-d tensor)."""
    _check(dim, ndim, op)
    return int(dim) % max(ndim, 1)
