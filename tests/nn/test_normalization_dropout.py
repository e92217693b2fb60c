"""BatchNorm (train/eval, running statistics, buffers in state_dict), LayerNorm, Dropout and the activation modules,
against torch.nn step by step and against central differences."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck, nn
from minigrad.nn import functional as F

rng = np.random.default_rng(77)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck(training):
    x, w, b = rng.standard_normal((4, 3, 2, 2)), rng.standard_normal(3), rng.standard_normal(3)
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    fn = lambda x_, w_, b_: F.batch_norm(x_, mean.copy(), var.copy(), w_, b_, training=training)  # noqa: E731
    assert gradcheck(fn, [x, w, b])
    assert gradgradcheck(fn, [x, w, b])


@pytest.mark.parametrize("ours_class, shape", [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (8, 3, 5)),
                                               ("BatchNorm2d", (4, 3, 5, 5))])
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_batch_norm_modules_follow_torch_through_training_and_evaluation(ours_class, shape, momentum, dtype, rtol):
    torch = pytest.importorskip("torch")
    ours = getattr(nn, ours_class)(3, momentum=momentum, dtype=dtype)
    theirs = getattr(torch.nn, ours_class)(3, momentum=momentum, dtype=torch.float64 if dtype == np.float64
                                           else torch.float32)
    ours.weight.data.copy_(mg.tensor(rng.standard_normal(3).astype(dtype)))
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.detach().numpy().copy()))
    for step in range(4):
        if step == 3:
            ours.eval(), theirs.eval()
        x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
        ours_x, theirs_x = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(ours_x), theirs(theirs_x)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=rtol, atol=rtol)
        (out * out * out).sum().backward()
        (ref * ref * ref).sum().backward()
        np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=rtol * 10, atol=rtol * 10)
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=rtol * 10, atol=rtol)
        ours.weight.grad, theirs.weight.grad = None, None
    state = ours.state_dict()
    assert set(state) == set(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        np.testing.assert_allclose(state[name], value.numpy(), rtol=rtol)


def test_batch_norm_state_dict_round_trip_restores_running_statistics():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    net(mg.randn(10, 3))
    copy = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    copy.load_state_dict(net.state_dict())
    np.testing.assert_array_equal(copy[1].running_mean.numpy(), net[1].running_mean.numpy())
    assert copy[1].num_batches_tracked.item() == 1
    assert [name for name, _ in net.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    net.double()
    assert net[1].running_var.dtype == np.float64 and net[1].num_batches_tracked.dtype == np.int64


def test_batch_norm_refuses_wrong_inputs():
    with pytest.raises(ValueError, match="channels"):
        nn.BatchNorm2d(3)(mg.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match="dimensions"):
        nn.BatchNorm1d(3)(mg.randn(2, 3, 3, 3))
    with pytest.raises(ValueError, match="more than one value"):
        nn.BatchNorm1d(3)(mg.randn(1, 3))


def test_layer_norm_module_matches_torch():
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((2, 3, 4))
    ours, theirs = nn.LayerNorm((3, 4), dtype=np.float64), torch.nn.LayerNorm((3, 4), dtype=torch.float64)
    ours_x, theirs_x = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ours(ours_x) ** 2 * mg.tensor(x)).sum().backward()
    (theirs(theirs_x) ** 2 * torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), rtol=1e-12, atol=1e-13)
    assert set(ours.state_dict()) == set(theirs.state_dict())


def test_dropout_zeroes_a_share_p_scales_the_rest_and_is_the_identity_in_eval():
    layer = nn.Dropout(0.3, generator=np.random.default_rng(0))
    x = mg.ones(200, 100, requires_grad=True)
    out = layer(x)
    values = out.detach().numpy()
    assert abs((values == 0).mean() - 0.3) < 0.01
    np.testing.assert_allclose(values[values != 0], 1 / 0.7, rtol=1e-6)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)       # d out / d x is the scaled mask itself
    layer.eval()
    assert layer(x) is x or np.array_equal(layer(x).detach().numpy(), x.detach().numpy())
    assert (nn.Dropout(1.0)(x).detach().numpy() == 0).all()
    mg.manual_seed(5)
    first = F.dropout(mg.ones(50)).numpy()
    mg.manual_seed(5)
    np.testing.assert_array_equal(F.dropout(mg.ones(50)).numpy(), first)


@pytest.mark.parametrize("ours, theirs", [
    (lambda: nn.GELU(), lambda t: t.nn.GELU()), (lambda: nn.GELU("tanh"), lambda t: t.nn.GELU("tanh")),
    (lambda: nn.SiLU(), lambda t: t.nn.SiLU()), (lambda: nn.Softplus(2.0, 1.0), lambda t: t.nn.Softplus(2.0, 1.0)),
    (lambda: nn.ELU(0.5), lambda t: t.nn.ELU(0.5)), (lambda: nn.LeakyReLU(0.1), lambda t: t.nn.LeakyReLU(0.1)),
    (lambda: nn.Softmax(dim=0), lambda t: t.nn.Softmax(dim=0)),
    (lambda: nn.LogSoftmax(dim=1), lambda t: t.nn.LogSoftmax(dim=1))])
def test_activation_modules_match_torch(ours, theirs):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(ours()(mg.tensor(x)).numpy(), theirs(torch)(torch.tensor(x)).numpy(), rtol=1e-12,
                               atol=1e-15)
    assert "(" in repr(ours())
