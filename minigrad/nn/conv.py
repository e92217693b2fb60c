"""Convolution layers with PyTorch's names, arguments, defaults, weight shapes and initialisation: Conv1d, Conv2d,
ConvTranspose1d, ConvTranspose2d. Argument errors are ValueErrors at construction, as PyTorch's."""
import numpy as np

from . import functional as F
from . import init
from .layers import _empty, _positive
from .module import Module, Parameter


def _ntuple(value, n, name, layer):
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != n or not all(isinstance(v, (int, np.integer)) for v in values):
        raise ValueError(f"{layer}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return tuple(int(v) for v in values)


class _ConvNd(Module):
    """What the convolutions and the transposed ones share: checked arguments (in PyTorch's order for Conv1d and
    Conv2d), the weight and bias, reset_parameters.

    weight: (out_channels, in_channels / groups, *kernel_size), or for a transposed convolution (the adjoint map)
    (in_channels, out_channels / groups, *kernel_size); both initialised U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
    fan_in = weight.shape[1] x kernel area, as PyTorch."""

    dims, transposed = 2, False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", dtype=np.float32, generator=None):
        super().__init__()
        layer, n = type(self).__name__, self.dims
        self.in_channels = _positive(in_channels, "in_channels", layer)
        self.out_channels = _positive(out_channels, "out_channels", layer)
        self.groups = _positive(groups, "groups", layer)
        for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % groups:
                raise ValueError(f"{layer}: {name} ({channels}) must be divisible by groups ({groups})")
        if padding_mode != "zeros":
            raise ValueError(f"{layer}: only padding_mode='zeros' is implemented, got {padding_mode!r}")
        self.kernel_size = _ntuple(kernel_size, n, "kernel_size", layer)
        self.stride = _ntuple(stride, n, "stride", layer)
        self.dilation = _ntuple(dilation, n, "dilation", layer)
        self.output_padding = (0,) * n
        self.padding = self._padding(padding, layer)
        if min(self.kernel_size + self.stride + self.dilation) < 1:
            raise ValueError(f"{layer}: kernel_size, stride and dilation must be >= 1, got kernel_size="
                             f"{self.kernel_size}, stride={self.stride}, dilation={self.dilation}")
        channels = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(_empty(channels + self.kernel_size, dtype))
        self.bias = Parameter(_empty((out_channels,), dtype)) if bias else None
        self.reset_parameters(generator)

    def _padding(self, padding, layer):
        if not isinstance(padding, str):
            padding = _ntuple(padding, self.dims, "padding", layer)
            if min(padding) < 0:
                raise ValueError(f"{layer}: padding must be >= 0, got {padding}")
            return padding
        if padding not in ("valid", "same") or self.transposed:
            raise ValueError(f"{layer}: padding must be an int or a tuple of ints"
                             + ("" if self.transposed else ", 'valid' or 'same'") + f", got {padding!r}")
        if padding == "same" and set(self.stride) != {1}:
            raise ValueError(f"{layer}: padding='same' needs stride 1, got stride={self.stride}")
        return padding

    def reset_parameters(self, generator=None):
        init.default_layer_init_(self.weight, self.bias, generator)

    def extra_repr(self):
        n = self.dims
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        for name, default in (("padding", (0,) * n), ("dilation", (1,) * n), ("output_padding", (0,) * n),
                              ("groups", 1)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation) over (N, C, L) sequences; weight (out, in / groups, k)."""

    dims = 1

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation) over (N, C, H, W) images; weight (out, in / groups, kh, kw)."""

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution (the adjoint of the convolution with the same arguments: it maps that convolution's
    output size back to its input size); weight (in, out / groups, *kernel_size). Arguments in PyTorch's order,
    which differs from the convolutions'. ``forward(x, output_size)`` picks the output_padding that gives that size
    (among the ``stride`` sizes the same input can come from)."""

    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", dtype=np.float32, generator=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, dtype, generator)
        self.output_padding = _ntuple(output_padding, self.dims, "output_padding", type(self).__name__)

    def forward(self, x, output_size=None):
        op = F.conv_transpose1d if self.dims == 1 else F.conv_transpose2d
        output_padding = self.output_padding if output_size is None else self._output_padding(x, output_size)
        return op(x, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups, self.dilation)

    def _output_padding(self, x, output_size):
        n, layer = self.dims, type(self).__name__
        sizes = tuple(output_size)
        if len(sizes) not in (n, n + 2):
            raise ValueError(f"{layer}: output_size must have {n} or {n + 2} elements, got {output_size!r}")
        sizes = sizes[-n:]
        smallest = [(i - 1) * s - 2 * p + d * (k - 1) + 1 for i, s, p, d, k in
                    zip(x.shape[-n:], self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [low + s - 1 for low, s in zip(smallest, self.stride)]
        if not all(low <= size <= high for size, low, high in zip(sizes, smallest, largest)):
            raise ValueError(f"{layer}: requested an output size of {sizes}, but an input of size "
                             f"{tuple(x.shape[-n:])} gives sizes from {smallest} to {largest}")
        return tuple(size - low for size, low in zip(sizes, smallest))


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution over (N, C, L) sequences; weight (in, out / groups, k)."""

    dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution over (N, C, H, W) images; weight (in, out / groups, kh, kw)."""
