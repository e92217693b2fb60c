"""Argument checks and the batch-last layout shared by convolution and pooling.

The public shape is PyTorch's (N, C, H, W). Inside, convolution and pooling keep images *batch-last*: the numpy array
behind an (N, C, H, W) tensor they return is a transposed view of a contiguous (C, H, W, N) buffer. With the batch
axis innermost, every window copy (im2col) and every pooling slice moves runs of N contiguous numbers, and one conv
layer becomes one matrix product (O, C*kh*kw) @ (C*kh*kw, Ho*Wo*N) whose result already is the next layer's input
in the same layout. Elementwise ops (ReLU) keep a view's memory order, so the layout flows through a LeNet for free;
any other layout is accepted too (it is just copied once).
"""
import numpy as np

from ...tensor import Tensor


def pair(value, name):
    """``value`` as a pair of ints (an int stands for both), or a ValueError naming the argument."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def out_size(size, kernel, stride, padding):
    """Output length of a window of ``kernel`` moved by ``stride`` over ``size`` plus ``padding`` on each side."""
    return (size + 2 * padding - kernel) // stride + 1


def float_tensor(x, name, op):
    """``x`` as a Tensor of a float dtype, or a TypeError naming the op and the argument.

    minigrad computes in float32 or float64 only; a numpy array of another float type (float16) is refused rather
    than silently widened, so the caller decides (``.astype(np.float32)``)."""
    if not isinstance(x, Tensor):
        dtype = np.asarray(x).dtype
        if dtype.kind == "f" and dtype not in (np.float32, np.float64):
            raise TypeError(f"{op}: {name} has dtype {dtype}, but minigrad computes in float32 or float64; "
                            f"convert it first (e.g. .astype(np.float32))")
        x = Tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a float tensor, got dtype {x.dtype}")
    return x


def check_images(x, op):
    """``x`` as a float Tensor of shape (N, C, H, W)."""
    x = float_tensor(x, "input", op)
    if x.ndim != 4:
        raise ValueError(f"{op}: input must have shape (N, C, H, W), got shape {x.shape}")
    return x


def common_float(*tensors):
    """The dtype an op on these tensors computes in (None entries are skipped)."""
    return np.result_type(*(t.dtype for t in tensors if t is not None))


def batch_last(a):
    """(N, C, H, W) array -> (C, H, W, N) view."""
    return a.transpose(1, 2, 3, 0)


def batch_first(a):
    """(C, H, W, N) array -> (N, C, H, W) view."""
    return a.transpose(3, 0, 1, 2)


def padded_batch_last(x, padding, fill=0.0):
    """x (N, C, H, W) -> contiguous (C, H + 2 ph, W + 2 pw, N), the border set to ``fill``."""
    ph, pw = padding
    view = batch_last(x)
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


def unpad_batch_first(padded, padding, height, width):
    """The inner (height, width) part of a (C, Hp, Wp, N) buffer, as an (N, C, H, W) view."""
    ph, pw = padding
    return batch_first(padded[:, ph:ph + height, pw:pw + width])


def rows(g):
    """(N, O, Ho, Wo) array -> (O, Ho*Wo*N) matrix (a view when g is already batch-last)."""
    view = batch_last(g)
    return np.ascontiguousarray(view).reshape(view.shape[0], -1)


def window_slices(kernel, stride, out_hw):
    """For each kernel offset (i, j): the slice of a (C, H, W, N) array that every window's (i, j) element forms."""
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out_hw
    return [(slice(None), slice(i, i + sh * (ho - 1) + 1, sh), slice(j, j + sw * (wo - 1) + 1, sw))
            for i in range(kh) for j in range(kw)]
