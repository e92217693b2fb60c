"""Layers, losses and initialisation with PyTorch's names: ``from minigrad import nn``."""
from . import functional, init
from .layers import (AvgPool2d, Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, MSELoss, ReLU, Sequential,
                     Sigmoid, Tanh)
from ._memory import tune_memory
from .models import lenet
from .module import Module, Parameter

__all__ = ["AvgPool2d", "Conv2d", "CrossEntropyLoss", "Flatten", "Linear", "MaxPool2d", "MSELoss", "Module",
           "Parameter", "ReLU", "Sequential", "Sigmoid", "Tanh", "functional", "init", "lenet",
           "tune_memory"]
