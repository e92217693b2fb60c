"""Learning-rate schedulers with torch.optim.lr_scheduler's interface and arithmetic (d2l 11.11).

    scheduler = CosineAnnealingLR(optimizer, T_max=100)
    for epoch in range(100):
        train_one_epoch(...)          # calls optimizer.step()
        scheduler.step()              # sets every group's 'lr' for the next epoch
    scheduler.get_last_lr()           # the lr of each parameter group

A scheduler records each group's starting lr as `group['initial_lr']` (its `base_lrs`), counts its steps in
`last_epoch` (0 after construction), and writes each group's `lr`. Most of PyTorch's schedulers compute the next lr
from the current one ("chainable" form: lr ← lr·factor), so that several can be chained; the closed form (lr as a
function of the step) can differ from it in the last bits, and these classes compute what PyTorch computes.

Decays from d2l 11.11 beyond PyTorch's set:
    inverse-time decay   lr0 / (1 + k·t)                          InverseTimeLR(optimizer, k)
    exponential decay    lr0 · rate^(t / decay_steps)             ExponentialDecayLR(optimizer, rate, decay_steps,
                         (t // decay_steps with staircase=True)                          staircase=False)
    polynomial decay     lr0 · (1 − t/T)^p, then 0                PolynomialLR(optimizer, total_iters=T, power=p)
    warmup, then any schedule                                     with_linear_warmup(optimizer, warmup_steps, scheduler)
Any other schedule f(t) is `LambdaLR(optimizer, lambda t: f(t) / lr0)`.
"""
import copy
import math
import numbers
from bisect import bisect_right

from .optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
           "OneCycleLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler", "InverseTimeLR",
           "ExponentialDecayLR", "with_linear_warmup"]


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a minigrad.optim.Optimizer, but got {type(optimizer).__name__}")


def _check_int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, but got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"Invalid {name}: {value!r} (must be an int >= {low})")


def _check_real(name, value, low=None, high=None, low_open=False, high_open=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, but got {value!r} ({type(value).__name__})")
    if ((low is not None and (value <= low if low_open else value < low))
            or (high is not None and (value >= high if high_open else value > high)) or value != value):
        interval = (("(" if low_open or low is None else "[") + ("-inf" if low is None else str(low)) + ", "
                    + ("inf" if high is None else str(high)) + (")" if high_open or high is None else "]"))
        raise ValueError(f"Invalid {name}: {value!r} (must be in {interval})")


def _check_milestones(name, milestones, strictly):
    milestones = list(milestones)
    for m in milestones:
        _check_int(f"{name} entry", m, 0)
    ordered = all(a < b if strictly else a <= b for a, b in zip(milestones, milestones[1:]))
    if not ordered:
        raise ValueError(f"Invalid {name}: {milestones!r} (must be sorted in {'strictly ' if strictly else ''}"
                         "increasing order)")
    return milestones


def _per_group(name, optimizer, value):
    """`value` for every parameter group: a list of one value per group, or one value for all."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} has {len(value)} values, but the optimizer has "
                             f"{len(optimizer.param_groups)} parameter groups")
        return list(value)
    return [value] * len(optimizer.param_groups)


def _lambdas_per_group(optimizer, lr_lambda):
    """One callable of the epoch per parameter group (LambdaLR, MultiplicativeLR)."""
    lambdas = _per_group("lr_lambda", optimizer, lr_lambda)
    for f in lambdas:
        if not callable(f):
            raise TypeError(f"lr_lambda must be callable, but got {type(f).__name__}")
    return lambdas


def _current_lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


class LRScheduler:
    """Base class. A subclass computes the lrs at step `last_epoch` in `get_lr()` (from the current lrs, PyTorch's
    chainable form) and, where PyTorch has one, in `_closed_form_lr()` (from `base_lrs`)."""

    _not_in_state_dict = ("optimizer",)

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        _check_int("last_epoch", last_epoch, -1)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise ValueError(f"last_epoch={last_epoch} resumes a schedule, but param_groups[{i}] has no "
                                     "'initial_lr': load the optimizer's state_dict first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """Step to last_epoch + 1 (0 for a new schedule) in 'initial' mode, which most schedules treat as
        'keep the current lr'."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def step(self):
        """Advance one step (an epoch or an iteration, as the caller counts) and set each group's lr."""
        self._step_count += 1
        self.last_epoch += 1
        self._set_lrs(self.get_lr())

    def _jump_to(self, epoch):
        """Set last_epoch to `epoch` and the lrs to their closed form there (used by SequentialLR)."""
        self.last_epoch = epoch
        closed_form = getattr(self, "_closed_form_lr", None)
        self._set_lrs(closed_form() if closed_form is not None else self.get_lr())

    def _set_lrs(self, lrs):
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = _current_lrs(self.optimizer)

    def get_lr(self):
        """The lrs at step `last_epoch`; called by `step()` (read the current lrs with `get_last_lr()`)."""
        raise NotImplementedError

    def get_last_lr(self):
        """The lr of each parameter group, as set by the last step."""
        return list(self._last_lr)

    def state_dict(self):
        """Everything but the optimizer (and any callables, which cannot be saved; as PyTorch, they are expected
        to be passed to the constructor again)."""
        return {k: copy.deepcopy(v) for k, v in vars(self).items() if k not in self._not_in_state_dict}

    def load_state_dict(self, state_dict):
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict, but got {type(state_dict).__name__}")
        expected = set(self.state_dict())
        if set(state_dict) != expected:
            raise ValueError(f"the state_dict does not fit a {type(self).__name__}: it lacks "
                             f"{sorted(expected - set(state_dict))} and has unexpected "
                             f"{sorted(set(state_dict) - expected)}")
        for key in ("base_lrs", "_last_lr", "min_lrs", "max_lrs", "base_momentums", "max_momentums"):
            if key in state_dict and len(state_dict[key]) != len(self.optimizer.param_groups):
                raise ValueError(f"the state_dict's {key} has {len(state_dict[key])} entries, but the optimizer "
                                 f"has {len(self.optimizer.param_groups)} parameter groups")
        vars(self).update(copy.deepcopy(state_dict))


class LambdaLR(LRScheduler):
    """lr_t = base_lr · f(t), with one function f for all groups or one per group."""

    _not_in_state_dict = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer)
        self.lr_lambdas = _lambdas_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * f(self.last_epoch) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(LRScheduler):
    """lr_t = lr_{t−1} · f(t) for t ≥ 1."""

    _not_in_state_dict = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer)
        self.lr_lambdas = _lambdas_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return _current_lrs(self.optimizer)
        return [group["lr"] * f(self.last_epoch) for f, group in zip(self.lr_lambdas, self.optimizer.param_groups)]


class StepLR(LRScheduler):
    """lr_t = base_lr · γ^⌊t / step_size⌋  (computed as lr ← lr·γ every step_size steps)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _check_int("step_size", step_size, 1)
        _check_real("gamma", gamma, low=0.0)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _current_lrs(self.optimizer)
        return [lr * self.gamma for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr_t = base_lr · γ^(number of milestones ≤ t)  (computed as lr ← lr·γ at each milestone)."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = _check_milestones("milestones", milestones, strictly=False)
        _check_real("gamma", gamma, low=0.0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return _current_lrs(self.optimizer)
        return [lr * self.gamma ** self.milestones.count(self.last_epoch) for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [base_lr * self.gamma ** bisect_right(self.milestones, self.last_epoch) for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr_t = base_lr · factor for t < total_iters, then base_lr."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        _check_real("factor", factor, low=0.0, high=1.0, low_open=True)
        _check_int("total_iters", total_iters, 0)
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.factor for lr in _current_lrs(self.optimizer)]
        if self.last_epoch != self.total_iters:
            return _current_lrs(self.optimizer)
        return [lr * (1.0 / self.factor) for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """lr_t = base_lr · (s + (e − s)·min(t, total_iters)/total_iters): the factor goes linearly from
    start_factor s to end_factor e in total_iters steps (a linear warmup when s < e = 1)."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        _check_real("start_factor", start_factor, low=0.0, high=1.0, low_open=True)
        _check_real("end_factor", end_factor, low=0.0, high=1.0)
        _check_int("total_iters", total_iters, 1)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in _current_lrs(self.optimizer)]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _current_lrs(self.optimizer)
        slope = self.end_factor - self.start_factor
        factor = 1.0 + slope / (self.total_iters * self.start_factor + (self.last_epoch - 1) * slope)
        return [lr * factor for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor)
                           * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr_t = base_lr · γ^t  (computed as lr ← lr·γ)."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _check_real("gamma", gamma, low=0.0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return _current_lrs(self.optimizer)
        return [lr * self.gamma for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr_t = base_lr · (1 − min(t, T)/T)^p  with T = total_iters, p = power  (d2l's polynomial decay; computed
    as lr ← lr·((1 − t/T) / (1 − (t−1)/T))^p)."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        _check_int("total_iters", total_iters, 1)
        _check_real("power", power)
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial or self.last_epoch > self.total_iters:
            return _current_lrs(self.optimizer)
        decay = ((1.0 - self.last_epoch / self.total_iters)
                 / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [lr * decay for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr_t = η_min + (base_lr − η_min)·(1 + cos(π·t/T_max))/2  (computed recursively, as PyTorch does; past
    T_max it climbs back up, a cosine of period 2·T_max)."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        _check_int("T_max", T_max, 1)
        _check_real("eta_min", eta_min, low=0.0)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return _current_lrs(self.optimizer)
        if self._step_count == 1 and t > 0:
            return [eta_min + (base_lr - eta_min) * (1 + math.cos(t * math.pi / T)) / 2 for base_lr in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for base_lr, lr in zip(self.base_lrs, _current_lrs(self.optimizer))]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - eta_min) + eta_min
                for lr in _current_lrs(self.optimizer)]

    def _closed_form_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: lr = η_min + (base_lr − η_min)·(1 + cos(π·T_cur/T_i))/2, where T_cur counts steps since the last
    restart and the i-th period lasts T_i = T_0·T_mult^i steps. `step(epoch)` accepts a fractional epoch."""

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        _check_int("T_0", T_0, 1)
        _check_int("T_mult", T_mult, 1)
        _check_real("eta_min", eta_min, low=0.0)
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def step(self, epoch=None):
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            _check_real("epoch", epoch, low=0.0)
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult ** n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._set_lrs(self.get_lr())


class CyclicLR(LRScheduler):
    """Cyclical learning rates (Smith 2017): lr goes linearly from base_lr up to max_lr in step_size_up steps and
    back down in step_size_down steps; the amplitude is scaled per cycle ('triangular': 1, 'triangular2': halved
    each cycle) or per step ('exp_range': γ^t), or by a custom scale_fn. With cycle_momentum, momentum (or Adam's
    β1) moves the opposite way between base_momentum and max_momentum. Meant to be stepped every batch."""

    _not_in_state_dict = ("optimizer", "scale_fn_custom")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular",
                 gamma=1.0, scale_fn=None, scale_mode="cycle", cycle_momentum=True, base_momentum=0.8,
                 max_momentum=0.9, last_epoch=-1):
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        _check_real("step_size_up", step_size_up, low=0.0, low_open=True)
        if step_size_down is not None:
            _check_real("step_size_down", step_size_down, low=0.0)
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"Invalid mode: {mode!r} (must be 'triangular', 'triangular2' or 'exp_range', "
                             "or pass scale_fn)")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"Invalid scale_mode: {scale_mode!r} (must be 'cycle' or 'iterations')")
        self.mode = mode
        self.gamma = gamma
        self.scale_fn_custom = scale_fn
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        self.scale_mode = scale_mode
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"cycle_momentum=True, but {type(optimizer).__name__} has neither momentum nor "
                                 "betas; pass cycle_momentum=False")
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for max_m, base_m, group in zip(self.max_momentums, self.base_momentums, optimizer.param_groups):
                    _set_momentum(group, max_m, self.use_beta1)
                    group["max_momentum"] = max_m
                    group["base_momentum"] = base_m
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
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
                _set_momentum(group, max_m - (max_m - base_m) * scale_factor * scale, self.use_beta1)
        return lrs


def _set_momentum(group, momentum, use_beta1):
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2018), stepped every batch for total_steps steps: lr anneals from
    max_lr/div_factor up to max_lr in the first pct_start of the steps, then down to
    max_lr/(div_factor·final_div_factor) ('cos' or 'linear' annealing); with three_phase, it first comes back
    down to the start and only then anneals to the minimum. Momentum (or β1) moves the opposite way. Stepping
    past total_steps is an error."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        _check_optimizer(optimizer)
        if total_steps is not None:
            _check_int("total_steps", total_steps, 1)
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            _check_int("epochs", epochs, 1)
            _check_int("steps_per_epoch", steps_per_epoch, 1)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
        _check_real("pct_start", pct_start, low=0.0, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"Invalid anneal_strategy: {anneal_strategy!r} (must be 'cos' or 'linear')")
        self.anneal_strategy = anneal_strategy
        up_end = float(pct_start * self.total_steps) - 1
        if three_phase:
            self.phases = [
                dict(end_step=up_end, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=float(2 * pct_start * self.total_steps) - 2, start_lr="max_lr", end_lr="initial_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum"),
            ]
        else:
            self.phases = [
                dict(end_step=up_end, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
            ]
        start = 0.0
        for i, phase in enumerate(self.phases):
            if phase["end_step"] <= start:
                raise ValueError(f"total_steps={self.total_steps} is too small for OneCycleLR with pct_start="
                                 f"{pct_start}{' and three_phase' if three_phase else ''}: phase {i + 1} would "
                                 f"run from step {start:g} to step {phase['end_step']:g}")
            start = phase["end_step"]

        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, group_max_lr in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"cycle_momentum=True, but {type(optimizer).__name__} has neither momentum nor "
                                 "betas; pass cycle_momentum=False")
            self.use_beta1 = "betas" in optimizer.defaults
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for max_m, base_m, group in zip(max_momentums, base_momentums, optimizer.param_groups):
                    _set_momentum(group, max_m, self.use_beta1)
                    group["max_momentum"] = max_m
                    group["base_momentum"] = base_m
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def step(self):
        if self.last_epoch + 1 > self.total_steps:
            raise ValueError(f"OneCycleLR stepped past its end: step {self.last_epoch + 1}, but total_steps="
                             f"{self.total_steps}")
        super().step()

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
                        _set_momentum(group, momentum, self.use_beta1)
                    break
                start_step = phase["end_step"]
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by `factor` when the metric passed to `step(metric)` has not improved for more than
    `patience` steps; then wait `cooldown` steps before counting again. An improvement is a metric below
    best·(1 − threshold) ('min', 'rel'), below best − threshold ('min', 'abs'), or above best·(1 + threshold),
    best + threshold in 'max' mode. The lr never goes below min_lr, and changes smaller than eps are skipped."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        _check_optimizer(optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"Invalid mode: {mode!r} (must be 'min' or 'max')")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"Invalid threshold_mode: {threshold_mode!r} (must be 'rel' or 'abs')")
        _check_real("factor", factor, low=0.0, high=1.0, high_open=True)
        _check_int("patience", patience, 0)
        _check_real("threshold", threshold, low=0.0)
        _check_int("cooldown", cooldown, 0)
        _check_real("eps", eps, low=0.0)
        self.optimizer = optimizer
        self.min_lrs = _per_group("min_lr", optimizer, min_lr)
        for min_lr_value in self.min_lrs:
            _check_real("min_lr", min_lr_value, low=0.0)
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = _current_lrs(optimizer)
        self.best = math.inf if mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _is_better(self, metric, best):
        if self.mode == "min" and self.threshold_mode == "rel":
            return metric < best * (1.0 - self.threshold)
        if self.mode == "min":
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    def step(self, metrics):
        metric = float(metrics)
        self.last_epoch += 1
        if self._is_better(metric, self.best):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old_lr = float(group["lr"])
                new_lr = max(old_lr * self.factor, min_lr)
                if old_lr - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _current_lrs(self.optimizer)


def _check_schedulers(owner, optimizer, schedulers):
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


class SequentialLR(LRScheduler):
    """Run schedulers one after the other: schedulers[i] takes over at step milestones[i − 1], restarting from
    its own step 0 (e.g. a LinearLR warmup, then CosineAnnealingLR)."""

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_optimizer(optimizer)
        schedulers = list(schedulers)
        _check_schedulers("SequentialLR", optimizer, schedulers)
        milestones = _check_milestones("milestones", milestones, strictly=True)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR needs one milestone fewer than schedulers, but got {len(schedulers)} "
                             f"schedulers and milestones={milestones!r}")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Each scheduler took its step 0 when it was built; undo those and start over from the first one.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps(self)
        index = bisect_right(milestones, 0)
        self._schedulers[index]._initial_step()
        self._last_lr = self._schedulers[index].get_last_lr()

    def _undo_initial_steps(self, scheduler):
        if hasattr(scheduler, "_schedulers"):
            for inner in scheduler._schedulers:
                self._undo_initial_steps(inner)
        else:
            scheduler.last_epoch -= 1

    def step(self):
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._jump_to(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        state = {k: copy.deepcopy(v) for k, v in vars(self).items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        _load_composite(self, state_dict)


class ChainedScheduler(LRScheduler):
    """Step several schedulers together, each multiplying its own factor into the lr (chainable forms only)."""

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = schedulers[0].optimizer
        _check_schedulers("ChainedScheduler", optimizer, schedulers)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = _current_lrs(optimizer)

    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _current_lrs(self.optimizer)

    def state_dict(self):
        state = {k: copy.deepcopy(v) for k, v in vars(self).items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        _load_composite(self, state_dict)


def _load_composite(scheduler, state_dict):
    if not isinstance(state_dict, dict) or "_schedulers" not in state_dict:
        raise ValueError(f"the state_dict does not fit a {type(scheduler).__name__}: it has no '_schedulers'")
    inner = state_dict["_schedulers"]
    if len(inner) != len(scheduler._schedulers):
        raise ValueError(f"the state_dict holds {len(inner)} schedulers, this {type(scheduler).__name__} has "
                         f"{len(scheduler._schedulers)}")
    expected = set(scheduler.state_dict())
    if set(state_dict) != expected:
        raise ValueError(f"the state_dict does not fit a {type(scheduler).__name__}: it lacks "
                         f"{sorted(expected - set(state_dict))} and has unexpected "
                         f"{sorted(set(state_dict) - expected)}")
    for s, s_state in zip(scheduler._schedulers, inner):
        s.load_state_dict(s_state)
    vars(scheduler).update({k: copy.deepcopy(v) for k, v in state_dict.items() if k != "_schedulers"})


class InverseTimeLR(LRScheduler):
    """Inverse-time decay (d2l 11.11): lr_t = base_lr / (1 + k·t)."""

    def __init__(self, optimizer, k, last_epoch=-1):
        _check_real("k", k, low=0.0)
        self.k = k
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr / (1 + self.k * self.last_epoch) for base_lr in self.base_lrs]

    _closed_form_lr = get_lr


class ExponentialDecayLR(LRScheduler):
    """Exponential decay with a period (as Keras' ExponentialDecay): lr_t = base_lr · rate^(t / decay_steps),
    or rate^⌊t / decay_steps⌋ with staircase=True."""

    def __init__(self, optimizer, decay_rate, decay_steps=1, staircase=False, last_epoch=-1):
        _check_real("decay_rate", decay_rate, low=0.0)
        _check_int("decay_steps", decay_steps, 1)
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.staircase = staircase
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        exponent = (self.last_epoch // self.decay_steps if self.staircase
                    else self.last_epoch / self.decay_steps)
        return [base_lr * self.decay_rate ** exponent for base_lr in self.base_lrs]

    _closed_form_lr = get_lr


def with_linear_warmup(optimizer, warmup_steps, scheduler, start_factor=0.01):
    """`scheduler` preceded by `warmup_steps` steps of linear warmup from start_factor·lr to lr:
    SequentialLR([LinearLR(start_factor, 1.0, warmup_steps), scheduler], milestones=[warmup_steps])."""
    _check_int("warmup_steps", warmup_steps, 1)
    warmup = LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps)
    return SequentialLR(optimizer, [warmup, scheduler], milestones=[warmup_steps])
