"""Training a classifier: the loop of d2l section 11.11, and the small tools around it.

``train(net, train_iter, test_iter, num_epochs, loss, trainer, scheduler=None)`` trains, keeps a History of the
curves, shows progress on a terminal, stops with a clear message on a NaN or infinite loss, and prints the book's
closing line ``train loss 0.128, train acc 0.951, test acc 0.885``. The optimizer only needs ``param_groups``,
``zero_grad()`` and ``step()``.
"""
import math
import sys
import time

import numpy as np

from .autograd import no_grad
from .plot import new_axes, save_figure, set_axes
from .tensor import Tensor


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


class History:
    """What the training loop saw: the curves the book draws and one summary per epoch."""

    def __init__(self, num_epochs):
        self.num_epochs = num_epochs
        self.train_points = []     # (epoch as a fraction, train loss so far this epoch, train acc so far)
        self.test_points = []      # (epoch, test acc)
        self.epochs = []           # {"epoch", "train_loss", "train_acc", "test_acc", "lr", "seconds"}

    @property
    def final(self):
        return self.epochs[-1] if self.epochs else None

    def summary_line(self):
        last = self.final
        return (f"train loss {last['train_loss']:.3f}, train acc {last['train_acc']:.3f}, "
                f"test acc {last['test_acc']:.3f}")

    def plot(self, path, title=None):
        """Draw the book's three curves (train loss, train acc, test acc against epoch) into a PNG, atomically."""
        axes = new_axes()
        legend = []
        if self.train_points:
            x, loss, acc = zip(*self.train_points)
            axes.plot(x, loss, "-")
            axes.plot(x, acc, "m--")
            legend += ["train loss", "train acc"]
        if self.test_points:
            x, acc = zip(*self.test_points)
            axes.plot(x, acc, "g-.")
            legend.append("test acc")
        set_axes(axes, xlabel="epoch", xlim=[0, self.num_epochs], legend=legend)
        return save_figure(axes, path, title=title)


class Progress:
    """One self-overwriting status line (batches done, images/s, time left) on a terminal; silent otherwise."""

    def __init__(self, stream=None, every=0.25, enabled=True):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every
        self._last = 0.0
        self._width = 0

    def update(self, epoch, num_epochs, batch, num_batches, images, seconds):
        now = time.perf_counter()
        if not self.enabled or (now - self._last < self.every and batch != num_batches):
            return
        self._last = now
        rate = images / seconds if seconds > 0 else 0.0
        text = f"epoch {epoch}/{num_epochs}  batch {batch}/{num_batches or '?'}  {rate:,.0f} img/s"
        if num_batches and batch:
            minutes, left = divmod(round(seconds / batch * (num_batches - batch)), 60)
            text += f"  {minutes} min {left:02d} s left in epoch" if minutes else f"  {left} s left in epoch"
        self._write(text)

    def clear(self):
        if self.enabled and self._width:
            self._write("")

    def _write(self, text):
        self.stream.write("\r" + text.ljust(self._width))
        if not text:
            self.stream.write("\r")
        self.stream.flush()
        self._width = len(text)


def _learning_rates(trainer):
    rates = sorted({group["lr"] for group in trainer.param_groups})
    return rates[0] if len(rates) == 1 else rates


def _set_learning_rate(trainer, lr):
    for group in trainer.param_groups:
        group["lr"] = lr


def train(net, train_iter, test_iter, num_epochs, loss, trainer, scheduler=None, *, figure=None, progress=True,
          log_every=50, verbose=False, out=None):
    """Train ``net`` as d2l 11.11 does; return the History.

    scheduler: an object with ``step()`` (called once per epoch), or a function ``lr = scheduler(epoch)`` whose
    value is put into every param group after each epoch. figure: a path to draw the curves into (PNG).
    progress: show a status line when stderr is a terminal. verbose: also print one line per epoch."""
    out = sys.stdout if out is None else out
    history = History(num_epochs)
    status = Progress(enabled=progress)
    try:
        num_batches = len(train_iter)
    except TypeError:
        num_batches = 0
    for epoch in range(num_epochs):
        metric = Accumulator(3)       # loss total, correct predictions, examples
        started = time.perf_counter()
        for i, (X, y) in enumerate(train_iter):
            net.train()
            trainer.zero_grad()
            X = X if isinstance(X, Tensor) else Tensor(np.asarray(X))
            y = y if isinstance(y, Tensor) else Tensor(np.asarray(y))
            y_hat = net(X)
            l = loss(y_hat, y)
            value = float(l._array.mean())
            if not math.isfinite(value):
                status.clear()
                raise FloatingPointError(
                    f"train: the loss became {value} at epoch {epoch + 1}, batch {i + 1} "
                    f"(lr {_learning_rates(trainer)}); stopping instead of training on garbage. "
                    "Lower the learning rate or check the data.")
            (l if l.numel() == 1 else l.mean()).backward()
            trainer.step()
            metric.add(value * len(X), accuracy(y_hat, y), len(X))
            train_loss, train_acc = metric[0] / metric[2], metric[1] / metric[2]
            if (i + 1) % log_every == 0:
                history.train_points.append((epoch + i / num_batches if num_batches else epoch + 1,
                                             train_loss, train_acc))
            status.update(epoch + 1, num_epochs, i + 1, num_batches, metric[2], time.perf_counter() - started)
        if metric[2] == 0:
            raise ValueError("train: the training iterator yielded no batches")
        seconds = time.perf_counter() - started
        status.clear()
        test_acc = evaluate_accuracy(net, test_iter)
        history.test_points.append((epoch + 1, test_acc))
        history.epochs.append({"epoch": epoch + 1, "train_loss": train_loss, "train_acc": train_acc,
                               "test_acc": test_acc, "lr": _learning_rates(trainer), "seconds": seconds})
        if verbose:
            print(f"epoch {epoch + 1}: " + history.summary_line(), file=out)
        if scheduler is not None:
            if hasattr(scheduler, "step"):
                scheduler.step()
            else:
                _set_learning_rate(trainer, scheduler(epoch))
    print(history.summary_line(), file=out)
    if figure is not None:
        history.plot(figure)
    return history
