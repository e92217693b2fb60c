"""Normalisation: layer norm, batch norm (batch statistics while training, running ones in evaluation), and
``normalize`` (unit p-norm vectors). Compositions of Tensor ops, so gradients of gradients work."""

import numpy as np

from ...functions import where
from ...tensor import Tensor
from .layout import float_tensor


def _mean_and_variance(x, axes):
    """Mean and biased variance over ``axes`` (kept as size-1 axes), the statistics both norms normalise with."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    return centred, (centred * centred).mean(axis=axes, keepdims=True)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last ``len(normalized_shape)`` dimensions, as
    ``torch.nn.functional.layer_norm`` (biased variance)."""
    x = float_tensor(input, "input", "layer_norm")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if x.shape[x.ndim - len(shape):] != shape or len(shape) > x.ndim:
        raise ValueError(f"layer_norm: input of shape {x.shape} does not end with normalized_shape {shape}")
    centred, variance = _mean_and_variance(x, tuple(range(x.ndim - len(shape), x.ndim)))
    out = centred / (variance + eps).sqrt()
    out = out if weight is None else out * weight
    return out if bias is None else out + bias


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dimension 1) of (N, C) or (N, C, ...) input, as ``torch.nn.functional.batch_norm``.

    Training: with the batch's mean and biased variance, and the running statistics (numpy arrays or Tensors of
    shape (C,), updated in place unless None) move by ``momentum`` towards the batch's mean and *unbiased* variance,
    as PyTorch's. Evaluation: with the running statistics."""
    x = float_tensor(input, "input", "batch_norm")
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must have shape (N, C) or (N, C, ...), got {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    per_channel = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        count = x.numel() // x.shape[1]
        if count < 2:
            raise ValueError(f"batch_norm: training needs more than one value per channel, got input {x.shape}")
        centred, variance = _mean_and_variance(x, axes)
        _update_running(running_mean, x._array.mean(axis=axes), momentum)
        _update_running(running_var, variance._array.reshape(-1) * (count / (count - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation (training=False) needs running_mean and running_var")
        centred = x - Tensor(_array(running_mean).reshape(per_channel).astype(x.dtype, copy=False))
        variance = Tensor(_array(running_var).reshape(per_channel).astype(x.dtype, copy=False))
    out = centred / (variance + eps).sqrt()
    out = out if weight is None else out * weight.reshape(per_channel)
    return out if bias is None else out + bias.reshape(per_channel)


def _array(statistic):
    return statistic._array if isinstance(statistic, Tensor) else statistic


def _update_running(statistic, batch_value, momentum):
    if statistic is not None:
        target = _array(statistic)
        target *= 1 - momentum
        target += momentum * batch_value.astype(target.dtype, copy=False)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along ``dim``, as ``torch.nn.functional.normalize``; a zero vector stays zero, with a
    finite gradient (the norm's subgradient 0 at the origin, as PyTorch's)."""
    x = float_tensor(input, "input", "normalize")
    if p == 0:      # the "0-norm" counts the nonzero entries: a constant, with PyTorch's zero gradient
        count = (x._array != 0).sum(axis=dim, keepdims=True).astype(x.dtype)
        return x / Tensor(np.maximum(count, eps).astype(x.dtype))
    powered = (x.abs() ** p).sum(axis=dim, keepdims=True)
    nonzero = powered._array > 0
    norm = where(nonzero, where(nonzero, powered, 1.0) ** (1.0 / p), 0.0)
    return x / where(norm._array > eps, norm, eps)
