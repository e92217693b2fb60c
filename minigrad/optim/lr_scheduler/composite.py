"""Schedulers made of schedulers: SequentialLR (one after another) and ChainedScheduler (all at once), with one
checkpoint format for both: their own entries plus '_schedulers', the list of the inner schedulers' state_dicts."""
from bisect import bisect_right
from collections.abc import Sequence

from ..optimizer import Optimizer
from ..options import set_group_value, value_of
from .base import LRScheduler, current_lrs
from .checks import check_optimizer, milestones
from .plateau import ReduceLROnPlateau

__all__ = ["SequentialLR", "ChainedScheduler"]

milestones_check = milestones(strictly=True)


def check_schedulers(owner, optimizer, schedulers):
    if len(schedulers) < 1:
        raise ValueError(f"{owner} needs at least one scheduler, but got none")
    for i, scheduler in enumerate(schedulers):
        if not isinstance(scheduler, LRScheduler):
            raise TypeError(f"schedulers[{i}] is a {type(scheduler).__name__}, not an LRScheduler")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"schedulers[{i}] is a ReduceLROnPlateau, which {owner} cannot step (it needs a "
                             "metric)")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"schedulers[{i}] ({type(scheduler).__name__}) belongs to another optimizer")


class CompositeScheduler(LRScheduler):
    """The checkpoint of a scheduler made of `_schedulers`. Loading checks every inner state_dict before it
    changes any, so a checkpoint that does not fit leaves all of them as they were."""

    _not_in_state_dict = ("optimizer", "_schedulers")

    def state_dict(self):
        state = super().state_dict()
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def _check_state(self, state_dict):
        super()._check_state(state_dict)
        inner = state_dict["_schedulers"]
        if len(inner) != len(self._schedulers):
            raise ValueError(f"the state_dict holds {len(inner)} schedulers, this {type(self).__name__} has "
                             f"{len(self._schedulers)}")
        for scheduler, scheduler_state in zip(self._schedulers, inner):
            scheduler._check_state(scheduler_state)

    def _apply_state(self, state_dict):
        for scheduler, scheduler_state in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler._apply_state(scheduler_state)
        super()._apply_state({k: v for k, v in state_dict.items() if k != "_schedulers"})


def _undo_initial_steps(scheduler):
    """Step every scheduler inside `scheduler` back by one: each took its step 0 when it was built."""
    if isinstance(scheduler, CompositeScheduler):
        for inner in scheduler._schedulers:
            _undo_initial_steps(inner)
    else:
        scheduler.last_epoch -= 1


def _rewind(scheduler):
    """Put every scheduler inside `scheduler` back before its step 0."""
    if isinstance(scheduler, CompositeScheduler):
        for inner in scheduler._schedulers:
            _rewind(inner)
    else:
        scheduler.last_epoch = -1


class SequentialLR(CompositeScheduler):
    """Run schedulers one after the other: schedulers[i] takes over at step milestones[i − 1], restarting from
    its own step 0 (e.g. a LinearLR warmup, then CosineAnnealingLR)."""

    _arguments = {"_milestones": milestones_check}

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int],
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        schedulers = list(schedulers)
        check_schedulers("SequentialLR", optimizer, schedulers)
        milestones_check("milestones", milestones)
        self._milestones = list(milestones)
        if len(self._milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR needs one milestone fewer than schedulers, but got {len(schedulers)} "
                             f"schedulers and milestones={self._milestones!r}")
        self._schedulers = schedulers
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Each scheduler took its step 0 when it was built; undo those and start over from the first one.
        for group in optimizer.param_groups:
            set_group_value(group, "lr", value_of(group["initial_lr"]))
        _undo_initial_steps(self)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self):
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._restart()
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(CompositeScheduler):
    """Step several schedulers together, each multiplying its own factor into the lr (ratio schedules only)."""

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None) -> None:
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = schedulers[0].optimizer
        check_schedulers("ChainedScheduler", optimizer, schedulers)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = current_lrs(optimizer)

    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = current_lrs(self.optimizer)

    def _initial_step(self):
        """Step 0 of every inner scheduler, in order, each multiplying its factor into the lr (SequentialLR
        starts with this chain, after undoing the steps 0 its schedulers took when they were built)."""
        for scheduler in self._schedulers:
            scheduler._initial_step()
        self._last_lr = current_lrs(self.optimizer)

    def _restart(self):
        """Go back to step 0 (SequentialLR, at the milestone where this chain takes over): from the groups'
        initial lrs, every inner scheduler takes its step 0 again."""
        for group in self.optimizer.param_groups:
            set_group_value(group, "lr", value_of(group["initial_lr"]))
        _rewind(self)
        self._initial_step()

