"""Ops that move entries without computing new ones: reshape, permute, expand, cat and stack (indexing.py: the rest).

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


class Squeeze(Reshape):
    """Dimensions of size 1 dropped: a reshape under PyTorch's name, which tells the call form apart:
    ``squeeze()`` is SqueezeBackward0, ``squeeze(dim)`` SqueezeBackward1, ``squeeze((d0, d1))`` SqueezeBackward2."""

    def forward(self, x, shape, form):
        self.torch_name = f"SqueezeBackward{form}"
        return super().forward(x, shape)


class Unsqueeze(Reshape):
    """A dimension of size 1 inserted: a reshape under PyTorch's name for it."""
    torch_name = "UnsqueezeBackward0"


class Permute(Function):
    """The dimensions in the order ``dims`` (non-negative); the gradient is permuted back."""

    def forward(self, x, dims):
        self.dims = dims
        return x.transpose(dims)

    def backward(self, g):
        return g.permute(tuple(np.argsort(self.dims)))


class Transpose(Permute):
    """Two dimensions swapped: a ``Permute`` under PyTorch's name for it."""


class T(Permute):
    """``t()``: a matrix transposed, a vector or a 0-d tensor unchanged (PyTorch's ``TBackward0`` all the same)."""
    torch_name = "TBackward0"


class Expand(Function):
    """A broadcast view (``expand``, ``broadcast_to``); the gradient sums over the stretched dimensions."""

    def forward(self, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"expand: a tensor of shape {x.shape} cannot be broadcast to {tuple(shape)}") from None

    def backward(self, g):
        return unbroadcast(g, self.inputs[0].shape)


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
