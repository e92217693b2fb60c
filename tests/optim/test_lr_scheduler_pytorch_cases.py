"""PyTorch's own expectations for its schedulers (test/optim/test_lrscheduler.py of torch 2.13), ported to minigrad
where minigrad used to fall short: the warning when scheduler.step() comes before optimizer.step() (also when
resuming with last_epoch), LambdaLR's state_dict with a callable object, ReduceLROnPlateau with a parameter group
added later, SWALR; and the checkpoint cases that a resumed schedule must pass. The expected lrs are PyTorch's
formulas; where PyTorch is installed, ReduceLROnPlateau's added group is also compared with it step by step."""
import math
import types
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim
from minigrad.optim import swa_utils
from minigrad.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from minigrad.serialization import load, save


def two_group_sgd():
    """PyTorch's test optimizer: two groups, lr 0.05 and 0.5."""
    return optim.SGD([{"params": list(nn.Linear(1, 1).parameters())},
                      {"params": list(nn.Linear(1, 1).parameters()), "lr": 0.5}], lr=0.05)


def lrs(opt):
    return [group["lr"] for group in opt.param_groups]


def check_lrs(opt, scheduler, targets, epochs):
    """PyTorch's _test: each group's lr against its target (atol 1e-5), then a step."""
    for epoch in range(epochs):
        for lr, target in zip(lrs(opt), targets):
            assert lr == pytest.approx(target[epoch], abs=1e-5, rel=0), epoch
        opt.step()
        scheduler.step()


# ---- the order of optimizer.step() and scheduler.step() ----------------------------------------------------------

def no_warning_while(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = action()
    assert not caught, [str(w.message) for w in caught]
    return result


def old_pattern(opt, scheduler, epochs=35):
    for _ in range(epochs):
        scheduler.step()
        opt.step()


def new_pattern(opt, scheduler, epochs=35):
    for _ in range(epochs):
        opt.step()
        scheduler.step()


def resumable(opt):
    for group in opt.param_groups:
        group["initial_lr"] = 0.01
    return opt


@pytest.mark.parametrize("last_epoch", [-1, 10])
def test_scheduler_step_before_optimizer_step_warns(last_epoch):
    opt = two_group_sgd() if last_epoch == -1 else resumable(two_group_sgd())
    scheduler = no_warning_while(lambda: StepLR(opt, gamma=0.1, step_size=3, last_epoch=last_epoch))
    with pytest.warns(UserWarning, match="how-to-adjust-learning-rate") as caught:
        old_pattern(opt, scheduler)
    assert len(caught) == 1 and "before optimizer.step()" in str(caught[0].message)
    assert caught[0].filename == __file__          # it points at the caller's line


def test_optimizer_step_first_gives_no_warning():
    opt = two_group_sgd()
    scheduler = no_warning_while(lambda: StepLR(opt, gamma=0.1, step_size=3))
    no_warning_while(lambda: new_pattern(opt, scheduler))


def replace_step(opt):
    """What PyTorch's tests do to emulate an optimizer whose step was overridden after the scheduler was built."""
    old_step = opt.step
    opt.step = types.MethodType(lambda self, *args, **kwargs: old_step(*args, **kwargs), opt)


@pytest.mark.parametrize("pattern", [old_pattern, new_pattern])
def test_optimizer_step_replaced_after_the_scheduler_warns(pattern):
    opt = resumable(two_group_sgd())
    scheduler = no_warning_while(lambda: StepLR(opt, gamma=0.1, step_size=3, last_epoch=10))
    replace_step(opt)
    match = "how-to-adjust-learning-rate" if pattern is old_pattern else "`optimizer.step\\(\\)` has been overridden"
    with pytest.warns(UserWarning, match=match):
        pattern(opt, scheduler)


def test_sequential_lr_stepped_in_order_gives_no_warning():
    opt = two_group_sgd()
    scheduler = SequentialLR(opt, [LinearLR(opt, start_factor=0.5, end_factor=0.1, total_iters=5),
                                   ExponentialLR(opt, gamma=0.9)], milestones=[5])
    no_warning_while(lambda: new_pattern(opt, scheduler, epochs=10))


def test_watching_the_optimizer_keeps_no_reference_cycle():
    import gc
    import weakref
    gc.disable()
    try:
        opt = two_group_sgd()
        scheduler = LambdaLR(opt, lambda epoch: 1.0)
        opt.step()
        scheduler.step()
        watched = weakref.ref(opt)
        del scheduler, opt
        assert watched() is None
    finally:
        gc.enable()


def test_a_deep_copy_of_the_watched_optimizer_steps_itself():
    import copy
    p = minigrad.Tensor(np.ones(2))
    p.grad = minigrad.Tensor(np.ones(2))
    opt = optim.SGD([p], lr=0.1)
    StepLR(opt, step_size=3)
    twin = copy.deepcopy(opt)
    twin.step()
    np.testing.assert_array_equal(p._array, [1.0, 1.0])
    np.testing.assert_array_equal(twin.param_groups[0]["params"][0]._array, [0.9, 0.9])
    assert twin._has_stepped and not getattr(opt, "_has_stepped", False)


# ---- LambdaLR's state_dict ---------------------------------------------------------------------------------------

class LambdaObject:
    def __init__(self, value):
        self.value = value

    def __call__(self, epoch):
        return self.value * epoch

    def __eq__(self, other):
        return isinstance(other, LambdaObject) and vars(self) == vars(other)


def test_lambda_lr_state_dict_restores_a_callable_object(tmp_path):
    opt = two_group_sgd()
    scheduler = LambdaLR(opt, lr_lambda=LambdaObject(10))
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"value": 10}, {"value": 10}]
    save(state, tmp_path / "sched.npz")
    copy = LambdaLR(opt, lr_lambda=LambdaObject(-1))
    copy.load_state_dict(load(tmp_path / "sched.npz"))
    assert vars(copy).keys() == vars(scheduler).keys()
    for key in vars(scheduler):
        if key != "optimizer":
            assert getattr(copy, key) == getattr(scheduler, key), key


def test_lambda_lr_state_dict_with_functions():
    opt = two_group_sgd()
    scheduler = LambdaLR(opt, lr_lambda=lambda x: x)
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [None, None]
    copy = LambdaLR(opt, lr_lambda=lambda x: x)
    copy.load_state_dict(state)
    for key in vars(scheduler):
        if key not in ("optimizer", "lr_lambdas"):
            assert getattr(copy, key) == getattr(scheduler, key), key


# ---- ReduceLROnPlateau and parameter groups added later ----------------------------------------------------------

@pytest.mark.parametrize("min_lr", ["scalar", "list"])
def test_plateau_with_a_group_added_later(min_lr):
    opt = two_group_sgd()
    for group in opt.param_groups:
        group["lr"] = 0.5
    target = [0.5] * 6 + [0.05] * 11 + [0.005] * 3
    metrics = [1] * 7 + [0.6] + [0.5] * 12
    scheduler = ReduceLROnPlateau(opt, mode="min", threshold_mode="rel", threshold=0.1, patience=5, cooldown=5,
                                  min_lr=0 if min_lr == "scalar" else [1e-5, 1e-4])
    added = []
    for epoch in range(20):
        if epoch == 8:
            opt.add_param_group({"params": list(nn.Linear(2, 3).parameters()), "lr": 0.05})
            if min_lr == "list":
                scheduler.min_lrs.append(1e-6)
        opt.step()
        scheduler.step(metrics[epoch])
        assert opt.param_groups[0]["lr"] == pytest.approx(target[epoch], abs=1e-5, rel=0), epoch
        added.append(lrs(opt)[2:])
    assert added[-1] == [pytest.approx(0.005)]          # the added group is cut too (at epoch 17)


def test_plateau_with_a_per_group_min_lr_and_a_group_added_later_raises():
    opt = two_group_sgd()
    scheduler = ReduceLROnPlateau(opt, mode="min", threshold=1e-5, patience=0, cooldown=0, min_lr=[1e-5, 1e-4])
    opt.add_param_group({"params": list(nn.Linear(2, 3).parameters()), "lr": 0.05})
    opt.step()
    scheduler.step(1)
    before = lrs(opt)
    with pytest.raises(RuntimeError, match=r"The number of param groups in the optimizer \(3\).*min_lrs .*\(2.*append"):
        opt.step()
        scheduler.step(1.3)
    assert lrs(opt) == before


def test_plateau_with_a_group_added_later_matches_torch():
    torch = pytest.importorskip("torch")
    ours_opt = two_group_sgd()
    their_opt = torch.optim.SGD([{"params": [torch.zeros(1)]}, {"params": [torch.zeros(1)], "lr": 0.5}], lr=0.05)
    ours = ReduceLROnPlateau(ours_opt, patience=1, factor=0.5, min_lr=0.001)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_opt, patience=1, factor=0.5, min_lr=0.001)
    for epoch in range(30):
        if epoch == 4:
            ours_opt.add_param_group({"params": [minigrad.Tensor(np.zeros(2))], "lr": 0.2})
            their_opt.add_param_group({"params": [torch.zeros(2)], "lr": 0.2})
        ours.step(1.0)
        theirs.step(1.0)
        assert ours.get_last_lr() == theirs.get_last_lr(), epoch
    assert ours.min_lrs == theirs.min_lrs == [0.001] * 3


# ---- SWALR (PyTorch tests it with the schedulers) ----------------------------------------------------------------

def swa_targets(opt, epochs, swa_start, swa_lrs, anneal_coef, mult_factor=1.0):
    before = [[lr * mult_factor ** i for i in range(swa_start + 1)] for lr in lrs(opt)]
    return [lrs_ + [lrs_[-1] * anneal_coef(t) + swa_lr * (1 - anneal_coef(t)) for t in range(epochs - swa_start - 1)]
            for lrs_, swa_lr in zip(before, swa_lrs)]


def run_swa(opt, swa_scheduler, scheduler, targets, swa_start, epochs):
    for epoch in range(epochs):
        for lr, target in zip(lrs(opt), targets):
            assert lr == pytest.approx(target[epoch], abs=1e-5, rel=0), epoch
        if epoch >= swa_start:
            opt.step()
            swa_scheduler.step()
        elif scheduler is not None:
            opt.step()
            scheduler.step()


def test_swalr_no_anneal():
    opt = two_group_sgd()
    targets = [[lr] * 6 + [0.01] * 4 for lr in lrs(opt)]
    run_swa(opt, swa_utils.SWALR(opt, anneal_epochs=1, swa_lr=0.01), None, targets, 5, 10)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_swalr_anneal_after_multiplicative(strategy):
    opt = two_group_sgd()
    anneal_epochs = 5 if strategy == "cos" else 4
    swa_lrs = [0.01, 0.01] if strategy == "cos" else [0.01, 0.02]
    scheduler = MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.9)
    swa_scheduler = swa_utils.SWALR(opt, anneal_epochs=anneal_epochs, anneal_strategy=strategy,
                                    swa_lr=swa_lrs if strategy == "linear" else 0.01)

    def anneal_coef(t):
        if t + 1 >= anneal_epochs:
            return 0.0
        x = (t + 1) / anneal_epochs
        return (1 + math.cos(math.pi * x)) / 2 if strategy == "cos" else 1 - x

    targets = swa_targets(opt, 15, 5, swa_lrs, anneal_coef, mult_factor=0.9)
    run_swa(opt, swa_scheduler, scheduler, targets, 5, 15)


# ---- checkpoints: state_dict into a scheduler built with other arguments; resuming with last_epoch -----------------

STATE_CASES = {
    "StepLR": (lambda o: StepLR(o, gamma=0.1, step_size=3), lambda o: StepLR(o, gamma=0.005, step_size=1)),
    "MultiStepLR": (lambda o: MultiStepLR(o, gamma=0.1, milestones=[2, 5, 9]),
                    lambda o: MultiStepLR(o, gamma=0.01, milestones=[1, 4, 6])),
    "ExponentialLR": (lambda o: ExponentialLR(o, gamma=0.1), lambda o: ExponentialLR(o, gamma=0.01)),
    "CosineAnnealingLR": (lambda o: CosineAnnealingLR(o, T_max=10, eta_min=1e-10),
                          lambda o: CosineAnnealingLR(o, T_max=5, eta_min=5e-11)),
    "CosineAnnealingWarmRestarts": (lambda o: CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2),
                                    lambda o: CosineAnnealingWarmRestarts(o, T_0=100)),
    "SWALR": (lambda o: swa_utils.SWALR(o, anneal_epochs=3, swa_lr=0.5),
              lambda o: swa_utils.SWALR(o, anneal_epochs=10, anneal_strategy="linear", swa_lr=5.0)),
}


@pytest.mark.parametrize("name", list(STATE_CASES))
def test_state_dict_into_a_scheduler_built_otherwise(name):
    make, make_other = STATE_CASES[name]
    opt = two_group_sgd()
    scheduler = make(opt)
    new_pattern(opt, scheduler, epochs=10)
    copy = make_other(opt)
    copy.load_state_dict(scheduler.state_dict())
    for key in vars(scheduler):
        if key != "optimizer":
            assert getattr(copy, key) == getattr(scheduler, key), key
    assert copy.get_last_lr() == scheduler.get_last_lr()


CHECKPOINT_CASES = {
    "ExponentialLR": lambda o, **k: ExponentialLR(o, gamma=0.999, **k),
    "LambdaLR": lambda o, **k: LambdaLR(o, lr_lambda=lambda epoch: epoch // 30, **k),
    "MultiplicativeLR": lambda o, **k: MultiplicativeLR(o, lr_lambda=lambda epoch: 0.95, **k),
    "StepLR": lambda o, **k: StepLR(o, step_size=30, **k),
    "MultiStepLR": lambda o, **k: MultiStepLR(o, milestones=[30, 80], **k),
    "ConstantLR": ConstantLR,
    "LinearLR": LinearLR,
    "PolynomialLR": PolynomialLR,
    "CosineAnnealingLR": lambda o, **k: CosineAnnealingLR(o, T_max=10, **k),
    "CosineAnnealingWarmRestarts": lambda o, **k: CosineAnnealingWarmRestarts(o, T_0=20, **k),
    "CyclicLR": lambda o, **k: CyclicLR(o, base_lr=0.01, max_lr=0.1, **k),
    "OneCycleLR": lambda o, **k: OneCycleLR(o, max_lr=0.01, total_steps=10, **k),
    "SWALR": lambda o, **k: swa_utils.SWALR(o, swa_lr=0.01, **k),
}


@pytest.mark.parametrize("name", list(CHECKPOINT_CASES))
def test_resumed_with_last_epoch_keeps_the_checkpoints_lr(name):
    make = CHECKPOINT_CASES[name]
    model = nn.Linear(3, 3)
    opt = optim.AdamW(model.parameters())
    scheduler = make(opt)
    opt.step()
    scheduler.step()
    resumed_opt = optim.AdamW(model.parameters())
    resumed_opt.load_state_dict(opt.state_dict())
    resumed = make(resumed_opt, last_epoch=0)
    assert resumed.get_last_lr()[0] == opt.param_groups[0]["lr"]


def test_cosine_resumed_with_last_epoch():
    opt = two_group_sgd()
    scheduler = CosineAnnealingLR(opt, T_max=5, eta_min=0.1)
    opt.step()
    scheduler.step()
    resumed = CosineAnnealingLR(opt, T_max=5, eta_min=0.1, last_epoch=0)
    assert resumed.get_last_lr() == pytest.approx(scheduler.get_last_lr(), rel=1e-4, abs=1e-5)


SAVED_CASES = {
    "LambdaLR": lambda o: LambdaLR(o, lr_lambda=lambda e: e // 10),
    "MultiplicativeLR": lambda o: MultiplicativeLR(o, lr_lambda=lambda e: 0.95),
    "StepLR": lambda o: StepLR(o, step_size=30),
    "MultiStepLR": lambda o: MultiStepLR(o, milestones=[30, 80]),
    "ConstantLR": ConstantLR,
    "LinearLR": LinearLR,
    "ExponentialLR": lambda o: ExponentialLR(o, gamma=0.9),
    "PolynomialLR": PolynomialLR,
    "CosineAnnealingLR": lambda o: CosineAnnealingLR(o, T_max=10),
    "ChainedScheduler": lambda o: ChainedScheduler(schedulers=[ConstantLR(o), ConstantLR(o)]),
    "SequentialLR": lambda o: SequentialLR(o, schedulers=[ConstantLR(o), ConstantLR(o)], milestones=[2]),
    "ReduceLROnPlateau": ReduceLROnPlateau,
    "CyclicLR": lambda o: CyclicLR(o, base_lr=0.01, max_lr=0.1),
    "OneCycleLR": lambda o: OneCycleLR(o, max_lr=0.01, total_steps=10, anneal_strategy="linear"),
    "CosineAnnealingWarmRestarts": lambda o: CosineAnnealingWarmRestarts(o, T_0=20),
    "SWALR": lambda o: swa_utils.SWALR(o, swa_lr=0.01),
}


@pytest.mark.parametrize("name", list(SAVED_CASES))
def test_state_dict_survives_a_file_and_loads(name, tmp_path):
    opt = two_group_sgd()
    make = SAVED_CASES[name]
    state = make(opt).state_dict()
    save(state, tmp_path / "sched.npz")
    loaded = load(tmp_path / "sched.npz")
    assert loaded == state
    again = make(opt)
    again.load_state_dict(loaded)
    assert again.state_dict() == state


# ---- a ChainedScheduler inside a SequentialLR ---------------------------------------------------------------------

# PyTorch's test_sequentiallr5: lr 0.05, a LinearLR warmup (0.1 -> 1 in 5 steps) chained with ConstantLR(0.1, 5 steps),
# then ConstantLR(0.5) from step 5: 0.05·(0.1 + 0.18·t)·0.1, then 0.05·0.5.
CHAIN_TARGET = [0.0005, 0.0014, 0.0023, 0.0032, 0.0041]


def warmup_chain(opt):
    return ChainedScheduler([LinearLR(opt, start_factor=0.1, total_iters=5),
                             ConstantLR(opt, factor=0.1, total_iters=5)])


def test_sequential_lr_starting_with_a_chained_scheduler():
    opt = two_group_sgd()
    scheduler = SequentialLR(opt, [warmup_chain(opt), ConstantLR(opt, factor=0.5, total_iters=5)], milestones=[5])
    check_lrs(opt, scheduler, [CHAIN_TARGET + [0.025] * 5, [10 * x for x in CHAIN_TARGET] + [0.25] * 5], 10)


def test_sequential_lr_handing_over_to_a_chained_scheduler_restarts_the_chain():
    """PyTorch raises here (it calls the chain's step(0), which takes no epoch); minigrad restarts the chain from the
    groups' initial lrs, as it restarts any other scheduler at its milestone."""
    opt = two_group_sgd()
    scheduler = SequentialLR(opt, [ExponentialLR(opt, gamma=0.9), warmup_chain(opt)], milestones=[3])
    first = [0.05 * 0.9 ** t for t in range(3)]
    check_lrs(opt, scheduler, [first + CHAIN_TARGET + [0.05] * 2, [10 * x for x in first + CHAIN_TARGET] + [0.5] * 2],
              10)


# ---- PyTorch's exception types and words, which its tests match ------------------------------------------------

def test_resuming_without_initial_lr_raises_pytorchs_key_error():
    opt = optim.SGD([minigrad.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in param_groups\[0\] when resuming "
                                       r"scheduler with last_epoch >= 0 \(last_epoch=1\)"):
        StepLR(opt, step_size=3, gamma=0.1, last_epoch=1)
    with pytest.raises(ValueError):     # the argument does not fit the optimizer: a ValueError as well
        StepLR(opt, step_size=3, gamma=0.1, last_epoch=1)


@pytest.mark.parametrize("lr_lambda", [0.95, [0.95, 0.95], [lambda t: 0.95, 0.95]])
def test_a_lr_lambda_that_is_not_a_function_is_refused(lr_lambda):
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        MultiplicativeLR(two_group_sgd(), lr_lambda)


# ---- the deprecated step(epoch): a jump to that step, by the closed form -----------------------------------------

JUMPS = [3, 0, 7, 7, 12, 1, 30]
JUMP_CASES = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=3, gamma=0.1),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.1),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=1 / 3, total_iters=4),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=1 / 3, end_factor=0.7, total_iters=4),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=5, power=0.9),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=5, eta_min=1e-3),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lr_lambda=lambda t: 0.9 ** t),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lr_lambda=lambda t: 0.9),
}


@pytest.mark.parametrize("name", JUMP_CASES)
def test_step_with_an_epoch_jumps_as_torchs_and_warns(name):
    """Each step(epoch) warns that it is deprecated and sets the lrs PyTorch's sets: its closed form
    (_get_closed_form_lr) where it has one, else its get_lr at that step."""
    torch = pytest.importorskip("torch")
    from minigrad.optim import lr_scheduler as ours
    from minigrad.optim.lr_scheduler import EPOCH_DEPRECATION_WARNING
    opt = two_group_sgd()
    their_opt = torch.optim.SGD([{"params": [torch.zeros(1)]}, {"params": [torch.zeros(1)], "lr": 0.5}], lr=0.05)
    scheduler = JUMP_CASES[name](ours, opt)
    theirs = JUMP_CASES[name](torch.optim.lr_scheduler, their_opt)
    for epoch in JUMPS:
        opt.step()
        their_opt.step()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scheduler.step(epoch)
            theirs.step(epoch)
        assert [str(w.message) for w in caught][0] == EPOCH_DEPRECATION_WARNING
        assert scheduler.last_epoch == epoch
        assert lrs(opt) == pytest.approx([g["lr"] for g in their_opt.param_groups], rel=1e-12), epoch


def test_step_with_a_bad_epoch_is_refused_and_changes_nothing():
    opt = two_group_sgd()
    scheduler = StepLR(opt, step_size=3)
    before = dict(vars(scheduler)), lrs(opt)
    for epoch, error in [(-1, ValueError), (2.5, TypeError)]:
        with pytest.raises(error, match="epoch"):
            scheduler.step(epoch)
    assert (dict(vars(scheduler)), lrs(opt)) == before


def test_plateau_step_with_an_epoch_numbers_it_as_torchs_and_warns():
    torch = pytest.importorskip("torch")
    from minigrad.optim.lr_scheduler import EPOCH_DEPRECATION_WARNING
    opt = two_group_sgd()
    their_opt = torch.optim.SGD([{"params": [torch.zeros(1)]}, {"params": [torch.zeros(1)], "lr": 0.5}], lr=0.05)
    ours = ReduceLROnPlateau(opt, patience=1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_opt, patience=1)
    for epoch, metric in zip([4, 9, 10, 2, 3], [1.0, 1.0, 1.0, 1.0, 0.5]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ours.step(metric, epoch)
            theirs.step(metric, epoch)
        assert str(caught[0].message) == EPOCH_DEPRECATION_WARNING
        assert ours.last_epoch == theirs.last_epoch == epoch
        assert lrs(opt) == [g["lr"] for g in their_opt.param_groups]
    assert lrs(opt) != [0.05, 0.5]                    # the metric stalled long enough to cut the lr
