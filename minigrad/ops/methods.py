"""The Tensor's elementwise methods: arithmetic (with PyTorch's dtype promotion), their PyTorch method forms,
elementwise functions and dtype conversions (comparisons and logic: masks.py). Each puts its arguments in order and
calls one op's ``apply``; the rules themselves (forward beside backward) live in arithmetic.py and unary.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..typing import DTypeLike, Number, TensorLike
from . import arithmetic as ar
from . import shape as sh
from . import unary as un
from .masks import MaskMethods

if TYPE_CHECKING:
    from ..tensor import Tensor


_TYPE_NAMES = {np.dtype(k): v for k, v in (
    (np.float32, "FloatTensor"), (np.float64, "DoubleTensor"), (np.float16, "HalfTensor"), (np.int64, "LongTensor"),
    (np.int32, "IntTensor"), (np.int16, "ShortTensor"), (np.int8, "CharTensor"), (np.uint8, "ByteTensor"),
    (np.bool_, "BoolTensor"))}


def _refuse_integer_zero(a, b, op):
    if a.dtype.kind in "iub" and (b._array == 0).any():
        raise ZeroDivisionError(f"{op}: integer division by zero")


class ElementwiseMethods(MaskMethods):
    """Mixed into Tensor: the ops that work element by element (comparisons and logic: MaskMethods)."""


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
        return ar.Div.apply(*self._quotient_operands(other))

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        """``number / x`` as PyTorch computes it: ``x.reciprocal() * number``, rounded twice (a quarter of float32
        quotients differ from one division in the last bit), so the graph ends in MulBackward0 after
        ReciprocalBackward0, as PyTorch's."""
        return self.reciprocal() * other

    def _quotient_operands(self, other):
        """The operands of a true division: their common dtype, float32 for two integer tensors (as PyTorch)."""
        a, b = self._operands(other, floating=True)
        return (a, b) if a.dtype.kind == "f" else (a.float(), b.float())

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

    def div(self, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
        """a / b; ``rounding_mode`` 'floor' or 'trunc' rounds the quotient (integers then stay integers) and passes
        no gradient, as PyTorch's."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                             f"{rounding_mode!r}")
        return ar.RoundedDivide.apply(*self._operands(other), rounding_mode=rounding_mode)

    divide = true_divide = div

    def __floordiv__(self, other: TensorLike) -> Tensor:
        return self.div(other, rounding_mode="floor")

    def __rfloordiv__(self, other: TensorLike) -> Tensor:
        return ar.RoundedDivide.apply(*reversed(self._operands(other)), rounding_mode="floor")

    def floor_divide(self, other: TensorLike) -> Tensor:
        return self // other

    def __mod__(self, other: TensorLike) -> Tensor:
        return self.remainder(other)

    def __rmod__(self, other: TensorLike) -> Tensor:
        b, a = self._operands(other)
        return a.remainder(b)

    def remainder(self, other: TensorLike) -> Tensor:
        """a - floor(a / b) * b, with the sign of the divisor (Python's %)."""
        a, b = self._operands(other)
        _refuse_integer_zero(a, b, "remainder")
        return ar.Remainder.apply(a, b)

    def fmod(self, other: TensorLike) -> Tensor:
        """a - trunc(a / b) * b, with the sign of the dividend (C's fmod)."""
        a, b = self._operands(other)
        _refuse_integer_zero(a, b, "fmod")
        return ar.Fmod.apply(a, b)

    def copysign(self, other: TensorLike) -> Tensor:
        """|a| with the sign of b (integers become float32, as PyTorch's)."""
        return ar.Copysign.apply(*self._floating()._operands(other, floating=True))

    def lerp(self, end: TensorLike, weight: TensorLike) -> Tensor:
        """start + weight * (end - start)."""
        return self + weight * (end - self)

    def logaddexp(self, other: TensorLike) -> Tensor:
        """log(exp(a) + exp(b)), shifted by the larger of the two (a constant: the result does not depend on it)."""
        a, b = self._floating()._operands(other, floating=True)
        shift = np.maximum(a._array, b._array)
        shift = type(self)(np.where(np.isfinite(shift), shift, 0).astype(a.dtype))
        return ((a - shift).exp() + (b - shift).exp()).log() + shift

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

    def bmm(self, mat2: TensorLike) -> Tensor:
        """Batched matrix product, (b, n, m) @ (b, m, p) -> (b, n, p): 3-D tensors of one dtype with the same batch,
        no broadcasting (``@`` broadcasts), as PyTorch's."""
        mat2 = self._lift(mat2)
        for name, x in (("batch1", self), ("batch2", mat2)):
            if x.ndim != 3:
                raise RuntimeError(f"bmm: {name} must be a 3D tensor, got shape {tuple(x.shape)}")
        if mat2.shape[:2] != (self.shape[0], self.shape[2]):
            raise RuntimeError(f"bmm: expected size for first two dimensions of batch2 tensor to be: "
                               f"[{self.shape[0]}, {self.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]")
        if mat2.dtype != self.dtype:
            raise RuntimeError(f"bmm: expected both tensors to have the same dtype, got {self.dtype} and {mat2.dtype}")
        return ar.Bmm.apply(self, mat2)

    def t(self) -> Tensor:
        """The transpose of a matrix; a vector or a 0-d tensor as it is (PyTorch's ``t``: at most 2-D)."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D "
                               f"(transpose(dim0, dim1) or mT swap two dimensions of any tensor)")
        return sh.T.apply(self, dims=tuple(reversed(range(self.ndim))))

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

    # ---- elementwise functions -----------------------------------------------------------------------------------
    def exp(self) -> Tensor:
        return un.Exp.apply(self._floating())

    def log(self) -> Tensor:
        return un.Log.apply(self._floating())

    def reciprocal(self) -> Tensor:
        return un.Reciprocal.apply(self._floating())

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

    def asin(self) -> Tensor:
        return un.Asin.apply(self._floating())

    def acos(self) -> Tensor:
        return un.Acos.apply(self._floating())

    def atan(self) -> Tensor:
        return un.Atan.apply(self._floating())

    def asinh(self) -> Tensor:
        return un.Asinh.apply(self._floating())

    def acosh(self) -> Tensor:
        return un.Acosh.apply(self._floating())

    def atanh(self) -> Tensor:
        return un.Atanh.apply(self._floating())

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def floor(self) -> Tensor:
        """Rounded down; zero gradient (an integer tensor comes back as a copy, as PyTorch's)."""
        return un.Floor.apply(self) if self.dtype.kind == "f" else self.clone()

    def ceil(self) -> Tensor:
        return un.Ceil.apply(self) if self.dtype.kind == "f" else self.clone()

    def trunc(self) -> Tensor:
        return un.Trunc.apply(self) if self.dtype.kind == "f" else self.clone()

    fix = trunc

    def round(self, decimals: int = 0) -> Tensor:
        """Rounded to ``decimals`` places, halves to even."""
        return un.Round.apply(self, decimals=decimals) if self.dtype.kind == "f" else self.clone()

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

    def type(self, dtype: DTypeLike | str | None = None) -> Tensor | str:
        """``type()``: PyTorch's name of the tensor type ('torch.FloatTensor'); ``type(dtype)``: ``to(dtype)``."""
        if dtype is None:
            return f"torch.{_TYPE_NAMES[np.dtype(self.dtype)]}"
        if isinstance(dtype, str) and dtype.startswith("torch."):
            names = {v: k for k, v in _TYPE_NAMES.items()}
            if dtype[6:] not in names:
                raise ValueError(f"invalid type: {dtype!r}")
            dtype = names[dtype[6:]]
        return self.astype(dtype)

    def _floating(self):
        """Integer and bool tensors become float32 for functions that only make sense on floats (as PyTorch)."""
        return self if self.dtype.kind == "f" else self.astype(np.float32)
