"""The affine map of a Linear layer."""


def linear(input, weight, bias=None):
    """input @ weight.T + bias, as ``torch.nn.functional.linear``."""
    out = input @ weight.T
    return out if bias is None else out + bias
