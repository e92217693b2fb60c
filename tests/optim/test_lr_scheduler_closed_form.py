"""Each scheduler against its closed form (no PyTorch needed), plus the interface and bad input."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler as sched

STEPS = 120


def make_optimizer(lrs=(0.1, 0.03), kind=optim.SGD, **kwargs):
    groups = [{"params": [minigrad.Tensor(np.zeros(2))], "lr": lr} for lr in lrs]
    return kind(groups, **kwargs)


def lrs_over(scheduler, steps=STEPS):
    """Each group's lr at steps 0 .. steps−1."""
    seen = []
    for _ in range(steps):
        seen.append(scheduler.get_last_lr())
        scheduler.optimizer.step()
        scheduler.step()
    return np.array(seen)


def expected_over(closed_form, base_lrs=(0.1, 0.03), steps=STEPS):
    return np.array([[closed_form(base, t) for base in base_lrs] for t in range(steps)])


def cosine(base, t, T, eta_min=0.0):
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / T)) / 2


def sgdr(base, t, T_0, T_mult, eta_min):
    """Restarts after T_0, T_0·T_mult, T_0·T_mult², ... steps."""
    T_i = T_0
    while t >= T_i:
        t -= T_i
        T_i *= T_mult
    return cosine(base, t, T_i, eta_min)


def triangle(base, top, t, half_period):
    """Smith's triangular policy: lr = base + (top − base)·max(0, 1 − x), x = |t/s − 2·cycle + 1|."""
    cycle = math.floor(1 + t / (2 * half_period))
    x = abs(t / half_period - 2 * cycle + 1)
    return base + (top - base) * max(0.0, 1 - x)


def one_cycle(top, t, total, pct=0.3, div=25.0, final_div=1e4):
    start, end = top / div, top / div / final_div
    up = pct * total - 1
    if t <= up:
        return top + (start - top) / 2 * (1 + math.cos(math.pi * t / up))
    return end + (top - end) / 2 * (1 + math.cos(math.pi * (t - up) / (total - 1 - up)))


CLOSED_FORMS = {
    "StepLR": (lambda o: sched.StepLR(o, 7, gamma=0.5), lambda b, t: b * 0.5 ** (t // 7)),
    "MultiStepLR": (lambda o: sched.MultiStepLR(o, [10, 30, 30, 60], 0.3),
                    lambda b, t: b * 0.3 ** sum(m <= t for m in [10, 30, 30, 60])),
    "ConstantLR": (lambda o: sched.ConstantLR(o, 0.25, 13), lambda b, t: b * (0.25 if t < 13 else 1.0)),
    "LinearLR": (lambda o: sched.LinearLR(o, 0.1, 0.9, 37), lambda b, t: b * (0.1 + 0.8 * min(t, 37) / 37)),
    "ExponentialLR": (lambda o: sched.ExponentialLR(o, 0.97), lambda b, t: b * 0.97 ** t),
    "PolynomialLR": (lambda o: sched.PolynomialLR(o, 80, 2.0), lambda b, t: b * (1 - min(t, 80) / 80) ** 2),
    "CosineAnnealingLR": (lambda o: sched.CosineAnnealingLR(o, 30, 0.001), lambda b, t: cosine(b, t, 30, 0.001)),
    "CosineAnnealingWarmRestarts": (lambda o: sched.CosineAnnealingWarmRestarts(o, 7, 2, 0.001),
                                    lambda b, t: sgdr(b, t, 7, 2, 0.001)),
    "CyclicLR": (lambda o: sched.CyclicLR(o, [0.01, 0.003], [0.1, 0.03], 9),
                 lambda b, t: triangle(b / 10, b, t, 9)),
    "OneCycleLR": (lambda o: sched.OneCycleLR(o, [0.1, 0.03], total_steps=STEPS),
                   lambda b, t: one_cycle(b, t, STEPS)),
    "LambdaLR": (lambda o: sched.LambdaLR(o, lambda t: 1 / (1 + t) ** 0.5), lambda b, t: b / (1 + t) ** 0.5),
    "MultiplicativeLR": (lambda o: sched.MultiplicativeLR(o, lambda t: 0.99), lambda b, t: b * 0.99 ** t),
    "InverseTimeLR": (lambda o: sched.InverseTimeLR(o, k=0.1), lambda b, t: b / (1 + 0.1 * t)),
    "ExponentialDecayLR": (lambda o: sched.ExponentialDecayLR(o, 0.5, decay_steps=20),
                           lambda b, t: b * 0.5 ** (t / 20)),
    "ExponentialDecayLR-staircase": (lambda o: sched.ExponentialDecayLR(o, 0.5, decay_steps=20, staircase=True),
                                     lambda b, t: b * 0.5 ** (t // 20)),
    "PolynomialLR-as-d2l": (lambda o: sched.PolynomialLR(o, total_iters=100, power=0.5),
                            lambda b, t: b * (1 - min(t, 100) / 100) ** 0.5),
    "warmup-then-cosine": (lambda o: sched.with_linear_warmup(o, 10, sched.CosineAnnealingLR(o, T_max=110),
                                                              start_factor=0.05),
                           lambda b, t: b * (0.05 + 0.95 * t / 10) if t < 10 else cosine(b, t - 10, 110)),
    "warmup-then-step": (lambda o: sched.with_linear_warmup(o, 5, sched.StepLR(o, 30, 0.1)),
                         lambda b, t: b * (0.01 + 0.99 * t / 5) if t < 5 else b * 0.1 ** ((t - 5) // 30)),
    "ChainedScheduler": (lambda o: sched.ChainedScheduler([sched.ConstantLR(o, 0.5, 20), sched.ExponentialLR(o, 0.98)]),
                         lambda b, t: b * (0.5 if t < 20 else 1.0) * 0.98 ** t),
}


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_scheduler_follows_its_closed_form(name):
    make, closed_form = CLOSED_FORMS[name]
    opt = make_optimizer()
    scheduler = make(opt)
    np.testing.assert_allclose(lrs_over(scheduler), expected_over(closed_form), rtol=1e-12, atol=1e-15)
    assert [g["lr"] for g in opt.param_groups] == scheduler.get_last_lr()


def test_initial_lr_is_recorded_per_group():
    opt = make_optimizer((0.1, 0.03))
    scheduler = sched.ExponentialLR(opt, 0.5)
    opt.step()
    scheduler.step()
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.03] == scheduler.base_lrs
    assert scheduler.last_epoch == 1 and scheduler.get_last_lr() == [0.05, 0.015]


def test_cosine_warm_restarts_fractional_epochs():
    opt = make_optimizer((0.1,))
    scheduler = sched.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)
    for epoch, expected in [(2.5, cosine(0.1, 2.5, 10)), (12.0, cosine(0.1, 2.0, 20)), (35.0, cosine(0.1, 5.0, 40))]:
        opt.step()
        scheduler.step(epoch)
        assert scheduler.get_last_lr()[0] == pytest.approx(expected, rel=1e-12)


def test_reduce_lr_on_plateau_by_hand():
    # patience 2: the third step in a row without an improvement (by more than 1e-4 relative) halves the lr.
    # 0.79999 is no improvement on 0.8 (it would need < 0.8·(1 − 1e-4) = 0.79992).
    opt = make_optimizer((0.1, 0.03))
    scheduler = sched.ReduceLROnPlateau(opt, factor=0.5, patience=2, min_lr=[0.0, 0.02])
    metrics = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.79999, 0.8, 0.8, 0.8]
    expected = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025]
    seen = []
    for metric in metrics:
        scheduler.step(metric)
        seen.append(scheduler.get_last_lr())
    assert [lrs[0] for lrs in seen] == pytest.approx(expected, rel=1e-15)
    assert [lrs[1] for lrs in seen][-1] == 0.02                     # min_lr of the second group
    assert scheduler.best == 0.8


def test_reduce_lr_on_plateau_cooldown_and_max_mode():
    opt = make_optimizer((1.0,))
    scheduler = sched.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, cooldown=2)
    for accuracy in [0.5, 0.4, 0.4, 0.4, 0.4]:   # bad, cut, cooldown, cooldown, cut
        scheduler.step(accuracy)
    assert scheduler.get_last_lr() == pytest.approx([0.01], rel=1e-12)


def test_lambda_state_dict_holds_no_functions():
    opt = make_optimizer()
    scheduler = sched.LambdaLR(opt, lambda t: 0.5 ** t)
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [None, None] and state["last_epoch"] == 0 and state["base_lrs"] == [0.1, 0.03]


def test_state_dict_is_a_copy():
    opt = make_optimizer()
    scheduler = sched.MultiStepLR(opt, [2, 4])
    state = scheduler.state_dict()
    for _ in range(5):
        opt.step()
        scheduler.step()
    assert state["last_epoch"] == 0 and state["_last_lr"] == [0.1, 0.03]


# ---- bad input --------------------------------------------------------------------------------------------------

BAD = [
    ("MultiStepLR unsorted", lambda o: sched.MultiStepLR(o, [30, 10]), ValueError, ["milestones", "[30, 10]"]),
    ("MultiStepLR negative", lambda o: sched.MultiStepLR(o, [-1, 5]), ValueError, ["milestones", "-1"]),
    ("MultiStepLR float", lambda o: sched.MultiStepLR(o, [1.5]), TypeError, ["milestones", "1.5"]),
    ("StepLR step_size", lambda o: sched.StepLR(o, 0), ValueError, ["step_size", "0"]),
    ("CosineAnnealingLR T_max 0", lambda o: sched.CosineAnnealingLR(o, 0), ValueError, ["T_max", "0"]),
    ("CosineAnnealingLR T_max<0", lambda o: sched.CosineAnnealingLR(o, -5), ValueError, ["T_max", "-5"]),
    ("CosineAnnealingLR eta_min", lambda o: sched.CosineAnnealingLR(o, 5, eta_min=-1.0), ValueError,
     ["eta_min", "-1.0"]),
    ("CAWR T_0", lambda o: sched.CosineAnnealingWarmRestarts(o, 0), ValueError, ["T_0", "0"]),
    ("CAWR T_mult", lambda o: sched.CosineAnnealingWarmRestarts(o, 5, T_mult=0), ValueError, ["T_mult", "0"]),
    ("ConstantLR factor", lambda o: sched.ConstantLR(o, factor=1.5), ValueError, ["factor", "1.5"]),
    ("LinearLR start_factor", lambda o: sched.LinearLR(o, start_factor=0.0), ValueError, ["start_factor", "0.0"]),
    ("LinearLR total_iters", lambda o: sched.LinearLR(o, total_iters=0), ValueError, ["total_iters", "0"]),
    ("PolynomialLR total_iters", lambda o: sched.PolynomialLR(o, total_iters=-2), ValueError, ["total_iters", "-2"]),
    ("OneCycleLR too short", lambda o: sched.OneCycleLR(o, 0.1, total_steps=3), ValueError, ["total_steps=3"]),
    ("OneCycleLR three-phase too short", lambda o: sched.OneCycleLR(o, 0.1, total_steps=10, pct_start=0.9,
                                                                    three_phase=True),
     ValueError, ["total_steps=10", "pct_start=0.9", "phase 3"]),
    ("OneCycleLR no length", lambda o: sched.OneCycleLR(o, 0.1), ValueError, ["total_steps"]),
    ("OneCycleLR pct_start", lambda o: sched.OneCycleLR(o, 0.1, 100, pct_start=1.5), ValueError,
     ["pct_start", "1.5"]),
    ("OneCycleLR anneal", lambda o: sched.OneCycleLR(o, 0.1, 100, anneal_strategy="exp"), ValueError,
     ["anneal_strategy", "'exp'"]),
    ("CyclicLR mode", lambda o: sched.CyclicLR(o, 0.01, 0.1, mode="sine"), ValueError, ["mode", "'sine'"]),
    ("CyclicLR step_size_up", lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=0), ValueError,
     ["step_size_up", "0"]),
    ("CyclicLR max_lr list", lambda o: sched.CyclicLR(o, 0.01, [0.1, 0.2, 0.3]), ValueError, ["max_lr", "3"]),
    ("ReduceLROnPlateau factor", lambda o: sched.ReduceLROnPlateau(o, factor=1.0), ValueError, ["factor", "1.0"]),
    ("ReduceLROnPlateau mode", lambda o: sched.ReduceLROnPlateau(o, mode="avg"), ValueError, ["mode", "'avg'"]),
    ("ReduceLROnPlateau threshold_mode", lambda o: sched.ReduceLROnPlateau(o, threshold_mode="pct"), ValueError,
     ["threshold_mode", "'pct'"]),
    ("ReduceLROnPlateau patience", lambda o: sched.ReduceLROnPlateau(o, patience=-1), ValueError, ["patience", "-1"]),
    ("ReduceLROnPlateau min_lr", lambda o: sched.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, ["min_lr", "1"]),
    ("LambdaLR count", lambda o: sched.LambdaLR(o, [lambda t: 1.0]), ValueError, ["lr_lambda", "1 values"]),
    ("LambdaLR not callable", lambda o: sched.LambdaLR(o, 0.5), TypeError, ["lr_lambda", "float"]),
    ("SequentialLR milestones unsorted", lambda o: sched.SequentialLR(
        o, [sched.ConstantLR(o), sched.ConstantLR(o), sched.ConstantLR(o)], [20, 10]), ValueError,
     ["milestones", "[20, 10]"]),
    ("SequentialLR milestone count", lambda o: sched.SequentialLR(o, [sched.ConstantLR(o)], [5]), ValueError,
     ["milestones", "[5]"]),
    ("SequentialLR other optimizer", lambda o: sched.SequentialLR(
        o, [sched.ConstantLR(o), sched.ConstantLR(make_optimizer())], [5]), ValueError, ["schedulers[1]"]),
    ("ChainedScheduler plateau", lambda o: sched.ChainedScheduler([sched.ReduceLROnPlateau(o)]), ValueError,
     ["schedulers[0]", "ReduceLROnPlateau"]),
    ("ChainedScheduler empty", lambda o: sched.ChainedScheduler([], optimizer=o), ValueError, ["at least one"]),
    ("resume without initial_lr", lambda o: sched.StepLR(o, 5, last_epoch=10), ValueError,
     ["last_epoch=10", "initial_lr"]),
    ("not an optimizer", lambda o: sched.StepLR([o], 5), TypeError, ["optimizer", "list"]),
]


@pytest.mark.parametrize("name", [b[0] for b in BAD])
def test_bad_scheduler_arguments(name):
    _, make, error, words = next(b for b in BAD if b[0] == name)
    with pytest.raises(error) as info:
        make(make_optimizer())
    for word in words:
        assert word in str(info.value)


def test_one_cycle_stepped_past_its_end():
    scheduler = sched.OneCycleLR(make_optimizer(), 0.1, total_steps=10)
    for _ in range(10):
        scheduler.optimizer.step()
        scheduler.step()
    with pytest.raises(ValueError, match="past its end.*step 11.*total_steps=10"):
        scheduler.step()
    assert scheduler.last_epoch == 10            # the refused step changed nothing


def test_scheduler_load_state_dict_that_does_not_fit():
    source = sched.StepLR(make_optimizer((0.1, 0.2, 0.3)), 5)
    with pytest.raises(ValueError, match="base_lrs has 3 entries.*2 parameter groups"):
        sched.StepLR(make_optimizer(), 5).load_state_dict(source.state_dict())
    with pytest.raises(ValueError, match="does not fit a StepLR.*milestones"):
        sched.StepLR(make_optimizer(), 5).load_state_dict(sched.MultiStepLR(make_optimizer(), [3]).state_dict())
    opt = make_optimizer()
    chained = sched.ChainedScheduler([sched.ConstantLR(opt), sched.ExponentialLR(opt, 0.9)])
    other = make_optimizer()
    with pytest.raises(ValueError, match="holds 2 schedulers.*has 1"):
        sched.ChainedScheduler([sched.ConstantLR(other)]).load_state_dict(chained.state_dict())


def test_every_scheduler_says_it_comes_from_lr_scheduler():
    # The book's 11.11 loop tells a scheduler object from a plain function by its module, as with PyTorch's.
    for name in sched.__all__:
        assert getattr(sched, name).__module__ == "minigrad.optim.lr_scheduler", name
