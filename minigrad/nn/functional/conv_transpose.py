"""``conv_transpose2d`` and ``conv_transpose1d``, as ``torch.nn.functional``'s: the adjoints of conv2d and conv1d.

conv2d maps an image y (N, O, Ho, Wo) to x (N, C, H, W) with a weight (C, O, kh, kw); its gradient with respect to
its input is a map from x back to y, and that map is the transposed convolution. So the forward pass here is conv.py's
``conv2d_input_grad`` kernel (which already has its own backward), onto the output size

        Ho = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1:

the full (unpadded) transposed convolution, its border cropped by ``padding`` at the start and by ``padding -
output_padding`` at the end (a negative crop: zero rows that no window reaches). Dilation and groups are composed as
in convolution.py (a spread kernel; channel slices joined by cat); conv_transpose1d is conv_transpose2d on images one
row high.
"""
from ...functions import cat
from . import conv
from .convolution import (
    check_groups,
    check_padding,
    conv_tensors,
    dilate,
    on_batch,
    one_row,
    positive_pair,
    split_channels,
)
from .layout import pair
from .padding import pad


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution: input (N, C, H, W) or (C, H, W), weight (C, O / groups, kh, kw), bias (O,) ->
    (N, O, Ho, Wo) with Ho as in the module docstring. ``padding`` removes rows and columns from the output's border;
    ``output_padding`` adds them at its end (bottom and right), to reach sizes a strided conv2d maps to the same
    input size."""
    x, w, b = conv_tensors(input, weight, bias, "conv_transpose2d")
    return on_batch(transposed_convolve, x, 3, w, b, stride, padding, output_padding, groups, dilation,
                    "conv_transpose2d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 1-D convolution: input (N, C, L) or (C, L), weight (C, O / groups, k), bias (O,) -> (N, O, Lo),
    Lo = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1."""
    op = "conv_transpose1d"
    x, w, b = conv_tensors(input, weight, bias, op, dims=(2, 3))
    rows = [one_row(value, name, first, op) for value, name, first in
            ((stride, "stride", 1), (padding, "padding", 0), (output_padding, "output_padding", 0),
             (dilation, "dilation", 1))]
    return on_batch(transposed_convolve, x.unsqueeze(-2), 3, w.unsqueeze(2), b, rows[0], rows[1], rows[2], groups,
                    rows[3], op).squeeze(-2)


def transposed_convolve(x, w, b, stride, padding, output_padding, groups, dilation, op):
    """conv_transpose2d of a batch x (N, C, H, W); ``op`` names the public op in error messages."""
    stride, dilation = positive_pair(stride, "stride", op), positive_pair(dilation, "dilation", op)
    if isinstance(padding, str):
        raise TypeError(f"{op}: padding must be an int or a pair of ints, got {padding!r}")
    padding, output_padding = check_padding(padding, stride, op), pair(output_padding, "output_padding")
    if any(p < 0 or (p >= s and p >= d) for p, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"{op}: output_padding must be >= 0 and smaller than either stride or dilation, got "
                           f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    check_groups(x.shape[1], w, groups, op, transposed=True)
    out_channels = w.shape[1] * groups
    if b is not None and b.shape != (out_channels,):
        raise RuntimeError(f"{op}: bias must have shape ({out_channels},) for a weight of shape {w.shape} and "
                           f"groups={groups}, got {b.shape}")
    kernel = tuple(d * (k - 1) + 1 for d, k in zip(dilation, w.shape[2:]))
    sizes = [(n - 1) * s - 2 * p + k + o for n, s, p, k, o in zip(x.shape[2:], stride, padding, kernel, output_padding)]
    if min(sizes) < 1:
        raise RuntimeError(f"{op}: the output size {tuple(sizes)} is too small (input {tuple(x.shape[2:])}, "
                           f"kernel {tuple(w.shape[2:])}, stride {stride}, padding {padding}, dilation {dilation})")
    # the full transposed convolution (no padding), then cropped by padding and extended by output_padding: rows
    # past its end are zero (padding > 0 lets output_padding restore rows that some window does reach)
    full = (x.shape[0], w.shape[1], *((n - 1) * s + k for n, s, k in zip(x.shape[2:], stride, kernel)))
    if dilation != (1, 1):
        w = dilate(w, dilation)
    groups_out = [conv.conv2d_input_grad(xg, wg, full, stride, 0)
                  for xg, wg in zip(split_channels(x, groups, 1), split_channels(w, groups, 0))]
    out = groups_out[0] if groups == 1 else cat(groups_out, 1)
    if padding != (0, 0) or output_padding != (0, 0):
        (ph, pw), (oh, ow) = padding, output_padding
        out = pad(out, (-pw, ow - pw, -ph, oh - ph))
    return out if b is None else out + b.reshape(1, -1, 1, 1)
