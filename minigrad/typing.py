"""Type aliases for the annotations of minigrad's public API (PyTorch keeps its own in ``torch.types``).

Annotations only: nothing here is checked at run time. ``Tensor`` is imported for type checkers alone, so this
module imports nothing of minigrad's and any layer may use it.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Union

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

Number = Union[int, float, bool]
Shape = tuple[int, ...]
ShapeLike = Union[int, Sequence[int]]             # a size as reshape and the creation functions take it: 3 or (2, 3)
Dims = Union[int, Sequence[int], None]            # the dim argument of a reduction: one, several, or None for all
DTypeLike = Union[np.dtype, type, str]            # minigrad.float32, np.float64, "float32", float
ArrayLike = Union["Tensor", np.ndarray, Number, Sequence]    # what a Tensor can be made from (nested lists too)
TensorLike = Union["Tensor", np.ndarray, Number]  # an operand: a Tensor, or what an op lifts into one
