"""Every scheduler against torch.optim.lr_scheduler: the same lr (to the last bit) and the same momentum or β1 in
every parameter group at every one of 150 steps, two groups with different lrs, and a scheduler resumed half-way
from a saved state_dict that carries on exactly as PyTorch's uninterrupted one."""
import numpy as np
import pytest
from optim_testing import record

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler
from minigrad.serialization import load, save

torch = pytest.importorskip("torch", reason="PyTorch is the reference for the parity tests; install torch==2.13.0")

STEPS = 150
RESUME_AT = 70


def make_optimizer(lib, kind):
    """An optimizer of two parameter groups with different lrs, from minigrad.optim or torch.optim."""
    if lib is optim:
        params = [minigrad.Tensor(np.zeros(2)), minigrad.Tensor(np.zeros(3))]
    else:
        params = [torch.zeros(2), torch.zeros(3)]
    groups = [{"params": params[:1]}, {"params": params[1:], "lr": 0.03}]
    if kind == "SGD":
        return lib.SGD(groups, lr=0.1, momentum=0.9)
    return lib.Adam(groups, lr=0.1)


def decay(t):
    return 0.96 ** t


def warmup_then_flat(t):
    return min(1.0, (t + 1) / 10)


def multiplier(t):
    return 0.99 if t % 3 else 0.9


# name -> (optimizer kind, function (lr_scheduler module, optimizer) -> scheduler)
CASES = {
    "LambdaLR": ("SGD", lambda m, o: m.LambdaLR(o, decay)),
    "LambdaLR-per-group": ("SGD", lambda m, o: m.LambdaLR(o, [decay, warmup_then_flat])),
    "MultiplicativeLR": ("SGD", lambda m, o: m.MultiplicativeLR(o, multiplier)),
    "StepLR": ("SGD", lambda m, o: m.StepLR(o, step_size=7, gamma=0.5)),
    "MultiStepLR": ("SGD", lambda m, o: m.MultiStepLR(o, milestones=[10, 30, 30, 60], gamma=0.3)),
    "ConstantLR": ("SGD", lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=13)),
    "ConstantLR-default": ("SGD", lambda m, o: m.ConstantLR(o)),
    "LinearLR": ("SGD", lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=37)),
    "LinearLR-default": ("SGD", lambda m, o: m.LinearLR(o)),
    "ExponentialLR": ("SGD", lambda m, o: m.ExponentialLR(o, gamma=0.97)),
    "PolynomialLR": ("SGD", lambda m, o: m.PolynomialLR(o, total_iters=80, power=2.0)),
    "PolynomialLR-sqrt": ("SGD", lambda m, o: m.PolynomialLR(o, total_iters=149, power=0.5)),
    "CosineAnnealingLR": ("SGD", lambda m, o: m.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    "CosineAnnealingLR-long": ("SGD", lambda m, o: m.CosineAnnealingLR(o, T_max=150)),
    "CosineAnnealingWarmRestarts": ("SGD", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2,
                                                                                       eta_min=0.001)),
    "CosineAnnealingWarmRestarts-T_mult=1": ("SGD", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=10)),
    "CyclicLR-triangular": ("SGD", lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=9,
                                                           step_size_down=5)),
    "CyclicLR-triangular2": ("SGD", lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=8, mode="triangular2")),
    "CyclicLR-exp_range": ("SGD", lambda m, o: m.CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=6, mode="exp_range",
                                                          gamma=0.99, base_momentum=0.7, max_momentum=0.95)),
    "CyclicLR-Adam": ("Adam", lambda m, o: m.CyclicLR(o, 0.001, 0.01, step_size_up=10)),
    "CyclicLR-no-momentum": ("Adam", lambda m, o: m.CyclicLR(o, 0.001, 0.01, step_size_up=10,
                                                             cycle_momentum=False)),
    "OneCycleLR": ("SGD", lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=STEPS)),
    "OneCycleLR-Adam": ("Adam", lambda m, o: m.OneCycleLR(o, max_lr=0.01, epochs=10, steps_per_epoch=15)),
    "OneCycleLR-three-phase-linear": ("SGD", lambda m, o: m.OneCycleLR(o, 0.5, total_steps=STEPS, pct_start=0.25,
                                                                       anneal_strategy="linear",
                                                                       three_phase=True)),
    "OneCycleLR-no-momentum": ("SGD", lambda m, o: m.OneCycleLR(o, 0.5, total_steps=STEPS + 10,
                                                                cycle_momentum=False, div_factor=10.0,
                                                                final_div_factor=100.0)),
    "SequentialLR-warmup-cosine": ("SGD", lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.01, total_iters=10), m.CosineAnnealingLR(o, T_max=140)], milestones=[10])),
    "SequentialLR-three": ("SGD", lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.5, total_iters=5), m.ExponentialLR(o, gamma=0.98),
            m.StepLR(o, step_size=10, gamma=0.5)], milestones=[20, 60])),
    "SequentialLR-warmup-multistep": ("SGD", lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.2, total_iters=5), m.MultiStepLR(o, milestones=[20, 40])],
        milestones=[5])),
    "SequentialLR-to-cosine-with-eta_min": ("SGD", lambda m, o: m.SequentialLR(
        o, [m.ExponentialLR(o, gamma=0.9), m.CosineAnnealingLR(o, T_max=40, eta_min=0.0007)], milestones=[13])),
    "SequentialLR-every-ratio-schedule": ("SGD", lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.3, total_iters=0), m.MultiplicativeLR(o, multiplier),
            m.MultiStepLR(o, milestones=[0, 0, 7], gamma=0.6), m.PolynomialLR(o, total_iters=20, power=1.5),
            m.LinearLR(o, start_factor=0.2, end_factor=0.7, total_iters=9), m.StepLR(o, step_size=4, gamma=0.8)],
        milestones=[10, 30, 50, 80, 100])),
    "ChainedScheduler": ("SGD", lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=20), m.ExponentialLR(o, gamma=0.98)])),
    "ChainedScheduler-warmup-cosine-steps": ("SGD", lambda m, o: m.ChainedScheduler(
        [m.LinearLR(o, start_factor=0.1, total_iters=8), m.CosineAnnealingLR(o, T_max=50),
         m.MultiStepLR(o, milestones=[60, 100], gamma=0.5)], optimizer=o)),
}


def observe(opt):
    """What a scheduler sets: every group's lr, and momentum or β1 where the group has one."""
    seen = []
    for group in opt.param_groups:
        seen.append(group["lr"])
        seen.append(group["momentum"] if "momentum" in group else group["betas"][0])
    return seen


@pytest.mark.parametrize("name", list(CASES))
def test_scheduler_matches_torch_every_step(name, tmp_path):
    kind, make = CASES[name]
    ours_opt, their_opt = make_optimizer(optim, kind), make_optimizer(torch.optim, kind)
    ours, theirs = make(lr_scheduler, ours_opt), make(torch.optim.lr_scheduler, their_opt)
    for t in range(STEPS):
        assert ours.get_last_lr() == theirs.get_last_lr(), t
        assert observe(ours_opt) == observe(their_opt), t
        ours_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
        if t + 1 == RESUME_AT:
            save({"optimizer": ours_opt.state_dict(), "scheduler": ours.state_dict()}, tmp_path / "ckpt.npz")
            checkpoint = load(tmp_path / "ckpt.npz")
            ours_opt = make_optimizer(optim, kind)
            ours = make(lr_scheduler, ours_opt)
            ours_opt.load_state_dict(checkpoint["optimizer"])
            ours.load_state_dict(checkpoint["scheduler"])
    assert ours.get_last_lr() == theirs.get_last_lr()
    assert getattr(ours, "last_epoch", None) == getattr(theirs, "last_epoch", None)
    record("schedulers: lr and momentum, exact ==", np.float64, 0.0)


PLATEAU_CASES = {
    "min-rel": dict(),
    "min-abs-cooldown": dict(threshold=0.05, threshold_mode="abs", patience=2, cooldown=3, factor=0.5),
    "max-rel": dict(mode="max", patience=3, factor=0.3, threshold=0.01),
    "max-abs-min_lr-per-group": dict(mode="max", threshold_mode="abs", threshold=0.0, patience=1,
                                     min_lr=[0.01, 0.001], factor=0.5),
    "eps-large": dict(patience=0, factor=0.9, eps=1e-3),
}


def metric_sequence(n, seed=5):
    """A noisy loss that falls, stalls for long stretches, then falls again."""
    rng = np.random.default_rng(seed)
    level = np.concatenate([np.linspace(1.0, 0.5, n // 3), np.full(n // 3, 0.5),
                            np.linspace(0.5, 0.2, n - 2 * (n // 3))])
    return (level + 0.02 * rng.standard_normal(n)).tolist()


@pytest.mark.parametrize("name", list(PLATEAU_CASES))
def test_reduce_lr_on_plateau_matches_torch(name, tmp_path):
    kwargs = PLATEAU_CASES[name]
    metrics = metric_sequence(STEPS)
    if kwargs.get("mode") == "max":
        metrics = [-m for m in metrics]
    ours_opt, their_opt = make_optimizer(optim, "SGD"), make_optimizer(torch.optim, "SGD")
    ours = lr_scheduler.ReduceLROnPlateau(ours_opt, **kwargs)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_opt, **kwargs)
    reduced = False
    for t, metric in enumerate(metrics):
        ours_opt.step()
        their_opt.step()
        ours.step(metric)
        theirs.step(metric)
        assert ours.get_last_lr() == theirs.get_last_lr(), t
        assert observe(ours_opt) == observe(their_opt), t
        reduced = reduced or ours_opt.param_groups[0]["lr"] < 0.1
        if t + 1 == RESUME_AT:
            save({"optimizer": ours_opt.state_dict(), "scheduler": ours.state_dict()}, tmp_path / "ckpt.npz")
            checkpoint = load(tmp_path / "ckpt.npz")
            ours_opt = make_optimizer(optim, "SGD")
            ours = lr_scheduler.ReduceLROnPlateau(ours_opt, **kwargs)
            ours_opt.load_state_dict(checkpoint["optimizer"])
            ours.load_state_dict(checkpoint["scheduler"])
    assert reduced, "the metric sequence never triggered a reduction: the test would prove little"
    for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
        assert getattr(ours, key) == getattr(theirs, key), key
