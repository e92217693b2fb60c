"""F.one_hot and the implicit ``dim`` of F.softmax / F.log_softmax, against torch.nn.functional."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("labels, num_classes", [
    ([3, 0, 1], -1), ([[2, 0], [1, 1]], 4), (2, 5), (np.zeros((0,), np.int64), 3), ([0], 1)])
def test_one_hot_as_pytorch(labels, num_classes):
    values = np.asarray(labels, dtype=np.int64)
    out = F.one_hot(mg.tensor(values), num_classes)
    ref = torch.nn.functional.one_hot(torch.tensor(values), num_classes)
    assert out.dtype == np.int64 and out.shape == tuple(ref.shape)
    np.testing.assert_array_equal(out.numpy(), ref.numpy())


@pytest.mark.parametrize("labels, num_classes, error, words", [
    (np.array([1, 2], np.int32), -1, TypeError, "int64"),
    (np.array([1.0]), 3, TypeError, "int64"),
    (np.array([-1]), 3, ValueError, "non-negative"),
    (np.array([3]), 3, ValueError, "smaller than num_classes"),
    (np.zeros((0,), np.int64), -1, ValueError, "empty"),
])
def test_one_hot_refuses_what_pytorch_refuses(labels, num_classes, error, words):
    with pytest.raises(RuntimeError):
        torch.nn.functional.one_hot(torch.tensor(labels), num_classes)
    with pytest.raises(error, match=words):
        F.one_hot(mg.tensor(labels), num_classes)


@pytest.mark.parametrize("shape", [(), (4,), (3, 4), (2, 3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_implicit_dim_is_pytorchs_choice_with_its_warning(name, shape):
    values = np.random.default_rng(3).normal(size=shape)
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        out = getattr(F, name)(mg.tensor(values))
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        ref = getattr(torch.nn.functional, name)(torch.tensor(values))
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax_dtype_argument_converts_first():
    x = np.array([[1.0, 2.0, 3.5]], dtype=np.float32)
    out = F.softmax(mg.tensor(x), dim=1, dtype=mg.float64)
    ref = torch.nn.functional.softmax(torch.tensor(x), dim=1, dtype=torch.float64)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-15)
    assert mg.tensor(x, requires_grad=True).log_softmax(1).grad_fn.name() == "LogSoftmaxBackward0"
