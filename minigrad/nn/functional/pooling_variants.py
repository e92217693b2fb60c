"""1-D and adaptive pooling, as compositions of ops that have their backward (gradients of any order come free):

    max_pool1d, avg_pool1d     the 2-D op on images one row high
    adaptive_avg_pool{1,2}d    a product with an averaging matrix per axis: bin i of n over a length L covers
                               positions floor(i L / n) to ceil((i + 1) L / n) - 1, PyTorch's bins, and since a
                               2-D bin is a row range times a column range, its mean is A_h @ x @ A_w.T
"""
import numpy as np

from ...tensor import Tensor
from .convolution import on_batch
from .layout import float_tensor
from .pooling import avg_pool, max_pool


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Largest value of each window over the last axis, as ``torch.nn.functional.max_pool1d``: input (N, C, L) or
    (C, L). With ``return_indices`` also each maximum's position along L (int64)."""
    x = _sequences(input, "max_pool1d")
    stride = None if stride is None else (1, _single(stride, "stride"))
    out = on_batch(max_pool, x.unsqueeze(-2), 3, (1, _single(kernel_size, "kernel_size")), stride,
                   (0, _single(padding, "padding")), (1, _single(dilation, "dilation")), ceil_mode, return_indices,
                   "max_pool1d")
    return tuple(t.squeeze(-2) for t in out) if return_indices else out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean of each window over the last axis, as ``torch.nn.functional.avg_pool1d``: input (N, C, L) or (C, L)."""
    x = _sequences(input, "avg_pool1d")
    stride = None if stride is None else (1, _single(stride, "stride"))
    return on_batch(avg_pool, x.unsqueeze(-2), 3, (1, _single(kernel_size, "kernel_size")), stride,
                    (0, _single(padding, "padding")), ceil_mode, count_include_pad, None, "avg_pool1d").squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    """Means over an (Ho, Wo) grid of nearly equal bins, as ``torch.nn.functional.adaptive_avg_pool2d``: input
    (N, C, H, W) or (C, H, W); ``output_size`` an int or a pair, None in it keeping that axis's size."""
    x = float_tensor(input, "input", "adaptive_avg_pool2d")
    if x.ndim not in (3, 4) or 0 in x.shape[-2:]:
        raise RuntimeError(f"adaptive_avg_pool2d: expected a non-empty (C, H, W) or (N, C, H, W) input, got shape "
                           f"{x.shape}")
    sizes = (output_size, output_size) if output_size is None or isinstance(output_size, (int, np.integer)) \
        else tuple(output_size)
    if len(sizes) != 2:
        raise RuntimeError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}")
    rows, cols = (_bins(n if size is None else size, n, x.dtype, "adaptive_avg_pool2d")
                  for size, n in zip(sizes, x.shape[-2:]))
    return rows @ x @ cols.T


def adaptive_avg_pool1d(input, output_size):
    """Means over ``output_size`` nearly equal bins of the last axis, as ``torch.nn.functional.adaptive_avg_pool1d``:
    input (N, C, L) or (C, L)."""
    x = _sequences(input, "adaptive_avg_pool1d")
    if x.shape[-1] == 0:
        raise RuntimeError(f"adaptive_avg_pool1d: expected a non-empty input, got shape {x.shape}")
    return x @ _bins(_single(output_size, "output_size"), x.shape[-1], x.dtype, "adaptive_avg_pool1d").T


def _bins(bins, size, dtype, op):
    """(bins, size) matrix whose row i averages PyTorch's bin i of ``size`` positions."""
    if not isinstance(bins, (int, np.integer)) or bins < 0:
        raise RuntimeError(f"{op}: output sizes must be ints >= 0, got {bins!r}")
    matrix = np.zeros((bins, size), dtype=dtype)
    for i in range(bins):
        start, end = i * size // bins, -(-(i + 1) * size // bins)
        matrix[i, start:end] = 1 / (end - start)
    return Tensor(matrix)


def _sequences(input, op):
    x = float_tensor(input, "input", op)
    if x.ndim not in (2, 3):
        raise RuntimeError(f"{op}: expected a (C, L) or (N, C, L) input, got shape {x.shape}")
    return x


def _single(value, name):
    """A 1-D op's int argument (or 1-tuple, as PyTorch also takes)."""
    values = (value,) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 1 or not isinstance(values[0], (int, np.integer)):
        raise ValueError(f"{name} must be an int or a 1-tuple of an int, got {value!r}")
    return int(values[0])
