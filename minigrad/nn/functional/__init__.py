"""``minigrad.nn.functional`` (``F``): the ops behind the layers, as ``torch.nn.functional`` names them.

One module per subject: layout.py (argument checks and the batch-last layout that convolution and pooling share),
conv.py (the im2col kernels), convolution.py (conv1d, conv2d with all options), conv_transpose.py, pooling.py,
pooling_variants.py (1-D and adaptive), unpooling.py, loss.py, activation.py (with elementary.py's log1p, expm1, erf),
normalization.py, dropout.py, padding.py, linear.py, encoding.py (one_hot), attention.py, interpolate.py. Every op
here is an autograd op whose backward is made of ops too, so gradients of gradients work.
"""
from .activation import (
                         celu,
                         elu,
                         gelu,
                         hardsigmoid,
                         hardswish,
                         hardtanh,
                         leaky_relu,
                         log_softmax,
                         logsigmoid,
                         mish,
                         relu,
                         relu6,
                         selu,
                         sigmoid,
                         silu,
                         softmax,
                         softmin,
                         softplus,
                         softsign,
                         tanh,
)
from .attention import scaled_dot_product_attention
from .conv import conv2d_input_grad, conv2d_weight_grad
from .conv_transpose import conv_transpose1d, conv_transpose2d
from .convolution import conv1d, conv2d
from .dropout import dropout
from .encoding import one_hot
from .interpolate import interpolate
from .linear import linear
from .loss import (
                         binary_cross_entropy,
                         binary_cross_entropy_with_logits,
                         check_reduction,
                         cross_entropy,
                         mse_loss,
                         nll_loss,
)
from .normalization import batch_norm, layer_norm, normalize
from .padding import pad
from .pooling import avg_pool2d, avg_pool2d_spread, max_pool2d, max_pool2d_gather, max_pool2d_scatter
from .pooling_variants import adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, max_pool1d
from .unpooling import max_unpool1d, max_unpool2d

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "avg_pool1d", "avg_pool2d", "avg_pool2d_spread", "batch_norm",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu", "check_reduction", "conv1d", "conv2d",
           "conv2d_input_grad", "conv2d_weight_grad", "conv_transpose1d", "conv_transpose2d", "cross_entropy",
           "dropout", "elu", "gelu", "hardsigmoid", "hardswish", "hardtanh", "interpolate", "layer_norm", "leaky_relu",
           "linear", "log_softmax", "logsigmoid", "max_pool1d", "max_pool2d", "max_pool2d_gather",
           "max_pool2d_scatter", "max_unpool1d", "max_unpool2d", "mish", "mse_loss", "nll_loss", "normalize",
           "one_hot", "pad", "relu", "relu6", "scaled_dot_product_attention", "selu", "sigmoid", "silu", "softmax",
           "softmin", "softplus", "softsign", "tanh"]
