"""``torch.utils.data`` on minigrad: ``Dataset``, ``TensorDataset`` and ``DataLoader`` with PyTorch's signatures.

The batching rules (order, shuffling from minigrad's seeded generator, ``drop_last``, the number of batches) are
``minigrad.data.DataLoader``'s: this loader runs that one over the *indices* of the dataset and then gathers each
batch. A ``TensorDataset`` is gathered with one fancy index per tensor; any other dataset one example at a time,
the examples stacked by ``collate_fn`` (by default ``default_collate``), as PyTorch does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..data.loader import ArrayDataset
from ..data.loader import DataLoader as _IndexLoader
from ..functions import stack
from ..tensor import Tensor
from ..typing import ArrayLike


class Dataset:
    """A map-style dataset: subclasses give ``__getitem__(index)`` (one example) and ``__len__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__ (one example per index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of examples)")


class TensorDataset(Dataset):
    """Tensors that share their first dimension; example ``i`` is ``tuple(t[i] for t in tensors)``."""

    def __init__(self, *tensors: ArrayLike) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        tensors = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors)
        shapes = [tuple(t.shape) for t in tensors]
        if any(len(shape) == 0 for shape in shapes) or len({shape[0] for shape in shapes}) != 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors, shapes {', '.join(map(str, shapes))} "
                             "(all must have the same first dimension)")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def default_collate(examples: Sequence[Any]) -> Any:
    """Stack a list of examples into one batch: tuples field by field, Tensors and numbers into a Tensor."""
    first = examples[0]
    if isinstance(first, (tuple, list)):
        return type(first)(default_collate(list(field)) for field in zip(*examples))
    if isinstance(first, Tensor):
        return stack(examples)
    return Tensor(np.asarray(examples))


class DataLoader:
    """Minibatches of ``dataset``, as ``torch.utils.data.DataLoader``.

    ``shuffle`` draws a new order every epoch (every ``iter()``) from ``generator`` (a ``numpy.random.Generator``;
    by default minigrad's, so ``minigrad.manual_seed`` fixes the orders). ``num_workers`` is accepted and ignored:
    minigrad loads in the calling process. Batches are new Tensors; changing one never changes the dataset.
    """

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None, drop_last: bool = False,
                 generator: np.random.Generator | None = None) -> None:
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError(f"DataLoader: dataset must have __getitem__ and __len__, got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        self.drop_last = drop_last
        self._indices = _IndexLoader(ArrayDataset(np.arange(len(dataset))), batch_size, shuffle, drop_last,
                                     generator)

    def __len__(self) -> int:
        return len(self._indices)

    def __iter__(self) -> Iterator[Any]:
        for (indices,) in self._indices:
            indices = indices.numpy()
            if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
                yield tuple(Tensor(t.detach().numpy()[indices]) for t in self.dataset.tensors)
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in indices])
