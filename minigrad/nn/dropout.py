"""The Dropout layer: active in training mode, the identity after ``eval()``."""
from . import functional as F
from .module import Module


class Dropout(Module):
    def __init__(self, p=0.5, *, generator=None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p, self.generator = p, generator

    def forward(self, x):
        return F.dropout(x, self.p, self.training, generator=self.generator)

    def extra_repr(self):
        return f"p={self.p}"
