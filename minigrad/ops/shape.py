"""Ops that move entries without computing new ones: reshape, permute, expand, indexing, cat and stack.

Each backward puts the gradient back where the entries came from.
"""
import numpy as np

from .function import Function, unbroadcast


class Reshape(Function):
    torch_name = "ViewBackward0"

    def forward(self, x, shape):
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into {tuple(shape)}") from None

    def backward(self, g):
        return g.reshape(self.inputs[0].shape)


class Permute(Function):
    """The dimensions in the order ``dims`` (non-negative); the gradient is permuted back."""

    def forward(self, x, dims):
        self.dims = dims
        return x.transpose(dims)

    def backward(self, g):
        return g.permute(tuple(np.argsort(self.dims)))


class Transpose(Permute):
    """Two dimensions swapped: a ``Permute`` under PyTorch's name for it."""


class Expand(Function):
    """A broadcast view (``expand``, ``broadcast_to``); the gradient sums over the stretched dimensions."""

    def forward(self, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"expand: a tensor of shape {x.shape} cannot be broadcast to {tuple(shape)}") from None

    def backward(self, g):
        return unbroadcast(g, self.inputs[0].shape)


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
        return gg[self.index]


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
            filled = g[self.index]
            gv = unbroadcast(filled, v.shape)
        return gx, gv


class Cat(Function):
    def forward(self, *arrays, dim):
        self.dim = dim
        return np.concatenate(arrays, axis=dim)

    def backward(self, g):
        ends = np.cumsum([x.shape[self.dim] for x in self.inputs])
        before = (slice(None),) * self.dim
        return tuple(g[before + (slice(end - x.shape[self.dim], end),)] for x, end in zip(self.inputs, ends))


class Stack(Function):
    def forward(self, *arrays, dim):
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise ValueError(f"stack expects each tensor to be equal size, but got shapes "
                             f"{', '.join(str(a.shape) for a in arrays)}")
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, g):
        before = (slice(None),) * self.dim
        return tuple(g[before + (i,)] for i in range(len(self.inputs)))
