"""Inputs a layer cannot take are refused as PyTorch refuses them (issue 15), and the shapes it can take match torch."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


def test_linear_refuses_integer_input_like_torch():
    layer = nn.Linear(3, 2)
    with pytest.raises(TypeError, match="float"):
        layer(mg.tensor([[1, 2, 3]]))
    with pytest.raises(TypeError, match="int64"):
        F.linear(np.ones((2, 3), dtype=np.int64), layer.weight, layer.bias)
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.nn.Linear(3, 2)(torch.tensor([[1, 2, 3]]))


@pytest.mark.parametrize("apply", [lambda x: nn.Linear(4, 2)(x), lambda x: nn.Conv2d(1, 1, 1)(x.reshape(1, 1, 2, 2)),
                                   lambda x: F.max_pool2d(x.reshape(1, 1, 2, 2), 2)])
def test_float16_arrays_are_refused_not_silently_widened(apply):
    with pytest.raises(TypeError, match="float16"):
        apply(np.ones((1, 4), dtype=np.float16))


def test_linear_keeps_float64_input_in_float64():
    assert nn.Linear(3, 2)(mg.ones(2, 3, dtype=np.float64)).dtype == np.float64


@pytest.mark.parametrize("shape", [(5,), ()])
def test_flatten_refuses_inputs_without_a_dimension_1(shape):
    with pytest.raises(IndexError, match="out of range"):
        nn.Flatten()(mg.ones(*shape))
    torch = pytest.importorskip("torch")
    with pytest.raises(IndexError):
        torch.nn.Flatten()(torch.ones(shape))


@pytest.mark.parametrize("start, end", [(1, -1), (0, -1), (1, 2), (-3, -2), (2, 2), (0, 0)])
def test_flatten_dims_give_torchs_shapes(start, end):
    torch = pytest.importorskip("torch")
    x = np.arange(120.0, dtype=np.float32).reshape(2, 3, 4, 5)
    ours = nn.Flatten(start, end)(mg.tensor(x))
    assert ours.shape == tuple(torch.nn.Flatten(start, end)(torch.from_numpy(x)).shape)
    np.testing.assert_array_equal(ours.numpy(), x.reshape(ours.shape))


def test_flatten_of_a_scalar_and_misordered_dims():
    assert nn.Flatten(0)(mg.tensor(3.0)).shape == (1,)
    with pytest.raises(ValueError, match="comes after"):
        nn.Flatten(2, 1)(mg.ones(2, 3, 4))
