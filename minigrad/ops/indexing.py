"""Indexing: ``x[index]`` and ``x[index] = v`` with numpy's rules where PyTorch has the same, and PyTorch's where not.

The one difference: PyTorch applies integer indices first, as selections, so an integer does not count as an array
index. ``x[0, :, [1, 2]]`` has shape (n1, 2) in PyTorch, (2, n1) in numpy (whose integer and array, separated by a
slice, send the indexed dimension to the front). ``torch_order`` finds when the two differ and how to permute.
"""
import numpy as np

from .function import Function, unbroadcast


def plain_index(index):
    """An index as numpy takes it: Tensors and lists become arrays, a one-element integer array an int."""
    if isinstance(index, tuple):
        return tuple(plain_index(i) for i in index)
    if hasattr(index, "_array"):
        index = index._array
    if isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and index.ndim == 0 and index.dtype.kind in "iu":
        return int(index)
    return index


def torch_order(index, ndim):
    """The permutation that turns numpy's ``x[index]`` (``x`` of ``ndim`` dimensions) into PyTorch's, or None."""
    parts = index if isinstance(index, tuple) else (index,)
    is_int = [isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in parts]
    is_array = [isinstance(p, np.ndarray) for p in parts]
    if not any(is_int) or not any(is_array):
        return None
    advanced = [k for k, p in enumerate(parts) if is_int[k] or is_array[k]]
    if advanced[-1] - advanced[0] + 1 == len(advanced):
        return None                                     # numpy keeps the block in place, and so does PyTorch
    arrays = [k for k in range(len(parts)) if is_array[k]]
    if any(not (is_int[k] or is_array[k]) for k in range(arrays[0], arrays[-1])):
        return None                                     # PyTorch too sends the block to the front
    consumed = sum(p.ndim if is_array[k] and p.dtype == bool else 1
                   for k, p in enumerate(parts) if p is not None and p is not Ellipsis)
    widths = [ndim - consumed if p is Ellipsis else 1 for p in parts]
    before = sum(w for k, w in enumerate(widths[:arrays[0]]) if not (is_int[k] or is_array[k]))
    rest = sum(w for k, w in enumerate(widths) if not (is_int[k] or is_array[k]))
    rest += 0 if any(p is Ellipsis for p in parts) else ndim - consumed
    block = len(np.broadcast_shapes(*((1,) if parts[k].dtype == bool else parts[k].shape for k in arrays)))
    result_ndim = block + rest
    return tuple(range(block, block + before)) + tuple(range(block)) + tuple(range(block + before, result_ndim))


def _has_integer_array(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in parts)


def _index_node_name(index):
    """PyTorch's node for ``x[index]``: IndexBackward0 with an array index, else the node of the last dimension
    indexed (Select for an integer, Slice for a slice)."""
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, np.ndarray) for i in parts):
        return "IndexBackward0"
    last = [i for i in parts if i is not Ellipsis and i is not None and i != slice(None)]
    return "SelectBackward0" if last and isinstance(last[-1], (int, np.integer)) else "SliceBackward0"


class Index(Function):
    """``x[index]`` with numpy's basic and advanced indexing (``index`` holds arrays, not Tensors)."""

    def forward(self, x, index):
        self.index = index
        self.torch_name = _index_node_name(index)
        return x[index]

    def backward(self, g):
        return IndexAdd.apply(g, index=self.index, shape=self.inputs[0].shape)


class IndexAdd(Function):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up): the gradient of ``x[index]``."""

    def forward(self, g, index, shape):
        self.index = index
        value = np.zeros(shape, dtype=g.dtype)
        if _has_integer_array(index):
            np.add.at(value, index, g)
        else:
            value[index] = g
        return value

    def backward(self, gg):
        return Index.apply(gg, index=self.index)


class IndexPut(Function):
    """``x[index] = v`` recorded for autograd (PyTorch's CopySlices): ``x``'s gradient is zero at ``index``, ``v``
    gets the gradient of the entries it filled."""
    torch_name = "CopySlices"

    def forward(self, x, v, index):
        self.index = index
        out = x.copy()
        out[index] = v
        return out

    def backward(self, g):
        x, v = self.inputs
        gx = gv = None
        if self.needs_grad(0):
            keep = np.ones(x.shape, dtype=g.dtype)
            keep[self.index] = 0
            gx = g * keep
        if self.needs_grad(1):
            filled = Index.apply(g, index=self.index)
            gv = unbroadcast(filled, v.shape)
        return gx, gv
