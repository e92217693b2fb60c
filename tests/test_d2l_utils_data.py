"""minigrad.utils.data (Dataset, TensorDataset, DataLoader) against torch.utils.data, and its own rules."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import DataLoader, Dataset, TensorDataset


class Squares(Dataset):
    """Example i is (a 2-vector, i squared, a label): a dataset that only answers one index at a time."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return mg.tensor([float(i), -float(i)]), i * i, np.int64(i % 3)


def test_tensor_dataset_indexes_every_tensor_together():
    X, y = mg.arange(12.0).reshape(6, 2), mg.tensor([5, 4, 3, 2, 1, 0])
    dataset = TensorDataset(X, y)
    assert len(dataset) == 6 and dataset.tensors[0] is X
    first, label = dataset[2]
    assert first.tolist() == [4.0, 5.0] and label.item() == 3
    with pytest.raises(ValueError, match=r"size mismatch.*\(6, 2\), \(5,\)"):
        TensorDataset(X, mg.tensor([1, 2, 3, 4, 5]))


def test_batches_equal_torch_utils_data_without_shuffling():
    torch = pytest.importorskip("torch")
    X = np.arange(30, dtype=np.float32).reshape(10, 3)
    y = np.arange(10, dtype=np.int64)
    for batch_size, drop_last in [(3, False), (3, True), (4, False), (10, True)]:
        ours = list(DataLoader(TensorDataset(mg.tensor(X), mg.tensor(y)), batch_size, drop_last=drop_last))
        theirs = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(y)),
                                                  batch_size, drop_last=drop_last))
        assert len(ours) == len(theirs)
        for (Xa, ya), (Xb, yb) in zip(ours, theirs):
            np.testing.assert_array_equal(Xa.numpy(), Xb.numpy())
            np.testing.assert_array_equal(ya.numpy(), yb.numpy())
            assert Xa.dtype == np.float32 and ya.dtype == np.int64


def test_len_counts_batches_as_torch():
    dataset = TensorDataset(mg.zeros(10, 2))
    assert [len(DataLoader(dataset, b, drop_last=d)) for b in (3, 5, 11) for d in (False, True)] == [4, 3, 2, 2, 1, 0]


def test_any_dataset_is_collated_field_by_field():
    X, square, label = next(iter(DataLoader(Squares(), batch_size=4)))
    np.testing.assert_array_equal(X.numpy(), [[0, 0], [1, -1], [2, -2], [3, -3]])
    assert square.tolist() == [0, 1, 4, 9] and label.tolist() == [0, 1, 2, 0]
    sizes = [len(batch[1].tolist()) for batch in DataLoader(Squares(), batch_size=4)]
    assert sizes == [4, 3]


def test_collate_fn_gets_the_examples_of_each_batch():
    batches = list(DataLoader(Squares(), batch_size=3, collate_fn=lambda examples: [e[1] for e in examples]))
    assert batches == [[0, 1, 4], [9, 16, 25], [36]]


def test_shuffling_draws_a_new_order_each_epoch_from_the_seed():
    loader = DataLoader(TensorDataset(mg.arange(20)), batch_size=5, shuffle=True)
    mg.manual_seed(1)
    first, second = [[b.tolist() for (b,) in loader] for _ in range(2)]
    mg.manual_seed(1)
    assert [b.tolist() for (b,) in loader] == first
    assert first != second and sorted(sum(first, [])) == list(range(20))


def test_batches_are_copies_and_requires_grad_data_is_read_without_a_graph():
    w = mg.ones(4, 2, requires_grad=True)
    (batch,) = next(iter(DataLoader(TensorDataset(w), batch_size=2)))
    assert not batch.requires_grad
    with mg.no_grad():
        batch.mul_(5)
    assert w.detach().numpy().max() == 1.0


def test_a_dataset_without_length_is_refused_by_name():
    with pytest.raises(TypeError, match="dataset must have __getitem__ and __len__, got int"):
        DataLoader(3)
