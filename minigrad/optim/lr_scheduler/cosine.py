"""Cosine annealing (Loshchilov & Hutter's SGDR, d2l 11.11): CosineAnnealingLR, and CosineAnnealingWarmRestarts."""
import math

from ..optimizer import Optimizer
from .base import LRScheduler, RatioScheduler, current_lrs, warn_if_stepped_too_early
from .checks import real, whole

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


class CosineAnnealingLR(RatioScheduler):
    """lr_t = η_min + (base_lr − η_min)·c(t)/2 with c(t) = 1 + cos(π·t/T_max): from base_lr down to η_min in T_max
    steps; past T_max it climbs back up (a cosine of period 2·T_max).

    Stepped as PyTorch steps it, on the distance to η_min: lr_t − η_min = (lr_{t−1} − η_min)·c(t)/c(t−1). Where
    c(t−1) = 0 (the trough, t − 1 = T_max, 3·T_max, ...) that ratio does not exist, and the lr climbs by
    (base_lr − η_min)·c(t)/2, with c(t) written as 1 − cos(π/T_max), its value there. SequentialLR restarts it at
    the closed form's step 0."""

    _arguments = {"T_max": whole(1), "eta_min": real(low=0.0)}

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _c(self, t):
        return 1 + math.cos(math.pi * t / self.T_max)

    def get_lr(self):
        t, eta_min = self.last_epoch, self.eta_min
        lrs = current_lrs(self.optimizer)
        if (t - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
                    for base_lr, lr in zip(self.base_lrs, lrs)]
        return [self._c(t) / self._c(t - 1) * (lr - eta_min) + eta_min for lr in lrs]

    def _closed_form_lrs(self):
        return [self.eta_min + (base_lr - self.eta_min) * self._c(self.last_epoch) / 2 for base_lr in self.base_lrs]

    def _restart(self):
        self.last_epoch = 0
        self._set_lrs(self._closed_form_lrs())


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: lr = η_min + (base_lr − η_min)·(1 + cos(π·T_cur/T_i))/2, where T_cur counts steps since the last
    restart and the i-th period lasts T_i = T_0·T_mult^i steps. `step(epoch)` accepts a fractional epoch."""

    _arguments = {"T_0": whole(1), "T_mult": whole(1), "eta_min": real(low=0.0), "T_i": whole(1),
                  "T_cur": real(low=-1.0)}

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base_lr in self.base_lrs]

    def _initial_step(self):
        self._step_count = 1
        self._move_to(None)

    def step(self, epoch: float | None = None) -> None:
        """Advance one step, or go to `epoch` (any number ≥ 0, e.g. 3.5 within an epoch's batches)."""
        if epoch is not None:
            real(low=0.0)("epoch", epoch)
        if self._step_count == 1:
            warn_if_stepped_too_early(self.optimizer)
        self._step_count += 1
        self._move_to(epoch)

    def _move_to(self, epoch):
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif epoch >= self.T_0:
            self.T_cur, self.T_i = self._period_position(epoch)
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._set_lrs(self.get_lr())

    def _period_position(self, epoch):
        """(T_cur, T_i) at `epoch` ≥ T_0: the periods before it sum to T_0·(T_mult^n − 1)/(T_mult − 1)."""
        if self.T_mult == 1:
            return epoch % self.T_0, self.T_0
        n = int(math.log((epoch / self.T_0 * (self.T_mult - 1) + 1), self.T_mult))
        return epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1), self.T_0 * self.T_mult ** n
