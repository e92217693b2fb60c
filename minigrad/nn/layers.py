"""Layers as Modules, with PyTorch's names, arguments and default initialisation (convolutions: conv.py, pooling:
pooling.py, losses: loss.py)."""
import numpy as np

from . import functional as F
from . import init
from .module import Module, Parameter


def _empty(shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"layer parameters must be floating point, got dtype {dtype}")
    return np.zeros(shape, dtype=dtype)


def _positive(value, name, layer):
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")
    return int(value)


class Linear(Module):
    """y = x @ weight.T + bias; weight (out_features, in_features)."""

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32, generator=None):
        super().__init__()
        self.in_features = _positive(in_features, "in_features", "Linear")
        self.out_features = _positive(out_features, "out_features", "Linear")
        self.weight = Parameter(_empty((out_features, in_features), dtype))
        self.bias = Parameter(_empty((out_features,), dtype)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator=None):
        init.default_layer_init_(self.weight, self.bias, generator)

    def forward(self, x):
        if x.shape[-1:] != (self.in_features,):
            raise ValueError(f"Linear({self.in_features}, {self.out_features}): input's last dimension must be "
                             f"{self.in_features}, got input of shape {x.shape}")
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Sigmoid(Module):
    def forward(self, x):
        return x.sigmoid()


class Tanh(Module):
    def forward(self, x):
        return x.tanh()


class Flatten(Module):
    """Merge the dimensions ``start_dim`` to ``end_dim`` (both included) into one: (N, C, H, W) -> (N, C*H*W).

    As ``torch.nn.Flatten``: a dimension outside the input's range is an IndexError (so the default start_dim=1 needs
    an input of at least 2 dimensions), and start_dim after end_dim a ValueError."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        start, end = (_dimension(dim, x.ndim, "Flatten") for dim in (self.start_dim, self.end_dim))
        if start > end:
            raise ValueError(f"Flatten: start_dim {self.start_dim} comes after end_dim {self.end_dim} for an input "
                             f"of shape {x.shape}")
        return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def _dimension(dim, ndim, layer):
    """``dim`` counted from the front, checked as PyTorch checks it (a 0-d input has the one dimension 0 / -1)."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"{layer}: dimension out of range (expected to be in range of [{-size}, {size - 1}], "
                         f"but got {dim}) for an input with {ndim} dimensions")
    return dim % size


class Sequential(Module):
    """Modules applied in order; indexable, iterable and extensible like a list."""

    def __init__(self, *modules):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules, got {type(module).__name__}")
        self._modules[str(len(self._modules))] = module
        return self

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        return modules[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x
