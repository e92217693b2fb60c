"""2-D convolution as autograd ops; the backward passes are ops too, so that gradients of gradients work:

    conv2d(x, w)           backward -> conv2d_input_grad(g, w), conv2d_weight_grad(x, g)
    conv2d_input_grad      (a transposed convolution) backward -> conv2d, conv2d_weight_grad
    conv2d_weight_grad     backward -> conv2d_input_grad, conv2d

Each is one matrix product over the im2col matrix of the batch-last layout (see layout.py).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ... import threads
from ...autograd import is_grad_enabled
from ...ops.function import Function
from .layout import (
    batch_first,
    check_images,
    common_float,
    float_tensor,
    out_size,
    padded_batch_last,
    pair,
    rows,
    unpad_batch_first,
    window_slices,
)


def _windows(padded, kernel, stride, out_hw):
    """(C, Hp, Wp, N) -> a (C, kh, kw, Ho, Wo, N) view: [c, i, j, h, w] is the input pixel tap (i, j) of window (h, w)
    sees. Reshaped to (C*kh*kw, Ho*Wo*N) it is the im2col matrix: column p holds the window of output position p."""
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out_hw
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, :sh * (ho - 1) + 1:sh, :sw * (wo - 1) + 1:sw]
    return windows.transpose(0, 4, 5, 1, 2, 3)


def _im2col(padded, kernel, stride, out_hw):
    """(C, Hp, Wp, N) -> the (C*kh*kw, Ho*Wo*N) im2col matrix, copied by output rows on minigrad's threads."""
    source = _windows(padded, kernel, stride, out_hw)
    cols = np.empty(source.shape, dtype=padded.dtype)
    threads.run_blocks(lambda lo, hi: np.copyto(cols[:, :, :, lo:hi], source[:, :, :, lo:hi]), source.shape[3])
    return cols.reshape(source.shape[0] * source.shape[1] * source.shape[2], -1)


def _im2col_product(w_matrix, padded, kernel, stride, out_hw, keep_cols=True):
    """(cols, w_matrix @ cols) for the im2col matrix cols of ``padded``, made one output row at a time: each row's
    columns are multiplied right after they are copied, while they are still in cache, instead of being read back
    from memory. Saves a twentieth of a LeNet step (measured on the project's 2-core machine, one thread, ten
    alternating rounds of ten steps: 39.2 against 41.3 ms of CPU per step). The whole cols matrix is kept only for
    ``keep_cols`` (the weight gradient needs it); otherwise each thread copies its rows into one row-sized buffer
    and cols is None. Used only where ``threads.exact_in_blocks`` shows the row-by-row product has the one
    product's bits; otherwise the copy, then the product."""
    source = _windows(padded, kernel, stride, out_hw)
    ho, row = source.shape[3], source.shape[4] * source.shape[5]
    depth = source.shape[0] * source.shape[1] * source.shape[2]
    if not _row_by_row_is_exact(w_matrix, (depth, ho * row), padded.dtype, row, contiguous=not keep_cols):
        cols = _im2col(padded, kernel, stride, out_hw)
        return (cols if keep_cols else None), threads.matmul(w_matrix, cols)
    cols_by_row = np.empty(source.shape, dtype=padded.dtype) if keep_cols else None
    cols = cols_by_row.reshape(depth, ho * row) if keep_cols else None
    out = np.empty((w_matrix.shape[0], ho * row), dtype=np.result_type(w_matrix, padded))

    def copy_and_multiply(lo, hi):
        buffer = None if keep_cols else np.empty(source[:, :, :, 0].shape, dtype=padded.dtype)
        for h in range(lo, hi):
            window_rows = cols_by_row[:, :, :, h] if keep_cols else buffer
            np.copyto(window_rows, source[:, :, :, h])
            columns = cols[:, h * row:(h + 1) * row] if keep_cols else buffer.reshape(depth, row)
            np.matmul(w_matrix, columns, out=out[:, h * row:(h + 1) * row])
    threads.run_blocks(copy_and_multiply, ho)
    return cols, out


def _row_by_row_is_exact(w_matrix, cols_shape, dtype, row, contiguous):
    """Whether a product this large is worth making by output rows, and makes the one product's bits that way.
    The probe reads only the shape and layout of cols: an unwritten array (no memory touched) stands in for it."""
    if w_matrix.size * cols_shape[1] < threads.MIN_PRODUCT_WORK:
        return False
    return threads.exact_in_blocks(w_matrix, np.empty(cols_shape, dtype=dtype), 1, range(0, cols_shape[1] + 1, row),
                                   contiguous=contiguous)


def _col2im(cols, x_shape, kernel, stride, padding, out_hw):
    """Adjoint of _im2col: add every column back onto the pixels its window covers. Returns (N, C, H, W). Channels
    are independent, so minigrad's threads share them out; each pixel's sum keeps its order."""
    N, C, H, W = x_shape
    (kh, kw), (ph, pw), (ho, wo) = kernel, padding, out_hw
    cols = cols.reshape(C, kh, kw, ho, wo, N)
    padded = np.zeros((C, H + 2 * ph, W + 2 * pw, N), dtype=cols.dtype)
    offsets = window_slices(kernel, stride, out_hw)

    def add_channels(lo, hi):
        for index, (_, window_rows, window_columns) in enumerate(offsets):
            padded[lo:hi, window_rows, window_columns] += cols[lo:hi, index // kw, index % kw]
    threads.run_blocks(add_channels, C)
    return unpad_batch_first(padded, padding, H, W)


def _conv_geometry(x_shape, w_shape, stride, padding, op):
    N, C, H, W = x_shape
    _, Cw, kh, kw = w_shape
    if C != Cw:
        raise ValueError(f"{op}: input has {C} channels but the weight of shape {tuple(w_shape)} expects {Cw}")
    ho, wo = out_size(H, kh, stride[0], padding[0]), out_size(W, kw, stride[1], padding[1])
    if ho < 1 or wo < 1:
        raise ValueError(f"{op}: kernel {(kh, kw)} does not fit an input of size {(H, W)} with padding {padding}")
    return (kh, kw), (ho, wo)


def conv2d(input, weight, bias=None, stride=1, padding=0):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (groups=1, dilation=1).

    input (N, C, H, W), weight (O, C, kh, kw), bias (O,) -> (N, O, Ho, Wo), Ho = (H + 2 padding - kh) // stride + 1.
    """
    x = check_images(input, "conv2d")
    w = float_tensor(weight, "weight", "conv2d")
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must have shape (out_channels, in_channels, kh, kw), got {w.shape}")
    b = None if bias is None else float_tensor(bias, "bias", "conv2d")
    if b is not None and b.shape != (w.shape[0],):
        raise ValueError(f"conv2d: bias must have shape ({w.shape[0]},), got {b.shape}")
    stride, padding = pair(stride, "stride"), pair(padding, "padding")
    if min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"conv2d: stride must be >= 1 and padding >= 0, got stride={stride}, padding={padding}")
    kernel, out_hw = _conv_geometry(x.shape, w.shape, stride, padding, "conv2d")
    inputs = (x, w) if b is None else (x, w, b)
    # the weight gradient reuses the forward pass's im2col matrix; with no graph to record, it is never made whole
    return Conv2d.apply(*inputs, stride=stride, padding=padding, kernel=kernel, out_hw=out_hw,
                        keep_cols=is_grad_enabled() and w.requires_grad)


class Conv2d(Function):
    op = "conv2d"    # the short name graph tables show (the F. function's name)
    torch_name = "ConvolutionBackward0"

    def forward(self, x, w, b=None, *, stride, padding, kernel, out_hw, keep_cols=True):
        self.stride, self.padding = stride, padding
        dtype = common_float(x, w, b)
        self.cols, out = _im2col_product(w.astype(dtype, copy=False).reshape(w.shape[0], -1),
                                         padded_batch_last(x.astype(dtype, copy=False), padding), kernel, stride,
                                         out_hw, keep_cols)
        if b is not None:
            out += b.astype(dtype, copy=False)[:, None]
        return batch_first(out.reshape(w.shape[0], *out_hw, x.shape[0]))

    def backward(self, g):
        x, w = self.inputs[:2]
        stride, padding = self.stride, self.padding
        gx = conv2d_input_grad(g, w, x.shape, stride, padding) if self.needs_grad(0) else None
        gw = conv2d_weight_grad(x, g, w.shape, stride, padding, cols=self.cols) if self.needs_grad(1) else None
        if len(self.inputs) == 2:
            return gx, gw
        return gx, gw, g.sum(axis=(0, 2, 3)) if self.needs_grad(2) else None


def conv2d_input_grad(grad_output, weight, input_shape, stride=1, padding=0):
    """d<conv2d(x, weight), grad_output>/dx: a transposed convolution onto an input of ``input_shape``."""
    stride, padding = pair(stride, "stride"), pair(padding, "padding")
    kernel, out_hw = _conv_geometry(input_shape, weight.shape, stride, padding, "conv2d_input_grad")
    return Conv2dInputGrad.apply(grad_output, weight, input_shape=input_shape, stride=stride, padding=padding,
                                 kernel=kernel, out_hw=out_hw)


class Conv2dInputGrad(Function):
    """Bilinear in (g, w): <result, h> = <g, conv2d(h, w)>, which gives both gradients. PyTorch's name for it (and
    for Conv2dWeightGrad) is that of the node computing both."""
    op = "conv2d_input_grad"    # the short name graph tables show (the F. function's name)

    torch_name = "ConvolutionBackwardBackward0"

    def forward(self, g, w, *, input_shape, stride, padding, kernel, out_hw):
        self.stride, self.padding = stride, padding
        dtype = common_float(g, w)
        w_matrix = w.astype(dtype, copy=False).reshape(w.shape[0], -1)
        cols = threads.matmul(w_matrix.T, rows(g.astype(dtype, copy=False)))
        return _col2im(cols, input_shape, kernel, stride, padding, out_hw)

    def backward(self, h):
        g, w = self.inputs
        gg = conv2d(h, w, None, self.stride, self.padding) if self.needs_grad(0) else None
        gw = conv2d_weight_grad(h, g, w.shape, self.stride, self.padding) if self.needs_grad(1) else None
        return gg, gw


def conv2d_weight_grad(input, grad_output, weight_shape, stride=1, padding=0, cols=None):
    """d<conv2d(input, w), grad_output>/dw. ``cols``: the forward pass's im2col of ``input``, reused when given."""
    stride, padding = pair(stride, "stride"), pair(padding, "padding")
    kernel, out_hw = _conv_geometry(input.shape, weight_shape, stride, padding, "conv2d_weight_grad")
    return Conv2dWeightGrad.apply(input, grad_output, weight_shape=weight_shape, stride=stride, padding=padding,
                                  kernel=kernel, out_hw=out_hw, cols=cols)


class Conv2dWeightGrad(Function):
    """Bilinear in (x, g): <result, h> = <g, conv2d(x, h)>."""
    op = "conv2d_weight_grad"    # the short name graph tables show (the F. function's name)

    torch_name = "ConvolutionBackwardBackward0"

    def forward(self, x, g, *, weight_shape, stride, padding, kernel, out_hw, cols):
        self.stride, self.padding = stride, padding
        dtype = common_float(x, g)
        if cols is None or cols.dtype != dtype:
            cols = _im2col(padded_batch_last(x.astype(dtype, copy=False), padding), kernel, stride, out_hw)
        # (cols @ g.T).T, not g @ cols.T: the same numbers, but OpenBLAS's threaded sgemm with the short side first
        # and a long inner dimension (6 x 200704 @ 200704 x 25 here) can take a thousand times longer on a busy machine
        return threads.matmul(cols, rows(g.astype(dtype, copy=False)).T).T.reshape(weight_shape)

    def backward(self, h):
        x, g = self.inputs
        gx = conv2d_input_grad(g, h, x.shape, self.stride, self.padding) if self.needs_grad(0) else None
        gg = conv2d(x, h, None, self.stride, self.padding) if self.needs_grad(1) else None
        return gx, gg
