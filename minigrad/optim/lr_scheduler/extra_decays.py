"""The decays of d2l 11.11 and its notes that PyTorch does not ship, and the warmup helper the chapter uses.

    inverse-time decay   lr0 / (1 + k·t)                          InverseTimeLR(optimizer, k)
    exponential decay    lr0 · rate^(t / decay_steps)             ExponentialDecayLR(optimizer, rate, decay_steps,
                         (t // decay_steps with staircase=True)                          staircase=False)
    warmup, then any schedule                                     with_linear_warmup(optimizer, warmup_steps, scheduler)

(The polynomial decay lr0·(1 − t/T)^p is PyTorch's PolynomialLR.) Any other schedule f(t) is
`LambdaLR(optimizer, lambda t: f(t) / lr0)`.
"""
from ..optimizer import Optimizer
from .base import LRScheduler
from .checks import check_whole, flag, real, whole
from .composite import SequentialLR
from .step_decays import LinearLR

__all__ = ["InverseTimeLR", "ExponentialDecayLR", "with_linear_warmup"]


class InverseTimeLR(LRScheduler):
    """Inverse-time decay (d2l 11.11): lr_t = base_lr / (1 + k·t)."""

    _arguments = {"k": real(low=0.0)}

    def __init__(self, optimizer: Optimizer, k: float, last_epoch: int = -1) -> None:
        self.k = k
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr / (1 + self.k * self.last_epoch) for base_lr in self.base_lrs]


class ExponentialDecayLR(LRScheduler):
    """Exponential decay with a period (as Keras' ExponentialDecay): lr_t = base_lr · rate^(t / decay_steps),
    or rate^⌊t / decay_steps⌋ with staircase=True."""

    _arguments = {"decay_rate": real(low=0.0), "decay_steps": whole(1), "staircase": flag}

    def __init__(self, optimizer: Optimizer, decay_rate: float, decay_steps: int = 1, staircase: bool = False,
                 last_epoch: int = -1) -> None:
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.staircase = staircase
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        exponent = (self.last_epoch // self.decay_steps if self.staircase
                    else self.last_epoch / self.decay_steps)
        return [base_lr * self.decay_rate ** exponent for base_lr in self.base_lrs]


def with_linear_warmup(optimizer: Optimizer, warmup_steps: int, scheduler: LRScheduler,
                       start_factor: float = 0.01) -> SequentialLR:
    """`scheduler` preceded by `warmup_steps` steps of linear warmup from start_factor·lr to lr:
    SequentialLR([LinearLR(start_factor, 1.0, warmup_steps), scheduler], milestones=[warmup_steps])."""
    check_whole("warmup_steps", warmup_steps, 1)
    warmup = LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps)
    return SequentialLR(optimizer, [warmup, scheduler], milestones=[warmup_steps])
