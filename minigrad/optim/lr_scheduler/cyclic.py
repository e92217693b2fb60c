"""Schedules stepped every batch that move the lr up and down, and the momentum (or Adam's β1) the opposite way:
CyclicLR (Smith 2017) and OneCycleLR (Smith & Topin 2018)."""
import math
from collections.abc import Callable

from ..optimizer import Optimizer
from ..options import set_group_value
from .base import LRScheduler
from .checks import check_optimizer, choice, flag, numbers_per_group, per_group, real, whole

__all__ = ["CyclicLR", "OneCycleLR"]


# ---- the momentum that moves against the lr, shared by both ---------------------------------------------------

def start_momentum_cycling(optimizer, base_momentum, max_momentum, fresh):
    """Check that the optimizer has a momentum to cycle (SGD's momentum or the Adam family's β1), and, for a new
    schedule (`fresh`), record each group's 'max_momentum' and 'base_momentum' and start it at its max.
    Returns (use_beta1, base_momentums, max_momentums), one entry per group."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"cycle_momentum=True, but {type(optimizer).__name__} has neither momentum nor betas; "
                         "pass cycle_momentum=False")
    use_beta1 = "betas" in optimizer.defaults
    base_momentums = per_group("base_momentum", optimizer, base_momentum)
    max_momentums = per_group("max_momentum", optimizer, max_momentum)
    if fresh:
        for group, base_m, max_m in zip(optimizer.param_groups, base_momentums, max_momentums):
            set_momentum(group, max_m, use_beta1)
            group["max_momentum"] = max_m
            group["base_momentum"] = base_m
    return use_beta1, base_momentums, max_momentums


def set_momentum(group, momentum, use_beta1):
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


# ---- CyclicLR ---------------------------------------------------------------------------------------------------

class CyclicLR(LRScheduler):
    """Cyclical learning rates: lr goes linearly from base_lr up to max_lr in step_size_up steps and back down in
    step_size_down steps; the amplitude is scaled per cycle ('triangular': 1, 'triangular2': halved each cycle)
    or per step ('exp_range': γ^t), or by a custom scale_fn. With cycle_momentum, momentum (or Adam's β1) moves
    the opposite way between base_momentum and max_momentum. Meant to be stepped every batch."""

    _callables = ("scale_fn_custom",)
    _arguments = {"max_lrs": numbers_per_group(), "total_size": real(low=0.0, low_open=True),
                  "step_ratio": real(low=0.0, high=1.0, low_open=True), "gamma": real(),
                  "scale_mode": choice("cycle", "iterations"), "cycle_momentum": flag}
    _per_group = LRScheduler._per_group + ("max_lrs", "base_momentums", "max_momentums")

    def __init__(self, optimizer: Optimizer, base_lr: float | list[float], max_lr: float | list[float],
                 step_size_up: float = 2000, step_size_down: float | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: float | list[float] = 0.8,
                 max_momentum: float | list[float] = 0.9, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        base_lrs = per_group("base_lr", optimizer, base_lr)
        self.max_lrs = per_group("max_lr", optimizer, max_lr)
        real(low=0.0, low_open=True)("step_size_up", step_size_up)
        if step_size_down is not None:
            real(low=0.0)("step_size_down", step_size_down)
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        if scale_fn is None:
            choice("triangular", "triangular2", "exp_range")("mode", mode)
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.mode, self.gamma, self.scale_fn_custom, self.scale_mode = mode, gamma, scale_fn, scale_mode
        self.cycle_momentum = cycle_momentum
        self._check_arguments()
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                set_group_value(group, "lr", lr)
        if cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = start_momentum_cycling(
                optimizer, base_momentum, max_momentum, fresh=last_epoch == -1)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        if self.scale_fn_custom is not None:
            return self.scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, base_m, max_m in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                set_momentum(group, max_m - (max_m - base_m) * scale_factor * scale, self.use_beta1)
        return lrs


# ---- OneCycleLR -------------------------------------------------------------------------------------------------

def one_cycle_phases(total_steps, pct_start, three_phase):
    """The phases of the 1cycle policy: each anneals the lr and the momentum between two of the group's entries
    (initial_lr, max_lr, min_lr; max_momentum, base_momentum) and ends at step end_step."""
    phase = lambda end, lr_from, lr_to, m_from, m_to: dict(  # noqa: E731
        end_step=end, start_lr=lr_from, end_lr=lr_to, start_momentum=m_from, end_momentum=m_to)
    up_end = float(pct_start * total_steps) - 1
    if three_phase:
        phases = [phase(up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                  phase(float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr", "base_momentum",
                        "max_momentum"),
                  phase(total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
    else:
        phases = [phase(up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                  phase(total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
    start = 0.0
    for i, p in enumerate(phases):
        if p["end_step"] <= start:
            raise ValueError(f"total_steps={total_steps} is too small for OneCycleLR with pct_start={pct_start}"
                             f"{' and three_phase' if three_phase else ''}: phase {i + 1} would run from step "
                             f"{start:g} to step {p['end_step']:g}")
        start = p["end_step"]
    return phases


class OneCycleLR(LRScheduler):
    """The 1cycle policy, stepped every batch for total_steps steps: lr anneals from max_lr/div_factor up to max_lr
    in the first pct_start of the steps, then down to max_lr/(div_factor·final_div_factor) ('cos' or 'linear'
    annealing); with three_phase, it first comes back down to the start and only then anneals to the minimum.
    Momentum (or β1) moves the opposite way. Stepping past total_steps is an error."""

    _arguments = {"total_steps": whole(1), "anneal_strategy": choice("cos", "linear"), "cycle_momentum": flag}

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float], total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.85, max_momentum: float | list[float] = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        if total_steps is None and (epochs is None or steps_per_epoch is None):
            raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
        if total_steps is None:
            whole(1)("epochs", epochs)
            whole(1)("steps_per_epoch", steps_per_epoch)
            total_steps = epochs * steps_per_epoch
        self.total_steps, self.anneal_strategy, self.cycle_momentum = total_steps, anneal_strategy, cycle_momentum
        self._check_arguments()
        real(low=0.0, high=1.0)("pct_start", pct_start)
        self.phases = one_cycle_phases(total_steps, pct_start, three_phase)
        max_lrs = per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, group_max_lr in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if cycle_momentum:
            self.use_beta1 = start_momentum_cycling(optimizer, base_momentum, max_momentum,
                                                    fresh=last_epoch == -1)[0]
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _check_next_step(self):
        if self.last_epoch + 1 > self.total_steps:
            raise ValueError(f"OneCycleLR stepped past its end: step {self.last_epoch + 1}, but total_steps="
                             f"{self.total_steps}")

    def get_lr(self):
        t = self.last_epoch
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self.phases):
                if t <= phase["end_step"] or i == len(self.phases) - 1:
                    pct = (t - start_step) / (phase["end_step"] - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        set_momentum(group, momentum, self.use_beta1)
                    break
                start_step = phase["end_step"]
        return lrs
