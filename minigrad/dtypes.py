"""dtypes by PyTorch's names, and PyTorch's rule for the dtype of an op on mixed operands.

The dtypes are numpy's (``minigrad.float32 is numpy.float32``), so a Tensor's dtype goes straight into numpy.
"""
import numpy as np

float16 = half = np.float16
float32 = float = np.float32
float64 = double = np.float64
int8, uint8, int16 = np.int8, np.uint8, np.int16
int32 = int = np.int32
int64 = long = np.int64
bool = np.bool_

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
DEFAULT_FLOAT = np.dtype(np.float32)
_DEFAULT_FOR_KIND = {"b": np.dtype(np.bool_), "i": np.dtype(np.int64), "f": DEFAULT_FLOAT}


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _category(dtype):
    return _CATEGORY[np.dtype(dtype).kind]


def promote(a, b):
    """Two dtypes of the same rank (both tensors with dimensions, say): the higher category (bool < integer <
    float) wins whole, as in PyTorch (int64 with float32 gives float32, where numpy gives float64)."""
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return np.dtype(a if ca > cb else b)
    return np.promote_types(a, b)


def result_type(*operands):
    """The dtype of an op on ``operands`` (numpy arrays, or Python numbers), by PyTorch's rule.

    Tensors with dimensions decide; a 0-d tensor counts only when its category is higher than theirs (int tensor
    + 0-d float tensor gives that float); a Python number only when its category is higher than all of them, and
    then gives the default dtype of its kind (int tensor + 0.5 is float32, never float64)."""
    ranked, zero_dim, numbers = None, None, None
    for x in operands:
        if isinstance(x, np.ndarray):
            if x.ndim:
                ranked = x.dtype if ranked is None else promote(ranked, x.dtype)
            else:
                zero_dim = x.dtype if zero_dim is None else promote(zero_dim, x.dtype)
        else:
            kind = np.asarray(x).dtype.kind
            numbers = kind if numbers is None or _CATEGORY[kind] > _CATEGORY[numbers] else numbers
    result = ranked
    if zero_dim is not None and (result is None or _category(zero_dim) > _category(result)):
        result = zero_dim
    if numbers is not None:
        default = _DEFAULT_FOR_KIND.get(numbers, DEFAULT_FLOAT)
        if result is None or _category(default) > _category(result):
            result = default
    return np.dtype(result)
