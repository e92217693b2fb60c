"""Layers, losses and initialisation with PyTorch's names: ``from minigrad import nn``."""
from . import functional, init
from ._memory import keep_freed_memory
from .activation import ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU6, SiLU, Softmax, Softmin, Softplus
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .dropout import Dropout
from .layers import Flatten, Linear, ReLU, Sequential, Sigmoid, Tanh
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .models import lenet
from .module import Module, Parameter
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .pooling import (
                         AdaptiveAvgPool1d,
                         AdaptiveAvgPool2d,
                         AvgPool1d,
                         AvgPool2d,
                         MaxPool1d,
                         MaxPool2d,
                         MaxUnpool1d,
                         MaxUnpool2d,
)

__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AvgPool1d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "BCELoss",
           "BCEWithLogitsLoss", "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "CrossEntropyLoss",
           "Dropout", "ELU", "Flatten", "functional", "GELU", "Hardtanh", "init", "keep_freed_memory", "LayerNorm",
           "LeakyReLU", "lenet", "Linear", "LogSigmoid", "LogSoftmax", "MaxPool1d", "MaxPool2d", "MaxUnpool1d",
           "MaxUnpool2d", "Module", "MSELoss", "NLLLoss", "Parameter", "ReLU", "ReLU6", "Sequential", "Sigmoid", "SiLU",
           "Softmax", "Softmin", "Softplus", "Tanh"]
