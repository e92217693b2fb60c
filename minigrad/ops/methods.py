"""The Tensor's op methods: each one line or a few that put the arguments in order and call one op's ``apply``.

The rules themselves (forward beside backward) live in arithmetic.py, unary.py, reduction.py and shape.py.
Arguments follow PyTorch (``dim``, ``keepdim``); numpy's ``axis`` and ``keepdims`` are accepted as PyTorch does.
"""
import collections

import numpy as np

from . import arithmetic as ar
from . import reduction as rd
from . import shape as sh
from . import unary as un

MinMax = collections.namedtuple("MinMax", ["values", "indices"])     # what max(dim) / min(dim) return


def _dims(dim, ndim, op):
    """``dim`` (an int, a sequence, or None for all) as a tuple of non-negative dimensions, or None.

    A 0-d tensor accepts dim 0 and -1, as PyTorch does, and reduces over nothing."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    bound = max(ndim, 1)
    for d in dims:
        if not -bound <= d < bound:
            raise IndexError(f"{op}: dimension {d} is out of range for a tensor of {ndim} dimensions "
                             f"(expected to be in range of [{-bound}, {bound - 1}])")
    return () if ndim == 0 else tuple(sorted({int(d) % ndim for d in dims}))


def _shape_args(shape):
    """``f(2, 3)`` and ``f((2, 3))`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _plain_index(index):
    """An index as numpy takes it: Tensors and lists become arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if hasattr(index, "_array"):
        return index._array
    return np.asarray(index) if isinstance(index, list) else index


class TensorMethods:
    """Mixed into Tensor: arithmetic, elementwise functions, reductions and shape ops."""

    # ---- arithmetic, with broadcasting and PyTorch's dtype promotion --------------------------------------------
    def __add__(self, other):
        return ar.Add.apply(*self._operands(other))

    def __radd__(self, other):
        return ar.Add.apply(*reversed(self._operands(other)))

    def __sub__(self, other):
        return ar.Sub.apply(*self._operands(other))

    def __rsub__(self, other):
        return ar.Sub.apply(*reversed(self._operands(other)))

    def __mul__(self, other):
        return ar.Mul.apply(*self._operands(other))

    def __rmul__(self, other):
        return ar.Mul.apply(*reversed(self._operands(other)))

    def __truediv__(self, other):
        a, b = self._operands(other, floating=True)
        return ar.Div.apply(a, b)

    def __rtruediv__(self, other):
        a, b = self._operands(other, floating=True)
        return ar.Div.apply(b, a)

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            x = self if isinstance(exponent, int) or self.dtype.kind == "f" else self.float()
            return ar.PowScalar.apply(x, exponent=exponent)
        return ar.Pow.apply(*self._operands(exponent))

    def __rpow__(self, base):
        return ar.Pow.apply(*reversed(self._operands(base)))

    def __neg__(self):
        return ar.Neg.apply(self)

    def __matmul__(self, other):
        return ar.MatMul.apply(*self._operands(other))

    def __rmatmul__(self, other):
        return ar.MatMul.apply(*reversed(self._operands(other)))

    # ---- comparisons: masks, never differentiated --------------------------------------------------------------------
    def _compare(self, other, fn):
        return type(self)(fn(*(x._array for x in self._operands(other))))

    __eq__ = lambda self, other: self._compare(other, np.equal)
    __ne__ = lambda self, other: self._compare(other, np.not_equal)
    __lt__ = lambda self, other: self._compare(other, np.less)
    __le__ = lambda self, other: self._compare(other, np.less_equal)
    __gt__ = lambda self, other: self._compare(other, np.greater)
    __ge__ = lambda self, other: self._compare(other, np.greater_equal)

    # ---- elementwise functions ----------------------------------------------------------------------------------------
    def exp(self):
        return un.Exp.apply(self._floating())

    def log(self):
        return un.Log.apply(self._floating())

    def sqrt(self):
        return un.Sqrt.apply(self._floating())

    def sin(self):
        return un.Sin.apply(self._floating())

    def cos(self):
        return un.Cos.apply(self._floating())

    def sinh(self):
        return un.Sinh.apply(self._floating())

    def cosh(self):
        return un.Cosh.apply(self._floating())

    def tanh(self):
        return un.Tanh.apply(self._floating())

    def sigmoid(self):
        return un.Sigmoid.apply(self._floating())

    def abs(self):
        return un.Abs.apply(self)

    def sign(self):
        return un.Sign.apply(self)

    def relu(self):
        return un.Relu.apply(self)

    # ---- reductions ---------------------------------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        dim, keepdim = (axis if dim is None else dim), (keepdim if keepdims is None else keepdims)
        return rd.Sum.apply(self, dim=_dims(dim, self.ndim, "sum"), keepdim=keepdim)

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        dim, keepdim = (axis if dim is None else dim), (keepdim if keepdims is None else keepdims)
        return rd.Mean.apply(self._floating(), dim=_dims(dim, self.ndim, "mean"), keepdim=keepdim)

    def amax(self, dim=(), keepdim=False, *, axis=None, keepdims=None):
        """Largest entries over ``dim`` (all when it is ``()`` or None); ties share the gradient equally."""
        dim, keepdim = (axis if dim in ((), None) else dim), (keepdim if keepdims is None else keepdims)
        return rd.Amax.apply(self, dim=_dims(dim, self.ndim, "amax"), keepdim=keepdim)

    def amin(self, dim=(), keepdim=False, *, axis=None, keepdims=None):
        dim, keepdim = (axis if dim in ((), None) else dim), (keepdim if keepdims is None else keepdims)
        return rd.Amin.apply(self, dim=_dims(dim, self.ndim, "amin"), keepdim=keepdim)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """``max()``: the largest entry. ``max(dim)``: ``(values, indices)`` along ``dim``, as PyTorch; the
        gradient goes to the first maximum. ``max(other_tensor)``: ``maximum``. ``axis=`` keeps numpy's meaning."""
        if hasattr(dim, "_array"):
            return self.maximum(dim)
        if axis is not None:
            return self.amax(axis, keepdim if keepdims is None else keepdims)
        return rd.Max.apply(self, dim=None, keepdim=False) if dim is None else self._pick(rd.MaxAlong, dim, keepdim)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        if hasattr(dim, "_array"):
            return self.minimum(dim)
        if axis is not None:
            return self.amin(axis, keepdim if keepdims is None else keepdims)
        return rd.Min.apply(self, dim=None, keepdim=False) if dim is None else self._pick(rd.MinAlong, dim, keepdim)

    def _pick(self, along, dim, keepdim):
        d, = _dims(dim, self.ndim, "max") or (0,)
        if self.ndim == 0:
            return MinMax(self.clone(), type(self)(np.zeros((), dtype=np.int64)))
        arg = np.argmax if along is rd.MaxAlong else np.argmin
        indices = np.expand_dims(arg(self._array, axis=d), d)
        values = along.apply(self, indices=indices, dim=d, keepdim=keepdim)
        return MinMax(values, type(self)((indices if keepdim else indices.squeeze(d)).astype(np.int64)))

    def argmax(self, dim=None, keepdim=False, *, axis=None):
        return self._arg(np.argmax, axis if dim is None else dim, keepdim)

    def argmin(self, dim=None, keepdim=False, *, axis=None):
        return self._arg(np.argmin, axis if dim is None else dim, keepdim)

    def _arg(self, arg, dim, keepdim):
        if dim is None:
            index = arg(self._array)
            return type(self)(np.asarray(index).reshape((1,) * self.ndim if keepdim else ()).astype(np.int64))
        d, = _dims(dim, self.ndim, "argmax") or (0,)
        return type(self)(np.asarray(arg(self._array, axis=d, keepdims=keepdim)).astype(np.int64))

    def maximum(self, other):
        return ar.Maximum.apply(*self._operands(other))

    def minimum(self, other):
        return ar.Minimum.apply(*self._operands(other))

    # ---- shapes -------------------------------------------------------------------------------------------------------
    def reshape(self, *shape):
        return sh.Reshape.apply(self, shape=_shape_args(shape))

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        return self.reshape(self.shape[:start] + (-1,) + self.shape[end + 1:])

    def squeeze(self, dim=None):
        dims = _dims(dim, self.ndim, "squeeze")
        dims = range(self.ndim) if dims is None else dims
        return self.reshape(tuple(n for d, n in enumerate(self.shape) if not (d in dims and n == 1)))

    def unsqueeze(self, dim):
        d = _dims(dim, self.ndim + 1, "unsqueeze")[0]
        return self.reshape(self.shape[:d] + (1,) + self.shape[d:])

    def permute(self, *dims):
        """The dimensions in the order ``dims`` (negative ones count from the end)."""
        dims = _shape_args(dims)
        order = tuple(int(d) % self.ndim for d in dims) if self.ndim else tuple(dims)
        if sorted(order) != list(range(self.ndim)):
            raise ValueError(f"permute: {dims} is not an order of the {self.ndim} dimensions of shape {self.shape}")
        return sh.Permute.apply(self, dims=order)

    def transpose(self, dim0, dim1, *more):
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

    def expand(self, *shape):
        shape = _shape_args(shape)
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        return sh.Expand.apply(self, shape=shape)

    broadcast_to = expand

    def __getitem__(self, index):
        return sh.Index.apply(self, index=_plain_index(index))

    # ---- copies and dtypes --------------------------------------------------------------------------------------------
    def clone(self):
        return un.Clone.apply(self)

    def astype(self, dtype):
        """A copy in another dtype (itself when the dtype is already that); gradients flow back in the original."""
        return self if np.dtype(dtype) == self.dtype else un.Cast.apply(self, dtype=np.dtype(dtype))

    def to(self, dtype):
        return self.astype(dtype)

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)

    def _floating(self):
        """Integer and bool tensors become float32 for functions that only make sense on floats (as PyTorch)."""
        return self if self.dtype.kind == "f" else self.astype(np.float32)
