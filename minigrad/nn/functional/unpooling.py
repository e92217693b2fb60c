"""Max-unpooling: the partial inverse of max-pooling, as ``torch.nn.functional.max_unpool1d`` / ``max_unpool2d``.

``max_pool2d(x, k, return_indices=True)`` gives each window's maximum and where it was (the flat index h * W + w into
its input plane); ``max_unpool2d(values, indices, k)`` puts every value back at its index in a plane of zeros. The
gradient of a value is the output's gradient at its index (a gather), so gradients of gradients work too.
"""
import numpy as np

from ...ops.function import Function
from ...tensor import Tensor
from .layout import float_tensor, pair
from .pooling_variants import _single


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Values (N, C, H, W) or (C, H, W) put back at ``indices`` (from ``max_pool2d(..., return_indices=True)``) in
    zero planes of size (H - 1) * stride - 2 * padding + kernel_size per axis, or ``output_size`` (its last two
    entries), which may differ from that by less than the stride (the input size the pooling rounded down from)."""
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else pair(stride, "stride")
    return _unpool(input, indices, kernel, stride, pair(padding, "padding"), output_size, "max_unpool2d")


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``max_unpool2d`` of sequences (N, C, L) or (C, L), with indices from ``max_pool1d(..., return_indices=True)``."""
    kernel = (1, _single(kernel_size, "kernel_size"))
    stride = kernel if stride is None else (1, _single(stride, "stride"))
    if output_size is not None:
        output_size = (1, _unpool_sizes(output_size, 1, "max_unpool1d")[-1])
    x, at = _tensors(input, indices, (2, 3), "max_unpool1d")
    out = _unpool(x.unsqueeze(-2), at.unsqueeze(-2), kernel, stride, (0, _single(padding, "padding")), output_size,
                  "max_unpool1d")
    return out.squeeze(-2)


def _tensors(input, indices, ndims, op):
    x = float_tensor(input, "input", op)
    at = indices if isinstance(indices, Tensor) else Tensor(np.asarray(indices))
    if at.dtype != np.int64:
        raise TypeError(f"{op}: indices must be an int64 tensor (as max pooling's return_indices gives), got dtype "
                        f"{at.dtype}")
    if x.ndim not in ndims or at.shape != x.shape:
        raise RuntimeError(f"{op}: expected input and indices of one shape with {' or '.join(map(str, ndims))} "
                           f"dimensions, got {tuple(x.shape)} and {tuple(at.shape)}")
    return x, at


def _unpool_sizes(output_size, count, op):
    """The last ``count`` entries of ``output_size`` (it may also give the batch and channel sizes, as PyTorch's)."""
    sizes = tuple(int(n) for n in output_size)
    if len(sizes) not in (count, count + 2):
        raise ValueError(f"{op}: output_size should be a sequence containing {count} or {count + 2} elements, "
                         f"but it has a length of '{len(sizes)}'")
    return sizes[-count:]


def _unpool(input, indices, kernel, stride, padding, output_size, op):
    x, at = _tensors(input, indices, (3, 4), op)
    default = tuple((n - 1) * s - 2 * p + k for n, k, s, p in zip(x.shape[-2:], kernel, stride, padding))
    if output_size is None:
        size = default
    else:
        size = _unpool_sizes(output_size, 2, op)
        for d, (n, m, s) in enumerate(zip(size, default, stride)):
            if not m - s < n < m + s:
                raise ValueError(f"{op}: invalid output_size {size} (dim {d} must be between {m - s} and {m + s})")
    if x.ndim == 3:
        return MaxUnpool2d.apply(x.unsqueeze(0), indices=at._array[None], size=size).squeeze(0)
    return MaxUnpool2d.apply(x, indices=at._array, size=size)


class MaxUnpool2d(Function):
    """Each value written at its flat index into a zero (N, C, *size) output (a later duplicate index overwrites an
    earlier one); d/d value = the output's gradient at the value's index."""
    op = "max_unpool2d"
    torch_name = "MaxUnpool2DBackward0"

    def forward(self, x, indices, size):
        plane = size[0] * size[1]
        if indices.size and (indices.min() < 0 or indices.max() >= plane):
            bad = indices.min() if indices.min() < 0 else indices.max()
            raise RuntimeError(f"max_unpool2d: found an invalid max index {bad} (output volumes are of size "
                               f"{size[0]}x{size[1]})")
        self.flat_indices = indices.reshape(indices.shape[:2] + (-1,))
        out = np.zeros(x.shape[:2] + (plane,), dtype=x.dtype)
        np.put_along_axis(out, self.flat_indices, x.reshape(self.flat_indices.shape), axis=2)
        return out.reshape(x.shape[:2] + tuple(size))

    def backward(self, g):
        x, = self.inputs
        flat = g.reshape(g.shape[:2] + (-1,))
        return flat.gather(2, Tensor(self.flat_indices)).reshape(x.shape)
