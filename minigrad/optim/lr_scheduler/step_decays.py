"""Decays that multiply the lr by a factor, step by step: PyTorch's LambdaLR, MultiplicativeLR, StepLR,
MultiStepLR, ConstantLR, LinearLR, ExponentialLR and PolynomialLR (d2l 11.11's factor and multi-factor
schedules, and its polynomial decay).

Each class states its closed form in its docstring and computes, in `_ratio(t)`, the ratio lr_t / lr_{t−1}
written as PyTorch writes it, so that every lr matches PyTorch's to the last bit (see RatioScheduler).
"""
from collections.abc import Callable, Sequence

from ..optimizer import Optimizer
from .base import LRScheduler, RatioScheduler
from .checks import check_optimizer, milestones, per_group, real, whole

__all__ = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
           "PolynomialLR"]


Schedule = Callable[[int], float]


def lambdas_per_group(optimizer, lr_lambda):
    """One callable of the step per parameter group (LambdaLR, MultiplicativeLR)."""
    check_optimizer(optimizer)
    lambdas = per_group("lr_lambda", optimizer, lr_lambda)
    for f in lambdas:
        if not callable(f):
            raise TypeError(f"lr_lambda should be a function (or a callable object), but got {type(f).__name__}")
    return lambdas


class LambdaLR(LRScheduler):
    """lr_t = base_lr · f(t), with one function f for all groups or one per group. Its state_dict holds, for each
    f that is a callable object rather than a function, that object's attributes (as PyTorch's)."""

    _callables = ("lr_lambdas",)
    _per_group = LRScheduler._per_group + ("lr_lambdas",)

    def __init__(self, optimizer: Optimizer, lr_lambda: Schedule | list[Schedule], last_epoch: int = -1) -> None:
        self.lr_lambdas = lambdas_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * f(self.last_epoch) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(RatioScheduler):
    """lr_t = lr_{t−1} · f(t) for t ≥ 1. It has no closed form (f is anything), so when SequentialLR hands over to
    it, step 0 multiplies the lr the group holds by f(0), as PyTorch does."""

    _callables = ("lr_lambdas",)
    _per_group = LRScheduler._per_group + ("lr_lambdas",)

    def __init__(self, optimizer: Optimizer, lr_lambda: Schedule | list[Schedule], last_epoch: int = -1) -> None:
        self.lr_lambdas = lambdas_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def _ratios(self, t):
        return [f(t) for f in self.lr_lambdas]

    _restart = LRScheduler._restart


class StepLR(RatioScheduler):
    """lr_t = base_lr · γ^⌊t / step_size⌋: the lr is multiplied by γ every step_size steps."""

    _arguments = {"step_size": whole(1), "gamma": real(low=0.0)}

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _ratio(self, t):
        return self.gamma if t % self.step_size == 0 else 1.0

    def _factor(self, t):
        return self.gamma ** (t // self.step_size)


class MultiStepLR(RatioScheduler):
    """lr_t = base_lr · γ^(number of milestones ≤ t): the lr is multiplied by γ at each milestone (twice at a
    milestone listed twice)."""

    _arguments = {"milestones": milestones(strictly=False), "gamma": real(low=0.0)}

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = list(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _ratio(self, t):
        return self.gamma ** self.milestones.count(t)

    def _factor(self, t):
        return self.gamma ** sum(milestone <= t for milestone in self.milestones)

    def _start_factor(self):
        return self._ratio(0)


class ConstantLR(RatioScheduler):
    """lr_t = base_lr · factor for t < total_iters, then base_lr: step 0 multiplies by factor, step total_iters by
    1/factor (with total_iters = 0, PyTorch's stepping keeps base_lr · factor for good, and so does this)."""

    _arguments = {"factor": real(low=0.0, high=1.0, low_open=True), "total_iters": whole(0)}

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _start_factor(self):
        return self.factor

    def _ratio(self, t):
        return 1.0 / self.factor if t == self.total_iters else 1.0

    def _factor(self, t):
        return self.factor if t < self.total_iters else 1.0


class LinearLR(RatioScheduler):
    """lr_t = base_lr · (s + (e − s)·min(t, T)/T): the factor goes linearly from start_factor s to end_factor e in
    T = total_iters steps (a linear warmup when s < e = 1). Step by step, with f(t) = s + (e − s)·t/T:

        r(t) = f(t) / f(t − 1) = 1 + (e − s) / (T·s + (t − 1)·(e − s))      for 1 ≤ t ≤ T, then 1."""

    _arguments = {"start_factor": real(low=0.0, high=1.0, low_open=True), "end_factor": real(low=0.0, high=1.0),
                  "total_iters": whole(1)}

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _start_factor(self):
        return self.start_factor

    def _ratio(self, t):
        if t > self.total_iters:
            return 1.0
        slope = self.end_factor - self.start_factor
        return 1.0 + slope / (self.total_iters * self.start_factor + (t - 1) * slope)

    def _factor(self, t):
        return self.start_factor + (self.end_factor - self.start_factor) * min(t, self.total_iters) / self.total_iters


class ExponentialLR(RatioScheduler):
    """lr_t = base_lr · γ^t: the lr is multiplied by γ every step."""

    _arguments = {"gamma": real(low=0.0)}

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _ratio(self, t):
        return self.gamma

    def _factor(self, t):
        return self.gamma ** t


class PolynomialLR(RatioScheduler):
    """lr_t = base_lr · (1 − min(t, T)/T)^p with T = total_iters and p = power (d2l's polynomial decay), so

        r(t) = ((1 − t/T) / (1 − (t − 1)/T))^p      for 1 ≤ t ≤ T, then 1."""

    _arguments = {"total_iters": whole(1), "power": real()}

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def _ratio(self, t):
        if t > self.total_iters:
            return 1.0
        return ((1.0 - t / self.total_iters) / (1.0 - (t - 1) / self.total_iters)) ** self.power

    def _factor(self, t):
        return (1.0 - min(t, self.total_iters) / self.total_iters) ** self.power
