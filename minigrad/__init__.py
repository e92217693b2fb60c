"""minigrad: a small, readable, numpy-only reverse-mode autograd engine."""
from numpy import float32, float64, int64  # dtype names, as torch.float32 etc.

from . import optim
from .autograd import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .random import get_generator, manual_seed, normal, rand, randint, randn
from .serialization import load, save
from .tensor import (Tensor, abs, arange, cat, concatenate, cos, cosh, exp, full, linspace, log, maximum, ones,
                     ones_like, relu, sigmoid, sin, sinh, sqrt, stack, tanh, tensor, where, zeros, zeros_like)
from .viz import draw_graph, graph_table

__version__ = "0.1.0"
