"""The affine map of a Linear layer."""
from .layout import float_tensor


def linear(input, weight, bias=None):
    """input @ weight.T + bias, as ``torch.nn.functional.linear``.

    The input must be float (PyTorch refuses integer input too); float32 meeting float64 computes in float64."""
    x = float_tensor(input, "input", "linear")
    out = x @ weight.T
    return out if bias is None else out + bias
