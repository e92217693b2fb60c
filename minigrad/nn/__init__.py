"""Layers, losses and initialisation with PyTorch's names: ``from minigrad import nn``."""
from . import functional, init
from ._memory import keep_freed_memory
from .activation import ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU6, SiLU, Softmax, Softplus
from .dropout import Dropout
from .layers import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, Sigmoid, Tanh
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .models import lenet
from .module import Module, Parameter
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm

__all__ = ["AvgPool2d", "BatchNorm1d", "BatchNorm2d", "BCELoss", "BCEWithLogitsLoss", "Conv2d", "CrossEntropyLoss",
           "Dropout", "ELU", "Flatten", "functional", "GELU", "Hardtanh", "init", "keep_freed_memory",
           "LayerNorm", "LeakyReLU", "lenet", "Linear", "LogSigmoid", "LogSoftmax", "MaxPool2d", "Module",
           "MSELoss", "NLLLoss", "Parameter", "ReLU", "ReLU6", "Sequential", "Sigmoid", "SiLU", "Softmax",
           "Softplus", "Tanh"]
