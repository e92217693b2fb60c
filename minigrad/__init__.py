"""minigrad: a small, readable, numpy-only reverse-mode autograd engine, with PyTorch's names."""
from . import cuda, nn, optim, utils
from .autograd import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (arange, eye, from_numpy, full, full_like, linspace, meshgrid, ones, ones_like, tensor, zeros,
                       zeros_like)
from .device import device
from .dtypes import (bool, double, float, float16, float32, float64, half, int, int8, int16, int32, int64, long,
                     uint8)
from .functions import (abs, add, amax, amin, argmax, argmin, cat, clamp, clip, clone, concat, concatenate, cos, cosh,
                        div, dot, erf, exp, exp2, flatten, gather, log, log10, log2, logsumexp, masked_fill, matmul,
                        max, maximum, mean, min, minimum, mm, mul, mv, neg, norm, numel, permute, pow, prod, relu,
                        repeat, reshape, rsqrt, sigmoid, sign, sin, sinh, sqrt, square, squeeze, stack, std, sub, sum,
                        tan, tanh, transpose, tril, triu, unflatten, unsqueeze, var, where)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .random import get_generator, manual_seed, normal, rand, randint, randn
from .serialization import load, save
from .tensor import Tensor
from .viz import draw_graph, graph_table

__version__ = "0.1.0"
