"""Minibatches over in-memory arrays, like ``torch.utils.data.DataLoader`` over a ``TensorDataset``."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..random import get_generator
from ..tensor import Tensor
from ..typing import ArrayLike


class ArrayDataset:
    """Arrays that share their first dimension, indexed together (torch's ``TensorDataset``, over numpy)."""

    def __init__(self, *arrays: ArrayLike) -> None:
        if not arrays:
            raise ValueError("ArrayDataset needs at least one array")
        self.arrays = tuple(a._array if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        lengths = [len(a) if a.ndim else None for a in self.arrays]
        if None in lengths or len(set(lengths)) != 1:
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ValueError(f"ArrayDataset: arrays must share their first dimension, got shapes {shapes}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over a dataset in minibatches of ``batch_size``, yielding one Tensor per array.

    ``dataset`` is an ArrayDataset or a tuple/list of arrays (e.g. ``(X, y)``). With ``shuffle`` every epoch
    (every ``iter()``) draws a new order from ``generator`` (an ``np.random.Generator``; by default minigrad's
    global generator, looked up at each epoch so that ``minigrad.manual_seed`` before a run fixes the orders).
    ``drop_last`` drops a last, smaller batch. ``transform(*batch_arrays)``, if given, maps each batch's numpy
    arrays to new ones before they become Tensors. Batches are fresh copies: changing one never changes the data.
    """

    def __init__(self, dataset: ArrayDataset | Sequence[ArrayLike], batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: np.random.Generator | None = None,
                 transform: Callable[..., Sequence[np.ndarray]] | None = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.dataset = dataset if isinstance(dataset, ArrayDataset) else ArrayDataset(*dataset)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = generator
        self.transform = transform

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n = len(self.dataset)
        order = get_generator(self.generator).permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            batch = self.dataset[order[start:start + self.batch_size]]
            if self.transform is not None:
                batch = self.transform(*batch)
            yield tuple(Tensor(a) for a in batch)
