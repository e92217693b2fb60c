"""The Tensor's elementwise methods: arithmetic (with PyTorch's dtype promotion), their PyTorch method forms,
comparisons, elementwise functions and dtype conversions. Each puts its arguments in order and calls one op's
``apply``; the rules themselves (forward beside backward) live in arithmetic.py and unary.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..typing import DTypeLike, Number, TensorLike
from . import arithmetic as ar
from . import unary as un

if TYPE_CHECKING:
    from ..tensor import Tensor


class ElementwiseMethods:
    """Mixed into Tensor: the ops that work element by element."""


    # ---- arithmetic, with broadcasting and PyTorch's dtype promotion ---------------------------------------------
    def __add__(self, other: TensorLike) -> Tensor:
        return ar.Add.apply(*self._operands(other))

    def __radd__(self, other: TensorLike) -> Tensor:
        return ar.Add.apply(*reversed(self._operands(other)))

    def __sub__(self, other: TensorLike) -> Tensor:
        return ar.Sub.apply(*self._operands(other))

    def __rsub__(self, other: TensorLike) -> Tensor:
        op = ar.SubFromNumber if isinstance(other, (int, float)) and not isinstance(other, bool) else ar.Sub
        return op.apply(*reversed(self._operands(other)))

    def __mul__(self, other: TensorLike) -> Tensor:
        return ar.Mul.apply(*self._operands(other))

    def __rmul__(self, other: TensorLike) -> Tensor:
        return ar.Mul.apply(*reversed(self._operands(other)))

    def __truediv__(self, other: TensorLike) -> Tensor:
        a, b = self._operands(other, floating=True)
        return ar.Div.apply(a, b)

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        a, b = self._operands(other, floating=True)
        return ar.Div.apply(b, a)

    def __pow__(self, exponent: TensorLike) -> Tensor:
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            x = self if isinstance(exponent, int) or self.dtype.kind == "f" else self.float()
            return ar.PowScalar.apply(x, exponent=exponent)
        return ar.Pow.apply(*self._operands(exponent))

    def __rpow__(self, base: TensorLike) -> Tensor:
        op = ar.PowOfNumber if isinstance(base, (int, float)) and not isinstance(base, bool) else ar.Pow
        return op.apply(*reversed(self._operands(base)))

    def __neg__(self) -> Tensor:
        return ar.Neg.apply(self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return ar.MatMul.apply(*self._operands(other))

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return ar.MatMul.apply(*reversed(self._operands(other)))

    # ---- the same as methods, with PyTorch's arguments -----------------------------------------------------------
    def add(self, other: TensorLike, *, alpha: Number = 1) -> Tensor:
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other: TensorLike, *, alpha: Number = 1) -> Tensor:
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other: TensorLike) -> Tensor:
        return self * other

    def div(self, other: TensorLike) -> Tensor:
        return self / other

    def pow(self, exponent: TensorLike) -> Tensor:
        return self ** exponent

    def neg(self) -> Tensor:
        return -self

    def matmul(self, other: TensorLike) -> Tensor:
        return self @ other

    def mm(self, mat2: TensorLike) -> Tensor:
        """Product of two matrices (2-D only, as PyTorch's ``mm``)."""
        return self._checked_product(mat2, 2, 2, "mm")

    def mv(self, vec: TensorLike) -> Tensor:
        """Matrix times vector."""
        return self._checked_product(vec, 2, 1, "mv")

    def dot(self, other: TensorLike) -> Tensor:
        """Inner product of two vectors."""
        return self._checked_product(other, 1, 1, "dot")

    def _checked_product(self, other, left, right, op):
        other = self._lift(other)
        if (self.ndim, other.ndim) != (left, right):
            raise RuntimeError(f"{op} expects {left}-D and {right}-D tensors, got shapes {tuple(self.shape)} and "
                               f"{tuple(other.shape)}")
        return self @ other

    def square(self) -> Tensor:
        return self * self

    def maximum(self, other: TensorLike) -> Tensor:
        return ar.Maximum.apply(*self._operands(other))

    def minimum(self, other: TensorLike) -> Tensor:
        return ar.Minimum.apply(*self._operands(other))

    # ---- comparisons: masks, never differentiated ----------------------------------------------------------------
    def _compare(self, other, fn):
        return type(self)(fn(*(x._array for x in self._operands(other))))

    def __eq__(self, other: object) -> Tensor:     # type: ignore[override]  # elementwise, as PyTorch
        return self._compare(other, np.equal)

    def __ne__(self, other: object) -> Tensor:     # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __lt__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __and__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_or)

    def __xor__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_xor)

    def __invert__(self) -> Tensor:
        """``~mask``: logical not of a bool tensor (bitwise not of an integer one), as PyTorch."""
        return type(self)(np.invert(self._array))

    # ---- elementwise functions -----------------------------------------------------------------------------------
    def exp(self) -> Tensor:
        return un.Exp.apply(self._floating())

    def log(self) -> Tensor:
        return un.Log.apply(self._floating())

    def sqrt(self) -> Tensor:
        return un.Sqrt.apply(self._floating())

    def sin(self) -> Tensor:
        return un.Sin.apply(self._floating())

    def cos(self) -> Tensor:
        return un.Cos.apply(self._floating())

    def sinh(self) -> Tensor:
        return un.Sinh.apply(self._floating())

    def cosh(self) -> Tensor:
        return un.Cosh.apply(self._floating())

    def tanh(self) -> Tensor:
        return un.Tanh.apply(self._floating())

    def sigmoid(self) -> Tensor:
        return un.Sigmoid.apply(self._floating())

    def tan(self) -> Tensor:
        return un.Tan.apply(self._floating())

    def log2(self) -> Tensor:
        return un.Log2.apply(self._floating())

    def log10(self) -> Tensor:
        return un.Log10.apply(self._floating())

    def exp2(self) -> Tensor:
        return un.Exp2.apply(self._floating())

    def erf(self) -> Tensor:
        return un.Erf.apply(self._floating())

    def rsqrt(self) -> Tensor:
        return un.Rsqrt.apply(self._floating())

    def clamp(self, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
        """Values limited to [min, max] (numbers or tensors); the gradient passes where min <= x <= max, and to a
        tensor bound where it is taken, as PyTorch's."""
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given")
        out = self
        if min is not None:
            out = ar.where((out < min)._array, min, out)
        if max is not None:
            out = ar.where((out > max)._array, max, out)
        return out

    clip = clamp

    def abs(self) -> Tensor:
        return un.Abs.apply(self)

    __abs__ = abs

    def __pos__(self) -> Tensor:
        return self

    def sign(self) -> Tensor:
        return un.Sign.apply(self)

    def relu(self) -> Tensor:
        return un.Relu.apply(self)

    # ---- copies and dtypes ---------------------------------------------------------------------------------------
    def clone(self) -> Tensor:
        return un.Clone.apply(self)

    def astype(self, dtype: DTypeLike) -> Tensor:
        """A copy in another dtype (itself when the dtype is already that); gradients flow back in the original."""
        return self if np.dtype(dtype) == self.dtype else un.Cast.apply(self, dtype=np.dtype(dtype))

    def float(self) -> Tensor:
        return self.astype(np.float32)

    def double(self) -> Tensor:
        return self.astype(np.float64)

    def half(self) -> Tensor:
        return self.astype(np.float16)

    def int(self) -> Tensor:
        return self.astype(np.int32)

    def long(self) -> Tensor:
        return self.astype(np.int64)

    def bool(self) -> Tensor:
        return self.astype(np.bool_)

    def _floating(self):
        """Integer and bool tensors become float32 for functions that only make sense on floats (as PyTorch)."""
        return self if self.dtype.kind == "f" else self.astype(np.float32)
