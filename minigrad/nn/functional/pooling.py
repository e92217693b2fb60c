"""Max- and average-pooling as autograd ops, in the batch-last layout (see layout.py); backward passes are ops too:

    max_pool2d             backward -> max_pool2d_scatter (route to the first maximum), whose backward gathers
    avg_pool2d             backward -> avg_pool2d_spread, whose backward is avg_pool2d
"""
import numpy as np

from ...ops.function import Function
from .layout import (
    batch_first,
    batch_last,
    check_images,
    out_size,
    padded_batch_last,
    pair,
    unpad_batch_first,
    window_slices,
)


def _pool_geometry(x_shape, kernel_size, stride, padding, op):
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else pair(stride, "stride")
    padding = pair(padding, "padding")
    if min(kernel) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"{op}: kernel_size and stride must be >= 1 and padding >= 0, "
                         f"got kernel_size={kernel}, stride={stride}, padding={padding}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel size {kernel}")
    H, W = x_shape[2], x_shape[3]
    out_hw = out_size(H, kernel[0], stride[0], padding[0]), out_size(W, kernel[1], stride[1], padding[1])
    if min(out_hw) < 1:
        raise ValueError(f"{op}: kernel {kernel} does not fit an input of size {(H, W)} with padding {padding}")
    return kernel, stride, padding, out_hw


def max_pool2d(input, kernel_size, stride=None, padding=0):
    """Largest value of each window, as ``torch.nn.functional.max_pool2d`` (stride defaults to kernel_size).

    The gradient goes to the first maximum of each window in row-major order, as PyTorch routes it, so ties (common
    after ReLU, where whole windows are 0) give the same gradients as PyTorch."""
    x = check_images(input, "max_pool2d")
    kernel, stride, padding, out_hw = _pool_geometry(x.shape, kernel_size, stride, padding, "max_pool2d")
    return MaxPool2d.apply(x, kernel=kernel, stride=stride, padding=padding, out_hw=out_hw)


class MaxPool2d(Function):
    """Each window's maximum; ``first_max`` (kept for backward) says which of its positions held the first one."""
    op = "max_pool2d"    # the short name graph tables show (the F. function's name)
    torch_name = "MaxPool2DWithIndicesBackward0"

    def forward(self, x, kernel, stride, padding, out_hw):
        self.geometry = kernel, stride, padding
        padded = padded_batch_last(x, padding, fill=-np.inf)
        slices = window_slices(kernel, stride, out_hw)
        best = padded[slices[0]].copy()
        first_max = np.zeros(best.shape, dtype=np.uint8 if len(slices) < 256 else np.int32)
        for index, where in enumerate(slices[1:], start=1):
            candidate = padded[where]
            better = candidate > best                     # strictly greater: an equal later value keeps the first
            first_max += better * (index - first_max)   # first_max < index: no wrap-around
            np.maximum(best, candidate, out=best)
        self.first_max = first_max
        return batch_first(best)

    def backward(self, g):
        return max_pool2d_scatter(g, self.first_max, self.inputs[0].shape, *self.geometry)


def max_pool2d_scatter(grad_output, first_max, input_shape, kernel, stride, padding):
    """Each window's gradient sent to the position ``first_max`` names (the gradient of max_pool2d)."""
    return MaxPool2dScatter.apply(grad_output, first_max=first_max, input_shape=input_shape, kernel=kernel,
                                  stride=stride, padding=padding)


class MaxPool2dScatter(Function):
    op = "max_pool2d_scatter"    # the short name graph tables show (the F. function's name)
    torch_name = "MaxPool2DWithIndicesBackwardBackward0"

    def forward(self, g, first_max, input_shape, kernel, stride, padding):
        self.first_max, self.geometry = first_max, (kernel, stride, padding)
        N, C, H, W = input_shape
        out_h, out_w = g.shape[2:]
        slices = window_slices(kernel, stride, (out_h, out_w))
        overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
        tiled = (kernel == stride and padding == (0, 0) and (out_h * kernel[0], out_w * kernel[1]) == (H, W))
        shape = (C, H + 2 * padding[0], W + 2 * padding[1], N)
        padded = np.empty(shape, dtype=g.dtype) if tiled else np.zeros(shape, dtype=g.dtype)  # tiled: all written
        rows = batch_last(g)
        for index, where in enumerate(slices):
            if overlapping:
                padded[where] += rows * (first_max == index)
            else:
                np.multiply(rows, first_max == index, out=padded[where])
        return unpad_batch_first(padded, padding, H, W)

    def backward(self, h):
        return max_pool2d_gather(h, self.first_max, *self.geometry)


def max_pool2d_gather(input, first_max, kernel, stride, padding):
    """The value at each window's ``first_max`` position (adjoint of max_pool2d_scatter)."""
    return MaxPool2dGather.apply(input, first_max=first_max, kernel=kernel, stride=stride, padding=padding)


class MaxPool2dGather(Function):
    op = "max_pool2d_gather"    # the short name graph tables show (the F. function's name)
    def forward(self, x, first_max, kernel, stride, padding):
        self.first_max, self.geometry = first_max, (kernel, stride, padding)
        padded = padded_batch_last(x, padding)
        slices = window_slices(kernel, stride, first_max.shape[1:3])
        out = np.zeros(first_max.shape, dtype=x.dtype)
        for index, where in enumerate(slices):
            out += padded[where] * (first_max == index)
        return batch_first(out)

    def backward(self, g):
        return max_pool2d_scatter(g, self.first_max, self.inputs[0].shape, *self.geometry)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    """Mean of each window, as ``torch.nn.functional.avg_pool2d`` (zero padding counted, as its default)."""
    x = check_images(input, "avg_pool2d")
    kernel, stride, padding, out_hw = _pool_geometry(x.shape, kernel_size, stride, padding, "avg_pool2d")
    return AvgPool2d.apply(x, kernel=kernel, stride=stride, padding=padding, out_hw=out_hw)


class AvgPool2d(Function):
    op = "avg_pool2d"    # the short name graph tables show (the F. function's name)
    torch_name = "AvgPool2DBackward0"

    def forward(self, x, kernel, stride, padding, out_hw):
        self.geometry = kernel, stride, padding
        padded = padded_batch_last(x, padding)
        slices = window_slices(kernel, stride, out_hw)
        total = padded[slices[0]].copy()
        for where in slices[1:]:
            total += padded[where]
        total /= kernel[0] * kernel[1]
        return batch_first(total)

    def backward(self, g):
        return avg_pool2d_spread(g, self.inputs[0].shape, *self.geometry)


def avg_pool2d_spread(grad_output, input_shape, kernel, stride, padding):
    """Each window's gradient shared equally among its pixels (the gradient of avg_pool2d)."""
    return AvgPool2dSpread.apply(grad_output, input_shape=input_shape, kernel=kernel, stride=stride, padding=padding)


class AvgPool2dSpread(Function):
    op = "avg_pool2d_spread"    # the short name graph tables show (the F. function's name)
    torch_name = "AvgPool2DBackwardBackward0"

    def forward(self, g, input_shape, kernel, stride, padding):
        self.geometry = kernel, stride, padding
        N, C, H, W = input_shape
        padded = np.zeros((C, H + 2 * padding[0], W + 2 * padding[1], N), dtype=g.dtype)
        share = batch_last(g) / (kernel[0] * kernel[1])
        for where in window_slices(kernel, stride, g.shape[2:]):
            padded[where] += share
        return unpad_batch_first(padded, padding, H, W)

    def backward(self, h):
        return avg_pool2d(h, *self.geometry)
