"""ReduceLROnPlateau: cut the lr when a watched metric (a validation loss, say) stops improving."""
import math
import warnings

from ..optimizer import Optimizer
from ..options import set_group_value
from .base import EPOCH_DEPRECATION_WARNING, LRScheduler, current_lrs
from .checks import check_optimizer, check_whole, choice, numbers_per_group, optional, per_group, real, whole

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by `factor` when the metric passed to `step(metric)` has not improved for more than
    `patience` steps; then wait `cooldown` steps before counting again. An improvement is a metric below
    best·(1 − threshold) ('min', 'rel'), below best − threshold ('min', 'abs'), or above best·(1 + threshold),
    best + threshold in 'max' mode. The lr never goes below min_lr, and changes smaller than eps are skipped.

    A scalar min_lr holds for every group, also for groups added to the optimizer later; a list gives one per
    group, and a group added later then needs its entry appended to `min_lrs` before the next cut (as PyTorch)."""

    _arguments = {"mode": choice("min", "max"), "threshold_mode": choice("rel", "abs"),
                  "factor": real(low=0.0, high=1.0, high_open=True), "patience": whole(0),
                  "threshold": real(low=0.0), "cooldown": whole(0), "eps": real(low=0.0),
                  "min_lrs": numbers_per_group(low=0.0), "default_min_lr": optional(real(low=0.0)),
                  "last_epoch": whole(0), "num_bad_epochs": whole(0), "cooldown_counter": whole(0), "best": real()}

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | list[float] = 0, eps: float = 1e-8) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = per_group("min_lr", optimizer, min_lr)
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0
        self._check_arguments()
        self._last_lr = current_lrs(optimizer)

    def _is_better(self, metric, best):
        if self.mode == "min" and self.threshold_mode == "rel":
            return metric < best * (1.0 - self.threshold)
        if self.mode == "min":
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    def step(self, metrics: float, epoch: int | None = None) -> None:
        """Count the metric of one more epoch; `epoch` (deprecated, as in PyTorch, which warns) numbers it."""
        metric = float(metrics)
        if epoch is not None:
            check_whole("epoch", epoch, 0)
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self._is_better(metric, self.best):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lrs()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = current_lrs(self.optimizer)

    def _reduce_lrs(self):
        groups = self.optimizer.param_groups
        if len(self.min_lrs) != len(groups):
            if self.default_min_lr is None:
                raise RuntimeError(f"The number of param groups in the optimizer ({len(groups)}) differs from the "
                                   f"number of min_lrs of ReduceLROnPlateau ({len(self.min_lrs)}, one per group "
                                   "when it was built): a group was added since; append its min_lr to "
                                   "scheduler.min_lrs")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                set_group_value(group, "lr", new_lr)
