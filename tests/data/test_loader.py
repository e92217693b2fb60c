import numpy as np
import pytest

import minigrad
from minigrad import Tensor, manual_seed
from minigrad.data import ArrayDataset, DataLoader


def toy_arrays(n=10):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) * 10
    return X, y


def epoch(loader):
    return [(X._array.copy(), y._array.copy()) for X, y in loader]


@pytest.mark.parametrize("n, batch_size, drop_last, sizes", [
    (10, 3, False, [3, 3, 3, 1]),
    (10, 3, True, [3, 3, 3]),
    (9, 3, False, [3, 3, 3]),
    (9, 3, True, [3, 3, 3]),
    (2, 5, False, [2]),
    (2, 5, True, []),
])
def test_batch_sizes_and_len(n, batch_size, drop_last, sizes):
    loader = DataLoader(toy_arrays(n), batch_size, drop_last=drop_last)
    assert len(loader) == len(sizes)
    assert [len(y) for _, y in epoch(loader)] == sizes


def test_unshuffled_order_and_tensor_batches():
    X, y = toy_arrays()
    batches = list(DataLoader((X, y), batch_size=4))
    assert all(isinstance(t, minigrad.Tensor) and not t.requires_grad for batch in batches for t in batch)
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == np.int64
    assert batches[0][0].shape == (4, 3) and batches[-1][0].shape == (2, 3)
    np.testing.assert_array_equal(np.concatenate([b[0]._array for b in batches]), X)
    np.testing.assert_array_equal(np.concatenate([b[1]._array for b in batches]), y)


def test_shuffle_covers_every_row_once_keeps_pairs_and_changes_each_epoch():
    X, y = toy_arrays(50)
    loader = DataLoader(ArrayDataset(X, y), batch_size=7, shuffle=True, generator=np.random.default_rng(3))
    orders = []
    for _ in range(3):
        batches = epoch(loader)
        rows = np.concatenate([b[0] for b in batches])
        labels = np.concatenate([b[1] for b in batches])
        np.testing.assert_array_equal(labels, rows[:, 0] / 3 * 10)  # features and label stay paired
        assert sorted(labels.tolist()) == y.tolist()
        orders.append(labels.tolist())
    assert orders[0] != y.tolist()
    assert orders[0] != orders[1] and orders[1] != orders[2]


def test_same_seed_same_orders():
    X, y = toy_arrays(30)
    first = DataLoader((X, y), 4, shuffle=True, generator=np.random.default_rng(7))
    second = DataLoader((X, y), 4, shuffle=True, generator=np.random.default_rng(7))
    for _ in range(2):
        for (xa, ya), (xb, yb) in zip(epoch(first), epoch(second)):
            np.testing.assert_array_equal(xa, xb)
            np.testing.assert_array_equal(ya, yb)


def test_default_generator_is_minigrads_global_one():
    X, y = toy_arrays(30)
    loader = DataLoader((X, y), 30, shuffle=True)
    manual_seed(11)
    a = epoch(loader)[0][1]
    b = epoch(loader)[0][1]
    manual_seed(11)
    np.testing.assert_array_equal(epoch(loader)[0][1], a)
    assert a.tolist() != b.tolist()


def test_batches_are_copies():
    X, y = toy_arrays()
    for loader in (DataLoader((X, y), 4), DataLoader((X, y), 4, shuffle=True, generator=np.random.default_rng(0))):
        for xb, yb in loader:
            assert xb._array.flags.c_contiguous
            xb._array[...] = -1
            yb._array[...] = -1
    X0, y0 = toy_arrays()
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_transform_sees_each_batch():
    X, y = toy_arrays()
    loader = DataLoader((X, y), 5, transform=lambda xb, yb: (xb * 2, yb + 1))
    (x0, y0), _ = list(loader)
    np.testing.assert_array_equal(x0._array, X[:5] * 2)
    np.testing.assert_array_equal(y0._array, y[:5] + 1)


def test_tensors_are_accepted_as_data():
    X, y = toy_arrays()
    (xb, yb), = list(DataLoader((Tensor(X), Tensor(y)), 10))
    np.testing.assert_array_equal(xb._array, X)


@pytest.mark.parametrize("arrays, batch_size, match", [
    ((np.zeros((3, 2)), np.zeros(4)), 1, r"share their first dimension, got shapes \(3, 2\), \(4,\)"),
    ((np.zeros(3), np.float32(1)), 1, r"share their first dimension"),
    ((), 1, "at least one array"),
    ((np.zeros(3),), 0, "batch_size must be a positive int, got 0"),
    ((np.zeros(3),), 2.0, "batch_size must be a positive int, got 2.0"),
])
def test_bad_arguments(arrays, batch_size, match):
    with pytest.raises(ValueError, match=match):
        DataLoader(arrays, batch_size)
