"""Beyond the book: choosing the optimizer, every optimizer of minigrad.optim on the chapter's two problems

1. The airfoil regression of 11.5-11.10 (linear regression, minibatch 10, the book's initialization and loss
   (y_hat - y)^2 / 2) and LeNet on Fashion-MNIST, trained with each of SGD, SGD with momentum 0.9, Adagrad, RMSprop,
   Adadelta, Adam, AdamW, Yogi, NAdam, RAdam, Adamax, Rprop and ASGD. No optimizer gets a learning rate picked by
   hand: each runs at the best of a small sweep (its usual lr times 1/10 to 10 on the airfoil, 1/3 to 3 on LeNet),
   judged on the airfoil by the final full-data loss and on LeNet by the loss on held-out training images (never the
   test set). Every run of one problem starts from the same weights and sees the same minibatches. LBFGS, a
   full-batch method, runs on the whole airfoil data set with its strong-Wolfe line search, beside the exact
   least-squares optimum.
   One figure of loss against epoch, one table of final loss, test accuracy and time.

The notes' cyclic schedules on LeNet, beside 11.11's runs, are in ``beyond_warm_restarts.py``.
"""
if __name__ == "__main__":  # before numpy loads: one BLAS thread, so LeNet's numbers do not depend on the cores
    import os
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import math
import time

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from minigrad import nn, optim
from minigrad.data import DataLoader, fashion_mnist_arrays, get_data_ch11
from minigrad.nn.models import lenet
from minigrad.plot import new_axes_grid, set_axes
from minigrad.train import Accumulator, Timer, evaluate_accuracy

DATA_SETS = ("airfoil", "fashion-mnist")

SEED = 0
AIRFOIL_SWEEP = (1 / 10, 1 / 3, 1, 3, 10)   # each optimizer's usual lr times these (airfoil runs are cheap)
LENET_SWEEP = (1 / 3, 1, 3)
# name: (factory(params, lr), usual lr on the airfoil regression, usual lr on LeNet)
OPTIMIZERS = {
    "SGD": (lambda p, lr: optim.SGD(p, lr=lr), 0.03, 0.3),
    "SGD+momentum": (lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9), 0.01, 0.03),
    "Adagrad": (lambda p, lr: optim.Adagrad(p, lr=lr), 0.1, 0.03),
    "RMSprop": (lambda p, lr: optim.RMSprop(p, lr=lr), 0.01, 1e-3),
    "Adadelta": (lambda p, lr: optim.Adadelta(p, lr=lr), 1.0, 1.0),
    "Adam": (lambda p, lr: optim.Adam(p, lr=lr), 0.01, 1e-3),
    "AdamW": (lambda p, lr: optim.AdamW(p, lr=lr), 0.01, 1e-3),
    "Yogi": (lambda p, lr: optim.Yogi(p, lr=lr), 0.01, 1e-3),
    "NAdam": (lambda p, lr: optim.NAdam(p, lr=lr), 0.01, 1e-3),
    "RAdam": (lambda p, lr: optim.RAdam(p, lr=lr), 0.01, 1e-3),
    "Adamax": (lambda p, lr: optim.Adamax(p, lr=lr), 0.01, 3e-3),
    "Rprop": (lambda p, lr: optim.Rprop(p, lr=lr), 0.01, 1e-3),
    "ASGD": (lambda p, lr: optim.ASGD(p, lr=lr), 0.03, 0.3),
}
AIRFOIL_EPOCHS = 2                 # the book's from-scratch runs of 11.5-11.10 (quick: 1 on the first 400 rows)
QUICK_AIRFOIL_ROWS = 400
EVALUATE_EVERY = 200               # examples between two full-data airfoil losses, as the book
# LeNet (full mode): the sweep trains one epoch on SWEEP_IMAGES and validates on the last VALIDATION_IMAGES of the
# training set; the runs at the chosen lrs train LENET_EPOCHS epochs on the first LENET_IMAGES and are tested on the
# whole test set. Quick mode: a few batches of each.
SWEEP_IMAGES, VALIDATION_IMAGES, LENET_IMAGES, LENET_EPOCHS = 5120, 2000, 15360, 2
QUICK_IMAGES = {"sweep": 64, "validation": 64, "train": 192, "test": 128}
BATCH_SIZE = 256                   # quick: 64
PLATEAU = 0.02                     # a validation loss this close to ln 10 means the net has not started learning
QUICK_BATCH_SIZE = 64


# ---- 1a. The airfoil regression ------------------------------------------------------------------------------------
def airfoil_run(make_optimizer, lr, data_iter, num_epochs):
    """Linear regression as 11.5-11.10's concise runs (weight ~ N(0, 0.01^2), loss (y_hat - y)^2 / 2); returns the
    (epoch, full-data loss) points every 200 examples and the training seconds (evaluations excluded)."""
    mg.manual_seed(SEED)
    net = nn.Sequential(nn.Linear(5, 1))
    nn.init.normal_(net[0].weight, std=0.01)
    optimizer = make_optimizer(net.parameters(), lr)
    loss = nn.MSELoss()
    features, labels = (mg.Tensor(a) for a in data_iter.dataset.arrays)
    points, seen, timer = [], 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            (loss(net(X), y.reshape((-1, 1))) / 2).backward()
            optimizer.step()
            seen += len(y)
            if seen % EVALUATE_EVERY == 0:
                timer.stop()
                with mg.no_grad():
                    value = loss(net(features), labels.reshape((-1, 1))).item() / 2
                points.append((seen / len(labels), value if math.isfinite(value) else math.inf))
                timer.start()
    return points, timer.sum()


def lbfgs_airfoil(data_iter, steps):
    """LBFGS on the whole airfoil data set (one step = up to 20 iterations with the strong-Wolfe line search)."""
    mg.manual_seed(SEED)
    net = nn.Sequential(nn.Linear(5, 1))
    nn.init.normal_(net[0].weight, std=0.01)
    optimizer = optim.LBFGS(net.parameters(), lr=1, max_iter=20, line_search_fn="strong_wolfe")
    loss = nn.MSELoss()
    features, labels = (mg.Tensor(a) for a in data_iter.dataset.arrays)

    def closure():
        optimizer.zero_grad()
        value = loss(net(features), labels.reshape((-1, 1))) / 2
        value.backward()
        return value

    points, timer = [], Timer()
    for step in range(steps):
        optimizer.step(closure)
        timer.stop()
        with mg.no_grad():
            points.append((step + 1, loss(net(features), labels.reshape((-1, 1))).item() / 2))
        timer.start()
    return points, timer.sum()


def least_squares_loss(data_iter):
    """The smallest loss any linear model reaches on the airfoil data: numpy's least squares, in float64."""
    features, labels = (a.astype(np.float64) for a in data_iter.dataset.arrays)
    design = np.hstack([features, np.ones((len(features), 1))])
    coefficients = np.linalg.lstsq(design, labels, rcond=None)[0]
    return float(np.mean((design @ coefficients - labels) ** 2) / 2)


# ---- 1b. LeNet on Fashion-MNIST ------------------------------------------------------------------------------------
def lenet_run(make_optimizer, lr, train_iter, num_epochs, points_per_epoch=8, scheduler_fn=None):
    """LeNet from seed SEED trained for `num_epochs`; returns (epoch, mean train loss over the last stretch) points,
    the last epoch's mean train loss, the training seconds and the trained net (None if the loss became NaN/inf).
    `scheduler_fn(optimizer)`, if given, makes a scheduler that is stepped after every minibatch."""
    mg.manual_seed(SEED)
    net = lenet()
    optimizer = make_optimizer(net.parameters(), lr)
    scheduler = scheduler_fn(optimizer) if scheduler_fn else None
    loss = nn.CrossEntropyLoss()
    num_batches = len(train_iter)
    every = max(1, num_batches // points_per_epoch)
    points, lrs, timer = [], [], Timer()
    for epoch in range(num_epochs):
        window, epoch_loss = Accumulator(2), Accumulator(2)
        for i, (X, y) in enumerate(train_iter):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.zero_grad()
            l = loss(net(X), y)
            if not math.isfinite(l.item()):
                return points, math.inf, timer.stop(), None, lrs
            l.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            window.add(l.item() * len(y), len(y))
            epoch_loss.add(l.item() * len(y), len(y))
            if (i + 1) % every == 0 or i + 1 == num_batches:
                points.append((epoch + (i + 1) / num_batches, window[0] / window[1]))
                window.reset()
    return points, epoch_loss[0] / epoch_loss[1], timer.stop(), net, lrs


def validation_loss(net, X, y):
    if net is None:
        return math.inf
    with mg.no_grad():
        value = nn.CrossEntropyLoss()(net(X), y).item()
    return value if math.isfinite(value) else math.inf


def sweep(usual_lr, factors, score):
    """(best lr, {lr: score}) over usual_lr times `factors`; `score(lr)` is lower for better."""
    scores = {usual_lr * factor: score(usual_lr * factor) for factor in factors}
    return min(scores, key=scores.get), scores


def fmt_lr(lr):
    return f"{lr:.3g}"


def edge_mark(best, scores):
    """'*' when the best lr is the smallest or largest of its sweep (a wider sweep might find a better one)."""
    return "*" if best in (min(scores), max(scores)) else " "


# ---- The script ----------------------------------------------------------------------------------------------------
def compare_optimizers(quick):
    """Part 1: every optimizer on both problems; prints the table and draws the loss figure. Returns the rows."""
    airfoil_epochs = 1 if quick else AIRFOIL_EPOCHS
    mg.manual_seed(SEED)
    data_iter, _ = get_data_ch11(batch_size=10, n=QUICK_AIRFOIL_ROWS if quick else 1500)
    n = QUICK_IMAGES if quick else {"sweep": SWEEP_IMAGES, "validation": VALIDATION_IMAGES,
                                    "train": LENET_IMAGES, "test": None}
    train_x, train_y, test_x, test_y = fashion_mnist_arrays()
    batch_size = QUICK_BATCH_SIZE if quick else BATCH_SIZE
    sweep_iter = DataLoader((train_x[:n["sweep"]], train_y[:n["sweep"]]), batch_size, shuffle=True)
    val_x, val_y = mg.Tensor(train_x[-n["validation"]:]), mg.Tensor(train_y[-n["validation"]:])
    train_iter = DataLoader((train_x[:n["train"]], train_y[:n["train"]]), batch_size, shuffle=True)
    test_iter = DataLoader((test_x[:n["test"]], test_y[:n["test"]]), 1000)
    lenet_epochs = 1 if quick else LENET_EPOCHS

    print(f"Airfoil: linear regression, minibatch 10, {airfoil_epochs} epoch(s), lr swept over the usual lr x "
          f"{', '.join(f'{f:.3g}' for f in AIRFOIL_SWEEP)} by the final full-data loss.")
    print(f"LeNet (batch {batch_size}): lr swept over the usual lr x {', '.join(f'{f:.3g}' for f in LENET_SWEEP)} "
          f"by the loss on {len(val_y)} held-out training images after 1 epoch on "
          f"{len(sweep_iter.dataset)} images; then {lenet_epochs} epoch(s) on {len(train_iter.dataset)} images, "
          f"tested on {len(test_iter.dataset)} test images. Every run starts from the same weights (seed {SEED}).")
    rows = {}
    for name, (make, airfoil_lr, lenet_lr) in OPTIMIZERS.items():
        def airfoil_score(lr):
            return airfoil_run(make, lr, data_iter, airfoil_epochs)[0][-1][1]

        def lenet_score(lr):
            return validation_loss(lenet_run(make, lr, sweep_iter, 1)[3], val_x, val_y)

        a_lr, a_scores = sweep(airfoil_lr, AIRFOIL_SWEEP, airfoil_score)
        a_points, a_seconds = airfoil_run(make, a_lr, data_iter, airfoil_epochs)
        l_lr, l_scores = sweep(lenet_lr, LENET_SWEEP, lenet_score)
        l_points, l_loss, l_seconds, net, _ = lenet_run(make, l_lr, train_iter, lenet_epochs)
        test_acc = evaluate_accuracy(net, test_iter) if net is not None else math.nan
        rows[name] = {"airfoil_lr": a_lr, "airfoil_edge": edge_mark(a_lr, a_scores), "airfoil_loss": a_points[-1][1],
                      "airfoil_seconds": a_seconds, "airfoil_points": a_points,
                      "lenet_lr": l_lr, "lenet_edge": edge_mark(l_lr, l_scores), "lenet_sweep": l_scores,
                      "lenet_loss": l_loss,
                      "test_acc": test_acc, "lenet_seconds": l_seconds, "lenet_points": l_points}
    lbfgs_points, lbfgs_seconds = lbfgs_airfoil(data_iter, 2 if quick else 5)
    optimum = least_squares_loss(data_iter)
    print_table(rows, lbfgs_points, lbfgs_seconds, optimum, len(data_iter.dataset))
    draw_losses(rows, lbfgs_points)
    return rows, {"points": lbfgs_points, "optimum": optimum}


def print_table(rows, lbfgs_points, lbfgs_seconds, optimum, airfoil_rows):
    head = (f"{'optimizer':<14} {'airfoil lr':>10} {'final loss':>10} {'time s':>7}   "
            f"{'LeNet lr':>9} {'train loss':>10} {'test acc':>8} {'time s':>7}")
    print(head)
    print("-" * len(head))
    for name, r in rows.items():
        print(f"{name:<14} {fmt_lr(r['airfoil_lr']):>9}{r['airfoil_edge']} {r['airfoil_loss']:>10.4f} "
              f"{r['airfoil_seconds']:>7.2f}   {fmt_lr(r['lenet_lr']):>8}{r['lenet_edge']} {r['lenet_loss']:>10.4f} "
              f"{r['test_acc']:>8.3f} {r['lenet_seconds']:>7.1f}")
    print(f"{'LBFGS':<14} {'1 (full)':>10} {lbfgs_points[-1][1]:>10.4f} {lbfgs_seconds:>7.2f}   "
          f"{'(full-batch method: airfoil only)':>38}")
    print(f"(* the best lr is at the edge of its sweep. LBFGS: {len(lbfgs_points)} steps of up to 20 iterations with "
          f"the strong-Wolfe line search on the {airfoil_rows} rows; least-squares optimum of the airfoil loss, by "
          f"numpy in float64: {optimum:.4f})")
    airfoil = sorted(rows, key=lambda k: rows[k]["airfoil_loss"])
    lenet_best = sorted(rows, key=lambda k: -np.nan_to_num(rows[k]["test_acc"], nan=-1))
    print("airfoil, lowest final loss first: " + ", ".join(f"{k} {rows[k]['airfoil_loss']:.4f}" for k in airfoil[:5])
          + f"; highest: {airfoil[-1]} {rows[airfoil[-1]]['airfoil_loss']:.4f}")
    print("LeNet, highest test acc first: " + ", ".join(f"{k} {rows[k]['test_acc']:.3f}" for k in lenet_best[:5])
          + f"; lowest: {lenet_best[-1]} {rows[lenet_best[-1]]['test_acc']:.3f}")
    stuck = [k for k in rows if all(abs(v - math.log(10)) < PLATEAU for v in rows[k]["lenet_sweep"].values())]
    if stuck:
        print(f"LeNet sweep: at every lr tried, {', '.join(stuck)} stayed within {PLATEAU} of the untrained loss "
              f"ln 10 = {math.log(10):.3f} (LeNet's initial plateau), so the sweep could not tell their lrs apart")


def draw_losses(rows, lbfgs_points):
    left, right = new_axes_grid(1, 2, figsize=(11, 4))
    styles = ["-", "--", "-.", ":"]
    for k, (name, r) in enumerate(rows.items()):
        style = styles[k % len(styles)]
        left.plot(*zip(*r["airfoil_points"]), style, label=f"{name} ({fmt_lr(r['airfoil_lr'])})")
        if r["lenet_points"]:
            right.plot(*zip(*r["lenet_points"]), style, label=f"{name} ({fmt_lr(r['lenet_lr'])})")
    # An LBFGS step is up to 20 full-batch iterations, not an epoch: its result is drawn as a level, not a curve.
    left.axhline(lbfgs_points[-1][1], color="k", linestyle=":", label=f"LBFGS, full batch, after {len(lbfgs_points)} "
                                                                    f"steps")
    set_axes(left, "epoch", "airfoil loss (full data)", yscale="log")
    set_axes(right, "epoch", "LeNet train loss", yscale="log")
    left.legend(fontsize=6, ncol=2)
    right.legend(fontsize=6, ncol=2)
    common.save_figure(left.figure, "optimizers_loss", "Every minigrad.optim optimizer at its swept lr: airfoil "
                                                       "regression (left) and LeNet on Fashion-MNIST (right)")


def main(argv=None):
    settings = common.start(__file__, argv)
    started = time.perf_counter()
    rows, lbfgs = compare_optimizers(settings.quick)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return rows, lbfgs


if __name__ == "__main__":
    main()
