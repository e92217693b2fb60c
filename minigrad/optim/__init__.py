"""Optimizers and learning-rate schedulers with torch.optim's interface (d2l chapter 11).

    from minigrad import optim
    opt = optim.Adam(params, lr=1e-3)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
"""
from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
from .yogi import Yogi

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Yogi", "lr_scheduler",
           "swa_utils"]
