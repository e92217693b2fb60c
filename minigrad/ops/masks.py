"""The Tensor's comparisons, logical and bitwise ops, and tests of values (isnan, isclose): masks and integers,
never differentiated, so each computes its numpy result directly (operands promoted as PyTorch does).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..typing import TensorLike

if TYPE_CHECKING:
    from ..tensor import Tensor


class MaskMethods:
    """Mixed into Tensor (through ElementwiseMethods): comparisons, logic, bits."""

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

    def __rand__(self, other: TensorLike) -> Tensor:
        return self._compare(other, lambda a, b: np.bitwise_and(b, a))

    def __ror__(self, other: TensorLike) -> Tensor:
        return self._compare(other, lambda a, b: np.bitwise_or(b, a))

    def __rxor__(self, other: TensorLike) -> Tensor:
        return self._compare(other, lambda a, b: np.bitwise_xor(b, a))

    def __lshift__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.left_shift)

    def __rshift__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.right_shift)

    def __rlshift__(self, other: TensorLike) -> Tensor:
        return self._compare(other, lambda a, b: np.left_shift(b, a))

    def __rrshift__(self, other: TensorLike) -> Tensor:
        return self._compare(other, lambda a, b: np.right_shift(b, a))

    def isclose(self, other: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        """|a - b| <= atol + rtol * |b|, elementwise."""
        return self._compare(other, lambda a, b: np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def allclose(self, other: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return bool(self.isclose(other, rtol, atol, equal_nan).all())

    def isnan(self) -> Tensor:
        return type(self)(np.isnan(self._array))

    def isinf(self) -> Tensor:
        return type(self)(np.isinf(self._array))

    def isfinite(self) -> Tensor:
        return type(self)(np.isfinite(self._array))

    def logical_not(self) -> Tensor:
        return type(self)(np.logical_not(self._array))

    def logical_and(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.logical_and)

    def logical_or(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.logical_or)

    def logical_xor(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.logical_xor)

    bitwise_and, bitwise_or, bitwise_xor = (lambda s, o: s & o), (lambda s, o: s | o), (lambda s, o: s ^ o)
    bitwise_left_shift, bitwise_right_shift = (lambda s, o: s << o), (lambda s, o: s >> o)

    def __and__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_or)

    def __xor__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_xor)

    def __invert__(self) -> Tensor:
        """``~mask``: logical not of a bool tensor (bitwise not of an integer one), as PyTorch."""
        return type(self)(np.invert(self._array))

    bitwise_not = __invert__
