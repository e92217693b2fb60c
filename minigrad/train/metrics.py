"""d2l's small training tools: ``Timer``, ``Accumulator``, ``accuracy`` and ``evaluate_accuracy``."""
import time

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor


class Timer:
    """Wall-clock stopwatch that records every interval (d2l's Timer)."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self._started = time.perf_counter()

    def stop(self):
        """Record and return the seconds since the last ``start()``."""
        self.times.append(time.perf_counter() - self._started)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times) if self.times else 0.0

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        return np.cumsum(self.times).tolist()


class Accumulator:
    """Running sums of n quantities (loss total, correct count, example count, ...)."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *values):
        if len(values) != len(self.data):
            raise ValueError(f"Accumulator of {len(self.data)} sums was given {len(values)} values")
        self.data = [total + float(value) for total, value in zip(self.data, values)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, index):
        return self.data[index]


def _array(value):
    return value._array if isinstance(value, Tensor) else np.asarray(value)


def accuracy(y_hat, y):
    """Number of rows of ``y_hat`` (logits or probabilities) whose largest entry is at the label ``y``."""
    scores, labels = _array(y_hat), _array(y)
    if scores.ndim > 1 and scores.shape[1] > 1:
        scores = scores.argmax(axis=1)
    return float((scores.astype(labels.dtype) == labels).sum())


def evaluate_accuracy(net, data_iter, chunk_size=256):
    """Fraction of correctly classified examples, in eval mode and without building a graph.

    Batches larger than ``chunk_size`` are fed in chunks, so memory stays flat however the data is batched. The
    network's previous mode (train or eval) is restored afterwards."""
    was_training = getattr(net, "training", False)
    if hasattr(net, "eval"):
        net.eval()
    correct = total = 0.0
    try:
        with no_grad():
            for X, y in data_iter:
                X, y = _array(X), _array(y)
                for start in range(0, len(X), chunk_size):
                    part = slice(start, start + chunk_size)
                    correct += accuracy(net(Tensor(X[part])), y[part])
                total += len(X)
    finally:
        if was_training and hasattr(net, "train"):
            net.train()
    if total == 0:
        raise ValueError("evaluate_accuracy: the data iterator yielded no examples")
    return correct / total
