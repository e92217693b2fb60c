"""What every scheduler shares: the step counter and base lrs, the order check against `optimizer.step()`, the
checkpoint (`state_dict` / `load_state_dict`, checked before anything changes), and the two ways a schedule is
written down.

A schedule is either a function of the step (`get_lr()` computes every lr from `base_lrs`, e.g. LambdaLR,
CyclicLR), or, as most of PyTorch's, a ratio between consecutive lrs (`RatioScheduler`: lr_t = lr_{t−1}·r(t)).
PyTorch steps the ratio form ("chainable": several schedulers may multiply the same lr), and its rounding differs
from the closed form's in the last bits, so the ratio is the one formula such a schedule states; its closed form
lives in the docstring and in the tests.
"""
import copy
import functools
import types
import warnings
import weakref
from typing import Any

from ..optimizer import Optimizer
from ..options import own_copy, set_group_value, value_of
from .checks import check_keys, check_optimizer, check_same_kind, check_whole, numbers_per_group

ORDER_DOCS = "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
EPOCH_DEPRECATION_WARNING = ("scheduler.step(epoch) is deprecated, as in PyTorch: call scheduler.step() without an "
                             "epoch. Given an epoch, the schedule jumps to that step, by its closed form where it has "
                             "one, instead of taking the next step.")


def current_lrs(optimizer):
    """Each group's lr, as a number (a Tensor lr by its value)."""
    return [value_of(group["lr"]) for group in optimizer.param_groups]


# ---- is optimizer.step() called before scheduler.step()? ----------------------------------------------------------

class StepRecorder:
    """`optimizer.step`, wrapped so that it records that it ran (`optimizer._has_stepped`): a scheduler's first
    `step()` can then tell whether the optimizer stepped before it, as PyTorch's does. It holds the optimizer
    weakly (no reference cycle keeps it alive), and a deep copy of the optimizer gets a recorder of its own, which
    steps the copy."""

    _records_steps = True

    def __init__(self, optimizer, step_function):
        functools.update_wrapper(self, step_function)
        self._owner = weakref.ref(optimizer)
        self._step_function = step_function

    def __call__(self, *args, **kwargs):
        optimizer = self._owner()
        optimizer._has_stepped = True
        return self._step_function(optimizer, *args, **kwargs)

    def __deepcopy__(self, memo):
        optimizer = self._owner()
        return StepRecorder(memo.get(id(optimizer), optimizer), self._step_function)


def watch_optimizer_steps(optimizer):
    """Wrap the optimizer's `step` in a StepRecorder, once; a step that is not the optimizer's own method (the
    user replaced it) is left alone, and the first `scheduler.step()` says that it cannot check the order."""
    step = optimizer.step
    if getattr(step, "_records_steps", False) or not isinstance(step, types.MethodType):
        return
    optimizer.step = StepRecorder(optimizer, step.__func__)


def warn_if_stepped_too_early(optimizer):
    """PyTorch's two warnings at a scheduler's first step: optimizer.step was replaced after the scheduler was
    built (so the order cannot be checked), or the optimizer has not stepped yet (the first lr is skipped)."""
    if not getattr(optimizer.step, "_records_steps", False):
        warnings.warn("`optimizer.step()` has been overridden after the learning-rate scheduler was created, so "
                      "the scheduler cannot check that optimizer.step() runs before scheduler.step(). See "
                      + ORDER_DOCS, UserWarning, stacklevel=3)
    elif not getattr(optimizer, "_has_stepped", False):
        warnings.warn("scheduler.step() was called before optimizer.step(). Since PyTorch 1.1.0 the order is "
                      "optimizer.step() first, then scheduler.step(); the other order skips the first value of "
                      "the learning-rate schedule. See " + ORDER_DOCS, UserWarning, stacklevel=3)


class MissingInitialLR(KeyError, ValueError):
    """A scheduler resumed (last_epoch ≥ 0) on an optimizer whose groups lack 'initial_lr'. A KeyError, as
    PyTorch raises, and a ValueError (the argument does not fit the optimizer); its message reads as written."""

    def __str__(self):
        return str(self.args[0])


# ---- the base class ---------------------------------------------------------------------------------------------

class LRScheduler:
    """Base class. `last_epoch` counts the steps taken (0 after construction, which takes step 0), `base_lrs` are
    the groups' starting lrs (recorded as `group['initial_lr']`), and `get_lr()` gives the lrs at `last_epoch`.

    A subclass lists in `_arguments` each hyperparameter attribute with its check: the constructor and
    `load_state_dict` apply the same checks, so a checkpoint cannot load what the constructor would refuse.
    `_callables` names the attributes that hold functions (saved as None, or as a callable object's __dict__),
    `_per_group` the lists that hold one entry per parameter group."""

    _arguments = {}
    _callables = ()
    _per_group = ("base_lrs", "_last_lr")
    _not_in_state_dict = ("optimizer",)

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        check_whole("last_epoch", last_epoch, -1)
        self._check_arguments()
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", own_copy(group["lr"]))     # a Tensor lr copied, as PyTorch
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise MissingInitialLR(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                                           f"scheduler with last_epoch >= 0 (last_epoch={last_epoch}): load the "
                                           "optimizer's state_dict first")
        self.base_lrs = [value_of(group["initial_lr"]) for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        watch_optimizer_steps(optimizer)
        self._initial_step()

    def _check_arguments(self):
        for name, check in self._arguments.items():
            check(name, getattr(self, name))

    def _initial_step(self):
        """Take step last_epoch + 1 without the order check: step 0 of a new schedule, or the step a resumed one
        (built with last_epoch ≥ 0) stands on."""
        self._step_count = 1
        self.last_epoch += 1
        self._set_lrs(self._first_lrs())

    def _first_lrs(self):
        return self.get_lr()

    def _restart(self):
        """Go back to step 0 (SequentialLR, at the milestone where this scheduler takes over)."""
        self.last_epoch = 0
        self._set_lrs(self.get_lr())

    def step(self, epoch: int | None = None) -> None:
        """Advance one step (an epoch or an iteration, as the caller counts) and set each group's lr. `epoch`
        (deprecated, as in PyTorch, which warns) jumps to that step instead, by the closed form where the schedule
        has one (`_closed_form_lrs`)."""
        if epoch is None:
            self._check_next_step()
        else:
            check_whole("epoch", epoch, 0)
        if self._step_count == 1:
            warn_if_stepped_too_early(self.optimizer)
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            self._set_lrs(self.get_lr())
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self.last_epoch = epoch
            self._set_lrs(self._closed_form_lrs())

    def _closed_form_lrs(self):
        """The lrs at step `last_epoch` reached by a jump; a schedule written as a function of the step (get_lr
        from base_lrs) is its own closed form."""
        return self.get_lr()

    def _check_next_step(self):
        """Raise if the schedule has no next step (OneCycleLR past its end)."""

    def _set_lrs(self, lrs):
        for group, lr in zip(self.optimizer.param_groups, lrs):
            set_group_value(group, "lr", lr)        # a Tensor lr is filled in place: it stays the user's object
        self._last_lr = current_lrs(self.optimizer)

    def get_lr(self) -> list[float]:
        """The lrs at step `last_epoch`; called by `step()` (read the current lrs with `get_last_lr()`)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The lr of each parameter group, as set by the last step."""
        return list(self._last_lr)

    # ---- checkpoints ---------------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer, copied. A function cannot be saved (it is passed to the constructor
        again), but a callable object's attributes are, as PyTorch saves them."""
        state = {k: copy.deepcopy(v) for k, v in vars(self).items()
                 if k not in self._not_in_state_dict and k not in self._callables}
        for name in self._callables:
            state[name] = _callable_state(getattr(self, name))
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a `state_dict()`. Every entry is checked first (present, of the right type, accepted by the
        constructor's checks), so a checkpoint that does not fit raises and changes nothing."""
        self._check_state(state_dict)
        self._apply_state(state_dict)

    def _check_state(self, state_dict):
        expected = self.state_dict()
        check_keys(self, state_dict, expected)
        groups = len(self.optimizer.param_groups)
        for name, value in state_dict.items():
            where = f"state_dict[{name!r}]"
            if name in self._arguments:
                self._arguments[name](where, value)
            elif name in self._callables:
                _check_callable_state(where, value, getattr(self, name))
            elif name in ("base_lrs", "_last_lr"):
                numbers_per_group(low=0.0)(where, value)
            elif name in ("last_epoch", "_step_count"):
                check_whole(where, value, -1 if name == "last_epoch" else 0)
            else:
                check_same_kind(where, value, expected[name])
            if name in self._per_group and len(value) != groups:
                raise ValueError(f"the state_dict's {name} has {len(value)} entries, but the optimizer has "
                                 f"{groups} parameter groups")

    def _apply_state(self, state_dict):
        for name, value in state_dict.items():
            if name in self._callables:
                _restore_callable_state(getattr(self, name), value)
            else:
                setattr(self, name, copy.deepcopy(value))


def _callable_state(fn):
    """None for a function (or no function), a copy of a callable object's __dict__; lists entry by entry."""
    if isinstance(fn, list):
        return [_callable_state(f) for f in fn]
    if fn is None or isinstance(fn, types.FunctionType) or not hasattr(fn, "__dict__"):
        return None
    return copy.deepcopy(vars(fn))


def _check_callable_state(where, value, current):
    if isinstance(current, list):
        if not isinstance(value, (list, tuple)) or len(value) != len(current):
            raise ValueError(f"{where} must be a list of {len(current)} entries (None or a callable's attributes), "
                             f"but got {value!r}")
        for i, (entry, fn) in enumerate(zip(value, current)):
            _check_callable_state(f"{where}[{i}]", entry, fn)
    elif value is not None and not (isinstance(value, dict) and hasattr(current, "__dict__")):
        raise TypeError(f"{where} must be None or a dict of the callable's attributes, but got {value!r}")


def _restore_callable_state(fn, saved):
    if isinstance(fn, list):
        for f, s in zip(fn, saved):
            _restore_callable_state(f, s)
    elif saved is not None:
        vars(fn).update(copy.deepcopy(saved))


class RatioScheduler(LRScheduler):
    """A schedule given, as PyTorch steps it, by the ratio r(t) = lr_t / lr_{t−1} (t ≥ 1) and the factor f₀ that
    step 0 applies to the lr the group holds when the scheduler is built.

    Derived from these two: `step()` multiplies each lr by r(t); SequentialLR's restart sets base_lr·f₀ (PyTorch's
    closed form at step 0, to the bit); and a scheduler resumed with last_epoch ≥ 0 keeps the lrs the optimizer
    holds, those of the checkpoint. (PyTorch's StepLR, MultiStepLR and ConstantLR apply r once more there when the
    resumed step is one where the lr changes, counting that change twice; minigrad does not.)"""

    def _ratio(self, t):
        raise NotImplementedError

    def _ratios(self, t):
        """One ratio per parameter group (the same for all, unless the schedule has per-group functions)."""
        return [self._ratio(t)] * len(self.optimizer.param_groups)

    def _start_factor(self):
        return 1.0

    def _factor(self, t):
        """The closed form, lr_t / base_lr; None for a schedule without one (MultiplicativeLR)."""
        return None

    def _closed_form_lrs(self):
        """A jump to step t (the deprecated step(epoch)): base_lr · factor(t); without a closed form, the ratio of
        step t applied once, as PyTorch does."""
        factor = self._factor(self.last_epoch)
        if factor is None:
            return self.get_lr()
        return [base_lr * factor for base_lr in self.base_lrs]

    def get_lr(self):
        return [lr * r for lr, r in zip(current_lrs(self.optimizer), self._ratios(self.last_epoch))]

    def _first_lrs(self):
        if self.last_epoch > 0:
            return current_lrs(self.optimizer)
        return [lr * self._start_factor() for lr in current_lrs(self.optimizer)]

    def _restart(self):
        self.last_epoch = 0
        self._set_lrs([base_lr * self._start_factor() for base_lr in self.base_lrs])
