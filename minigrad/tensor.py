"""Tensor: a numpy array that remembers how it was made.

Each op below computes its value with numpy and, beside it, a ``backward(g)`` closure: given ``g``, the gradient of the
loss with respect to the op's output, it returns the gradients with respect to the op's inputs. The closures use Tensor
ops themselves, so the gradient computation can be recorded and differentiated again (``create_graph=True``).

dtypes: floats are float32 unless asked otherwise (``dtype=np.float64``, or a float64 numpy array). Python numbers
take the dtype of the tensor they meet. Two tensors of different float dtypes promote to the wider one, as in numpy
and PyTorch, and each input's gradient comes back in that input's own dtype. Integer and bool tensors (labels,
indices, masks) never require grad.
"""
import numpy as np

from . import autograd
from .autograd import is_grad_enabled

_FLOATS = (np.float32, np.float64)


def _as_array(data, dtype=None):
    """The numpy array a Tensor wraps: numpy arrays are shared (as ``torch.from_numpy``), Python data converted."""
    if isinstance(data, Tensor):
        data = data._array
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, np.ndarray):
        if data.dtype.kind == "f" and data.dtype not in _FLOATS:
            return data.astype(np.float32)
        return data
    array = np.asarray(data)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind not in "b":
        raise TypeError(f"cannot make a Tensor from {type(data).__name__} data of dtype {array.dtype}")
    return array


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation."""

    __array_ufunc__ = None          # numpy arrays on the left defer to our reflected ops (ndarray * Tensor -> Tensor)
    __hash__ = object.__hash__      # == is elementwise, so hashing stays by identity

    def __init__(self, data, dtype=None, requires_grad=False, name=None):
        self._array = _as_array(data, dtype)
        self.grad = None
        self.requires_grad = False
        self.name = name
        self._op = None             # name of the op that made this tensor (None for a leaf)
        self._parents = ()          # the tensors it was made from, while the graph is kept
        self._backward = None       # g -> tuple of gradients, one per parent
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def from_op(data, parents, op, backward):
        """The result of an op: records parents and backward only when some parent requires grad and grad is on."""
        out = Tensor(np.asarray(data))
        out._op = op
        if is_grad_enabled() and any(p.requires_grad for p in parents):
            out.requires_grad = True
            out._parents = tuple(parents)
            out._backward = backward
        return out

    # ---- plumbing -------------------------------------------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        if requires_grad and self._array.dtype not in _FLOATS:
            raise TypeError(f"only float32/float64 tensors can require grad; this one is {self._array.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self._backward is None

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf it depends on.

        The graph is released afterwards (its saved values freed) unless ``retain_graph=True``."""
        autograd.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    def detach(self):
        """The same values (shared memory), cut from the graph."""
        return Tensor(self._array)

    @property
    def data(self):
        """As in PyTorch: ``detach()``, so ``p.data.zero_()`` changes the values without recording anything."""
        return self.detach()

    @data.setter
    def data(self, value):
        self._array = _as_array(value)

    def numpy(self):
        """The numpy array behind this tensor (shared memory); refused while it requires grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError("numpy() of a tensor that requires grad: call .detach().numpy() (the values, cut from "
                               "the graph) instead")
        return self._array

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` and matplotlib see the values (PyTorch refuses tensors that require grad; so do we)."""
        array = self.numpy()
        if dtype is not None and array.dtype != dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def item(self):
        if self._array.size != 1:
            raise ValueError(f"item() needs a tensor with one element; this one has shape {self.shape}")
        return self._array.item()

    def tolist(self):
        return self._array.tolist()

    shape = property(lambda self: self._array.shape)
    dtype = property(lambda self: self._array.dtype)
    ndim = property(lambda self: self._array.ndim)
    size = property(lambda self: self._array.size)

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._array)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self.item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __format__(self, spec):
        return format(self.item(), spec) if self._array.size == 1 and spec else format(str(self), spec)

    def __repr__(self):
        body = np.array2string(self._array, separator=", ", prefix="Tensor(")
        extras = []
        if self._array.dtype != np.float32:
            extras.append(f"dtype={self._array.dtype}")
        if self._backward is not None:
            extras.append(f"op={self._op}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    # ---- in-place updates (for optimizers and from-scratch update rules; never recorded) --------------------------
    def _check_inplace(self):
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError("in-place update of a tensor that requires grad would corrupt its gradient: "
                               "do it inside `with minigrad.no_grad():`")

    def _inplace(self, ufunc, other):
        self._check_inplace()
        ufunc(self._array, other._array if isinstance(other, Tensor) else other, out=self._array, casting="same_kind")
        return self

    def add_(self, other):
        return self._inplace(np.add, other)

    def sub_(self, other):
        return self._inplace(np.subtract, other)

    def mul_(self, other):
        return self._inplace(np.multiply, other)

    def div_(self, other):
        return self._inplace(np.divide, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def zero_(self):
        self._check_inplace()
        self._array[...] = 0
        return self

    def copy_(self, other):
        self._check_inplace()
        self._array[...] = other._array if isinstance(other, Tensor) else other
        return self

    def astype(self, dtype):
        """A copy in another dtype; gradients flow back in the original dtype."""
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        source = self.dtype
        return Tensor.from_op(self._array.astype(dtype), (self,), "astype", lambda g: (g.astype(source),))

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)

    # ---- elementwise arithmetic, with numpy broadcasting --------------------------------------------------------
    def _lift(self, other):
        """Turn the other operand into a Tensor: Python and numpy scalars take this tensor's float dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float, bool, np.generic)) and not isinstance(other, np.ndarray):
            if self._array.dtype in _FLOATS:
                return Tensor(np.asarray(other, dtype=self._array.dtype))
            return Tensor(other)
        return Tensor(other)

    def _binary(self, other, op, compute):
        other = self._lift(other)
        try:
            return compute(self._array, other._array), other
        except ValueError as error:
            if "broadcast" in str(error):
                raise ValueError(f"{op}: shapes {self.shape} and {other.shape} cannot be broadcast together") from None
            raise

    def __add__(self, other):
        value, other = self._binary(other, "add", np.add)
        a, b = self, other
        return Tensor.from_op(value, (a, b), "add", lambda g: (unbroadcast(g, a.shape), unbroadcast(g, b.shape)))

    def __sub__(self, other):
        value, other = self._binary(other, "sub", np.subtract)
        a, b = self, other
        return Tensor.from_op(value, (a, b), "sub", lambda g: (unbroadcast(g, a.shape), unbroadcast(-g, b.shape)))

    def __mul__(self, other):
        value, other = self._binary(other, "mul", np.multiply)
        a, b = self, other

        def backward(g):
            return (unbroadcast(g * b, a.shape) if a.requires_grad else None,
                    unbroadcast(g * a, b.shape) if b.requires_grad else None)
        return Tensor.from_op(value, (a, b), "mul", backward)

    def __truediv__(self, other):
        value, other = self._binary(other, "div", np.true_divide)
        a, b = self, other

        def backward(g):
            return (unbroadcast(g / b, a.shape) if a.requires_grad else None,
                    unbroadcast(-g * a / (b * b), b.shape) if b.requires_grad else None)
        return Tensor.from_op(value, (a, b), "div", backward)

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            x, p = self, exponent
            return Tensor.from_op(x._array ** p, (x,), "pow", lambda g: (g * p * x ** (p - 1) if p != 0 else None,))
        value, exponent = self._binary(exponent, "pow", np.power)
        a, b = self, exponent

        def backward(g):
            ga = unbroadcast(g * b * a ** (b - 1), a.shape) if a.requires_grad else None
            gb = None
            if b.requires_grad:   # d(a^b)/db = a^b log a, taken as 0 where a == 0 (the limit for b > 0)
                safe_log = where(a._array > 0, log(where(a._array > 0, a, 1.0)), 0.0)
                gb = unbroadcast(g * out * safe_log, b.shape)
            return ga, gb
        out = Tensor.from_op(value, (a, b), "pow", backward)
        return out

    def __neg__(self):
        return Tensor.from_op(-self._array, (self,), "neg", lambda g: (-g,))

    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __rpow__(self, other):
        return self._lift(other) ** self

    def __matmul__(self, other):
        other = self._lift(other)
        a, b = self, other
        try:
            value = np.matmul(a._array, b._array)
        except ValueError:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not fit (inner dimensions must agree)") \
                from None

        def backward(g):
            # 1-D operands are treated as numpy does: a row vector on the left, a column vector on the right.
            a2 = a.reshape(1, -1) if a.ndim == 1 else a
            b2 = b.reshape(-1, 1) if b.ndim == 1 else b
            if a.ndim == 1 and b.ndim == 1:
                g2 = g.reshape(1, 1)
            elif a.ndim == 1:
                g2 = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:])
            elif b.ndim == 1:
                g2 = g.reshape(g.shape + (1,))
            else:
                g2 = g
            ga = unbroadcast(g2 @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape) if a.requires_grad else None
            gb = unbroadcast(a2.swapaxes(-1, -2) @ g2, b2.shape).reshape(b.shape) if b.requires_grad else None
            return ga, gb
        return Tensor.from_op(value, (a, b), "matmul", backward)

    def __rmatmul__(self, other):
        return self._lift(other) @ self

    # ---- comparisons: masks, never differentiated -----------------------------------------------------------------
    def _compare(self, other, fn):
        return Tensor(fn(self._array, other._array if isinstance(other, Tensor) else other))

    __eq__ = lambda self, other: self._compare(other, np.equal)
    __ne__ = lambda self, other: self._compare(other, np.not_equal)
    __lt__ = lambda self, other: self._compare(other, np.less)
    __le__ = lambda self, other: self._compare(other, np.less_equal)
    __gt__ = lambda self, other: self._compare(other, np.greater)
    __ge__ = lambda self, other: self._compare(other, np.greater_equal)

    # ---- elementwise functions ------------------------------------------------------------------------------------
    def exp(self):
        out = Tensor.from_op(np.exp(self._array), (self,), "exp", lambda g: (g * out,))
        return out

    def log(self):
        x = self
        return Tensor.from_op(np.log(x._array), (x,), "log", lambda g: (g / x,))

    def sqrt(self):
        out = Tensor.from_op(np.sqrt(self._array), (self,), "sqrt", lambda g: (g / (2 * out),))
        return out

    def abs(self):
        x = self
        return Tensor.from_op(np.abs(x._array), (x,), "abs", lambda g: (g * np.sign(x._array).astype(x.dtype),))

    def sin(self):
        x = self
        return Tensor.from_op(np.sin(x._array), (x,), "sin", lambda g: (g * x.cos(),))

    def cos(self):
        x = self
        return Tensor.from_op(np.cos(x._array), (x,), "cos", lambda g: (-g * x.sin(),))

    def sinh(self):
        x = self
        return Tensor.from_op(np.sinh(x._array), (x,), "sinh", lambda g: (g * x.cosh(),))

    def cosh(self):
        x = self
        return Tensor.from_op(np.cosh(x._array), (x,), "cosh", lambda g: (g * x.sinh(),))

    def tanh(self):
        out = Tensor.from_op(np.tanh(self._array), (self,), "tanh", lambda g: (g * (1 - out * out),))
        return out

    def sigmoid(self):
        # exp of a non-positive number only, so large |x| neither overflows nor loses the small side
        x = self._array
        e = np.exp(-np.abs(x))
        value = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        out = Tensor.from_op(value, (self,), "sigmoid", lambda g: (g * out * (1 - out),))
        return out

    def relu(self):
        x = self
        return Tensor.from_op(np.maximum(x._array, 0), (x,), "relu", lambda g: (g * (x._array > 0).astype(g.dtype),))

    # ---- reductions -----------------------------------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        x = self
        return Tensor.from_op(x._array.sum(axis=axis, keepdims=keepdims), (x,), "sum",
                              lambda g: (_expand_reduced(g, x.shape, axis, keepdims),))

    def mean(self, axis=None, keepdims=False):
        axes = range(self.ndim) if axis is None else np.atleast_1d(axis)
        count = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axis=axis, keepdims=keepdims) / count

    def max(self, axis=None, keepdims=False):
        """Largest entries; the gradient is shared equally among tied maxima (as ``torch.amax``)."""
        x = self
        peak = x._array.max(axis=axis, keepdims=True)

        def backward(g):
            hits = x._array == peak
            share = (hits / hits.sum(axis=axis, keepdims=True)).astype(g.dtype)
            return (_expand_reduced(g, x.shape, axis, keepdims) * share,)
        value = peak if keepdims else np.squeeze(peak, axis=axis)
        return Tensor.from_op(value, (x,), "max", backward)

    def argmax(self, axis=None):
        return Tensor(np.argmax(self._array, axis=axis))

    # ---- shape ops --------------------------------------------------------------------------------------------
    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        x = self
        try:
            value = x._array.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into {tuple(shape)}") from None
        return Tensor.from_op(value, (x,), "reshape", lambda g: (g.reshape(x.shape),))

    def flatten(self, start_dim=0):
        return self.reshape(self.shape[:start_dim] + (-1,))

    def transpose(self, *axes):
        """Permute the axes (numpy's rule: no axes reverses them); ``permute`` is the same op."""
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = tuple(axes) if axes else tuple(reversed(range(self.ndim)))
        inverse = tuple(np.argsort(axes))
        return Tensor.from_op(self._array.transpose(axes), (self,), "transpose", lambda g: (g.transpose(inverse),))

    permute = transpose
    T = property(lambda self: self.transpose())

    def swapaxes(self, axis1, axis2):
        axes = list(range(self.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return self.transpose(axes)

    def broadcast_to(self, shape):
        x = self
        return Tensor.from_op(np.broadcast_to(x._array, shape), (x,), "broadcast_to",
                              lambda g: (unbroadcast(g, x.shape),))

    def __getitem__(self, index):
        index = _plain_index(index)
        x = self
        return Tensor.from_op(x._array[index], (x,), "getitem", lambda g: (_index_add(g, index, x.shape),))


# ---- ops used by the ones above ------------------------------------------------------------------------------
def unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, so it has ``shape`` again."""
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


def _expand_reduced(g, shape, axis, keepdims):
    """Undo a reduction's shape: put the reduced axes back (size 1) and broadcast to the input's shape."""
    if axis is not None and not keepdims:
        axes = (axis,) if isinstance(axis, int) else axis
        kept = list(g.shape)
        for a in sorted(a % len(shape) for a in axes):
            kept.insert(a, 1)
        g = g.reshape(kept)
    elif axis is None and not keepdims:
        g = g.reshape((1,) * len(shape))
    return g.broadcast_to(shape)


def _plain_index(index):
    """Indices as numpy takes them: Tensors become arrays."""
    if isinstance(index, tuple):
        return tuple(i._array if isinstance(i, Tensor) else i for i in index)
    return index._array if isinstance(index, Tensor) else index


def _has_integer_array(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (np.ndarray, list)) and np.asarray(i).dtype.kind in "iu" for i in parts)


def _index_add(g, index, shape):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up): the gradient of ``x[index]``."""
    value = np.zeros(shape, dtype=g.dtype)
    if _has_integer_array(index):
        np.add.at(value, index, g._array)
    else:
        value[index] = g._array
    return Tensor.from_op(value, (g,), "index_add", lambda gg: (gg[index],))


# ---- functions of several tensors ---------------------------------------------------------------------------
def _tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    return like._lift(x) if like is not None else Tensor(x)


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b`` (broadcast); each side's gradient is masked accordingly."""
    mask = condition._array if isinstance(condition, Tensor) else np.asarray(condition)
    a = _tensor(a, b if isinstance(b, Tensor) else None)
    b = _tensor(b, a)
    value = np.where(mask, a._array, b._array)

    def backward(g):
        take_a = mask.astype(g.dtype)
        return (unbroadcast(g * take_a, a.shape) if a.requires_grad else None,
                unbroadcast(g * (1 - take_a), b.shape) if b.requires_grad else None)
    return Tensor.from_op(value, (a, b), "where", backward)


def maximum(a, b):
    """Elementwise max; where the two are equal each gets half the gradient (as ``torch.maximum``)."""
    a = _tensor(a, b if isinstance(b, Tensor) else None)
    b = _tensor(b, a)
    value = np.maximum(a._array, b._array)

    def backward(g):
        share_a = ((a._array > b._array) + 0.5 * (a._array == b._array)).astype(g.dtype)
        return (unbroadcast(g * share_a, a.shape) if a.requires_grad else None,
                unbroadcast(g * (1 - share_a), b.shape) if b.requires_grad else None)
    return Tensor.from_op(value, (a, b), "maximum", backward)


def concatenate(tensors, axis=0):
    tensors = [_tensor(t) for t in tensors]
    sizes = np.cumsum([t.shape[axis] for t in tensors])[:-1]
    value = np.concatenate([t._array for t in tensors], axis=axis)

    def backward(g):
        bounds = zip([0, *sizes], [*sizes, g.shape[axis]])
        return tuple(g[(slice(None),) * (axis % g.ndim) + (slice(lo, hi),)] for lo, hi in bounds)
    return Tensor.from_op(value, tuple(tensors), "concatenate", backward)


cat = concatenate


def stack(tensors, axis=0):
    tensors = [_tensor(t) for t in tensors]
    value = np.stack([t._array for t in tensors], axis=axis)

    def backward(g):
        where_ = (slice(None),) * (axis % g.ndim)
        return tuple(g[where_ + (i,)] for i in range(len(tensors)))
    return Tensor.from_op(value, tuple(tensors), "stack", backward)


def _elementwise(name):
    def apply(x):
        return getattr(_tensor(x), name)()
    apply.__name__ = name
    apply.__doc__ = f"``{name}`` of each element (also the method ``Tensor.{name}``)."
    return apply


exp, log, sqrt, abs, sin, cos, sinh, cosh, tanh, sigmoid, relu = (
    _elementwise(n) for n in ("exp", "log", "sqrt", "abs", "sin", "cos", "sinh", "cosh", "tanh", "sigmoid", "relu"))


# ---- creating tensors ---------------------------------------------------------------------------------------
def tensor(data, dtype=None, requires_grad=False):
    """A new Tensor with its own copy of ``data``."""
    return Tensor(np.array(_as_array(data, dtype), copy=True), requires_grad=requires_grad)


def zeros(*shape, dtype=np.float32, requires_grad=False):
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    return Tensor(np.zeros(shape, dtype=dtype), requires_grad=requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return Tensor(np.zeros_like(_tensor(t)._array, dtype=dtype), requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return Tensor(np.ones_like(_tensor(t)._array, dtype=dtype), requires_grad=requires_grad)


def full(shape, value, dtype=np.float32, requires_grad=False):
    return Tensor(np.full(shape, value, dtype=dtype), requires_grad=requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    """As ``torch.arange``: integers give int64, any float argument gives float32 (unless ``dtype``)."""
    value = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None and value.dtype.kind == "f":
        dtype = np.float32          # computed in float64, rounded once (what PyTorch's float32 arange gives)
    return Tensor(value, dtype=dtype, requires_grad=requires_grad)


def linspace(start, stop, num, dtype=np.float32, requires_grad=False):
    return Tensor(np.linspace(start, stop, num, dtype=dtype), requires_grad=requires_grad)
