"""``one_hot``: class labels as indicator vectors, as ``torch.nn.functional.one_hot``."""
import numpy as np

from ...tensor import Tensor


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape ``tensor.shape + (num_classes,)`` with a 1 at each label and 0 elsewhere.

    As PyTorch: the labels must be an int64 tensor of non-negative values below ``num_classes``; the default -1
    takes one more than the largest label (so an empty tensor needs ``num_classes``). Not differentiable: labels
    have no gradient."""
    if not isinstance(tensor, Tensor) or tensor.dtype != np.int64:
        raise TypeError(f"one_hot is only applicable to an index tensor of type int64 (LongTensor), got "
                        f"{tensor.dtype if isinstance(tensor, Tensor) else type(tensor).__name__}")
    labels = tensor._array
    if num_classes == -1:
        if labels.size == 0:
            raise ValueError("one_hot: cannot infer the number of classes from an empty tensor; pass num_classes")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {int(labels.min())}")
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot: class values must be smaller than num_classes ({num_classes}), got "
                         f"{int(labels.max())}")
    return Tensor((labels[..., None] == np.arange(num_classes)).astype(np.int64))
