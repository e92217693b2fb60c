"""Losses with PyTorch's names and reductions."""
import numpy as np

from ...functions import where
from ...ops.function import Function
from ...tensor import Tensor
from .activation import log_softmax, softmax
from .elementary import log1p_exp
from .layout import float_tensor


def check_reduction(reduction, op):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _reduce(losses, reduction, op):
    check_reduction(reduction, op)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def _labels(target, logits, ignore_index, op):
    """The integer class labels of ``target`` (shape (N,)), checked against the classes of ``logits`` (N, C)."""
    labels = target._array if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold integer class labels (or, for cross_entropy, class probabilities "
                        f"of the input's shape {logits.shape}), got dtype {labels.dtype} and shape {labels.shape}")
    N, classes = logits.shape
    if labels.shape != (N,):
        raise ValueError(f"{op}: target must have shape ({N},) for logits of shape {logits.shape}, "
                         f"got {labels.shape}")
    bad = labels[((labels < 0) | (labels >= classes)) & (labels != ignore_index)]
    if bad.size:
        raise ValueError(f"{op}: label {bad[0]} is out of range for {classes} classes")
    return labels


def _class_weight(weight, classes, dtype, op):
    if weight is None:
        return None
    w = weight._array if isinstance(weight, Tensor) else np.asarray(weight)
    if w.shape != (classes,):
        raise ValueError(f"{op}: weight must have one entry per class, shape ({classes},), got {w.shape}")
    return w.astype(dtype, copy=False)


def _nll(log_probs, labels, weight, ignore_index, reduction, label_smoothing, op):
    """Negative log-likelihood of integer labels under log-probabilities (N, C), with PyTorch's options: class
    ``weight``; labels equal to ``ignore_index`` count for nothing (not even in the mean's denominator); a share
    ``label_smoothing`` of the loss spread uniformly over all classes. The mean divides by the summed weights of
    the labels that count, as PyTorch's."""
    N, classes = log_probs.shape
    counts = labels != ignore_index
    safe = np.where(counts, labels, 0)
    w = _class_weight(weight, classes, log_probs.dtype, op)
    label_weight = counts.astype(log_probs.dtype) * (1 if w is None else w[safe])
    losses = -log_probs[np.arange(N), safe] * Tensor(label_weight)
    if label_smoothing:
        spread = log_probs if w is None else log_probs * Tensor(w)
        uniform = -spread.sum(axis=1) * Tensor(counts.astype(log_probs.dtype)) / classes
        losses = (1 - label_smoothing) * losses + label_smoothing * uniform
    if check_reduction(reduction, op) == "mean":
        return losses.sum() / float(label_weight.sum())
    return _reduce(losses, reduction, op)


class CrossEntropy(Function):
    """Per-sample cross-entropy of logits (N, C) against integer labels, as one op.

    Fused and stable: loss_i = logsumexp(z_i) - z_i[y_i] with logsumexp computed after subtracting max(z_i); the
    gradient is softmax(z_i) - onehot(y_i), never the quotient of two tiny numbers. PyTorch's graph has
    LogSoftmaxBackward0 under NllLossBackward0 here; this op is both, and takes the top one's name."""
    op = "cross_entropy"    # the short name graph tables show (the F. function's name)

    torch_name = "NllLossBackward0"

    def forward(self, z, labels):
        self.rows, self.labels = np.arange(z.shape[0]), labels
        peak = z.max(axis=1, keepdims=True)
        shifted = z - peak
        log_sum = np.log(np.exp(shifted).sum(axis=1))
        return log_sum - shifted[self.rows, labels]

    def backward(self, g):
        z = self.inputs[0]
        onehot = np.zeros(z.shape, dtype=z.dtype)
        onehot[self.rows, self.labels] = 1
        return (softmax(z, dim=1) - Tensor(onehot)) * g.reshape(-1, 1)


def _probability_targets(z, target, weight, label_smoothing, reduction):
    """Cross-entropy against class probabilities (N, C); the mean divides by N, as PyTorch's. A target tensor that
    requires grad gets its gradient (-log softmax(z), weighted), as PyTorch's."""
    t = target.astype(z.dtype) if isinstance(target, Tensor) else Tensor(np.asarray(target).astype(z.dtype))
    classes = z.shape[1]
    if label_smoothing:
        t = t * (1 - label_smoothing) + label_smoothing / classes
    w = _class_weight(weight, classes, z.dtype, "cross_entropy")
    if w is not None:
        t = t * w
    losses = -(log_softmax(z, dim=1) * t).sum(axis=1)
    return _reduce(losses, reduction, "cross_entropy")


def _per_position(loss_of_rows, z, target, probabilities, reduction):
    """A loss of (C,) or (N, C, d1, ...) input through its (N, C) form: each position's classes become a row
    (labels (N, d1, ...), probabilities of the input's shape), and 'none' gives the losses in the input's layout."""
    if z.ndim == 1:
        rows = z.unsqueeze(0)
        target = _reshaped(target, (1, -1) if probabilities else (1,))
        out = loss_of_rows(rows, target)
        return out.reshape(()) if reduction == "none" else out
    classes, layout = z.shape[1], (z.shape[0],) + z.shape[2:]
    rows = z.movedim(1, -1).reshape(-1, classes)
    if probabilities:
        target = target.movedim(1, -1) if isinstance(target, Tensor) else np.moveaxis(np.asarray(target), 1, -1)
    target = _reshaped(target, (-1, classes) if probabilities else (-1,))
    out = loss_of_rows(rows, target)
    return out.reshape(layout) if reduction == "none" else out


def _reshaped(target, shape):
    return target.reshape(shape) if isinstance(target, Tensor) else np.asarray(target).reshape(shape)


def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits (N, classes), as ``torch.nn.functional.cross_entropy`` (also (classes,) and
    (N, classes, d1, ...), a loss per position).

    ``target`` holds integer class labels (N,) or class probabilities of the input's shape. ``weight`` (classes,)
    rescales each class; labels equal to ``ignore_index`` are left out; ``label_smoothing`` in [0, 1] mixes the
    target with the uniform distribution. Without these options the loss is one fused op (see
    CrossEntropy)."""
    z = float_tensor(input, "input", "cross_entropy")
    if z.ndim == 0:
        raise ValueError("cross_entropy: input must be logits of shape (classes,), (N, classes) or (N, classes, d1, "
                         "...), got a 0-d tensor")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    check_reduction(reduction, "cross_entropy")
    target_array = target._array if isinstance(target, Tensor) else np.asarray(target)
    probabilities = target_array.dtype.kind == "f" and target_array.shape == z.shape
    if z.ndim != 2:
        return _per_position(lambda rows, t: cross_entropy(
            rows, t, weight, ignore_index=ignore_index, reduction=reduction, label_smoothing=label_smoothing),
            z, target, probabilities, reduction)
    if probabilities:
        return _probability_targets(z, target, weight, label_smoothing, reduction)
    labels = _labels(target, z, ignore_index, "cross_entropy")
    if weight is None and not label_smoothing and not (labels == ignore_index).any():
        return _reduce(CrossEntropy.apply(z, labels=labels), reduction, "cross_entropy")
    return _nll(log_softmax(z, dim=1), labels, weight, ignore_index, reduction, label_smoothing, "cross_entropy")


def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of integer labels (N,) under log-probabilities (N, classes), as
    ``torch.nn.functional.nll_loss`` (``weight`` and ``ignore_index`` as in cross_entropy; (classes,) and
    (N, classes, d1, ...) inputs as there)."""
    log_probs = float_tensor(input, "input", "nll_loss")
    if log_probs.ndim == 0:
        raise ValueError("nll_loss: input must be log-probabilities of shape (classes,), (N, classes) or (N, "
                         "classes, d1, ...), got a 0-d tensor")
    if log_probs.ndim != 2:
        return _per_position(lambda rows, t: nll_loss(rows, t, weight, ignore_index=ignore_index,
                                                      reduction=reduction), log_probs, target, False, reduction)
    labels = _labels(target, log_probs, ignore_index, "nll_loss")
    return _nll(log_probs, labels, weight, ignore_index, reduction, 0.0, "nll_loss")


def mse_loss(input, target, *, reduction="mean"):
    """Squared error (input - target)^2, as ``torch.nn.functional.mse_loss``; shapes must be equal."""
    x = float_tensor(input, "input", "mse_loss")
    y = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=x.dtype))
    if x.shape != y.shape:
        raise ValueError(f"mse_loss: input shape {x.shape} and target shape {y.shape} differ "
                         "(reshape one of them: broadcasting here is almost always a bug)")
    diff = x - y
    return _reduce(diff * diff, reduction, "mse_loss")


def _same_shape_target(x, target, op):
    t = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=x.dtype))
    if t.shape != x.shape:
        raise ValueError(f"{op}: target shape {t.shape} differs from input shape {x.shape} (as PyTorch, no "
                         "broadcasting: it is almost always a bug)")
    return t


def _rescaled(losses, weight):
    return losses if weight is None else losses * weight


def binary_cross_entropy(input, target, weight=None, *, reduction="mean"):
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1], as ``torch.nn.functional.binary_cross_entropy``:
    each log is clamped at -100, so p = 0 or 1 gives a finite loss."""
    p = float_tensor(input, "input", "binary_cross_entropy")
    t = _same_shape_target(p, target, "binary_cross_entropy")
    if p._array.size and not ((p._array >= 0) & (p._array <= 1)).all():
        raise ValueError("binary_cross_entropy: every input must be a probability in [0, 1]; for logits use "
                         "binary_cross_entropy_with_logits")
    losses = -(t * _clamped_log(p) + (1 - t) * _clamped_log(1 - p))
    return _reduce(_rescaled(losses, weight), reduction, "binary_cross_entropy")


def _clamped_log(p, floor=-100.0):
    """max(log p, floor) with a zero gradient where the floor holds (there log p's would be huge or infinite)."""
    above = p._array > np.exp(floor)
    return where(above, where(above, p, 1.0).log(), floor)


def binary_cross_entropy_with_logits(input, target, weight=None, *, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(x) computed from the logits x without forming sigmoid(x), as PyTorch's:
    (1 - t) x + (1 + (pos_weight - 1) t) log(1 + exp(-x)), exact for large |x|."""
    x = float_tensor(input, "input", "binary_cross_entropy_with_logits")
    t = _same_shape_target(x, target, "binary_cross_entropy_with_logits")
    scale = 1 if pos_weight is None else (pos_weight - 1) * t + 1
    losses = (1 - t) * x + scale * log1p_exp(-x)        # log1p_exp(-x) = -log sigmoid(x)
    return _reduce(_rescaled(losses, weight), reduction, "binary_cross_entropy_with_logits")
