"""``minigrad.nn.functional`` (``F``): the ops behind the layers, as ``torch.nn.functional`` names them.

One module per subject: layout.py (argument checks and the batch-last layout that convolution and pooling share),
conv.py, pooling.py, loss.py, activation.py, linear.py. Every op here is an autograd op whose backward is made of
ops too, so gradients of gradients work.
"""
from .activation import relu, softmax
from .conv import conv2d, conv2d_input_grad, conv2d_weight_grad
from .linear import linear
from .loss import check_reduction, cross_entropy, mse_loss
from .pooling import avg_pool2d, avg_pool2d_spread, max_pool2d, max_pool2d_gather, max_pool2d_scatter

__all__ = ["avg_pool2d", "avg_pool2d_spread", "check_reduction", "conv2d", "conv2d_input_grad", "conv2d_weight_grad",
           "cross_entropy", "linear", "max_pool2d", "max_pool2d_gather", "max_pool2d_scatter", "mse_loss", "relu",
           "softmax"]
