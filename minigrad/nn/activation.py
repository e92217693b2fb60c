"""Activation layers beyond ReLU, Sigmoid and Tanh (layers.py), each a Module around its function in ``F``."""
from . import functional as F
from .module import Module


class _Elementwise(Module):
    """A function of each element with fixed settings, shown in the repr."""

    def _settings(self):
        return {}

    def extra_repr(self):
        return ", ".join(f"{name}={value!r}" for name, value in self._settings().items())


class GELU(_Elementwise):
    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def _settings(self):
        return {"approximate": self.approximate}

    def forward(self, x):
        return F.gelu(x, self.approximate)


class SiLU(_Elementwise):
    def forward(self, x):
        return F.silu(x)


class Softplus(_Elementwise):
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def _settings(self):
        return {"beta": self.beta, "threshold": self.threshold}

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)


class ELU(_Elementwise):
    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def _settings(self):
        return {"alpha": self.alpha}

    def forward(self, x):
        return F.elu(x, self.alpha)


class LeakyReLU(_Elementwise):
    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def _settings(self):
        return {"negative_slope": self.negative_slope}

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)


class Softmax(_Elementwise):
    """Softmax along ``dim`` (PyTorch's module needs it given too: the implicit choice was deprecated)."""

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def _settings(self):
        return {"dim": self.dim}

    def forward(self, x):
        return F.softmax(x, self.dim)


class LogSoftmax(Softmax):
    def forward(self, x):
        return F.log_softmax(x, self.dim)


class Softmin(Softmax):
    """softmax(-x) along ``dim``: the smallest entries get the largest weights."""

    def forward(self, x):
        return F.softmin(x, self.dim)


class Hardtanh(_Elementwise):
    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
        self.min_val, self.max_val = min_val, max_val

    def _settings(self):
        return {"min_val": self.min_val, "max_val": self.max_val}

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val)


class ReLU6(_Elementwise):
    def forward(self, x):
        return F.relu6(x)


class LogSigmoid(_Elementwise):
    def forward(self, x):
        return F.logsigmoid(x)
