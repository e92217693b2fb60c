"""minigrad: a small, readable, numpy-only reverse-mode autograd engine."""
from . import nn, optim
from .autograd import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import arange, full, linspace, ones, ones_like, tensor, zeros, zeros_like
from .dtypes import float32, float64, int64  # dtype names, as torch.float32 etc.
from .functions import (abs, cat, concatenate, cos, cosh, exp, log, maximum, minimum, relu, sigmoid, sign, sin, sinh,
                        sqrt, stack, tanh, where)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .random import get_generator, manual_seed, normal, rand, randint, randn
from .serialization import load, save
from .tensor import Tensor
from .viz import draw_graph, graph_table

__version__ = "0.1.0"
