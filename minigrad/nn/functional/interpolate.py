"""Resizing, as ``torch.nn.functional.interpolate``: nearest, nearest-exact and (bi/tri)linear, one spatial dimension
at a time. Each step picks entries with ``index_select`` (and mixes two neighbours for linear), so gradients (and
gradients of gradients) come from those ops: an input entry gets the gradient of every output entry it fed.
"""
import numpy as np

from ...tensor import Tensor

LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """``input`` (N, C, d1, ...) resized to ``size`` (or ``d * scale_factor``) in its spatial dimensions.

    Source coordinates as PyTorch: nearest takes floor(i * in / out), nearest-exact floor((i + 1/2) * in / out);
    linear samples at (i + 1/2) * in / out - 1/2 (clamped at 0), or at i * (in - 1) / (out - 1) with
    ``align_corners=True``. A given ``scale_factor`` is used as the ratio itself (unless
    ``recompute_scale_factor``). Integer images: nearest modes only."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    spatial = x.ndim - 2
    if spatial < 1:
        raise ValueError(f"interpolate: input must be (N, C, d1, ...), got shape {x.shape}")
    if mode in LINEAR_MODES and LINEAR_MODES[mode] != spatial:
        raise ValueError(f"interpolate: mode {mode!r} needs {LINEAR_MODES[mode]} spatial dimensions, got {spatial}")
    if mode not in ("nearest", "nearest-exact", *LINEAR_MODES):
        raise NotImplementedError(f"interpolate: mode {mode!r} is not implemented (nearest, nearest-exact, linear, "
                                  f"bilinear, trilinear are)")
    if align_corners is not None and mode not in LINEAR_MODES:
        raise ValueError("interpolate: align_corners only goes with the linear modes")
    if antialias:
        raise NotImplementedError("interpolate: antialias is not implemented")
    integer = x.dtype.kind in "iub"
    if integer and mode in LINEAR_MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} on an integer image is not implemented (PyTorch "
                                  f"computes it in fixed point); convert the image to float first")
    sizes, ratios = _sizes_and_ratios(x.shape[2:], size, scale_factor, recompute_scale_factor)
    out = x
    for k, (n_out, ratio) in enumerate(zip(sizes, ratios)):
        if mode in LINEAR_MODES:
            out = _linear(out, 2 + k, n_out, ratio, bool(align_corners))
        else:
            offset = 0.5 if mode == "nearest-exact" else 0.0
            picks = np.minimum(np.floor((np.arange(n_out) + offset) * ratio), x.shape[2 + k] - 1).astype(np.int64)
            out = out.index_select(2 + k, picks)
    return out


def _sizes_and_ratios(shape, size, scale_factor, recompute):
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        sizes = (size,) * len(shape) if isinstance(size, (int, np.integer)) else tuple(size)
        if len(sizes) != len(shape):
            raise ValueError(f"interpolate: size {size} for {len(shape)} spatial dimensions")
        return sizes, [n / m for n, m in zip(shape, sizes)]
    scales = (scale_factor,) * len(shape) if np.isscalar(scale_factor) else tuple(scale_factor)
    sizes = tuple(int(np.floor(n * s)) for n, s in zip(shape, scales))
    ratios = [n / m for n, m in zip(shape, sizes)] if recompute else [1 / s for s in scales]
    return sizes, ratios


def _linear(x, dim, n_out, ratio, align_corners):
    """Each output position mixes its two nearest input neighbours along ``dim``."""
    n_in = x.shape[dim]
    positions = np.arange(n_out, dtype=np.float64)
    if align_corners:
        source = positions * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        source = np.maximum((positions + 0.5) * ratio - 0.5, 0.0)
    low = np.minimum(np.floor(source).astype(np.int64), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    weight = (source - low).reshape((-1,) + (1,) * (x.ndim - dim - 1)).astype(x.dtype)
    return x.index_select(dim, low) * (1 - weight) + x.index_select(dim, high) * weight
