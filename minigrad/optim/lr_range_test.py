"""The learning-rate range test (Smith, "Cyclical Learning Rates for Training Neural Networks", 2017): "start small
and increase until the loss stops improving", made into one function call.

    result = lr_range_test(net, optim.SGD(net.parameters(), lr=0.1), nn.CrossEntropyLoss(), train_iter)
    print(result.suggested_lr)          # then train with it, or use it as OneCycleLR's max_lr
    plot(result.lrs, [result.smoothed_losses], xscale="log")

It trains for up to `num_iter` minibatches with a learning rate that grows exponentially from `start_lr` to `end_lr`,
records the loss, and afterwards puts the model's parameters and the optimizer's state back as they were, so that the
real training starts from the same point.
"""
import copy
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .optimizer import Optimizer
from .options import set_group_value


@dataclass
class LRRangeTestResult:
    """What the range test saw: for each minibatch i, the lr it was trained with, its loss and the smoothed loss;
    `suggested_lr`, where the smoothed loss fell fastest; `min_loss_lr`, where it was lowest (a tenth of it is the
    other common choice: the minimum itself is already at the edge of divergence)."""
    lrs: list[float]
    losses: list[float]
    smoothed_losses: list[float]
    suggested_lr: float
    min_loss_lr: float
    diverged: bool


def lr_range_test(model: Any, optimizer: Optimizer, loss_fn: Callable[[Any, Any], Any], batches: Iterable[tuple],
                  start_lr: float = 1e-7, end_lr: float = 10.0, num_iter: int = 100, smoothing: float = 0.98,
                  diverge_factor: float = 4.0) -> LRRangeTestResult:
    """Train `model` on up to `num_iter` minibatches of `batches` (an iterable of (X, y), cycled if shorter) with

        lr_i = start_lr · (end_lr / start_lr)^(i / (num_iter − 1))              i = 0 .. num_iter − 1

    in every parameter group of `optimizer`, then restore the model's parameters and the optimizer's state_dict.
    The raw losses are noisy, so they are smoothed with a bias-corrected exponential moving average,

        a_i = β·a_{i−1} + (1 − β)·loss_i  (a_{−1} = 0),   smoothed_i = a_i / (1 − β^(i+1))     (β: smoothing)

    and the test stops early once smoothed_i > diverge_factor · min(smoothed_0..i): the loss has diverged, and larger
    learning rates would only waste time. The suggested lr is where the smoothed loss falls fastest against log(lr),
    among the steps before its minimum. `loss_fn(model(X), y)` must give the loss (a tensor; averaged if it is not a
    scalar)."""
    _check_arguments(start_lr, end_lr, num_iter, smoothing, diverge_factor)
    saved_model, saved_optimizer = model.state_dict(), copy.deepcopy(optimizer.state_dict())
    lrs, losses, smoothed, diverged = [], [], [], False
    try:
        average = 0.0
        for i, (X, y) in zip(range(num_iter), itertools.cycle(batches)):
            lr = start_lr * (end_lr / start_lr) ** (i / max(num_iter - 1, 1))
            loss = _train_one_minibatch(model, optimizer, loss_fn, X, y, lr)
            average = smoothing * average + (1 - smoothing) * loss
            lrs.append(lr)
            losses.append(loss)
            smoothed.append(average / (1 - smoothing ** (i + 1)))
            if not np.isfinite(loss) or smoothed[-1] > diverge_factor * min(smoothed):
                diverged = True
                break
    finally:
        model.load_state_dict(saved_model)
        optimizer.load_state_dict(saved_optimizer)
        optimizer.zero_grad()
    if not lrs:
        raise ValueError("batches is empty: the range test needs at least one minibatch")
    suggested, lowest = _suggestions(lrs, smoothed)
    return LRRangeTestResult(lrs, losses, smoothed, suggested, lowest, diverged)


def _train_one_minibatch(model, optimizer, loss_fn, X, y, lr):
    for group in optimizer.param_groups:
        set_group_value(group, "lr", lr)
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    if loss.shape != ():
        loss = loss.mean()
    loss.backward()
    optimizer.step()
    return float(loss)


def _suggestions(lrs, smoothed):
    """(lr of the steepest fall of the smoothed loss against log lr before its minimum, lr of the minimum)."""
    if not np.isfinite(smoothed[-1]):                  # the test stopped at the first loss that was not finite
        lrs, smoothed = lrs[:-1], smoothed[:-1]
    if not smoothed:
        raise FloatingPointError("the loss was not finite at the first minibatch already: lower start_lr")
    lowest = int(np.argmin(smoothed))
    if lowest < 2:
        return lrs[lowest], lrs[lowest]
    slopes = np.gradient(np.asarray(smoothed[:lowest + 1]), np.log(lrs[:lowest + 1]))
    return lrs[int(np.argmin(slopes))], lrs[lowest]


def _check_arguments(start_lr, end_lr, num_iter, smoothing, diverge_factor):
    if not 0 < start_lr < end_lr:
        raise ValueError(f"the range test needs 0 < start_lr < end_lr, but got start_lr={start_lr!r}, "
                         f"end_lr={end_lr!r}")
    if isinstance(num_iter, bool) or not isinstance(num_iter, int) or num_iter < 2:
        raise ValueError(f"num_iter must be a whole number ≥ 2, but got {num_iter!r}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), but got {smoothing!r}")
    if not diverge_factor > 1:
        raise ValueError(f"diverge_factor must be > 1, but got {diverge_factor!r}")
