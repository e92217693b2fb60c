"""Where PyTorch keeps them: ``minigrad.utils.data`` is ``torch.utils.data``'s Dataset, TensorDataset, DataLoader."""
from . import data

__all__ = ["data"]
