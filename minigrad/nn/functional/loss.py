"""Losses with PyTorch's names and reductions."""
import numpy as np

from ...tensor import Tensor
from .activation import softmax
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


def cross_entropy(input, target, reduction="mean"):
    """Cross-entropy of logits (N, classes) against integer labels (N,), as ``torch.nn.functional.cross_entropy``.

    Fused and stable: loss_i = logsumexp(z_i) - z_i[y_i] with logsumexp computed after subtracting max(z_i); the
    gradient is softmax(z_i) - onehot(y_i), never the quotient of two tiny numbers."""
    z = float_tensor(input, "input", "cross_entropy")
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
    x = float_tensor(input, "input", "mse_loss")
    y = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=x.dtype))
    if x.shape != y.shape:
        raise ValueError(f"mse_loss: input shape {x.shape} and target shape {y.shape} differ "
                         "(reshape one of them: broadcasting here is almost always a bug)")
    diff = x - y
    return _reduce(diff * diff, reduction, "mse_loss")
