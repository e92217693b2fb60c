"""Max- and average-pooling as autograd ops, in the batch-last layout (see layout.py); backward passes are ops too:

    max_pool2d             backward -> max_pool2d_scatter (route to the first maximum), whose backward gathers
    avg_pool2d             backward -> avg_pool2d_spread, whose backward is avg_pool2d

PyTorch's options: ``dilation`` (a max window's taps that far apart), ``ceil_mode`` (a last window that starts inside
the input may run past its end: that part is padding, -inf for a max and never counted in a mean),
``count_include_pad`` and ``divisor_override`` (what a mean divides by), ``return_indices`` (where each maximum was).
All of a window's geometry travels in one ``Window``. The 1-D and adaptive versions are in pooling_variants.py.
Shape errors are RuntimeErrors, as PyTorch raises them.
"""
from collections import namedtuple

import numpy as np

from ... import threads
from ...ops.function import Function
from ...tensor import Tensor
from .convolution import on_batch
from .layout import batch_first, batch_last, float_tensor, padded_batch_last, pair, unpad_batch_first

Window = namedtuple("Window", "kernel stride padding dilation out_hw extra")
Window.__doc__ = """Where the windows of a pooling op lie: all pairs (height, width). ``extra``: rows and columns of
padding added after the bottom and right border on top of ``padding``, for the last window of ceil_mode."""


def pool_window(x_shape, kernel_size, stride, padding, dilation, ceil_mode, op):
    """The Window of a pooling op, its arguments checked as PyTorch checks them (stride None: the kernel size)."""
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else pair(stride, "stride")
    padding, dilation = pair(padding, "padding"), pair(dilation, "dilation")
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1 or min(padding) < 0:
        raise RuntimeError(f"{op}: kernel_size, stride and dilation must be >= 1 and padding >= 0, got "
                           f"kernel_size={kernel}, stride={stride}, dilation={dilation}, padding={padding}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise RuntimeError(f"{op}: padding {padding} must be at most half the kernel size {kernel}")
    out_hw, extra = zip(*(_out_size(n, k, s, p, d, ceil_mode)
                          for n, k, s, p, d in zip(x_shape[-2:], kernel, stride, padding, dilation)))
    if min(out_hw) < 1:
        raise RuntimeError(f"{op}: kernel {kernel} (dilation {dilation}) does not fit an input of size "
                           f"{tuple(x_shape[-2:])} with padding {padding}: output size {out_hw}")
    return Window(kernel, stride, padding, dilation, out_hw, extra)


def _out_size(size, kernel, stride, padding, dilation, ceil_mode):
    """Number of windows along one axis, and the padding their last one needs past the end (PyTorch's rule: with
    ceil_mode a last partial window counts if it starts inside the input or its left padding)."""
    span = dilation * (kernel - 1) + 1
    count = (size + 2 * padding - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (count - 1) * stride >= size + padding:
        count -= 1
    return count, max((count - 1) * stride + span - size - 2 * padding, 0)


def _slices(window):
    """For each kernel tap (i, j): the slice of a padded (C, H, W, N) array that every window's tap (i, j) forms."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = window.kernel, window.stride, window.dilation, window.out_hw
    return [(slice(None), slice(i * dh, i * dh + sh * (ho - 1) + 1, sh), slice(j * dw, j * dw + sw * (wo - 1) + 1, sw))
            for i in range(kh) for j in range(kw)]


def _padded(x, window, fill=0.0):
    """x (N, C, H, W) as a padded (C, Hp, Wp, N) array, with ceil_mode's extra rows and columns at the end."""
    padded = padded_batch_last(x, window.padding, fill)
    if window.extra == (0, 0):
        return padded
    return np.pad(padded, ((0, 0), (0, window.extra[0]), (0, window.extra[1]), (0, 0)), constant_values=fill)


def _padded_shape(input_shape, window):
    N, C, H, W = input_shape
    (ph, pw), (eh, ew) = window.padding, window.extra
    return C, H + 2 * ph + eh, W + 2 * pw + ew, N


def _images(input, op, integers=False):
    """The input of a 2-D pooling op: float, or for ``integers`` (max-pooling, as PyTorch's) also integer."""
    integer = isinstance(input, Tensor) and input.dtype.kind in "iu"
    x = input if integers and integer else float_tensor(input, "input", op)
    if x.ndim not in (3, 4) or 0 in x.shape[1:]:
        raise RuntimeError(f"{op}: expected a non-empty (C, H, W) or (N, C, H, W) input, got shape {x.shape}")
    return x


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Largest value of each window, as ``torch.nn.functional.max_pool2d`` (stride defaults to kernel_size).

    The gradient goes to the first maximum of each window in row-major order, as PyTorch routes it, so ties (common
    after ReLU, where whole windows are 0) give the same gradients as PyTorch. With ``return_indices`` also where
    that maximum is, as PyTorch's int64 index h * W + w into its input plane. Integer input is pooled too (it has
    no gradient), as PyTorch pools it."""
    x = _images(input, "max_pool2d", integers=True)
    return on_batch(max_pool, x, 3, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool2d")


def max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, op):
    """max_pool2d of a batch x (N, C, H, W); ``op`` names the public op in error messages."""
    window = pool_window(x.shape, kernel_size, stride, padding, dilation, ceil_mode, op)
    out = MaxPool2d.apply(x, window=window)
    if not return_indices:
        return out
    return out, Tensor(_flat_indices(_first_max(x, window), window, x.shape[3]))


def _flat_indices(first_max, window, width):
    """Each window's tap ``first_max`` as the flat index h * W + w of its input pixel, (N, C, Ho, Wo) int64."""
    (kw, (sh, sw), (ph, pw), (dh, dw)) = window.kernel[1], window.stride, window.padding, window.dilation
    tap_row, tap_col = np.divmod(first_max.astype(np.int64), kw)
    rows = tap_row * dh + (np.arange(window.out_hw[0]) * sh - ph)[:, None, None]
    cols = tap_col * dw + (np.arange(window.out_hw[1]) * sw - pw)[:, None]
    return np.ascontiguousarray(batch_first(rows * width + cols))


def _first_max(x, window):
    """Which tap of each window held its first maximum (a second forward pass: only return_indices needs it)."""
    fn = MaxPool2d()
    fn.forward(x._array, window)
    return fn.first_max


class MaxPool2d(Function):
    """Each window's maximum; ``first_max`` (kept for backward) says which of its taps held the first one."""
    op = "max_pool2d"    # the short name graph tables show (the F. function's name)
    torch_name = "MaxPool2DWithIndicesBackward0"

    def forward(self, x, window):
        if x.dtype.kind != "f":
            return self._integers(x, window)
        self.window = window
        padded = _padded(x, window, fill=-np.inf)
        slices = _slices(window)
        best = np.empty(padded[slices[0]].shape, dtype=padded.dtype)
        first_max = np.zeros(best.shape, dtype=np.uint8 if len(slices) < 256 else np.int32)

        def pool_channels(lo, hi):     # channels are independent: minigrad's threads share them out
            channels, best_here, first_here = padded[lo:hi], best[lo:hi], first_max[lo:hi]
            best_here[...] = channels[slices[0]]
            for index, where in enumerate(slices[1:], start=1):
                candidate = channels[where]
                better = candidate > best_here                # strictly greater: an equal later value keeps the first
                first_here += better * (index - first_here)   # first_max < index: no wrap-around
                np.maximum(best_here, candidate, out=best_here)
        threads.run_blocks(pool_channels, best.shape[0])
        self.first_max = first_max
        return batch_first(best)

    def _integers(self, x, window):
        """Integer input (no gradient): pooled as each entry's rank among the distinct values, exact in float64 and
        above the -inf padding (an integer fill could tie with the smallest value), then the values of the ranks."""
        distinct, ranks = np.unique(x, return_inverse=True)
        best = self.forward(ranks.reshape(x.shape).astype(np.float64), window)
        return distinct[best.astype(np.int64)]

    def backward(self, g):
        return max_pool2d_scatter(g, self.first_max, self.inputs[0].shape, self.window)


def max_pool2d_scatter(grad_output, first_max, input_shape, window):
    """Each window's gradient sent to the tap ``first_max`` names (the gradient of max_pool2d)."""
    return MaxPool2dScatter.apply(grad_output, first_max=first_max, input_shape=input_shape, window=window)


class MaxPool2dScatter(Function):
    op = "max_pool2d_scatter"    # the short name graph tables show (the F. function's name)
    torch_name = "MaxPool2DWithIndicesBackwardBackward0"

    def forward(self, g, first_max, input_shape, window):
        self.first_max, self.window = first_max, window
        H, W = input_shape[2:]
        (kh, kw), (sh, sw), (dh, dw) = window.kernel, window.stride, window.dilation
        overlapping = sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1
        tiled = (window.kernel == window.stride and window.padding == (0, 0) and window.dilation == (1, 1)
                 and (window.out_hw[0] * kh, window.out_hw[1] * kw) == (H, W))
        shape = _padded_shape(input_shape, window)
        padded = np.empty(shape, dtype=g.dtype) if tiled else np.zeros(shape, dtype=g.dtype)  # tiled: all written
        rows, slices = batch_last(g), _slices(window)

        def scatter_channels(lo, hi):  # channels are independent: minigrad's threads share them out
            padded_here, rows_here, first_here = padded[lo:hi], rows[lo:hi], first_max[lo:hi]
            for index, where in enumerate(slices):
                if overlapping:
                    padded_here[where] += rows_here * (first_here == index)
                else:
                    np.multiply(rows_here, first_here == index, out=padded_here[where])
        threads.run_blocks(scatter_channels, shape[0])
        return unpad_batch_first(padded, window.padding, H, W)

    def backward(self, h):
        return max_pool2d_gather(h, self.first_max, self.window)


def max_pool2d_gather(input, first_max, window):
    """The value at each window's ``first_max`` tap (adjoint of max_pool2d_scatter)."""
    return MaxPool2dGather.apply(input, first_max=first_max, window=window)


class MaxPool2dGather(Function):
    op = "max_pool2d_gather"    # the short name graph tables show (the F. function's name)

    def forward(self, x, first_max, window):
        self.first_max, self.window = first_max, window
        padded = _padded(x, window)
        out = np.zeros(first_max.shape, dtype=x.dtype)
        for index, where in enumerate(_slices(window)):
            out += padded[where] * (first_max == index)
        return batch_first(out)

    def backward(self, g):
        return max_pool2d_scatter(g, self.first_max, self.inputs[0].shape, self.window)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean of each window, as ``torch.nn.functional.avg_pool2d``: the sum divided by the kernel area (zero padding
    counted), by the number of input pixels in the window (``count_include_pad=False``), or by ``divisor_override``."""
    x = _images(input, "avg_pool2d")
    return on_batch(avg_pool, x, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
                    "avg_pool2d")


def avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, op):
    """avg_pool2d of a batch x (N, C, H, W); ``op`` names the public op in error messages."""
    window = pool_window(x.shape, kernel_size, stride, padding, 1, ceil_mode, op)
    if divisor_override is None:
        divisor = _divisor(x.shape, window, count_include_pad, x.dtype)
    elif not isinstance(divisor_override, (int, np.integer)):
        raise TypeError(f"{op}: divisor_override must be an int, got {divisor_override!r}")
    elif divisor_override == 0:
        raise RuntimeError(f"{op}: divisor_override must not be zero")
    else:
        divisor = int(divisor_override)
    return AvgPool2d.apply(x, window=window, divisor=divisor)


def _divisor(x_shape, window, count_include_pad, dtype):
    """What each window's sum is divided by, as PyTorch: the window clipped to the padded input (ceil_mode's extra
    part is never counted), and to the input itself without count_include_pad. The kernel area, an int, when that
    is every window's; else an (Ho, Wo, 1) array that broadcasts against the batch-last (C, Ho, Wo, N) sums."""
    counts = []
    for size, k, s, p, n in zip(x_shape[2:], window.kernel, window.stride, window.padding, window.out_hw):
        start = np.arange(n) * s - p
        end = np.minimum(start + k, size + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        counts.append(end - start)
    kh, kw = window.kernel
    if (counts[0] == kh).all() and (counts[1] == kw).all():
        return kh * kw
    return np.multiply.outer(counts[0], counts[1]).astype(dtype)[:, :, None]


class AvgPool2d(Function):
    op = "avg_pool2d"    # the short name graph tables show (the F. function's name)
    torch_name = "AvgPool2DBackward0"

    def forward(self, x, window, divisor):
        self.window, self.divisor = window, divisor
        padded = _padded(x, window)
        slices = _slices(window)
        total = padded[slices[0]].copy()
        for where in slices[1:]:
            total += padded[where]
        total /= divisor
        return batch_first(total)

    def backward(self, g):
        return avg_pool2d_spread(g, self.inputs[0].shape, self.window, self.divisor)


def avg_pool2d_spread(grad_output, input_shape, window, divisor):
    """Each window's gradient divided by its divisor and added to its pixels (the gradient of avg_pool2d)."""
    return AvgPool2dSpread.apply(grad_output, input_shape=input_shape, window=window, divisor=divisor)


class AvgPool2dSpread(Function):
    op = "avg_pool2d_spread"    # the short name graph tables show (the F. function's name)
    torch_name = "AvgPool2DBackwardBackward0"

    def forward(self, g, input_shape, window, divisor):
        self.window, self.divisor = window, divisor
        padded = np.zeros(_padded_shape(input_shape, window), dtype=g.dtype)
        share = batch_last(g) / divisor
        for where in _slices(window):
            padded[where] += share
        return unpad_batch_first(padded, window.padding, *input_shape[2:])

    def backward(self, h):
        return AvgPool2d.apply(h, window=self.window, divisor=self.divisor)
