"""`.data`, `.numpy()` and `np.asarray` as PyTorch gives them."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def test_data_is_a_detached_tensor_sharing_memory():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, mg.Tensor) and not d.requires_grad and d.is_leaf
    d.zero_()                                  # allowed: d does not require grad, and w sees it
    assert w.tolist() == [0.0, 0.0]


def test_grad_data_zero_resets_the_gradient_in_place():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    grad = w.grad
    w.grad.data.zero_()
    assert w.grad is grad and w.grad.tolist() == [0.0, 0.0]


def test_assigning_data_replaces_the_values():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    w.data = mg.tensor([5.0, 6.0])
    assert w.tolist() == [5.0, 6.0] and w.requires_grad


def test_numpy_refuses_a_tensor_that_requires_grad_and_names_detach():
    w = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\)"):
        w.numpy()
    with pytest.raises(RuntimeError, match=r"detach\(\)"):
        np.asarray(w)
    assert w.detach().numpy().tolist() == [1.0]


def test_np_asarray_shares_memory_and_converts_dtype_on_request():
    t = mg.tensor([1.0, 2.0])
    assert np.shares_memory(np.asarray(t), t.numpy())
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_the_gradient_of_a_parameter_is_a_plain_tensor_that_does_not_require_grad():
    layer = nn.Linear(2, 1)
    layer(mg.ones(3, 2)).sum().backward()
    assert type(layer.weight.grad) is mg.Tensor and not layer.weight.grad.requires_grad
    assert layer.weight.grad.numpy().shape == (1, 2)


def test_arange_with_float_arguments_gives_float32_and_integers_int64():
    assert mg.arange(0.5, 1.5, 0.01).dtype == np.float32 and mg.arange(5).dtype == np.int64
    assert mg.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert mg.arange(0.0, 1.0, 0.1, dtype=np.float64).dtype == np.float64


def test_float_arange_equals_pytorchs():
    torch = pytest.importorskip("torch")
    for args in [(0.5, 1.5, 0.01), (-2.0, 5.0, 0.01), (-1, 2, 0.3), (3.5,)]:
        ours, theirs = mg.arange(*args).numpy(), torch.arange(*args).numpy()
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        # PyTorch's vectorised kernel rounds some elements differently: within one float32 ulp of the largest
        # magnitude (near 0 it returns an exact 0 where float64 gives a tiny residue), not bit-equal
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=np.spacing(np.abs(theirs).max()))
