"""minigrad.optim.swa_utils against torch.optim.swa_utils: SWALR's lr at every step (==), AveragedModel's averages
(== for SWA and EMA, float32 and float64, one parameter at a time or all at once), its state_dict, and update_bn on
a layer with BatchNorm's running statistics; plus the errors."""
import math

import numpy as np
import pytest
from optim_testing import record, relative_difference

import minigrad
from minigrad import nn, optim
from minigrad.optim import lr_scheduler, swa_utils
from minigrad.serialization import load, save

torch = pytest.importorskip("torch", reason="PyTorch is the reference for the parity tests; install torch==2.13.0")


def make_optimizer(lib):
    params = [minigrad.Tensor(np.zeros(2)), minigrad.Tensor(np.zeros(3))] if lib is optim else \
        [torch.zeros(2), torch.zeros(3)]
    return lib.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.03}], lr=0.1, momentum=0.9)


# name -> (steps before SWA, SWALR arguments); before SWA a MultiplicativeLR decays the lr by 0.9 a step
SWALR_CASES = {
    "cos": (0, dict(swa_lr=0.01, anneal_epochs=5)),
    "linear-per-group": (0, dict(swa_lr=[0.01, 0.002], anneal_epochs=3, anneal_strategy="linear")),
    "no-anneal": (0, dict(swa_lr=0.05, anneal_epochs=0)),
    "one-epoch": (0, dict(swa_lr=0.05, anneal_epochs=1)),
    "after-multiplicative-cos": (6, dict(swa_lr=0.01, anneal_epochs=5)),
    "after-multiplicative-linear": (6, dict(swa_lr=[0.01, 0.02], anneal_epochs=4, anneal_strategy="linear")),
}


@pytest.mark.parametrize("name", list(SWALR_CASES))
def test_swalr_matches_torch_every_step(name, tmp_path):
    swa_start, kwargs = SWALR_CASES[name]
    ours_opt, their_opt = make_optimizer(optim), make_optimizer(torch.optim)
    ours_before = lr_scheduler.MultiplicativeLR(ours_opt, lambda t: 0.9)
    theirs_before = torch.optim.lr_scheduler.MultiplicativeLR(their_opt, lambda t: 0.9)
    ours, theirs = swa_utils.SWALR(ours_opt, **kwargs), torch.optim.swa_utils.SWALR(their_opt, **kwargs)
    for t in range(25):
        assert [g["lr"] for g in ours_opt.param_groups] == [g["lr"] for g in their_opt.param_groups], t
        ours_opt.step()
        their_opt.step()
        (ours if t >= swa_start else ours_before).step()
        (theirs if t >= swa_start else theirs_before).step()
        if t == swa_start + 2:            # resume from a checkpoint in the middle of the annealing
            save({"optimizer": ours_opt.state_dict(), "scheduler": ours.state_dict()}, tmp_path / "ckpt.npz")
            checkpoint = load(tmp_path / "ckpt.npz")
            ours_opt = make_optimizer(optim)
            ours = swa_utils.SWALR(ours_opt, **kwargs)
            ours_opt.load_state_dict(checkpoint["optimizer"])
            ours.load_state_dict(checkpoint["scheduler"])
    assert ours.get_last_lr() == theirs.get_last_lr()
    assert [g["swa_lr"] for g in ours_opt.param_groups] == [g["swa_lr"] for g in their_opt.param_groups]


def test_swalr_reaches_swa_lr_after_annealing():
    # independent of PyTorch: cosine annealing from 0.1 to 0.01 in 4 steps, then constant
    opt = optim.SGD([minigrad.Tensor(np.zeros(2))], lr=0.1)
    scheduler = swa_utils.SWALR(opt, swa_lr=0.01, anneal_epochs=4)
    seen = []
    for _ in range(7):
        opt.step()
        scheduler.step()
        seen.append(opt.param_groups[0]["lr"])
    alpha = [(1 - math.cos(math.pi * t / 4)) / 2 for t in (1, 2, 3)]
    expected = [0.01 * a + 0.1 * (1 - a) for a in alpha] + [0.01] * 4
    assert seen == pytest.approx(expected, rel=1e-12)


# ---- AveragedModel ----------------------------------------------------------------------------------------------

def twin_models(dtype):
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).to_dtype(dtype)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).to(
        getattr(torch, np.dtype(dtype).name))
    copy_weights(ours, theirs, [p._array for p in ours.parameters()])
    return ours, theirs


def copy_weights(ours, theirs, arrays):
    with torch.no_grad():
        for p, q, a in zip(ours.parameters(), theirs.parameters(), arrays):
            p._array[...] = a
            q.copy_(torch.from_numpy(np.array(a)))


# name -> (AveragedModel arguments, relative tolerance per dtype). The per-parameter averages agree to the bit.
# The in-place ("multi") ones lerp: PyTorch's CPU lerp fuses its multiply-add (one rounding, numpy has two), and
# its SWA lerp rounds the weight 1/(n + 1) to float32 (it divides by an integer tensor), which minigrad does not.
AVERAGING = {
    "swa": (dict(), {np.float32: 0.0, np.float64: 0.0}),
    "ema": (dict(avg_fn=lambda lib: lib.get_ema_avg_fn(0.9)), {np.float32: 0.0, np.float64: 0.0}),
    "ema-multi": (dict(multi_avg_fn=lambda lib: lib.get_ema_multi_avg_fn(0.7)), {np.float32: 2e-7, np.float64: 1e-15}),
    "swa-multi": (dict(multi_avg_fn=lambda lib: lib.get_swa_multi_avg_fn()), {np.float32: 2e-7, np.float64: 1e-7}),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(AVERAGING))
def test_averaged_model_matches_torch(name, dtype):
    ours_model, their_model = twin_models(dtype)
    arguments, tolerance = AVERAGING[name]
    kwargs = {k: make(swa_utils) for k, make in arguments.items()}
    their_kwargs = {k: make(torch.optim.swa_utils) for k, make in arguments.items()}
    ours, theirs = swa_utils.AveragedModel(ours_model, **kwargs), torch.optim.swa_utils.AveragedModel(
        their_model, **their_kwargs)
    rng = np.random.default_rng(3)
    for _ in range(6):
        copy_weights(ours_model, their_model, [rng.standard_normal(p.shape).astype(dtype)
                                               for p in ours_model.parameters()])
        ours.update_parameters(ours_model)
        theirs.update_parameters(their_model)
        for p, q in zip(ours.parameters(), theirs.parameters()):
            assert p._array.dtype == dtype
            difference = relative_difference(p._array, q.detach().numpy(), least_scale=1.0)
            record(f"AveragedModel {name}", dtype, difference)
            assert difference <= tolerance[dtype]
    assert ours.n_averaged == int(theirs.n_averaged) == 6
    x = rng.standard_normal((5, 3)).astype(dtype)
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(), theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-6)


def test_averaged_model_state_dict_as_torch_and_back():
    ours_model, their_model = twin_models(np.float64)
    ours, theirs = swa_utils.AveragedModel(ours_model), torch.optim.swa_utils.AveragedModel(their_model)
    for _ in range(3):
        ours.update_parameters(ours_model)
        theirs.update_parameters(their_model)
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict()) and int(state["n_averaged"]) == 3
    fresh = swa_utils.AveragedModel(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double())
    fresh.load_state_dict(state)
    assert fresh.n_averaged == 3
    for p, q in zip(fresh.parameters(), ours.parameters()):
        np.testing.assert_array_equal(p._array, q._array)
    with pytest.raises(ValueError, match="n_averaged.*count"):
        fresh.load_state_dict({**state, "n_averaged": np.array(-1)})
    assert fresh.n_averaged == 3


def test_averaged_model_is_a_copy_that_leaves_the_model_alone():
    model = nn.Linear(2, 2)
    before = model.weight._array.copy()
    averaged = swa_utils.AveragedModel(model)
    averaged.update_parameters(model)
    averaged.module.weight._array += 1.0
    np.testing.assert_array_equal(model.weight._array, before)


# ---- update_bn ----------------------------------------------------------------------------------------------

class BatchStatistics(nn.Module):
    """The running statistics of BatchNorm1d (affine=False), as minigrad.nn's BatchNorm keeps them (Tensors
    running_mean, running_var, num_batches_tracked, updated with `momentum` in training mode, a cumulative average
    when momentum is None): what update_bn relies on."""

    def __init__(self, features, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.running_mean = minigrad.tensor(np.zeros(features), dtype=np.float64)
        self.running_var = minigrad.tensor(np.ones(features), dtype=np.float64)
        self.num_batches_tracked = minigrad.tensor(np.zeros((), dtype=np.int64))

    def forward(self, x):
        if self.training:
            self.num_batches_tracked._array += 1
            m = 1 / float(self.num_batches_tracked._array) if self.momentum is None else self.momentum
            self.running_mean._array[...] = (1 - m) * self.running_mean._array + m * x._array.mean(0)
            self.running_var._array[...] = (1 - m) * self.running_var._array + m * x._array.var(0, ddof=1)
        return x


def test_update_bn_matches_torch():
    rng = np.random.default_rng(4)
    batches = [rng.standard_normal((8, 3)) * (i + 1) + i for i in range(5)]
    ours = nn.Sequential(nn.Linear(3, 3).double(), BatchStatistics(3))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 3).double(), torch.nn.BatchNorm1d(3, affine=False).double())
    copy_weights(ours, theirs, [p._array for p in ours.parameters()])
    for model in (ours, theirs):
        model.eval()
        model[1].momentum = 0.3
    ours[1].running_mean._array += 5.0            # statistics that do not fit: update_bn must forget them
    with torch.no_grad():
        theirs[1].running_mean += 5.0
    swa_utils.update_bn([(minigrad.tensor(b, dtype=np.float64), 0) for b in batches], ours)
    torch.optim.swa_utils.update_bn([(torch.from_numpy(b), 0) for b in batches], theirs)
    np.testing.assert_allclose(ours[1].running_mean._array, theirs[1].running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours[1].running_var._array, theirs[1].running_var.numpy(), rtol=1e-12)
    assert int(ours[1].num_batches_tracked._array) == int(theirs[1].num_batches_tracked) == 5
    assert ours[1].momentum == 0.3 and not ours.training     # momentum and mode restored


def batchnorm_twins():
    if not hasattr(nn, "BatchNorm1d"):
        pytest.skip("minigrad.nn has no BatchNorm1d yet")
    ours = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3)).double()
    copy_weights(ours, theirs, [p._array for p in ours.parameters()])
    return ours, theirs


def test_update_bn_on_minigrad_batchnorm_matches_torch():
    ours, theirs = batchnorm_twins()
    batches = [np.random.default_rng(i).standard_normal((8, 3)) * (i + 1) + i for i in range(5)]
    for model in (ours, theirs):
        model.eval()
    swa_utils.update_bn([(minigrad.tensor(b, dtype=np.float64), 0) for b in batches], ours)
    torch.optim.swa_utils.update_bn([(torch.from_numpy(b), 0) for b in batches], theirs)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(ours[1], name)._array, getattr(theirs[1], name).numpy(), rtol=1e-12)
    assert not ours.training and ours[1].momentum == 0.1


@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model_with_buffers_matches_torch(use_buffers):
    ours_model, their_model = batchnorm_twins()
    ours = swa_utils.AveragedModel(ours_model, use_buffers=use_buffers)
    theirs = torch.optim.swa_utils.AveragedModel(their_model, use_buffers=use_buffers)
    rng = np.random.default_rng(5)
    for _ in range(4):
        x = rng.standard_normal((6, 3))
        ours_model(minigrad.tensor(x, dtype=np.float64))      # training mode: the running statistics move
        their_model(torch.from_numpy(x))
        ours.update_parameters(ours_model)
        theirs.update_parameters(their_model)
    ours_state, their_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(their_state)
    for key, value in ours_state.items():
        np.testing.assert_allclose(value, their_state[key].numpy(), rtol=1e-12, atol=1e-15, err_msg=key)


def test_update_bn_without_batchnorm_changes_nothing():
    model = nn.Sequential(nn.Linear(3, 2))
    model.eval()
    swa_utils.update_bn([minigrad.tensor(np.ones((2, 3)))], model)
    assert not model.training


# ---- errors -----------------------------------------------------------------------------------------------------

def sgd():
    return optim.SGD([{"params": [minigrad.Tensor(np.zeros(2))]}, {"params": [minigrad.Tensor(np.zeros(2))]}],
                     lr=0.1)


@pytest.mark.parametrize("make, error, words", [
    (lambda: swa_utils.SWALR(sgd(), swa_lr=1.0, anneal_strategy="exponential"), ValueError,
     ["anneal_strategy must be one of 'cos' or 'linear'", "'exponential'"]),
    (lambda: swa_utils.SWALR(sgd(), swa_lr=1.0, anneal_epochs=-1), ValueError, ["anneal_epochs must", "-1"]),
    (lambda: swa_utils.SWALR(sgd(), swa_lr=1.0, anneal_epochs=1.7), ValueError, ["anneal_epochs must", "1.7"]),
    (lambda: swa_utils.SWALR(sgd(), swa_lr=[1.0, 0.1, 0.01]), ValueError, ["swa_lr must", "3 values"]),
    (lambda: swa_utils.SWALR(sgd(), swa_lr=-0.1), ValueError, ["swa_lr", "-0.1"]),
    (lambda: swa_utils.get_ema_avg_fn(1.5), ValueError, ["decay", "1.5"]),
    (lambda: swa_utils.AveragedModel(nn.Linear(2, 2), avg_fn=swa_utils.get_swa_avg_fn(),
                                     multi_avg_fn=swa_utils.get_swa_multi_avg_fn()), ValueError, ["avg_fn"]),
    (lambda: swa_utils.AveragedModel([nn.Linear(2, 2)]), TypeError, ["Module", "list"]),
    (lambda: swa_utils.AveragedModel(nn.Linear(2, 2)).update_parameters(nn.Linear(3, 2)), ValueError,
     ["same parameters", "(2, 3)"]),
])
def test_swa_errors(make, error, words):
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)
