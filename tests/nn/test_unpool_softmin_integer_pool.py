"""max_unpool1d/2d and their modules, nn.Softmin and max_pool2d of integer input, against PyTorch and central
differences."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.gradcheck import gradcheck, gradgradcheck

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")
TF = torch.nn.functional


def images(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


# (input shape, pooling arguments, unpooling output_size or None)
UNPOOL_2D = [((2, 2, 4, 6), dict(kernel_size=2), None),
             ((2, 3, 7, 9), dict(kernel_size=2), (7, 9)),                  # the row and column pooling dropped
             ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1), None),
             ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1), (1, 2, 7, 7)),
             ((1, 2, 6, 5), dict(kernel_size=(2, 3), stride=(1, 2)), None),   # overlapping windows: shared maxima
             ((3, 6, 6), dict(kernel_size=2), None)]                          # unbatched


@pytest.mark.parametrize("shape, pooling, output_size", UNPOOL_2D)
def test_max_unpool2d_values_gradients_and_node_are_pytorchs(shape, pooling, output_size):
    x = images(shape)
    values, indices = F.max_pool2d(mg.tensor(x), return_indices=True, **pooling)
    t_values, t_indices = TF.max_pool2d(torch.tensor(x), return_indices=True, **pooling)
    ours_in = mg.tensor(values.numpy(), requires_grad=True)
    theirs_in = torch.tensor(t_values.numpy(), requires_grad=True)
    ours = F.max_unpool2d(ours_in, indices, output_size=output_size, **pooling)
    theirs = TF.max_unpool2d(theirs_in, t_indices, output_size=output_size, **pooling)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    if len(shape) == 4:
        assert ours.grad_fn.name() == theirs.grad_fn.name() == "MaxUnpool2DBackward0"
    weights = images(ours.shape, 1)
    (ours * mg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(ours_in.grad.numpy(), theirs_in.grad.numpy())
    planes = indices.numpy().reshape(-1, indices.shape[-2] * indices.shape[-1])
    if all(len(np.unique(p)) == len(p) for p in planes):     # a value overwritten by a duplicate index still gets
        unpool = lambda v: (F.max_unpool2d(v, indices, output_size=output_size, **pooling) ** 2 *  # noqa: E731
                            mg.tensor(weights)).sum()          # the gradient there (PyTorch's), not the true 0
        assert gradcheck(unpool, (ours_in.detach(),)) and gradgradcheck(unpool, (ours_in.detach(),))


def test_max_unpool2d_module_is_pytorchs_and_inverts_a_max_pool_where_the_maxima_were():
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    t_pool, t_unpool = torch.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(t_unpool)
    assert repr(nn.MaxUnpool2d((2, 3), 1, 1)) == repr(torch.nn.MaxUnpool2d((2, 3), 1, 1))
    x = images((2, 1, 5, 5), 2)
    ours = unpool(*pool(mg.tensor(x)), output_size=(2, 1, 5, 5))
    theirs = t_unpool(*t_pool(torch.tensor(x)), output_size=(2, 1, 5, 5))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    kept = ours.numpy() != 0
    assert kept.sum() == 2 * 4 and np.array_equal(ours.numpy()[kept], x[kept])


@pytest.mark.parametrize("shape, kernel, stride, padding, output_size", [
    ((2, 3, 10), 2, None, 0, None), ((2, 3, 11), 3, 2, 1, (11,)), ((3, 8), 2, None, 0, None),
    ((2, 3, 9), 2, None, 0, [2, 3, 9])])
def test_max_unpool1d_and_its_module_are_pytorchs(shape, kernel, stride, padding, output_size):
    x = images(shape, 3)
    values, indices = F.max_pool1d(mg.tensor(x), kernel, stride, padding, return_indices=True)
    t_values, t_indices = TF.max_pool1d(torch.tensor(x), kernel, stride, padding, return_indices=True)
    ours_in = mg.tensor(values.numpy(), requires_grad=True)
    theirs_in = torch.tensor(t_values.numpy(), requires_grad=True)
    ours = nn.MaxUnpool1d(kernel, stride, padding)(ours_in, indices, output_size)
    theirs = torch.nn.MaxUnpool1d(kernel, stride, padding)(theirs_in, t_indices, output_size)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert repr(nn.MaxUnpool1d(kernel, stride, padding)) == repr(torch.nn.MaxUnpool1d(kernel, stride, padding))
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_array_equal(ours_in.grad.numpy(), theirs_in.grad.numpy())
    if all(len(np.unique(row)) == len(row) for row in indices.numpy().reshape(-1, indices.shape[-1])):
        assert gradcheck(lambda v: (F.max_unpool1d(v, indices, kernel, stride, padding, output_size) ** 2).sum(),
                         (ours_in.detach(),))


@pytest.mark.parametrize("call, error", [
    (lambda lib, f, v, i: f.max_unpool2d(v, i, 2, output_size=(9, 8)), ValueError),      # 9 is not within 8 +- 2
    (lambda lib, f, v, i: f.max_unpool2d(v, i, 2, output_size=(8,)), ValueError),
    (lambda lib, f, v, i: f.max_unpool2d(v, i + 100, 2), RuntimeError),                  # an index off the plane
    (lambda lib, f, v, i: f.max_unpool2d(v, i[:, :, :1], 2), RuntimeError)])             # shapes differ
def test_max_unpool2d_refuses_what_pytorch_refuses(call, error):
    x = images((1, 2, 4, 4), 4)
    with pytest.raises(error):
        call(torch, TF, *TF.max_pool2d(torch.tensor(x), 2, return_indices=True))
    with pytest.raises(error, match="max_unpool2d"):
        call(mg, F, *F.max_pool2d(mg.tensor(x), 2, return_indices=True))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmin_module_is_pytorchs(dim):
    x = images((3, 4), 5)
    ours_in, theirs_in = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = nn.Softmin(dim)(ours_in), torch.nn.Softmin(dim)(theirs_in)
    assert repr(nn.Softmin(dim)) == repr(torch.nn.Softmin(dim))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-14)
    weights = images((3, 4), 6)
    (ours * mg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours_in.grad.numpy(), theirs_in.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert gradcheck(lambda v: (nn.Softmin(dim)(v) * mg.tensor(weights)).sum(), (ours_in.detach(),))


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
@pytest.mark.parametrize("pooling", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
                                     dict(kernel_size=3, stride=2, ceil_mode=True)])
def test_max_pool2d_of_integer_input_is_pytorchs(dtype, pooling):
    info = np.iinfo(dtype)
    x = np.random.default_rng(7).integers(info.min, info.max, (2, 3, 5, 5), endpoint=True).astype(dtype)
    x[0, 0] = info.min                          # a window of the smallest value only: padding must not win
    ours, ours_indices = F.max_pool2d(mg.tensor(x), return_indices=True, **pooling)
    theirs, their_indices = TF.max_pool2d(torch.tensor(x), return_indices=True, **pooling)
    assert ours.dtype == np.dtype(dtype) and not ours.requires_grad
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(ours_indices.numpy(), their_indices.numpy())
    np.testing.assert_array_equal(nn.MaxPool2d(**pooling)(mg.tensor(x)).numpy(), theirs.numpy())


def test_max_pool2d_refuses_bool_input_and_integers_cannot_require_grad():
    with pytest.raises(NotImplementedError):
        TF.max_pool2d(torch.ones(1, 1, 2, 2, dtype=torch.bool), 2)
    with pytest.raises(TypeError, match="max_pool2d: input must be a float tensor, got dtype bool"):
        F.max_pool2d(mg.ones(1, 1, 2, 2, dtype=mg.bool), 2)
    with pytest.raises(TypeError, match="float32/float64"):
        mg.tensor(np.ones((1, 1, 2, 2), np.int64), requires_grad=True)
