"""Training interrupted after k steps and resumed from a checkpoint (model, optimizer and scheduler state, saved with
minigrad.save) ends with bit-identical parameters and lr to the uninterrupted run."""
import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler
from minigrad.serialization import load, save

TOTAL_STEPS = 40
BATCH = 16


def data(dtype):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((128, 5)).astype(dtype)
    y = (X @ rng.standard_normal((5, 1)) + 0.3 + 0.1 * rng.standard_normal((128, 1))).astype(dtype)
    return X, y


def new_model(dtype, state=None):
    rng = np.random.default_rng(8)
    state = state or {"w": rng.standard_normal((5, 1)).astype(dtype), "b": np.zeros(1, dtype=dtype)}
    return {name: minigrad.Tensor(np.array(array, copy=True), requires_grad=True) for name, array in state.items()}


SETUPS = {
    "SGD-momentum+MultiStepLR": (
        lambda params: optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=1e-3),
        lambda opt: lr_scheduler.MultiStepLR(opt, milestones=[10, 20, 30], gamma=0.5)),
    "Adam+OneCycleLR": (
        lambda params: optim.Adam(params, lr=0.01, amsgrad=True),
        lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=TOTAL_STEPS)),
}


def train(model, opt, scheduler, steps, start, X, y):
    """Minibatch steps start .. start+steps−1 of least squares; batch t is the same in every run."""
    for t in range(start, start + steps):
        rows = np.arange(t * BATCH, (t + 1) * BATCH) % len(X)
        opt.zero_grad()
        prediction = minigrad.Tensor(X[rows]) @ model["w"] + model["b"]
        loss = ((prediction - minigrad.Tensor(y[rows])) ** 2).mean()
        loss.backward()
        opt.step()
        scheduler.step()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize("k", [1, 17])
def test_resumed_training_is_bit_identical(setup, dtype, k, tmp_path):
    make_optimizer, make_scheduler = SETUPS[setup]
    X, y = data(dtype)

    model = new_model(dtype)
    opt = make_optimizer(list(model.values()))
    scheduler = make_scheduler(opt)
    train(model, opt, scheduler, TOTAL_STEPS, 0, X, y)

    interrupted = new_model(dtype)
    opt_before = make_optimizer(list(interrupted.values()))
    scheduler_before = make_scheduler(opt_before)
    train(interrupted, opt_before, scheduler_before, k, 0, X, y)
    save({"model": {name: p._array for name, p in interrupted.items()}, "optimizer": opt_before.state_dict(),
          "scheduler": scheduler_before.state_dict(), "step": k}, tmp_path / "checkpoint.npz")
    del interrupted, opt_before, scheduler_before                   # the process ends here

    checkpoint = load(tmp_path / "checkpoint.npz")
    resumed = new_model(dtype, checkpoint["model"])
    opt_after = make_optimizer(list(resumed.values()))
    scheduler_after = make_scheduler(opt_after)
    opt_after.load_state_dict(checkpoint["optimizer"])
    scheduler_after.load_state_dict(checkpoint["scheduler"])
    train(resumed, opt_after, scheduler_after, TOTAL_STEPS - checkpoint["step"], checkpoint["step"], X, y)

    for name in model:
        assert resumed[name]._array.dtype == dtype
        assert np.array_equal(resumed[name]._array, model[name]._array), name
    assert scheduler_after.get_last_lr() == scheduler.get_last_lr()
    assert opt_after.param_groups[0] == {**opt.param_groups[0], "params": opt_after.param_groups[0]["params"]}
    assert not np.array_equal(model["w"]._array, new_model(dtype)["w"]._array)     # training did move the model
