"""Beyond the book: choosing the learning rate, a range test and then one-cycle training of LeNet

The notes' advice, "start small and increase until the loss stops improving", made into an experiment on the LeNet
and Fashion-MNIST of 11.11:

1. A learning-rate range test (Smith 2017) with ``minigrad.optim.lr_range_test``: SGD with momentum 0.9 trains on
   a few hundred minibatches while the lr grows exponentially from 1e-3 to 3; the smoothed loss is drawn against the
   lr on a log axis, with the lr where it falls fastest (the suggestion) and the lr of its minimum marked. The test
   puts the weights and the optimizer back afterwards, so training starts from the same initial weights.
2. One-cycle training (``OneCycleLR``, stepped every minibatch, momentum cycled 0.95 -> 0.85 -> 0.95) for a handful
   of epochs. Its peak is the lr of the range test's lowest smoothed loss, the largest lr at which the loss still
   fell (Smith's choice for one-cycle: the cycle starts 25 times lower and ends far lower still, so the peak may sit
   at the edge of stability; the steepest-fall suggestion is the choice for a constant lr). It is compared with the
   test accuracy of 11.11's constant lr 0.3 after its 30 epochs: how many epochs one-cycle needs to reach it is
   measured and printed, not assumed.
"""
if __name__ == "__main__":  # before numpy loads: one BLAS thread, so LeNet's numbers do not depend on the cores
    import os
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import itertools
import math

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.sec11_lr_scheduler import BOOK, BOOK_BUILDS
from chapters.ch11.sec11_lr_scheduler import NUM_EPOCHS as BOOK_EPOCHS
from minigrad import nn, optim
from minigrad.data import DataLoader, fashion_mnist_arrays
from minigrad.nn.models import lenet
from minigrad.optim import lr_scheduler
from minigrad.plot import new_axes_grid, set_axes
from minigrad.train import Accumulator, Timer, accuracy, evaluate_accuracy

DATA_SETS = ("fashion-mnist",)

SEED = 0
MOMENTUM = 0.9
RANGE_TEST = {"start_lr": 1e-3, "end_lr": 3.0, "num_iter": 300}   # quick: 60 minibatches of 64
ONE_CYCLE_EPOCHS = 6                                               # quick: 1 epoch on 1,024 images
BATCH_SIZE = 256
QUICK = {"batch_size": 64, "num_iter": 60, "train_images": 1024, "test_images": 256}
TARGET = BOOK["constant"]["median_test"]  # 11.11's constant lr 0.3 after 30 epochs, median over the book's builds


def minibatches(loader, count):
    """`count` minibatches from `loader`, reshuffled every pass (no more than the range test uses)."""
    passes = itertools.chain.from_iterable(loader for _ in range(math.ceil(count / len(loader))))
    return list(itertools.islice(passes, count))


def range_test(net, train_iter, num_iter):
    """Run the range test on `net` with SGD (momentum 0.9); return the LRRangeTestResult."""
    trainer = optim.SGD(net.parameters(), lr=RANGE_TEST["start_lr"], momentum=MOMENTUM)
    return optim.lr_range_test(net, trainer, nn.CrossEntropyLoss(), minibatches(train_iter, num_iter),
                               start_lr=RANGE_TEST["start_lr"], end_lr=RANGE_TEST["end_lr"], num_iter=num_iter)


def one_cycle(net, max_lr, train_iter, test_iter, num_epochs):
    """Train `net` with SGD under OneCycleLR(max_lr) stepped every minibatch; evaluate after every epoch.
    Returns one dict per epoch and the lr and momentum of every minibatch."""
    trainer = optim.SGD(net.parameters(), lr=max_lr, momentum=MOMENTUM)
    scheduler = lr_scheduler.OneCycleLR(trainer, max_lr=max_lr, total_steps=num_epochs * len(train_iter))
    loss = nn.CrossEntropyLoss()
    epochs, lrs, momenta, timer = [], [], [], Timer()
    for epoch in range(num_epochs):
        metric = Accumulator(3)   # loss total, correct predictions, examples
        timer.start()
        for X, y in train_iter:
            lrs.append(trainer.param_groups[0]["lr"])
            momenta.append(trainer.param_groups[0]["momentum"])
            trainer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            if not math.isfinite(l.item()):
                raise FloatingPointError(f"one-cycle: the loss became {l.item()} in epoch {epoch + 1} at lr "
                                         f"{lrs[-1]:.4g}; max_lr {max_lr:.4g} is too large")
            l.backward()
            trainer.step()
            scheduler.step()
            metric.add(l.item() * len(y), accuracy(y_hat, y), len(y))
        epochs.append({"epoch": epoch + 1, "train_loss": metric[0] / metric[2], "train_acc": metric[1] / metric[2],
                       "test_acc": evaluate_accuracy(net, test_iter), "seconds": timer.stop()})
    return epochs, lrs, momenta


def print_range_test(result):
    print(f"1. Learning-rate range test: LeNet, SGD with momentum {MOMENTUM}, lr from {result.lrs[0]:g} growing "
          f"x{(result.lrs[1] / result.lrs[0]):.4f} per minibatch, {len(result.lrs)} minibatches"
          + (" (stopped early: the smoothed loss passed 4x its minimum)" if result.diverged else ""))
    marks = np.unique(np.linspace(0, len(result.lrs) - 1, 9).round().astype(int))
    print(f"{'minibatch':>9} {'lr':>10} {'loss':>8} {'smoothed':>9}")
    for i in marks:
        print(f"{i + 1:>9} {result.lrs[i]:>10.4g} {result.losses[i]:>8.4f} {result.smoothed_losses[i]:>9.4f}")
    lowest = int(np.argmin(result.smoothed_losses))
    print(f"smoothed loss: {result.smoothed_losses[0]:.4f} at the start, lowest {result.smoothed_losses[lowest]:.4f} "
          f"at lr {result.min_loss_lr:.4g} (minibatch {lowest + 1}), {result.smoothed_losses[-1]:.4f} at the end")
    print(f"suggested lr (steepest fall of the smoothed loss against log lr; the choice for a constant lr): "
          f"{result.suggested_lr:.4g}; the lr of the lowest smoothed loss, one-cycle's peak below: "
          f"{result.min_loss_lr:.4g}")


def draw_range_test(result):
    axes = new_axes_grid(1, 1, figsize=(6, 3.6))[0]
    axes.plot(result.lrs, result.losses, color="0.75", linewidth=0.8, label="loss of each minibatch")
    axes.plot(result.lrs, result.smoothed_losses, "b-", label="smoothed loss")
    axes.axvline(result.suggested_lr, color="g", linestyle="--", label=f"suggested lr {result.suggested_lr:.3g}")
    axes.axvline(result.min_loss_lr, color="r", linestyle=":",
                 label=f"lowest smoothed loss, lr {result.min_loss_lr:.3g}")
    top = min(max(result.losses), 2 * result.smoothed_losses[0])
    set_axes(axes, "learning rate", "training loss", xscale="log", ylim=[0, top])
    axes.legend(fontsize=7)
    common.save_figure(axes, "lr_range_test", "Learning-rate range test, LeNet on Fashion-MNIST")


def print_one_cycle(epochs, max_lr, batch_size, train_images):
    num_epochs = len(epochs)
    constant = BOOK["constant"]
    print()
    print(f"2. One-cycle: OneCycleLR(max_lr={max_lr:.4g}, the lr of the lowest smoothed loss), {num_epochs} epoch(s) "
          f"of SGD with momentum cycled 0.95 -> 0.85 -> 0.95, batch {batch_size}, "
          f"{train_images} training images")
    print(f"{'epoch':>5} {'train loss':>10} {'train acc':>9} {'test acc':>8} {'seconds':>8}")
    for e in epochs:
        print(f"{e['epoch']:>5} {e['train_loss']:>10.4f} {e['train_acc']:>9.3f} {e['test_acc']:>8.3f} "
              f"{e['seconds']:>8.1f}")
    reached = next((e["epoch"] for e in epochs if e["test_acc"] >= TARGET), None)
    target = (f"11.11's constant lr 0.3 after {BOOK_EPOCHS} epochs: test acc {TARGET:.3f}, the median of the book's "
              f"{BOOK_BUILDS} builds (its seed build {constant['seed'][2]:.3f}, range {constant['test'][0]:.3f}-"
              f"{constant['test'][1]:.3f})")
    print(f"target, {target}")
    final = epochs[-1]["test_acc"]
    if reached is not None:
        print(f"one-cycle reached it after {reached} epoch(s), {reached / BOOK_EPOCHS:.0%} of the {BOOK_EPOCHS}, and "
              f"ended at test acc {final:.3f} after {num_epochs}")
    else:
        print(f"one-cycle did not reach it in {num_epochs} epoch(s): test acc {final:.3f} at the end "
              f"({TARGET - final:.3f} short)")


def draw_one_cycle(epochs, lrs, momenta, batches_per_epoch):
    left, right = new_axes_grid(1, 2, figsize=(10, 3.6))
    steps = np.arange(len(lrs)) / batches_per_epoch
    left.plot(steps, lrs, "b-", label="lr")
    set_axes(left, "epoch", "learning rate", xlim=[0, steps[-1] + 1 / batches_per_epoch])
    twin = left.twinx()
    twin.plot(steps, momenta, "r--", label="momentum")
    twin.set_ylabel("momentum")
    handles = left.get_lines() + twin.get_lines()
    left.legend(handles, [h.get_label() for h in handles], fontsize=7, loc="center right")
    right.plot([e["epoch"] for e in epochs], [e["test_acc"] for e in epochs], "go-", label="one-cycle, test acc")
    right.plot([e["epoch"] for e in epochs], [e["train_acc"] for e in epochs], "b.--", label="one-cycle, train acc")
    right.axhline(TARGET, color="k", linestyle=":", label=f"constant lr 0.3 after {BOOK_EPOCHS} epochs (book)")
    set_axes(right, "epoch", "accuracy", xlim=[0.5, len(epochs) + 0.5])
    right.legend(fontsize=7, loc="lower right")
    common.save_figure(left.figure, "one_cycle", "One-cycle training of LeNet, peak lr from the range test")


def main(argv=None):
    settings = common.start(__file__, argv)
    quick = settings.quick
    batch_size = QUICK["batch_size"] if quick else BATCH_SIZE
    num_iter = QUICK["num_iter"] if quick else RANGE_TEST["num_iter"]
    num_epochs = 1 if quick else ONE_CYCLE_EPOCHS
    n_train, n_test = (QUICK["train_images"], QUICK["test_images"]) if quick else (None, None)
    train_x, train_y, test_x, test_y = fashion_mnist_arrays()
    mg.manual_seed(SEED)
    train_iter = DataLoader((train_x[:n_train], train_y[:n_train]), batch_size, shuffle=True)
    test_iter = DataLoader((test_x[:n_test], test_y[:n_test]), 1000)
    net = lenet()

    result = range_test(net, train_iter, num_iter)
    print_range_test(result)
    draw_range_test(result)

    epochs, lrs, momenta = one_cycle(net, result.min_loss_lr, train_iter, test_iter, num_epochs)
    print_one_cycle(epochs, result.min_loss_lr, batch_size, len(train_iter.dataset))
    draw_one_cycle(epochs, lrs, momenta, len(train_iter))
    return result, epochs


if __name__ == "__main__":
    main()
