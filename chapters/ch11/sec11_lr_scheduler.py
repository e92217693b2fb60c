"""11.11 Learning Rate Scheduling

The modern LeNet (ReLU, max-pooling, PyTorch's default initialization) on Fashion-MNIST, batch 256, 30 epochs of
plain SGD, under the book's schedules: a constant lr 0.3; the lr set by hand; a square-root decay; a factor schedule
(plotted only, as in the book); PyTorch's MultiStepLR; a cosine schedule; and the cosine schedule with warmup. Each
training run prints the book's closing line and draws the book's three curves; the section ends with a table of our
runs beside the numbers the book's own builds printed, and the orderings the book's text draws conclusions from.

The book's code decides what its runs actually trained with, and this script runs that code as the book wrote it:
a function scheduler is applied after each epoch with that epoch's index, so it reaches the network one epoch late;
the MultiStepLR object is stepped 30 times while being plotted, so it trains at a constant 0.125; the warmup run
starts with a full epoch at 0.3 and then an epoch at lr 0. After each run one line says what actually happened.

The book's `train` is below as the book defines it; what this section adds around it (checkpoints, resume, the
progress line, the record of every epoch) is a ``minigrad.train.TrainingRun``. Every run saves a checkpoint after
each epoch in ``<out>/sec11_lr_scheduler/checkpoints/<quick|full>/<run>-<settings digest>.npz``, so runs of other
settings never share a file. ``--resume`` (or ``RESUME=1``) continues every run from its last finished epoch and
ends with the same numbers as an uninterrupted run; finished runs are not retrained. ``--jobs 2`` (or ``JOBS=2``)
trains the five runs in two worker processes first and then prints everything in the book's order. Training always
uses one BLAS thread per process, which is what makes ``--jobs 2`` print exactly what ``--jobs 1`` prints; minigrad's
own threads (``--threads``, see ``minigrad.threads``) change no bit either.
"""
if __name__ == "__main__":  # before numpy loads: one BLAS thread (see minigrad.train.workers)
    import os
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import minigrad as mg
from chapters.ch11 import common
from minigrad import nn, optim
from minigrad.data import DataLoader, fashion_mnist_arrays, load_fashion_mnist
from minigrad.optim import lr_scheduler
from minigrad.plot import plot
from minigrad.train import Accumulator, TrainingRun, accuracy, checkpoint_name, evaluate_accuracy
from minigrad.train.workers import parse_worker, run_in_workers

DATA_SETS = ("fashion-mnist",)

NUM_EPOCHS = 30          # the book's num_epochs: every run trains this long, every schedule is plotted this long
QUICK_EPOCHS = 2         # quick mode: a smoke test of every cell on a few hundred images
QUICK_IMAGES = (128, 128)  # (training, test) images in quick mode
LOG_EVERY = 50           # the book adds a point to the train curves every 50 minibatches
# Each run draws its initial weights and its shuffling from its own seed, so that any run can be repeated (or
# resumed) on its own. The seeds were fixed before the first full run and never changed.
SEEDS = {"constant": 1, "sqrt": 2, "multistep": 3, "cosine": 4, "warmup": 5}

# ---- What the book printed -----------------------------------------------------------------------------------------
# The PyTorch notebook of this section, as executed by d2l's build system: 50 distinct executed builds (2020-09-18
# to 2023-08-18) in d2l-ai's published notebook repositories d2l-pytorch-colab, d2l-pytorch-sagemaker (and their
# -classic and -studio-lab variants), d2l-zh-pytorch-colab and d2l-zh-pytorch-sagemaker, every one with the same
# code. "seed" is the build this project started from (d2l-zh, 2023-08-18). Ranges are (min, max) over the builds;
# "best" counts the builds in which the run had the highest test accuracy (ties to the first); "gap" is the median
# of train acc - test acc.
BOOK_BUILDS = 50
BOOK = {
    "constant":  {"seed": (0.128, 0.951, 0.885), "loss": (0.128, 0.284), "train": (0.895, 0.951),
                  "test": (0.842, 0.901), "median_test": 0.884, "best": 2, "gap": 0.052},
    "sqrt":      {"seed": (0.270, 0.901, 0.876), "loss": (0.262, 0.290), "train": (0.893, 0.904),
                  "test": (0.861, 0.887), "median_test": 0.880, "best": 0, "gap": 0.020},
    "multistep": {"seed": (0.191, 0.928, 0.889), "loss": (0.179, 0.210), "train": (0.920, 0.933),
                  "test": (0.860, 0.904), "median_test": 0.889, "best": 5, "gap": 0.041},
    "cosine":    {"seed": (0.207, 0.923, 0.892), "loss": (0.149, 0.263), "train": (0.901, 0.945),
                  "test": (0.878, 0.912), "median_test": 0.899, "best": 27, "gap": 0.031},
    "warmup":    {"seed": (0.261, 0.904, 0.878), "loss": (0.173, 0.280), "train": (0.896, 0.937),
                  "test": (0.877, 0.907), "median_test": 0.899, "best": 16, "gap": 0.029},
}
RUN_TITLES = {"constant": "constant lr 0.3", "sqrt": "SquareRootScheduler(lr=0.1)",
              "multistep": "MultiStepLR([15, 30], 0.5), lr 0.5", "cosine": "CosineScheduler(20, 0.3, 0.01)",
              "warmup": "CosineScheduler + 5 warmup"}


# ---- 11.11.1 A toy problem: the modern LeNet and the book's training loop -----------------------------------------
def net_fn():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


# The book's loop, "almost identical to d2l.train_ch6". `run` stands where the book has `device` and its Animator:
# it yields the epochs still to train (after a checkpoint), shows progress, records the curves and each finished
# epoch, and saves the checkpoint.
def train(net, train_iter, test_iter, num_epochs, loss, trainer, scheduler=None, run=None, log_every=LOG_EVERY):
    run = TrainingRun() if run is None else run
    animator = run.animator(xlabel='epoch', xlim=[0, num_epochs], legend=['train loss', 'train acc', 'test acc'])
    for epoch in run.epochs(num_epochs, net, trainer, scheduler):
        metric = Accumulator(3)  # train_loss, train_acc, num_examples
        for i, (X, y) in enumerate(run.progress(train_iter)):
            net.train()
            trainer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)  # noqa: E741  (the book's name)
            l.backward()
            trainer.step()
            metric.add(float(l) * X.shape[0], accuracy(y_hat, y), X.shape[0])
            train_loss = metric[0] / metric[2]
            train_acc = metric[1] / metric[2]
            if (i + 1) % log_every == 0:
                animator.add(epoch + i / len(train_iter), (train_loss, train_acc, None))
        test_acc = evaluate_accuracy(net, test_iter)
        animator.add(epoch + 1, (None, None, test_acc))
        if scheduler:
            if scheduler.__module__ == lr_scheduler.__name__:
                scheduler.step()
            else:
                for param_group in trainer.param_groups:
                    param_group['lr'] = scheduler(epoch)
        run.end_epoch(train_loss, train_acc, test_acc)
    train_loss, train_acc, test_acc = run.final  # also when a resumed run had nothing left to train
    print(f'train loss {train_loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}')


# ---- 11.11.2 Schedulers, and 11.11.3 Policies: the book's scheduler classes --------------------------------------
class SquareRootScheduler:
    """lr = lr0 (t + 1)^(-1/2)."""

    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * pow(num_update + 1.0, -0.5)


class FactorScheduler:
    """Multiplicative decay with a floor: every call sets lr <- max(stop_factor_lr, lr * factor) and returns it
    (so the first call already returns base_lr * factor)."""

    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr

    def __call__(self, num_update):
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr


class CosineScheduler:
    """Linear warmup from warmup_begin_lr to base_lr over warmup_steps, then half a cosine from base_lr down to
    final_lr at max_update; later calls return the last value computed."""

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch):
        increase = (self.base_lr_orig - self.warmup_begin_lr) * float(epoch) / float(self.warmup_steps)
        return self.warmup_begin_lr + increase

    def __call__(self, epoch):
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * (
                1 + math.cos(math.pi * (epoch - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr


# ---- What actually ran ---------------------------------------------------------------------------------------------
def epoch_lrs(history):
    return [e["lr"] for e in history.epochs]


def compress(values, keep=4):
    """'0.3 (epochs 1-2), 0.2985 (3), ...': consecutive equal lrs merged, at most `keep` pieces then the last."""
    pieces, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            epochs = f"{start + 1}" if i - start == 1 else f"{start + 1}-{i}"
            pieces.append(f"{values[start]:.4g} ({epochs})")
            start = i
    if len(pieces) > keep + 1:
        pieces = pieces[:keep] + ["..."] + pieces[-1:]
    return ", ".join(pieces)


def what_ran(key, lrs, planned):
    """One line: what the book's code made this run train with (per epoch, 1-based), against what was plotted."""
    used = "lr per epoch " + compress(lrs)
    if key == "constant":
        return f"what ran: {used}."
    if key == "multistep":
        return (f"what ran: plotting stepped the scheduler {len(planned)} times (milestones 15 and 30 passed), so "
                f"training starts at {lrs[0]:.4g} and its later steps pass no milestone: {used}; the plot shows "
                f"{compress(planned, keep=2)}.")
    late = "one epoch late (epoch k trains with the value plotted for epoch k-1)"
    if key == "warmup":
        zero = [i + 1 for i, lr in enumerate(lrs) if lr == 0]
        at_zero = f", epoch {zero[0]} at lr 0 (no update at all)" if zero else ""
        return (f"what ran: the warmup reaches the net {late}: epoch 1 at the optimizer's {lrs[0]:.4g} before any "
                f"warmup{at_zero}; {used}; the plot shows {compress(planned, keep=3)}.")
    return (f"what ran: the schedule reaches the net {late}, epoch 1 at the optimizer's {lrs[0]:.4g}; {used}; "
            f"the plot shows {compress(planned, keep=3)}.")


def collapse_epoch(history, chance_acc=0.2):
    """The epoch (1-based) from which a run stayed at chance to its end (the ReLUs died: every image gets the same
    scores, the loss sits at ln 10 = 2.303), or None if it did not collapse."""
    epoch = None
    for summary in reversed(history.epochs):
        if summary["train_acc"] >= chance_acc:
            break
        epoch = summary["epoch"]
    return epoch


def final_table(histories, quick):
    """Our five runs beside the book's printed numbers; then the orderings the book's text relies on."""
    head = (f"{'run':<36} {'ours: loss  train   test':>24}   {'book seed build':>19}   "
            f"{'book test acc, ' + str(BOOK_BUILDS) + ' builds':>30}   inside")
    lines = [head, "-" * len(head)]
    for key, history in histories.items():
        last, book = history.epochs[-1], BOOK[key]
        ours = f"{last['train_loss']:.3f}  {last['train_acc']:.3f}  {last['test_acc']:.3f}"
        seed = "  ".join(f"{v:.3f}" for v in book["seed"])
        low, high = book["test"]
        spread = f"{low:.3f}-{high:.3f} (median {book['median_test']:.3f})"
        inside = "n/a" if quick else ("yes" if low <= round(last["test_acc"], 3) <= high else "NO")
        lines.append(f"{RUN_TITLES[key]:<36} {ours:>24}   {seed:>19}   {spread:>30}   {inside}")
    order = sorted(histories, key=lambda k: -histories[k].epochs[-1]["test_acc"])
    lines.append("test acc, best first, ours: " + ", ".join(
        f"{k} {histories[k].epochs[-1]['test_acc']:.3f}" for k in order)
        + "; best in the book's builds: " + ", ".join(f"{k} {BOOK[k]['best']}/{BOOK_BUILDS}" for k in
                                                        sorted(BOOK, key=lambda k: -BOOK[k]["best"])))
    gaps = {k: h.epochs[-1]["train_acc"] - h.epochs[-1]["test_acc"] for k, h in histories.items()}
    lines.append("train acc - test acc (overfitting), ours: " + ", ".join(f"{k} {gaps[k]:.3f}" for k in gaps)
                 + "; book medians: " + ", ".join(f"{k} {BOOK[k]['gap']:.3f}" for k in gaps))
    collapsed = {k: collapse_epoch(h) for k, h in histories.items()}
    if not quick and any(collapsed.values()):
        lines.append("collapsed to chance: " + ", ".join(f"{k} from epoch {e}" for k, e in collapsed.items() if e)
                     + f"; the book's {BOOK_BUILDS} builds never did. LeNet at lr 0.3-0.5 dies on some minibatch "
                     "orders, in PyTorch too: benchmarks/lr_collapse.py counts it for both engines.")
    if quick:
        lines.append(f"(quick mode: {QUICK_EPOCHS} epochs on {QUICK_IMAGES[0]} images; the book's numbers are "
                     f"for {NUM_EPOCHS} epochs on 60,000, so nothing here is comparable)")
    return "\n".join(lines)


# ---- The section, cell by cell -------------------------------------------------------------------------------------
def parse_extra(argv):
    """--resume / RESUME=1, --jobs N / JOBS=N, the hidden --worker I/N and --checkpoint-dir of the worker processes,
    and the remaining arguments for common.start (--out, --quick)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--resume", action="store_true", default=common.env_flag("RESUME"))
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 1))
    parser.add_argument("--worker", type=parse_worker, default=None)
    parser.add_argument("--checkpoint-dir", type=Path, default=None)
    args, rest = parser.parse_known_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    return args, rest


def load_data(batch_size, quick):
    if not quick:
        return load_fashion_mnist(batch_size=batch_size)
    train_x, train_y, test_x, test_y = fashion_mnist_arrays()
    n_train, n_test = QUICK_IMAGES
    return (DataLoader((train_x[:n_train], train_y[:n_train]), batch_size, shuffle=True),
            DataLoader((test_x[:n_test], test_y[:n_test]), batch_size))


class Runs:
    """The section's five training runs: each is trained (or resumed), reported and drawn by `train_and_report`.
    In a worker process (--worker I/N) only every N-th run from the I-th is trained, and nothing is reported."""

    def __init__(self, settings, args, num_epochs, data, loss):
        self.num_epochs, self.loss, self.resume, self.worker = num_epochs, loss, args.resume, args.worker
        self.train_iter, self.test_iter = data
        mode = "quick" if settings.quick else "full"
        self.checkpoints = (args.checkpoint_dir or settings.out_dir / "checkpoints") / mode
        self.histories = {}

    def train_and_report(self, key, net, trainer, scheduler=None, planned=None):
        if self.worker is not None and list(SEEDS).index(key) % self.worker[1] != self.worker[0]:
            return
        config = {"run": key, "seed": SEEDS[key], "num_epochs": self.num_epochs, "batch_size": 256,
                  "train_images": len(self.train_iter.dataset), "test_images": len(self.test_iter.dataset),
                  "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}  # the last bits depend on it
        run = TrainingRun(key, self.checkpoints / checkpoint_name(key, config), config, resume=self.resume)
        started = time.perf_counter()
        train(net, self.train_iter, self.test_iter, self.num_epochs, self.loss, trainer, scheduler, run,
              log_every=min(LOG_EVERY, len(self.train_iter)))
        if self.worker is not None:
            return
        history = self.histories[key] = run.history
        print(f"({self.num_epochs} epochs, {sum(e['seconds'] for e in history.epochs):.0f} s of training and "
              f"evaluation; {time.perf_counter() - started:.0f} s in this process)")
        curves = [history.points[name] for name in history.legend]
        axes = plot([[x for x, _ in c] for c in curves], [[y for _, y in c] for c in curves], xlabel="epoch",
                    xlim=[0, self.num_epochs], legend=history.legend)
        common.save_figure(axes, f"curves_{key}", f"11.11 {RUN_TITLES[key]}")
        print(what_ran(key, epoch_lrs(history), planned))


def get_lr(trainer, scheduler):
    """The book's helper for plotting a scheduler object: read the lr, then step optimizer and scheduler."""
    lr = scheduler.get_last_lr()[0]
    trainer.step()  # no gradients yet: the parameters do not move
    scheduler.step()
    return lr


def toy_problem(runs):
    """11.11.1: a constant learning rate of 0.3 for 30 epochs, the baseline; returns its optimizer."""
    lr = 0.3
    mg.manual_seed(SEEDS["constant"])  # each run's own seed (see SEEDS)
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=lr)
    runs.train_and_report("constant", net, trainer)
    return trainer


def schedulers(runs, trainer):
    """11.11.2: the lr set by hand on the optimizer of the run just finished, then a square-root decay, plotted
    over the 30 epochs and trained from lr 0.1."""
    lr = 0.1
    trainer.param_groups[0]["lr"] = lr
    print(f'learning rate is now {trainer.param_groups[0]["lr"]:.2f}')
    print("what ran: nothing is trained at this lr; the next run's SGD starts from lr = 0.1 because of it.")

    scheduler = SquareRootScheduler(lr=0.1)
    planned = [scheduler(t) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_sqrt", "SquareRootScheduler(lr=0.1)")
    mg.manual_seed(SEEDS["sqrt"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr)
    runs.train_and_report("sqrt", net, trainer, scheduler, planned)


def factor_and_multi_factor(runs):
    """11.11.3.1 the factor scheduler, lr <- max(lr_min, lr * alpha), plotted over 50 updates (the book never trains
    it); 11.11.3.2 PyTorch's MultiStepLR, halving at epochs 15 and 30, from lr 0.5."""
    scheduler = FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
    factors = [scheduler(t) for t in range(50)]
    axes = plot(mg.arange(50), factors, xlabel="update", ylabel="lr")
    common.save_figure(axes, "schedule_factor", "FactorScheduler(0.9, stop 1e-2, base 2.0)")
    floor = next((t for t, v in enumerate(factors) if v == 1e-2), None)
    print(f"what ran: plotted only; each call multiplies before returning, so the curve starts at {factors[0]:.4g}, "
          f"not 2.0, and " + (f"reaches its floor 0.01 at update {floor}." if floor is not None else
                              f"after 50 updates is at {factors[-1]:.4g}, still above its floor 0.01."))

    mg.manual_seed(SEEDS["multistep"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=0.5)
    scheduler = lr_scheduler.MultiStepLR(trainer, milestones=[15, 30], gamma=0.5)
    planned = [get_lr(trainer, scheduler) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_multistep", "MultiStepLR(milestones=[15, 30], gamma=0.5)")
    runs.train_and_report("multistep", net, trainer, scheduler, planned)


def cosine_and_warmup(runs):
    """11.11.3.3 the cosine scheduler, from 0.3 down to 0.01 over 20 epochs, then flat; 11.11.3.4 the same after 5
    epochs of linear warmup."""
    scheduler = CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)
    planned = [scheduler(t) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_cosine", "CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)")
    mg.manual_seed(SEEDS["cosine"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=0.3)
    runs.train_and_report("cosine", net, trainer, scheduler, planned)

    scheduler = CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)
    planned = [scheduler(t) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_warmup", "CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)")
    mg.manual_seed(SEEDS["warmup"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=0.3)
    runs.train_and_report("warmup", net, trainer, scheduler, planned)


def conclusions(histories, quick):
    """What the runs say about the book's claims, and the closing table."""
    early = {k: [e["test_acc"] for e in histories[k].epochs[:6]] for k in ("cosine", "warmup")}
    print("first epochs' test acc (the book: with warmup 'the network converges better initially'): "
          + "; ".join(f"{k} " + ", ".join(f"{a:.3f}" for a in accs) for k, accs in early.items()))
    print()
    print(final_table(histories, quick))


def main(argv=None):
    args, rest = parse_extra(sys.argv[1:] if argv is None else argv)
    if args.jobs > 1 and args.worker is None:  # train in workers first; below, every run resumes finished
        args.checkpoint_dir = common.parse_args(__file__, rest).out_dir / "checkpoints"
        with tempfile.TemporaryDirectory() as scratch:  # the workers' own figures and printed lines are not kept
            run_in_workers("chapters.ch11.sec11_lr_scheduler", [*rest, *(["--resume"] if args.resume else []),
                           "--checkpoint-dir", str(args.checkpoint_dir), "--out", scratch], args.jobs,
                           cwd=Path(__file__).resolve().parents[2])
        args.resume = True
    if args.worker is not None:  # each worker draws into a folder of its own
        rest = [*rest, "--out", str(common.parse_args(__file__, rest).out_dir.parent / f"worker{args.worker[0]}")]
    settings = common.start(__file__, rest)
    num_epochs = QUICK_EPOCHS if settings.quick else NUM_EPOCHS
    loss = nn.CrossEntropyLoss()
    batch_size = 256
    runs = Runs(settings, args, num_epochs, load_data(batch_size, settings.quick), loss)
    trainer = toy_problem(runs)
    schedulers(runs, trainer)
    factor_and_multi_factor(runs)
    cosine_and_warmup(runs)
    if args.worker is None:
        conclusions(runs.histories, settings.quick)
    return runs.histories


if __name__ == "__main__":
    main()
