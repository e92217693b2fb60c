"""``pad``: constant padding (and cropping, with negative widths) of the last dimensions."""
import numpy as np

from ...ops.function import Function
from .layout import float_tensor


def pad(input, pad, mode="constant", value=0.0):
    """Pad the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``: ``pad`` = (last's left, last's
    right, second-last's left, ...); a negative width crops. Only mode 'constant'."""
    x = float_tensor(input, "input", "pad")
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is implemented, got {mode!r}")
    widths = tuple(int(w) for w in pad)
    if len(widths) % 2 or len(widths) // 2 > x.ndim:
        raise ValueError(f"pad: needs an even number of widths, at most two per dimension of the input "
                         f"{x.shape}, got {pad}")
    per_axis = [(0, 0)] * (x.ndim - len(widths) // 2) + [(widths[i], widths[i + 1])
                                                          for i in reversed(range(0, len(widths), 2))]
    if any(size + lo + hi < 0 for (lo, hi), size in zip(per_axis, x.shape)):
        raise ValueError(f"pad: widths {pad} crop more than the input of shape {x.shape} holds")
    return ConstantPadNd.apply(x, per_axis=per_axis, value=value)


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
