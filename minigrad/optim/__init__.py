"""Optimizers and learning-rate schedulers with torch.optim's interface (d2l chapter 11).

    from minigrad import optim
    opt = optim.Adam(params, lr=1e-3)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)

Each optimizer's update rule is a function on numpy arrays beside its class (`optim.sgd.sgd_update`,
`optim.adam.adam_update`, ...), with the formulas in the class docstring.
"""
from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .lr_range_test import LRRangeTestResult, lr_range_test
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .yogi import Yogi

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Yogi", "NAdam", "RAdam",
           "Adamax", "Rprop", "ASGD", "LBFGS", "lr_scheduler", "swa_utils", "lr_range_test", "LRRangeTestResult"]
