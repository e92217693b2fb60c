"""Layers, losses and initialisation with PyTorch's names: ``from minigrad import nn``."""
from . import functional, init
from ._memory import keep_freed_memory
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, SiLU, Softmax, Softplus
from .dropout import Dropout
from .layers import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, Sigmoid, Tanh
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .models import lenet
from .module import Module, Parameter
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm

__all__ = ["AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss",
           "Dropout", "ELU", "Flatten", "GELU", "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss",
           "MaxPool2d", "Module", "NLLLoss", "Parameter", "ReLU", "Sequential", "SiLU", "Sigmoid", "Softmax",
           "Softplus", "Tanh", "functional", "init", "keep_freed_memory", "lenet"]
