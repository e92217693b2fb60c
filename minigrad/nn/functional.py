"""Convolution, pooling and losses as autograd ops: numpy forward and backward side by side.

Layout. The public shape is PyTorch's (N, C, H, W). Inside, these ops keep images *batch-last*: the numpy array
behind an (N, C, H, W) tensor they return is a transposed view of a contiguous (C, H, W, N) buffer. With the batch
axis innermost, every window copy (im2col) and every pooling slice moves runs of N contiguous numbers, and one conv
layer becomes one matrix product (O, C*kh*kw) @ (C*kh*kw, Ho*Wo*N) whose result already is the next layer's input
in the same layout. Elementwise ops (ReLU) keep a view's memory order, so the layout flows through a LeNet for free;
any other layout is accepted too (it is just copied once).

Backward passes are ops too, so that gradients of gradients work and the graph viewer shows them:
    conv2d(x, w)           backward -> conv2d_input_grad(g, w), conv2d_weight_grad(x, g)
    conv2d_input_grad      (a transposed convolution) backward -> conv2d, conv2d_weight_grad
    conv2d_weight_grad     backward -> conv2d_input_grad, conv2d
    max_pool2d             backward -> max_pool2d_scatter (route to the first maximum), whose backward gathers
    avg_pool2d             backward -> avg_pool2d_spread, whose backward is avg_pool2d
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..tensor import Tensor
from ._memory import keep_freed_memory

keep_freed_memory()


# ---- helpers: argument checks and the batch-last layout -------------------------------------------------------------
def _pair(value, name):
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def _out_size(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


def _float_tensor(x, name, op):
    if not isinstance(x, Tensor):
        x = Tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a float tensor, got dtype {x.dtype}")
    return x


def _check_images(x, op):
    x = _float_tensor(x, "input", op)
    if x.ndim != 4:
        raise ValueError(f"{op}: input must have shape (N, C, H, W), got shape {x.shape}")
    return x


def _batch_last(a):
    """(N, C, H, W) array -> (C, H, W, N) view."""
    return a.transpose(1, 2, 3, 0)


def _batch_first(a):
    """(C, H, W, N) array -> (N, C, H, W) view."""
    return a.transpose(3, 0, 1, 2)


def _padded_batch_last(x, padding, fill=0.0):
    """x (N, C, H, W) -> contiguous (C, H + 2 ph, W + 2 pw, N), the border set to ``fill``."""
    ph, pw = padding
    view = _batch_last(x)
    if ph == 0 and pw == 0:
        return np.ascontiguousarray(view)
    C, H, W, N = view.shape
    out = np.empty((C, H + 2 * ph, W + 2 * pw, N), dtype=x.dtype)
    if ph:
        out[:, :ph] = fill
        out[:, H + ph:] = fill
    if pw:
        out[:, :, :pw] = fill
        out[:, :, W + pw:] = fill
    out[:, ph:ph + H, pw:pw + W] = view
    return out


def _unpad_batch_first(padded, padding, height, width):
    """The inner (height, width) part of a (C, Hp, Wp, N) buffer, as an (N, C, H, W) view."""
    ph, pw = padding
    return _batch_first(padded[:, ph:ph + height, pw:pw + width])


def _rows(g):
    """(N, O, Ho, Wo) array -> (O, Ho*Wo*N) matrix (a view when g is already batch-last)."""
    view = _batch_last(g)
    return np.ascontiguousarray(view).reshape(view.shape[0], -1)


def _window_slices(kernel, stride, out_hw):
    """For each kernel offset (i, j): the slice of a (C, H, W, N) array that every window's (i, j) element forms."""
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out_hw
    return [(slice(None), slice(i, i + sh * (ho - 1) + 1, sh), slice(j, j + sw * (wo - 1) + 1, sw))
            for i in range(kh) for j in range(kw)]


# ---- convolution ----------------------------------------------------------------------------------------------------
def _im2col(padded, kernel, stride, out_hw):
    """(C, Hp, Wp, N) -> (C*kh*kw, Ho*Wo*N): column p holds the window that output position p sees."""
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out_hw
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, :sh * (ho - 1) + 1:sh, :sw * (wo - 1) + 1:sw]
    C, N = padded.shape[0], padded.shape[3]
    return windows.transpose(0, 4, 5, 1, 2, 3).reshape(C * kh * kw, ho * wo * N)


def _col2im(cols, x_shape, kernel, stride, padding, out_hw):
    """Adjoint of _im2col: add every column back onto the pixels its window covers. Returns (N, C, H, W)."""
    N, C, H, W = x_shape
    (kh, kw), (ph, pw), (ho, wo) = kernel, padding, out_hw
    cols = cols.reshape(C, kh, kw, ho, wo, N)
    padded = np.zeros((C, H + 2 * ph, W + 2 * pw, N), dtype=cols.dtype)
    for index, where in enumerate(_window_slices(kernel, stride, out_hw)):
        padded[where] += cols[:, index // kw, index % kw]
    return _unpad_batch_first(padded, padding, H, W)


def _conv_geometry(x_shape, w_shape, stride, padding, op):
    N, C, H, W = x_shape
    O, Cw, kh, kw = w_shape
    if C != Cw:
        raise ValueError(f"{op}: input has {C} channels but the weight of shape {tuple(w_shape)} expects {Cw}")
    ho, wo = _out_size(H, kh, stride[0], padding[0]), _out_size(W, kw, stride[1], padding[1])
    if ho < 1 or wo < 1:
        raise ValueError(f"{op}: kernel {(kh, kw)} does not fit an input of size {(H, W)} with padding {padding}")
    return (kh, kw), (ho, wo)


def _common_float(*tensors):
    return np.result_type(*(t.dtype for t in tensors if t is not None))


def conv2d(input, weight, bias=None, stride=1, padding=0):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (groups=1, dilation=1).

    input (N, C, H, W), weight (O, C, kh, kw), bias (O,) -> (N, O, Ho, Wo), Ho = (H + 2 padding - kh) // stride + 1.
    """
    x = _check_images(input, "conv2d")
    w = _float_tensor(weight, "weight", "conv2d")
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must have shape (out_channels, in_channels, kh, kw), got {w.shape}")
    b = None if bias is None else _float_tensor(bias, "bias", "conv2d")
    if b is not None and b.shape != (w.shape[0],):
        raise ValueError(f"conv2d: bias must have shape ({w.shape[0]},), got {b.shape}")
    stride, padding = _pair(stride, "stride"), _pair(padding, "padding")
    if min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"conv2d: stride must be >= 1 and padding >= 0, got stride={stride}, padding={padding}")
    kernel, out_hw = _conv_geometry(x.shape, w.shape, stride, padding, "conv2d")
    dtype = _common_float(x, w, b)

    cols = _im2col(_padded_batch_last(x._array.astype(dtype, copy=False), padding), kernel, stride, out_hw)
    out = w._array.astype(dtype, copy=False).reshape(w.shape[0], -1) @ cols
    if b is not None:
        out += b._array.astype(dtype, copy=False)[:, None]
    value = _batch_first(out.reshape(w.shape[0], *out_hw, x.shape[0]))

    def backward(g):
        gx = conv2d_input_grad(g, w, x.shape, stride, padding) if x.requires_grad else None
        gw = conv2d_weight_grad(x, g, w.shape, stride, padding, cols=cols) if w.requires_grad else None
        gb = g.sum(axis=(0, 2, 3)) if b is not None and b.requires_grad else None
        return gx, gw, gb
    parents = (x, w) if b is None else (x, w, b)
    return Tensor.from_op(value, parents, "conv2d", backward)


def conv2d_input_grad(grad_output, weight, input_shape, stride=1, padding=0):
    """d<conv2d(x, weight), grad_output>/dx: a transposed convolution onto an input of ``input_shape``."""
    g, w = grad_output, weight
    stride, padding = _pair(stride, "stride"), _pair(padding, "padding")
    kernel, out_hw = _conv_geometry(input_shape, w.shape, stride, padding, "conv2d_input_grad")
    dtype = _common_float(g, w)
    cols = w._array.astype(dtype, copy=False).reshape(w.shape[0], -1).T @ _rows(g._array.astype(dtype, copy=False))
    value = _col2im(cols, input_shape, kernel, stride, padding, out_hw)

    def backward(h):    # the op is bilinear in (g, w): <result, h> = <g, conv2d(h, w)>
        gg = conv2d(h, w, None, stride, padding) if g.requires_grad else None
        gw = conv2d_weight_grad(h, g, w.shape, stride, padding) if w.requires_grad else None
        return gg, gw
    return Tensor.from_op(value, (g, w), "conv2d_input_grad", backward)


def conv2d_weight_grad(input, grad_output, weight_shape, stride=1, padding=0, cols=None):
    """d<conv2d(input, w), grad_output>/dw. ``cols``: the forward pass's im2col of ``input``, reused when given."""
    x, g = input, grad_output
    stride, padding = _pair(stride, "stride"), _pair(padding, "padding")
    kernel, out_hw = _conv_geometry(x.shape, weight_shape, stride, padding, "conv2d_weight_grad")
    dtype = _common_float(x, g)
    if cols is None or cols.dtype != dtype:
        cols = _im2col(_padded_batch_last(x._array.astype(dtype, copy=False), padding), kernel, stride, out_hw)
    # (cols @ g.T).T, not g @ cols.T: the same numbers, but OpenBLAS's threaded sgemm with the short side first and
    # a long inner dimension (6 x 200704 @ 200704 x 25 here) can take a thousand times longer on a busy machine
    value = (cols @ _rows(g._array.astype(dtype, copy=False)).T).T.reshape(weight_shape)

    def backward(h):    # bilinear in (x, g): <result, h> = <g, conv2d(x, h)>
        gx = conv2d_input_grad(g, h, x.shape, stride, padding) if x.requires_grad else None
        gg = conv2d(x, h, None, stride, padding) if g.requires_grad else None
        return gx, gg
    return Tensor.from_op(value, (x, g), "conv2d_weight_grad", backward)


# ---- pooling --------------------------------------------------------------------------------------------------------
def _pool_geometry(x_shape, kernel_size, stride, padding, op):
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    if min(kernel) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"{op}: kernel_size and stride must be >= 1 and padding >= 0, "
                         f"got kernel_size={kernel}, stride={stride}, padding={padding}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel size {kernel}")
    H, W = x_shape[2], x_shape[3]
    out_hw = _out_size(H, kernel[0], stride[0], padding[0]), _out_size(W, kernel[1], stride[1], padding[1])
    if min(out_hw) < 1:
        raise ValueError(f"{op}: kernel {kernel} does not fit an input of size {(H, W)} with padding {padding}")
    return kernel, stride, padding, out_hw


def max_pool2d(input, kernel_size, stride=None, padding=0):
    """Largest value of each window, as ``torch.nn.functional.max_pool2d`` (stride defaults to kernel_size).

    The gradient goes to the first maximum of each window in row-major order, as PyTorch routes it, so ties (common
    after ReLU, where whole windows are 0) give the same gradients as PyTorch."""
    x = _check_images(input, "max_pool2d")
    kernel, stride, padding, out_hw = _pool_geometry(x.shape, kernel_size, stride, padding, "max_pool2d")
    padded = _padded_batch_last(x._array, padding, fill=-np.inf)
    slices = _window_slices(kernel, stride, out_hw)
    best = padded[slices[0]].copy()
    first_max = np.zeros(best.shape, dtype=np.uint8 if len(slices) < 256 else np.int32)
    for index, where in enumerate(slices[1:], start=1):
        candidate = padded[where]
        better = candidate > best                     # strictly greater: an equal later value keeps the first
        first_max += better * (index - first_max)   # first_max < index: no wrap-around
        np.maximum(best, candidate, out=best)
    value = _batch_first(best)

    def backward(g):
        return (max_pool2d_scatter(g, first_max, x.shape, kernel, stride, padding),)
    return Tensor.from_op(value, (x,), "max_pool2d", backward)


def max_pool2d_scatter(grad_output, first_max, input_shape, kernel, stride, padding):
    """Each window's gradient sent to the position ``first_max`` names (the gradient of max_pool2d)."""
    g = grad_output
    N, C, H, W = input_shape
    out_h, out_w = g.shape[2:]
    slices = _window_slices(kernel, stride, (out_h, out_w))
    overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
    tiled = (kernel == stride and padding == (0, 0) and (out_h * kernel[0], out_w * kernel[1]) == (H, W))
    shape = (C, H + 2 * padding[0], W + 2 * padding[1], N)
    padded = np.empty(shape, dtype=g.dtype) if tiled else np.zeros(shape, dtype=g.dtype)  # tiled: all written
    rows = _batch_last(g._array)
    for index, where in enumerate(slices):
        if overlapping:
            padded[where] += rows * (first_max == index)
        else:
            np.multiply(rows, first_max == index, out=padded[where])
    value = _unpad_batch_first(padded, padding, H, W)

    def backward(h):
        return (max_pool2d_gather(h, first_max, kernel, stride, padding),)
    return Tensor.from_op(value, (g,), "max_pool2d_scatter", backward)


def max_pool2d_gather(input, first_max, kernel, stride, padding):
    """The value at each window's ``first_max`` position (adjoint of max_pool2d_scatter)."""
    x = input
    padded = _padded_batch_last(x._array, padding)
    slices = _window_slices(kernel, stride, first_max.shape[1:3])
    out = np.zeros(first_max.shape, dtype=x.dtype)
    for index, where in enumerate(slices):
        out += padded[where] * (first_max == index)
    value = _batch_first(out)

    def backward(g):
        return (max_pool2d_scatter(g, first_max, x.shape, kernel, stride, padding),)
    return Tensor.from_op(value, (x,), "max_pool2d_gather", backward)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    """Mean of each window, as ``torch.nn.functional.avg_pool2d`` (zero padding counted, as its default)."""
    x = _check_images(input, "avg_pool2d")
    kernel, stride, padding, out_hw = _pool_geometry(x.shape, kernel_size, stride, padding, "avg_pool2d")
    padded = _padded_batch_last(x._array, padding)
    slices = _window_slices(kernel, stride, out_hw)
    total = padded[slices[0]].copy()
    for where in slices[1:]:
        total += padded[where]
    total /= kernel[0] * kernel[1]
    value = _batch_first(total)

    def backward(g):
        return (avg_pool2d_spread(g, x.shape, kernel, stride, padding),)
    return Tensor.from_op(value, (x,), "avg_pool2d", backward)


def avg_pool2d_spread(grad_output, input_shape, kernel, stride, padding):
    """Each window's gradient shared equally among its pixels (the gradient of avg_pool2d)."""
    g = grad_output
    N, C, H, W = input_shape
    padded = np.zeros((C, H + 2 * padding[0], W + 2 * padding[1], N), dtype=g.dtype)
    share = _batch_last(g._array) / (kernel[0] * kernel[1])
    for where in _window_slices(kernel, stride, g.shape[2:]):
        padded[where] += share
    value = _unpad_batch_first(padded, padding, H, W)

    def backward(h):
        return (avg_pool2d(h, kernel, stride, padding),)
    return Tensor.from_op(value, (g,), "avg_pool2d_spread", backward)


# ---- losses ---------------------------------------------------------------------------------------------------------
def check_reduction(reduction, op):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _reduce(losses, reduction, op):
    check_reduction(reduction, op)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def _labels(target, logits):
    labels = target._array if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: target must hold integer class labels, got dtype {labels.dtype}")
    N, classes = logits.shape
    if labels.shape != (N,):
        raise ValueError(f"cross_entropy: target must have shape ({N},) for logits of shape {logits.shape}, "
                         f"got {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise ValueError(f"cross_entropy: label {bad} is out of range for {classes} classes")
    return labels


def softmax(input, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the maximum so that exp never overflows."""
    x = _float_tensor(input, "input", "softmax")
    e = (x - Tensor(x._array.max(axis=axis, keepdims=True))).exp()
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(input, target, reduction="mean"):
    """Cross-entropy of logits (N, classes) against integer labels (N,), as ``torch.nn.functional.cross_entropy``.

    Fused and stable: loss_i = logsumexp(z_i) - z_i[y_i] with logsumexp computed after subtracting max(z_i); the
    gradient is softmax(z_i) - onehot(y_i), never the quotient of two tiny numbers."""
    z = _float_tensor(input, "input", "cross_entropy")
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: input must be logits of shape (N, classes), got shape {z.shape}")
    labels = _labels(target, z)
    rows = np.arange(z.shape[0])
    peak = z._array.max(axis=1, keepdims=True)
    shifted = z._array - peak
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    losses = log_sum - shifted[rows, labels]

    def backward(g):
        onehot = np.zeros(z.shape, dtype=z.dtype)
        onehot[rows, labels] = 1
        return ((softmax(z, axis=1) - Tensor(onehot)) * g.reshape(-1, 1),)
    return _reduce(Tensor.from_op(losses, (z,), "cross_entropy", backward), reduction, "cross_entropy")


def mse_loss(input, target, reduction="mean"):
    """Squared error (input - target)^2, as ``torch.nn.functional.mse_loss``; shapes must be equal."""
    x = _float_tensor(input, "input", "mse_loss")
    y = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=x.dtype))
    if x.shape != y.shape:
        raise ValueError(f"mse_loss: input shape {x.shape} and target shape {y.shape} differ "
                         "(reshape one of them: broadcasting here is almost always a bug)")
    diff = x - y
    return _reduce(diff * diff, reduction, "mse_loss")


def relu(input):
    return _float_tensor(input, "input", "relu").relu()


def linear(input, weight, bias=None):
    """input @ weight.T + bias, as ``torch.nn.functional.linear``."""
    out = input @ weight.T
    return out if bias is None else out + bias
