"""``conv1d`` and ``conv2d`` with all of PyTorch's options: stride, padding (ints, 'valid' or 'same'), dilation and
groups. Each option is a composition of ops that already have their backward, so gradients of any order come free:

    dilation   the kernel spread out with zeros between its taps (``dilate``), then a plain convolution
    groups     the channels cut into ``groups`` slices, each convolved with its slice of the weight, joined by cat
    'same'     the padding that keeps the size; an odd total puts its extra row/column at the end, as PyTorch does
    conv1d     conv2d of images one row high

With groups=1, dilation=1 and numeric padding, conv2d is conv.py's single im2col product, untouched (LeNet's path).
Shape errors are RuntimeErrors, as PyTorch raises them.
"""
import numpy as np

from ...functions import cat
from ...ops.function import Function
from . import conv
from .layout import float_tensor, pair
from .padding import pad


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``.

    input (N, C, H, W) or (C, H, W), weight (O, C / groups, kh, kw), bias (O,) -> (N, O, Ho, Wo) with
    Ho = (H + 2 padding - dilation (kh - 1) - 1) // stride + 1."""
    x, w, b = conv_tensors(input, weight, bias, "conv2d")
    return on_batch(convolve, x, 3, w, b, stride, padding, dilation, groups, "conv2d")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation, as ``torch.nn.functional.conv1d``: input (N, C, L) or (C, L), weight (O, C / groups,
    k) -> (N, O, Lo). Computed as conv2d of images one row high."""
    op = "conv1d"
    x, w, b = conv_tensors(input, weight, bias, op, dims=(2, 3))
    stride, dilation = one_row(stride, "stride", 1, op), one_row(dilation, "dilation", 1, op)
    padding = padding if isinstance(padding, str) else one_row(padding, "padding", 0, op)
    return on_batch(convolve, x.unsqueeze(-2), 3, w.unsqueeze(2), b, stride, padding, dilation, groups,
                    op).squeeze(-2)


def convolve(x, w, b, stride, padding, dilation, groups, op):
    """conv2d of a batch x (N, C, H, W); ``op`` names the public op in error messages."""
    stride, dilation = positive_pair(stride, "stride", op), positive_pair(dilation, "dilation", op)
    padding = check_padding(padding, stride, op)
    check_groups(x.shape[1], w, groups, op)
    if b is not None and b.shape != (w.shape[0],):
        raise RuntimeError(f"{op}: bias must have shape ({w.shape[0]},) for a weight of shape {w.shape}, "
                           f"got {b.shape}")
    kernel = tuple(d * (k - 1) + 1 for d, k in zip(dilation, w.shape[2:]))
    if isinstance(padding, str):
        x, padding = _pad_same(x, kernel) if padding == "same" else (x, (0, 0))
    sizes = tuple(n + 2 * p for n, p in zip(x.shape[2:], padding))
    if kernel[0] > sizes[0] or kernel[1] > sizes[1]:
        raise RuntimeError(f"{op}: the kernel {tuple(w.shape[2:])} with dilation {dilation} spans {kernel}, more "
                           f"than the padded input of size {sizes} (input {tuple(x.shape[2:])}, padding {padding})")
    if dilation != (1, 1):
        w = dilate(w, dilation)
    if groups == 1:
        return conv.conv2d(x, w, b, stride, padding)
    xs, ws = split_channels(x, groups, 1), split_channels(w, groups, 0)
    bs = split_channels(b, groups, 0) if b is not None else [None] * groups
    return cat([conv.conv2d(*group, stride, padding) for group in zip(xs, ws, bs)], 1)


def on_batch(fn, x, unbatched_ndim, *args):
    """``fn(x, *args)``, an unbatched x (of ``unbatched_ndim`` dimensions) given a batch axis of 1 that its result
    (or each of its results) loses again, as PyTorch's ops take one unbatched example."""
    if x.ndim != unbatched_ndim:
        return fn(x, *args)
    result = fn(x.unsqueeze(0), *args)
    return tuple(t.squeeze(0) for t in result) if isinstance(result, tuple) else result.squeeze(0)


def one_row(value, name, height_value, op):
    """A 1-D op's option (an int or a 1-tuple) as the pair of the 2-D op on images one row high."""
    values = (value,) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 1:
        raise ValueError(f"{op}: {name} must be an int or a 1-tuple, got {value!r}")
    return height_value, values[0]


def conv_tensors(input, weight, bias, op, dims=(3, 4)):
    x, w = float_tensor(input, "input", op), float_tensor(weight, "weight", op)
    if x.ndim not in dims:
        raise RuntimeError(f"{op}: expected a {dims[0]}-D (unbatched) or {dims[1]}-D (batched) input, got shape "
                           f"{x.shape}")
    if w.ndim != dims[1]:
        raise RuntimeError(f"{op}: weight must have {dims[1]} dimensions (channels, channels, kernel size), got "
                           f"shape {w.shape}")
    return x, w, None if bias is None else float_tensor(bias, "bias", op)


def positive_pair(value, name, op):
    pair_ = pair(value, name)
    if min(pair_) < 1:
        raise RuntimeError(f"{op}: {name} must be positive, got {value!r}")
    return pair_


def check_padding(padding, stride, op):
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise RuntimeError(f"{op}: padding must be an int, a pair of ints, 'valid' or 'same', got {padding!r}")
        if padding == "same" and stride != (1, 1):
            raise RuntimeError(f"{op}: padding='same' needs stride 1 (strided outputs cannot keep the input's "
                               f"size), got stride={stride}")
        return padding
    padding = pair(padding, "padding")
    if min(padding) < 0:
        raise RuntimeError(f"{op}: padding must be >= 0, got {padding}")
    return padding


def _pad_same(x, kernel):
    """x padded so that a stride-1 window of ``kernel`` keeps its size: (k - 1) // 2 before, the rest after. Returns
    the input to convolve and the symmetric padding still to apply."""
    totals = [k - 1 for k in kernel]
    symmetric = tuple(t // 2 for t in totals)
    if all(t % 2 == 0 for t in totals):
        return x, symmetric
    return pad(x, (0, totals[1] % 2, 0, totals[0] % 2)), symmetric


def check_groups(channels, weight, groups, op, transposed=False):
    """The channel counts ``groups`` needs, as PyTorch checks them (RuntimeError)."""
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise RuntimeError(f"{op}: groups must be a positive int, got {groups!r}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{op}: groups={groups} must divide the weight's first dimension, got weight of shape "
                           f"{weight.shape}")
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if channels != expected:
        raise RuntimeError(f"{op}: a weight of shape {weight.shape} with groups={groups} expects an input of "
                           f"{expected} channels, got {channels}")


def split_channels(t, groups, dim):
    """``t`` cut into ``groups`` equal slices along ``dim`` (views with their own backward)."""
    if groups == 1:
        return [t]
    size = t.shape[dim] // groups
    index = (slice(None),) * dim
    return [t[index + (slice(g * size, (g + 1) * size),)] for g in range(groups)]


def dilate(weight, dilation):
    """weight (..., kh, kw) with ``dilation - 1`` zeros between its taps: (..., dh (kh-1) + 1, dw (kw-1) + 1)."""
    return Dilate.apply(weight, dilation=dilation)


class Dilate(Function):
    """Linear: its gradient takes the taps back out of the spread kernel (a strided slice, itself an op)."""
    op = "dilate"    # the short name graph tables show

    def forward(self, w, dilation):
        self.dilation = dh, dw = dilation
        kh, kw = w.shape[-2:]
        out = np.zeros(w.shape[:-2] + (dh * (kh - 1) + 1, dw * (kw - 1) + 1), dtype=w.dtype)
        out[..., ::dh, ::dw] = w
        return out

    def backward(self, g):
        dh, dw = self.dilation
        return g[..., ::dh, ::dw]
