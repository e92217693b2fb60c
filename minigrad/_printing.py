"""How a Tensor prints: as PyTorch prints it, so a reader can hold minigrad's output beside the book's.

``tensor([ 0.,  4.,  8., 12.])``, ``tensor(26.8341)``, ``tensor(3., requires_grad=True)``,
``tensor(28., grad_fn=<MulBackward0>)``, ``tensor([1, 2], dtype=minigrad.int32)``. PyTorch's rules, in short:
floats take 4 decimals, or none (and a trailing ``.``) when every finite value is an integer, or scientific notation
when the nonzero magnitudes span more than a factor 1000 or leave [1e-4, 1e8]; every element is padded to the widest;
lines wrap at 80 characters; tensors of more than 1000 elements show 3 items at each edge around ``...``.
"""
import math

import numpy as np

PRECISION, LINE_WIDTH, THRESHOLD, EDGE_ITEMS = 4, 80, 1000, 3
_SHOWN_WITHOUT_DTYPE = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


class _ElementFormat:
    """One format for all elements of a tensor (decided from the values shown), padded to one width."""

    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.integral, self.scientific, self.width = True, False, 1
        if not self.floating:
            self.width = max((len(str(v)) for v in values.ravel().tolist()), default=1)
            return
        finite = values[np.isfinite(values) & (values != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitudes = np.abs(finite)
        low, high = magnitudes.min(), magnitudes.max()
        self.integral = bool(np.all(finite == np.ceil(finite)))
        self.scientific = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        for value in finite.tolist():
            self.width = max(self.width, len(self._plain(value)) + (self.integral and not self.scientific))

    def _plain(self, value):
        if self.scientific:
            return f"{value:.{PRECISION}e}"
        return f"{value:.0f}" if self.integral else f"{value:.{PRECISION}f}"

    def __call__(self, value):
        text = self._plain(value) if self.floating else str(value)
        if self.floating and self.integral and not self.scientific and math.isfinite(value):
            text += "."
        return text.rjust(self.width)


def _edges(values):
    """The entries that a summarised print shows: ``EDGE_ITEMS`` at each end of every dimension."""
    for axis, n in enumerate(values.shape):
        if n > 2 * EDGE_ITEMS:
            keep = list(range(EDGE_ITEMS)) + list(range(n - EDGE_ITEMS, n))
            values = np.take(values, keep, axis=axis)
    return values


def _rows(values, indent, summarize, fmt):
    """The bracketed text of ``values`` (at least 1-D), continuation lines indented by ``indent``."""
    n = values.shape[0]
    cut = summarize and n > 2 * EDGE_ITEMS
    shown = list(range(EDGE_ITEMS)) + [None] + list(range(n - EDGE_ITEMS, n)) if cut else list(range(n))
    if values.ndim == 1:
        items = [" ..." if i is None else fmt(values[i].item()) for i in shown]
        per_line = max(1, (LINE_WIDTH - indent) // (fmt.width + 2))
        lines = [", ".join(items[k:k + per_line]) for k in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = ["..." if i is None else _rows(values[i], indent + 1, summarize, fmt) for i in shown]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _suffixes(t):
    suffixes = []
    if t.numel() == 0 and t.ndim != 1:
        suffixes.append(f"size={tuple(t.shape)}")
    if t.dtype not in _SHOWN_WITHOUT_DTYPE or (t.numel() == 0 and t.dtype != np.float32):
        suffixes.append(f"dtype=minigrad.{t.dtype}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return suffixes


def tensor_repr(t):
    """``repr(t)`` as PyTorch writes it (with ``minigrad.`` where PyTorch writes ``torch.`` in a dtype)."""
    values, prefix = t._array, "tensor("
    indent = len(prefix)
    if values.size == 0:
        body = "[]"
    else:
        summarize = values.size > THRESHOLD
        fmt = _ElementFormat(_edges(values) if summarize else values)
        body = fmt(values.item()) if values.ndim == 0 else _rows(values, indent, summarize, fmt)
    text = prefix + body
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in _suffixes(t):
        if last_line + len(suffix) + 2 > LINE_WIDTH:
            text += ",\n" + " " * indent + suffix
            last_line = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line += len(suffix) + 2
    return text + ")"
