"""Scaled dot-product attention, as ``torch.nn.functional.scaled_dot_product_attention``: a composition of Tensor
ops (matmul, softmax, masks), so gradients of gradients work."""
import math

import numpy as np

from ...tensor import Tensor
from .dropout import dropout
from .layout import float_tensor


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(Q K^T * scale + mask) V over the last two dimensions, scale 1/sqrt(E) by default.

    ``attn_mask``: a bool mask (True: may attend) or a float bias added to the scores, broadcast to (..., L, S);
    ``is_causal``: position i attends to positions <= i (no attn_mask with it, as PyTorch). ``enable_gqa``: the
    query's heads (dimension -3) share the key's and value's heads in groups."""
    q, k, v = (float_tensor(t, name, "scaled_dot_product_attention") for t, name in
               ((query, "query"), (key, "key"), (value, "value")))
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, not both")
    if enable_gqa and q.shape[-3] != k.shape[-3]:
        groups = q.shape[-3] // k.shape[-3]
        k, v = (t.repeat_interleave(groups, dim=-3) for t in (k, v))
    scores = q @ k.transpose(-2, -1) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    length, source = q.shape[-2], k.shape[-2]
    if is_causal:
        attn_mask = Tensor(np.tril(np.ones((length, source), dtype=bool)))
    if attn_mask is not None:
        mask = attn_mask if isinstance(attn_mask, Tensor) else Tensor(attn_mask)
        if mask.dtype == np.bool_:
            scores = scores.masked_fill(~mask, -np.inf)
        else:
            scores = scores + mask
    weights = scores.softmax(-1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ v
