"""Normalisation layers: LayerNorm, and BatchNorm1d/2d with running statistics kept as buffers (saved by
``state_dict``), used after ``eval()``."""
import numpy as np

from ..tensor import Tensor
from . import functional as F
from .module import Module, Parameter


class LayerNorm(Module):
    """Normalise over the last dimensions (``normalized_shape``), then scale and shift per element."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=np.float32):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
        self.normalized_shape, self.eps = tuple(int(n) for n in shape), eps
        self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype)) if elementwise_affine and bias else None

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}"


class _BatchNorm(Module):
    """Per-channel normalisation with batch statistics in training and running ones in evaluation.

    ``momentum=None`` makes the running statistics a cumulative average over all batches seen, as PyTorch's."""
    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 dtype=np.float32):
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine else None
        tracked = track_running_stats
        self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)) if tracked else None)
        self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)) if tracked else None)
        self.register_buffer("num_batches_tracked", Tensor(np.zeros((), dtype=np.int64)) if tracked else None)

    def forward(self, x):
        if x.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected an input with {' or '.join(map(str, self._dims))} "
                             f"dimensions, got shape {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): input has {x.shape[1]} channels "
                             f"(dimension 1), shape {x.shape}")
        use_batch_statistics = self.training or self.running_mean is None
        momentum = self.momentum
        if self.training and self.running_mean is not None:
            self.num_batches_tracked._array += 1
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked._array)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_batch_statistics,
                            momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """BatchNorm over (N, C) or (N, C, L) input."""
    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """BatchNorm over (N, C, H, W) input."""
    _dims = (4,)
