"""Learning-rate schedulers with torch.optim.lr_scheduler's interface and arithmetic (d2l 11.11).

    scheduler = CosineAnnealingLR(optimizer, T_max=100)
    for epoch in range(100):
        train_one_epoch(...)          # calls optimizer.step()
        scheduler.step()              # sets every group's 'lr' for the next epoch
    scheduler.get_last_lr()           # the lr of each parameter group

One file per kind: base (LRScheduler, the ratio form), step_decays, cosine, cyclic (and one-cycle), plateau,
composite (SequentialLR, ChainedScheduler), extra_decays (d2l's decays that PyTorch lacks). Every class is
reached here, as `minigrad.optim.lr_scheduler.X`, and says so in its `__module__`, as PyTorch's do.
"""
from .base import EPOCH_DEPRECATION_WARNING, LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .extra_decays import ExponentialDecayLR, InverseTimeLR, with_linear_warmup
from .plateau import ReduceLROnPlateau
from .step_decays import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
           "OneCycleLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler", "InverseTimeLR",
           "ExponentialDecayLR", "with_linear_warmup"]

for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
