"""Tensor: a numpy array that remembers how it was made.

This module is the plumbing: making tensors, their properties, lifting Python numbers into operands, in-place
updates and item assignment. The ops (each a ``Function`` with ``forward`` and ``backward`` side by side) live in
``minigrad/ops/``; ``ElementwiseMethods`` and ``AxisMethods`` give the Tensor their method forms (``x * y``,
``x.sum(dim)``, ...).

A tensor made by an op that autograd follows has a ``grad_fn``: the op's Function object, which keeps the op's
inputs until backward has used them. Leaves (tensors made by the user, or under ``no_grad``) have none.

dtypes: floats are float32 unless asked otherwise (``dtype=minigrad.float64``, or a float64 numpy array); integers
int64. Mixed operands follow PyTorch's promotion rule (see dtypes.py), and each input's gradient comes back in that
input's own dtype. Integer and bool tensors (labels, indices, masks) never require grad.
"""
from __future__ import annotations

import math
import operator
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import autograd
from ._printing import tensor_repr
from .autograd import is_grad_enabled, no_grad
from .device import CPU, to_arguments
from .dtypes import FLOATS, result_type
from .ops.axis_methods import AxisMethods
from .ops.function import Closure, Function
from .ops.indexing import IndexPut, plain_index, torch_order
from .ops.methods import ElementwiseMethods
from .typing import ArrayLike, DTypeLike, Number, Shape, TensorLike


class Size(tuple):
    """A tensor's shape: a tuple of ints, printed as ``minigrad.Size([2, 3])``; PyTorch's ``torch.Size``.

    It prints under minigrad's name, as dtypes do (``dtype=minigrad.float64``): the object is minigrad's, and with
    ``import minigrad as torch`` the book's ``torch.Size([2, 3])`` is this class all the same. A slice of a Size, or a
    Size plus a tuple, is again a Size, as in PyTorch."""

    def __new__(cls, sizes: Sequence[int] = ()) -> Size:
        try:
            return super().__new__(cls, (operator.index(n) for n in sizes))
        except TypeError:
            raise TypeError(f"Size takes a sequence of ints, got {sizes!r}") from None

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return tuple.__new__(Size, item) if isinstance(index, slice) else item

    def __add__(self, other):
        return tuple.__new__(Size, tuple(self) + other) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other):
        return tuple.__new__(Size, other + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        return math.prod(self)


def as_array(data: ArrayLike, dtype: DTypeLike | None = None) -> np.ndarray:
    """The numpy array a Tensor wraps: numpy arrays are shared (as ``torch.from_numpy``), Python data converted."""
    if isinstance(data, Tensor):
        data = data._array
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, np.ndarray):
        if data.dtype.kind == "f" and data.dtype not in FLOATS:
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


class Tensor(ElementwiseMethods, AxisMethods):
    """An n-dimensional array with reverse-mode automatic differentiation."""

    __array_ufunc__ = None          # numpy arrays on the left defer to our reflected ops (ndarray * Tensor -> Tensor)
    __hash__ = object.__hash__      # == is elementwise, so hashing stays by identity

    # what a new tensor starts with; set on the instance only when it changes (a fast op result needs none of them)
    grad: Tensor | None = None
    requires_grad: bool = False
    name: str | None = None
    grad_fn: Function | None = None     # the Function that made this tensor, while autograd follows it
    _version = 0                        # counts in-place changes (see _inplace)
    _before_inplace = None              # weak reference to the snapshot a recorded in-place change left behind
    _accumulator = None                 # weak reference to this leaf's AccumulateGrad node (Function.next_functions)

    def __init__(self, data: ArrayLike, dtype: DTypeLike | None = None, requires_grad: bool = False,
                 name: str | None = None) -> None:
        self._array = as_array(data, dtype)
        self.name = name
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _wrap(array):
        """A Tensor around ``array`` as it is (the fast path for op results and lifted numbers)."""
        out = Tensor.__new__(Tensor)
        out._array = array
        return out

    @staticmethod
    def from_op(data: np.ndarray | Number, parents: Sequence[Tensor], op: Function | str,
                backward: Callable | None = None) -> Tensor:
        """The result of an op: ``op`` (a Function) becomes its grad_fn when some parent requires grad and grad mode
        is on. ``from_op(data, parents, "name", backward)`` wraps a plain backward closure in a Function."""
        out = Tensor._wrap(data if isinstance(data, np.ndarray) else np.asarray(data))
        if is_grad_enabled():
            for parent in parents:
                if parent.requires_grad:
                    out.requires_grad = True
                    out.grad_fn = Closure(op, backward) if backward is not None else op
                    out.grad_fn.connect(tuple(parents), out)
                    break
        return out

    # ---- the graph -----------------------------------------------------------------------------------------------
    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _op(self):
        """The short name of the op that made this tensor (None for a leaf), as graph_table prints it."""
        return None if self.grad_fn is None else self.grad_fn.op

    @property
    def _parents(self):
        """The tensors this one was made from, while its graph is kept."""
        return () if self.grad_fn is None or self.grad_fn.inputs is None else self.grad_fn.parents()

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self._array.dtype not in FLOATS:
            raise TypeError(f"only float32/float64 tensors can require grad; this one is {self._array.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    def backward(self, gradient: TensorLike | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf it depends on.

        The graph is released afterwards (its saved values freed) unless ``retain_graph=True``."""
        autograd.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    def detach(self) -> Tensor:
        """The same values (shared memory), cut from the graph."""
        return Tensor(self._array)

    @property
    def data(self) -> Tensor:
        """As in PyTorch: ``detach()``, so ``p.data.zero_()`` changes the values without recording anything."""
        return self.detach()

    @data.setter
    def data(self, value: ArrayLike) -> None:
        self._array = as_array(value)

    # ---- values out ----------------------------------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The numpy array behind this tensor (shared memory); refused while it requires grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError("numpy() of a tensor that requires grad: call .detach().numpy() (the values, cut from "
                               "the graph) instead")
        return self._array

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)`` and matplotlib see the values (PyTorch refuses tensors that require grad; so do we)."""
        array = self.numpy()
        if dtype is not None and array.dtype != dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def item(self) -> Number:
        if self._array.size != 1:
            raise ValueError(f"item() needs a tensor with one element; this one has shape {tuple(self.shape)}")
        return self._array.item()

    def tolist(self) -> Any:
        return self._array.tolist()

    shape = property(lambda self: tuple.__new__(Size, self._array.shape), doc="The shape, as a ``Size``.")
    dtype = property(lambda self: self._array.dtype)
    ndim = property(lambda self: self._array.ndim)
    device = property(lambda self: CPU, doc="Always the CPU: minigrad has no other device.")
    is_cuda = False

    def size(self, dim: int | None = None) -> Shape | int:
        """The shape, or the length of one dimension (as PyTorch; ``numel()`` counts the elements)."""
        return self.shape if dim is None else self.shape[dim]

    def numel(self) -> int:
        return self._array.size

    def dim(self) -> int:
        return self._array.ndim

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``: itself when nothing changes."""
        dtype, copy = to_arguments(*args, **kwargs)
        out = self if dtype is None else self.astype(dtype)
        return out.clone() if copy and out is self else out

    def cpu(self) -> Tensor:
        return self

    def cuda(self, device: Any = None) -> Tensor:
        raise RuntimeError("minigrad runs on the CPU only: there is no CUDA device (minigrad.cuda.is_available() "
                           "is False)")

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._array)

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu" or self._array.size != 1:
            raise TypeError(f"only integer tensors of one element can be converted to an index; this one is "
                            f"{self.dtype} of shape {tuple(self.shape)}")
        return int(self._array.item())

    def __format__(self, spec: str) -> str:
        return format(self.item(), spec) if self._array.size == 1 and spec else format(str(self), spec)

    def __repr__(self) -> str:
        return tensor_repr(self)

    # ---- operands ------------------------------------------------------------------------------------------------
    def _lift(self, value):
        """``value`` as a Tensor: a Python or numpy number takes the dtype PyTorch gives it beside this tensor."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, (int, float)) and self._array.dtype.kind == "f":
            return Tensor._wrap(np.asarray(value, dtype=self._array.dtype))    # a number takes a float tensor's dtype
        if isinstance(value, (int, float, bool, np.generic)):
            return Tensor(np.asarray(value, dtype=result_type(self._array, value)))
        return Tensor(value)

    def _operands(self, other, floating=False):
        """This tensor and ``other`` in their common dtype (PyTorch's promotion; float32 for ``floating`` ops on
        integers). A tensor of another dtype is cast by a recorded op, so its gradient comes back in its own."""
        if isinstance(other, Tensor) and other._array.dtype == self._array.dtype:
            return self, other                      # the common case, without the promotion rule's work
        other = self._lift(other)
        dtype = result_type(self._array, other._array)
        if floating and dtype.kind != "f":
            dtype = np.dtype(np.float32)
        return self.astype(dtype), other.astype(dtype)

    # ---- in-place updates and item assignment --------------------------------------------------------------------
    def _inplace(self, recorded, plain, *others):
        """Change this tensor in place, as PyTorch does.

        A leaf that requires grad changes only under ``no_grad()`` (optimizer updates). A tensor in a graph, or one
        that takes in a value requiring grad, gets a new history: ``recorded(old, *others)``, with ``old`` a snapshot
        of its previous values and history (PyTorch's rebase); ops that used the tensor before find that snapshot
        by its version (``Function.parents``), so their gradients stay right. The new values are a new array: a
        view taken before the change keeps the old values. Anything else is changed in memory by ``plain``; a graph
        that used the old values then refuses backward, as PyTorch's does."""
        if self.requires_grad and self.grad_fn is None and is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation: change "
                               "it inside `with minigrad.no_grad():` (as optimizers do), or use an out-of-place op")
        if is_grad_enabled() and (self.requires_grad or any(o.requires_grad for o in others)):
            old = Tensor(self._array.copy())
            old.requires_grad, old.grad_fn = self.requires_grad, self.grad_fn
            old._version, old._before_inplace = self._version, self._before_inplace
            if old.grad_fn is not None:
                old.grad_fn.reattach(old)
            self._before_inplace = weakref.ref(old)
            new = recorded(old, *others)
            self._array, self.requires_grad, self.grad_fn = new._array, True, new.grad_fn
            self.grad_fn.reattach(self)
        else:
            with no_grad():
                plain(self._array, *(o._array for o in others))
        self._version += 1
        return self

    def _ufunc_(self, ufunc, recorded, other):
        other = self._lift(other)
        return self._inplace(recorded, lambda a, b: ufunc(a, b, out=a, casting="same_kind"), other)

    def add_(self, other: TensorLike, *, alpha: Number = 1) -> Tensor:
        return self._ufunc_(np.add, Tensor.__add__, other if alpha == 1 else other * alpha)

    def sub_(self, other: TensorLike, *, alpha: Number = 1) -> Tensor:
        return self._ufunc_(np.subtract, Tensor.__sub__, other if alpha == 1 else other * alpha)

    def mul_(self, other: TensorLike) -> Tensor:
        return self._ufunc_(np.multiply, Tensor.__mul__, other)

    def div_(self, other: TensorLike) -> Tensor:
        return self._ufunc_(np.divide, Tensor.__truediv__, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def zero_(self) -> Tensor:
        return self._inplace(lambda old: old * 0, lambda a: a.fill(0))

    def copy_(self, source: TensorLike) -> Tensor:
        return self.__setitem__(Ellipsis, source) or self

    def __setitem__(self, index: Any, value: TensorLike) -> None:

        """``t[index] = value`` (item, slice, mask or integer-array index), recorded for autograd when it must be."""
        index = plain_index(index)
        value = value if isinstance(value, Tensor) else Tensor(np.asarray(value, dtype=self.dtype))
        order = torch_order(index, self.ndim)
        if order is not None:           # the value comes in PyTorch's order; numpy wants its own
            numpy_shape = np.broadcast_to(np.empty((), bool), self.shape)[index].shape
            value = value.expand(tuple(numpy_shape[k] for k in order)).permute(tuple(np.argsort(order)))

        def plain(array, v):
            array[index] = v
        self._inplace(lambda old, v: IndexPut.apply(old, v.astype(old.dtype), index=index), plain, value)
