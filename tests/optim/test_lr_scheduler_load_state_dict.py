"""A scheduler's load_state_dict checks what it loads before it changes anything: not a dict (None), missing or
unexpected entries, entries of the wrong type or length, and arguments its constructor would refuse each raise an
error that names the entry and the value, and leave the scheduler (and, for composites, every inner one) as it
was."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler as sched
from minigrad.optim import swa_utils


def sgd(groups=2):
    return optim.SGD([{"params": [minigrad.Tensor(np.zeros(2))]} for _ in range(groups)], lr=0.1, momentum=0.9)


def stepped(scheduler, steps=3):
    for t in range(steps):
        scheduler.optimizer.step()
        if isinstance(scheduler, sched.ReduceLROnPlateau):
            scheduler.step(1.0 / (1 + t))
        else:
            scheduler.step()
    return scheduler


def edited(**changes):
    """A state_dict edit: entries set to new values (or removed, for the value `REMOVE`)."""
    def edit(state):
        for key, value in changes.items():
            if value is REMOVE:
                del state[key]
            else:
                state[key] = value
        return state
    return edit


REMOVE = object()

# name -> (scheduler, edit of its own state_dict, error, words the message must contain)
BAD_STATES = {
    "None": (lambda o: sched.StepLR(o, 3), lambda s: None, TypeError, ["StepLR.load_state_dict", "NoneType"]),
    "a list": (lambda o: sched.StepLR(o, 3), lambda s: list(s.items()), TypeError, ["dict", "list"]),
    "missing entry": (lambda o: sched.StepLR(o, 3), edited(gamma=REMOVE), ValueError, ["lacks ['gamma']"]),
    "unexpected entry": (lambda o: sched.StepLR(o, 3), edited(warmup=5), ValueError, ["unexpected ['warmup']"]),
    "last_epoch not an int": (lambda o: sched.StepLR(o, 3), edited(last_epoch="3"), TypeError,
                              ["last_epoch", "'3'"]),
    "last_epoch below -1": (lambda o: sched.ExponentialLR(o, 0.9), edited(last_epoch=-4), ValueError,
                            ["last_epoch", "-4"]),
    "base_lrs too short": (lambda o: sched.StepLR(o, 3), edited(base_lrs=[0.1]), ValueError,
                           ["base_lrs has 1 entries", "2 parameter groups"]),
    "base_lrs of strings": (lambda o: sched.StepLR(o, 3), edited(base_lrs=["0.1", 0.1]), TypeError,
                            ["base_lrs'][0]", "'0.1'"]),
    "_last_lr NaN": (lambda o: sched.StepLR(o, 3), edited(_last_lr=[math.nan, 0.1]), ValueError,
                     ["_last_lr'][0]", "nan"]),
    "StepLR step_size 0": (lambda o: sched.StepLR(o, 3), edited(step_size=0), ValueError, ["step_size", "0"]),
    "StepLR gamma negative": (lambda o: sched.StepLR(o, 3), edited(gamma=-0.5), ValueError, ["gamma", "-0.5"]),
    "MultiStepLR unsorted": (lambda o: sched.MultiStepLR(o, [2, 4]), edited(milestones=[4, 2]), ValueError,
                             ["milestones", "[4, 2]"]),
    "ConstantLR factor 0": (lambda o: sched.ConstantLR(o), edited(factor=0.0), ValueError, ["factor", "0.0"]),
    "LinearLR total_iters float": (lambda o: sched.LinearLR(o), edited(total_iters=5.0), TypeError,
                                   ["total_iters", "5.0"]),
    "CosineAnnealingLR T_max 0": (lambda o: sched.CosineAnnealingLR(o, 10), edited(T_max=0), ValueError,
                                  ["T_max", "0"]),
    "CAWR T_i 0": (lambda o: sched.CosineAnnealingWarmRestarts(o, 5), edited(T_i=0), ValueError, ["T_i", "0"]),
    "CyclicLR scale_mode": (lambda o: sched.CyclicLR(o, 0.01, 0.1), edited(scale_mode="epochs"), ValueError,
                            ["scale_mode", "'epochs'"]),
    "CyclicLR max_lrs length": (lambda o: sched.CyclicLR(o, 0.01, 0.1), edited(max_lrs=[0.1]), ValueError,
                                ["max_lrs has 1 entries"]),
    "OneCycleLR anneal_strategy": (lambda o: sched.OneCycleLR(o, 0.1, total_steps=20),
                                   edited(anneal_strategy="exp"), ValueError, ["anneal_strategy", "'exp'"]),
    "OneCycleLR phases": (lambda o: sched.OneCycleLR(o, 0.1, total_steps=20), edited(phases="two"), TypeError,
                          ["phases", "a list", "'two'"]),
    "LambdaLR lr_lambdas length": (lambda o: sched.LambdaLR(o, lambda t: 1.0), edited(lr_lambdas=[None]),
                                   ValueError, ["lr_lambdas", "2 entries"]),
    "LambdaLR state of a function": (lambda o: sched.LambdaLR(o, lambda t: 1.0),
                                     edited(lr_lambdas=[None, "state"]), TypeError, ["lr_lambdas'][1]", "'state'"]),
    "ReduceLROnPlateau factor 1": (lambda o: sched.ReduceLROnPlateau(o), edited(factor=1.0), ValueError,
                                   ["factor", "1.0"]),
    "ReduceLROnPlateau mode": (lambda o: sched.ReduceLROnPlateau(o), edited(mode="avg"), ValueError,
                               ["mode", "'avg'"]),
    "ReduceLROnPlateau min_lrs": (lambda o: sched.ReduceLROnPlateau(o), edited(min_lrs=[0.0, -1.0]), ValueError,
                                  ["min_lrs'][1]", "-1.0"]),
    "ReduceLROnPlateau best": (lambda o: sched.ReduceLROnPlateau(o), edited(best="low"), TypeError,
                               ["best", "'low'"]),
    "SWALR anneal_epochs": (lambda o: swa_utils.SWALR(o, swa_lr=0.01), edited(anneal_epochs=-1), ValueError,
                            ["anneal_epochs", "-1"]),
    "SequentialLR milestones": (lambda o: sched.SequentialLR(o, [sched.ConstantLR(o), sched.StepLR(o, 3)], [2]),
                                edited(_milestones=[-2]), ValueError, ["_milestones", "-2"]),
}


@pytest.mark.parametrize("name", list(BAD_STATES))
def test_bad_state_dict_is_refused_and_changes_nothing(name):
    make, edit, error, words = BAD_STATES[name]
    source, target = stepped(make(sgd()), 3), stepped(make(sgd()), 1)
    before = target.state_dict()
    with pytest.raises(error) as info:
        target.load_state_dict(edit(source.state_dict()))
    for word in words:
        assert word in str(info.value)
    assert target.state_dict() == before


def test_composite_with_one_bad_inner_state_changes_none():
    def make(o):
        return sched.SequentialLR(o, [sched.LinearLR(o, 0.5, total_iters=4), sched.StepLR(o, 3)], [4])
    source, target = stepped(make(sgd()), 6), stepped(make(sgd()), 1)
    state = source.state_dict()
    state["_schedulers"][1]["step_size"] = 0
    before = [target.state_dict()] + [s.state_dict() for s in target._schedulers]
    with pytest.raises(ValueError, match="step_size.*0"):
        target.load_state_dict(state)
    assert [target.state_dict()] + [s.state_dict() for s in target._schedulers] == before


def test_composite_of_another_shape_is_refused():
    def make(o, n):
        return sched.ChainedScheduler([sched.ExponentialLR(o, 0.9) for _ in range(n)])
    with pytest.raises(ValueError, match="holds 3 schedulers.*has 2"):
        make(sgd(), 2).load_state_dict(make(sgd(), 3).state_dict())
    with pytest.raises(TypeError, match="ChainedScheduler.load_state_dict.*NoneType"):
        make(sgd(), 2).load_state_dict(None)


def test_a_good_state_dict_still_loads_and_resumes_exactly():
    source = stepped(sched.CosineAnnealingLR(sgd(), 10, eta_min=0.001), 4)
    target = sched.CosineAnnealingLR(sgd(), 10, eta_min=0.001)
    target.optimizer.load_state_dict(source.optimizer.state_dict())
    target.load_state_dict(source.state_dict())
    assert stepped(target, 5).get_last_lr() == stepped(source, 5).get_last_lr()
