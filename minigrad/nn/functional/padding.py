"""``pad``: constant padding (and cropping, with negative widths) of the last dimensions; reflect, replicate and
circular padding as ``index_select`` of the entries each border repeats."""
import numpy as np

from ...ops.function import Function
from .layout import float_tensor


def pad(input, pad, mode="constant", value=0.0):
    """Pad the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``: ``pad`` = (last's left, last's
    right, second-last's left, ...); a negative width crops (mode 'constant'). 'reflect' mirrors the entries next
    to the border (not repeating it), 'replicate' repeats the border, 'circular' wraps around."""
    x = float_tensor(input, "input", "pad")
    if mode not in ("constant", *BORDER_INDICES):
        raise ValueError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    widths = tuple(int(w) for w in pad)
    if len(widths) % 2 or len(widths) // 2 > x.ndim:
        raise ValueError(f"pad: needs an even number of widths, at most two per dimension of the input "
                         f"{x.shape}, got {pad}")
    per_axis = [(0, 0)] * (x.ndim - len(widths) // 2) + [(widths[i], widths[i + 1])
                                                          for i in reversed(range(0, len(widths), 2))]
    if any(size + lo + hi < 0 for (lo, hi), size in zip(per_axis, x.shape)):
        raise ValueError(f"pad: widths {pad} crop more than the input of shape {x.shape} holds")
    if mode == "constant":
        return ConstantPadNd.apply(x, per_axis=per_axis, value=value)
    for axis, (lo, hi) in enumerate(per_axis):
        if lo or hi:
            x = x.index_select(axis, _border_indices(mode, x.shape[axis], lo, hi))
    return x


def _reflected(p, n):
    folded = np.abs(p) % max(2 * n - 2, 1)
    return np.where(folded < n, folded, 2 * n - 2 - folded)


BORDER_INDICES = {"reflect": _reflected,
                  "replicate": lambda p, n: np.clip(p, 0, n - 1),
                  "circular": lambda p, n: p % n}


def _border_indices(mode, size, lo, hi):
    """Which input entry each position from -lo to size + hi - 1 repeats (a negative width crops)."""
    limit = {"reflect": size - 1, "circular": size}.get(mode, max(lo, hi))      # replicate: any width
    if max(lo, hi) > limit or size == 0:
        raise ValueError(f"pad: mode {mode!r} takes widths up to {limit} for a dimension of {size}, got "
                         f"({lo}, {hi})")
    if mode == "circular" and min(lo, hi) < 0:
        raise NotImplementedError(f"pad: cropping (negative widths) in mode 'circular' is not implemented, got "
                                  f"({lo}, {hi})")
    return BORDER_INDICES[mode](np.arange(-lo, size + hi), size).astype(np.int64)


class ConstantPadNd(Function):
    """x with (before, after) added to each axis (a negative width crops); the gradient is the opposite operation: it
    crops what was added and zero-pads what was cropped."""
    op = "pad"    # the short name graph tables show (the F. function's name)

    def forward(self, x, per_axis, value):
        self.per_axis = per_axis
        crop = tuple(slice(max(-lo, 0), size - max(-hi, 0)) for (lo, hi), size in zip(per_axis, x.shape))
        return np.pad(x[crop], [(max(lo, 0), max(hi, 0)) for lo, hi in per_axis], constant_values=value)

    def backward(self, g):
        return ConstantPadNd.apply(g, per_axis=[(-lo, -hi) for lo, hi in self.per_axis], value=0.0)
