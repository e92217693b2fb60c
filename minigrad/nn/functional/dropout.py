"""Dropout: zero each element with probability p while training and scale the rest by 1 / (1 - p)."""

from ...random import get_generator
from ...tensor import Tensor
from .layout import float_tensor


def dropout(input, p=0.5, training=True, *, generator=None):
    """As ``torch.nn.functional.dropout`` (inverted dropout: evaluation needs no rescaling). The mask is drawn from
    ``generator``, or from minigrad's default one (``minigrad.manual_seed``)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    x = float_tensor(input, "input", "dropout")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = get_generator(generator).random(x.shape) >= p
    return x * Tensor((keep / (1 - p)).astype(x.dtype))
