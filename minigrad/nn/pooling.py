"""Pooling layers with PyTorch's names, arguments, defaults and reprs: MaxPool1d/2d, MaxUnpool1d/2d, AvgPool1d/2d and
AdaptiveAvgPool1d/2d. The arguments are checked when the layer meets its input (as PyTorch does)."""
from . import functional as F
from .module import Module


class _MaxPoolNd(Module):
    """A window of ``kernel_size`` moved by ``stride`` (default: the window size, so windows tile)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Largest value of each window of an (N, C, L) input; with ``return_indices`` also where it was."""

    def forward(self, x):
        return F.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Largest value of each window; the gradient goes to the window's first maximum (as PyTorch)."""

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class _MaxUnpoolNd(Module):
    """Puts max-pooled values back where ``indices`` say, zeros elsewhere (stride default: the kernel size). The
    sizes are kept as PyTorch keeps them: one entry per spatial axis."""
    spatial = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = self._sizes(kernel_size)
        self.stride = self.kernel_size if stride is None else self._sizes(stride)
        self.padding = self._sizes(padding)

    def _sizes(self, value):
        return (value,) * self.spatial if isinstance(value, int) else tuple(value)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool1d(..., return_indices=True)`` on (N, C, L) or (C, L) input."""
    spatial = 1

    def forward(self, input, indices, output_size=None):
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool2d(..., return_indices=True)`` on (N, C, H, W) or (C, H, W) input."""

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class _AvgPoolNd(Module):
    """A window of ``kernel_size`` moved by ``stride`` (default: the window size); zero padding counted in the mean
    unless ``count_include_pad=False``."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode, self.count_include_pad = padding, ceil_mode, count_include_pad

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean of each window of an (N, C, L) input. Its sizes are kept as 1-tuples, as PyTorch keeps them."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        as_tuple = (lambda v: (v,) if isinstance(v, int) else tuple(v))
        super().__init__(as_tuple(kernel_size), None if stride is None else as_tuple(stride), as_tuple(padding),
                         ceil_mode, count_include_pad)

    def forward(self, x):
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean of each window (zero padding counted, as PyTorch's default); ``divisor_override`` replaces the count."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                            self.divisor_override)


class _AdaptiveAvgPoolNd(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Means over ``output_size`` nearly equal bins of the last axis, whatever its length."""

    def forward(self, x):
        return F.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Means over an ``output_size`` grid of nearly equal bins, whatever the input's size (None keeps an axis)."""

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, self.output_size)
