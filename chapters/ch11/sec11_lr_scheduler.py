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

Every run saves a checkpoint after each epoch (model, optimizer, scheduler, the shuffling generator, the curves) in
``<out>/sec11_lr_scheduler/checkpoints/``. After an interruption, ``--resume`` (or ``RESUME=1``) continues every run
from its last finished epoch and ends with the same numbers as an uninterrupted run; finished runs are not retrained.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import math
import os
import sys
import time

import minigrad as mg
from chapters.ch11 import common
from minigrad import nn, optim
from minigrad.data import DataLoader, fashion_mnist_arrays, load_fashion_mnist
from minigrad.optim import lr_scheduler
from minigrad.plot import plot
from minigrad.train import Accumulator, accuracy, evaluate_accuracy

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


def apply_scheduler(trainer, scheduler, epoch):
    """The book's rule, run after each epoch: a scheduler object from lr_scheduler is stepped; any other scheduler
    is a function of the epoch just finished whose value becomes every group's lr for the next epoch."""
    if scheduler is None:
        return
    if type(scheduler).__module__ == lr_scheduler.__name__:
        scheduler.step()
    else:
        for param_group in trainer.param_groups:
            param_group["lr"] = scheduler(epoch)


def train(net, train_iter, test_iter, num_epochs, loss, trainer, scheduler=None, *, checkpoint=None, config=None,
          resume=False, label="train", log_every=LOG_EVERY):
    """The book's 11.11 loop (d2l's train_ch6 plus a scheduler), returning the run's history.

    history: "train_points" (epoch as a fraction, train loss and train acc so far in that epoch; every `log_every`
    minibatches), "test_points" (epoch, test acc) and "epochs" (one dict per epoch: the lr it trained with, its
    closing train loss / train acc / test acc, seconds). With `checkpoint` (a path) the whole state is saved after
    every epoch; with `resume` a checkpoint made with the same `config` is loaded first and training continues
    from the epoch after it.
    """
    history = {"train_points": [], "test_points": [], "epochs": []}
    first_epoch = 0
    if checkpoint is not None and resume:
        restored = restore_checkpoint(checkpoint, config, net, trainer, scheduler)
        if restored is not None:
            first_epoch, history = restored
    num_batches = len(train_iter)
    progress = Progress(label, num_epochs, num_batches, first_epoch)
    for epoch in range(first_epoch, num_epochs):
        lr = trainer.param_groups[0]["lr"]
        metric = Accumulator(3)  # train loss total, correct predictions, examples
        started = time.perf_counter()
        for i, (X, y) in enumerate(train_iter):
            net.train()
            trainer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            if not math.isfinite(l.item()):
                progress.clear()
                raise FloatingPointError(f"{label}: the loss became {l.item()} in epoch {epoch + 1}, minibatch "
                                         f"{i + 1}, at lr {lr}; stopping instead of training on garbage")
            l.backward()
            trainer.step()
            metric.add(l.item() * len(y), accuracy(y_hat, y), len(y))
            train_loss, train_acc = metric[0] / metric[2], metric[1] / metric[2]
            if (i + 1) % log_every == 0:
                history["train_points"].append((epoch + i / num_batches, train_loss, train_acc))
            progress.update(epoch, i + 1, len(y))
        test_acc = evaluate_accuracy(net, test_iter)
        history["test_points"].append((epoch + 1, test_acc))
        history["epochs"].append({"epoch": epoch + 1, "lr": lr, "train_loss": train_loss, "train_acc": train_acc,
                                  "test_acc": test_acc, "seconds": time.perf_counter() - started})
        apply_scheduler(trainer, scheduler, epoch)
        if checkpoint is not None:
            save_checkpoint(checkpoint, config, epoch + 1, net, trainer, scheduler, history)
    progress.clear()
    last = history["epochs"][-1]
    print(f"train loss {last['train_loss']:.3f}, train acc {last['train_acc']:.3f}, test acc {last['test_acc']:.3f}")
    return history


class Progress:
    """One self-overwriting status line on stderr when it is a terminal: run, epoch, minibatch, images/s and the
    time left in the run. Silent when stderr is a file or a pipe (as under run_all), so reports stay clean."""

    def __init__(self, label, num_epochs, num_batches, first_epoch, stream=None, every=0.5):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label, self.num_epochs, self.num_batches, self.every = label, num_epochs, num_batches, every
        self.started = self.last_shown = time.perf_counter()
        self.first_batch = first_epoch * num_batches
        self.images = 0
        self.width = 0

    def update(self, epoch, batch, images):
        self.images += images
        now = time.perf_counter()
        if not self.enabled or now - self.last_shown < self.every:
            return
        self.last_shown = now
        elapsed = now - self.started
        done = epoch * self.num_batches + batch - self.first_batch  # minibatches trained in this process
        left = (self.num_epochs - epoch) * self.num_batches - batch
        self._write(f"{self.label}: epoch {epoch + 1}/{self.num_epochs}, batch {batch}/{self.num_batches}, "
                    f"{self.images / elapsed:,.0f} images/s, {format_seconds(elapsed / done * left)} left")

    def clear(self):
        if self.enabled and self.width:
            self._write("")

    def _write(self, text):
        self.stream.write("\r" + text.ljust(self.width) + ("\r" if not text else ""))
        self.stream.flush()
        self.width = len(text)


def format_seconds(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


# ---- Checkpoints: everything a run needs to continue exactly where it stopped ------------------------------------
def scheduler_state(scheduler):
    if scheduler is None:
        return None
    if hasattr(scheduler, "state_dict"):
        return scheduler.state_dict()
    return dict(vars(scheduler))  # the book's schedulers are plain objects whose attributes are numbers


def save_checkpoint(path, config, epochs_done, net, trainer, scheduler, history):
    """Write the run's whole state after `epochs_done` epochs, atomically (a crash leaves the previous file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mg.save({"config": config, "epochs_done": epochs_done, "model": net.state_dict(), "optimizer": trainer.state_dict(),
          "scheduler": scheduler_state(scheduler), "rng": mg.get_generator().bit_generator.state,
          "history": history}, path)


def restore_checkpoint(path, config, net, trainer, scheduler):
    """Load a checkpoint into the run's objects; return (epochs done, history), or None to start afresh."""
    if not path.exists():
        return None
    state = mg.load(path)
    if state["config"] != config:
        print(f"(checkpoint {path.name} was made with other settings, {state['config']}; this run starts afresh)")
        return None
    net.load_state_dict(state["model"])
    trainer.load_state_dict(state["optimizer"])
    if hasattr(scheduler, "load_state_dict"):
        scheduler.load_state_dict(state["scheduler"])
    elif scheduler is not None:
        vars(scheduler).update(state["scheduler"])
    mg.get_generator().bit_generator.state = state["rng"]  # the next epoch shuffles as it would have
    return state["epochs_done"], state["history"]


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
    return [e["lr"] for e in history["epochs"]]


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


def final_table(histories, quick):
    """Our five runs beside the book's printed numbers; then the orderings the book's text relies on."""
    head = (f"{'run':<36} {'ours: loss  train   test':>24}   {'book seed build':>19}   "
            f"{'book test acc, ' + str(BOOK_BUILDS) + ' builds':>30}   inside")
    lines = [head, "-" * len(head)]
    for key, history in histories.items():
        last, book = history["epochs"][-1], BOOK[key]
        ours = f"{last['train_loss']:.3f}  {last['train_acc']:.3f}  {last['test_acc']:.3f}"
        seed = "  ".join(f"{v:.3f}" for v in book["seed"])
        low, high = book["test"]
        spread = f"{low:.3f}-{high:.3f} (median {book['median_test']:.3f})"
        inside = "n/a" if quick else ("yes" if low <= round(last["test_acc"], 3) <= high else "NO")
        lines.append(f"{RUN_TITLES[key]:<36} {ours:>24}   {seed:>19}   {spread:>30}   {inside}")
    order = sorted(histories, key=lambda k: -histories[k]["epochs"][-1]["test_acc"])
    lines.append("test acc, best first, ours: " + ", ".join(
        f"{k} {histories[k]['epochs'][-1]['test_acc']:.3f}" for k in order)
        + "; best in the book's builds: " + ", ".join(f"{k} {BOOK[k]['best']}/{BOOK_BUILDS}" for k in
                                                        sorted(BOOK, key=lambda k: -BOOK[k]["best"])))
    gaps = {k: h["epochs"][-1]["train_acc"] - h["epochs"][-1]["test_acc"] for k, h in histories.items()}
    lines.append("train acc - test acc (overfitting), ours: " + ", ".join(f"{k} {gaps[k]:.3f}" for k in gaps)
                 + "; book medians: " + ", ".join(f"{k} {BOOK[k]['gap']:.3f}" for k in gaps))
    if quick:
        lines.append(f"(quick mode: {QUICK_EPOCHS} epochs on {QUICK_IMAGES[0]} images; the book's numbers are "
                     f"for {NUM_EPOCHS} epochs on 60,000, so nothing here is comparable)")
    return "\n".join(lines)


# ---- The section, cell by cell -------------------------------------------------------------------------------------
def parse_resume(argv):
    """--resume / RESUME=1, and the remaining arguments for common.start (--out, --quick)."""
    parser = argparse.ArgumentParser(add_help=False)
    default = os.environ.get("RESUME", "").strip().lower() not in ("", "0", "false", "no", "off")
    parser.add_argument("--resume", action="store_true", default=default)
    args, rest = parser.parse_known_args(argv)
    return args.resume, rest


def load_data(batch_size, quick):
    if not quick:
        return load_fashion_mnist(batch_size=batch_size)
    train_x, train_y, test_x, test_y = fashion_mnist_arrays()
    n_train, n_test = QUICK_IMAGES
    return (DataLoader((train_x[:n_train], train_y[:n_train]), batch_size, shuffle=True),
            DataLoader((test_x[:n_test], test_y[:n_test]), batch_size))


def main(argv=None):
    resume, rest = parse_resume(sys.argv[1:] if argv is None else argv)
    settings = common.start(__file__, rest)
    quick = settings.quick
    num_epochs = QUICK_EPOCHS if quick else NUM_EPOCHS
    checkpoints = settings.out_dir / "checkpoints"
    histories = {}

    loss = nn.CrossEntropyLoss()
    batch_size = 256
    train_iter, test_iter = load_data(batch_size, quick)

    def run(key, net, trainer, scheduler=None):
        config = {"run": key, "seed": SEEDS[key], "num_epochs": num_epochs, "batch_size": batch_size,
                  "train_images": len(train_iter.dataset), "test_images": len(test_iter.dataset)}
        started = time.perf_counter()
        history = train(net, train_iter, test_iter, num_epochs, loss, trainer, scheduler,
                        checkpoint=checkpoints / f"{key}.npz", config=config, resume=resume, label=key,
                        log_every=min(LOG_EVERY, len(train_iter)))
        trained = sum(e["seconds"] for e in history["epochs"])
        print(f"({num_epochs} epochs, {trained:.0f} s of training and evaluation; "
              f"{time.perf_counter() - started:.0f} s in this process)")
        curves = history["train_points"]
        axes = plot([[p[0] for p in curves], [p[0] for p in curves], [p[0] for p in history["test_points"]]],
                    [[p[1] for p in curves], [p[2] for p in curves], [p[1] for p in history["test_points"]]],
                    xlabel="epoch", xlim=[0, num_epochs], legend=["train loss", "train acc", "test acc"])
        common.save_figure(axes, f"curves_{key}", f"11.11 {RUN_TITLES[key]}")
        histories[key] = history
        return history

    # A constant learning rate of 0.3 for 30 epochs: the baseline.
    lr = 0.3
    mg.manual_seed(SEEDS["constant"])  # each run's own seed (see SEEDS)
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=lr)
    history = run("constant", net, trainer)
    print(what_ran("constant", epoch_lrs(history), None))

    # 11.11.2 Setting the learning rate by hand, on the optimizer of the run just finished.
    lr = 0.1
    trainer.param_groups[0]["lr"] = lr
    print(f'learning rate is now {trainer.param_groups[0]["lr"]:.2f}')
    print("what ran: nothing is trained at this lr; the next run's SGD starts from lr = 0.1 because of it.")

    # A square-root decay, plotted over the 30 epochs, then trained from lr 0.1.
    scheduler = SquareRootScheduler(lr=0.1)
    planned = [scheduler(t) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_sqrt", "SquareRootScheduler(lr=0.1)")
    mg.manual_seed(SEEDS["sqrt"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr)
    history = run("sqrt", net, trainer, scheduler)
    print(what_ran("sqrt", epoch_lrs(history), planned))

    # 11.11.3.1 Factor scheduler: lr <- max(lr_min, lr * alpha), plotted over 50 updates (the book never trains it).
    scheduler = FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
    factors = [scheduler(t) for t in range(50)]
    axes = plot(mg.arange(50), factors, xlabel="update", ylabel="lr")
    common.save_figure(axes, "schedule_factor", "FactorScheduler(0.9, stop 1e-2, base 2.0)")
    floor = next((t for t, v in enumerate(factors) if v == 1e-2), None)
    print(f"what ran: plotted only; each call multiplies before returning, so the curve starts at {factors[0]:.4g}, "
          f"not 2.0, and " + (f"reaches its floor 0.01 at update {floor}." if floor is not None else
                              f"after 50 updates is at {factors[-1]:.4g}, still above its floor 0.01."))

    # 11.11.3.2 Multi factor scheduler: PyTorch's MultiStepLR, halving at epochs 15 and 30, from lr 0.5.
    mg.manual_seed(SEEDS["multistep"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=0.5)
    scheduler = lr_scheduler.MultiStepLR(trainer, milestones=[15, 30], gamma=0.5)

    def get_lr(trainer, scheduler):
        lr = scheduler.get_last_lr()[0]
        trainer.step()  # no gradients yet: the parameters do not move
        scheduler.step()
        return lr

    planned = [get_lr(trainer, scheduler) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_multistep", "MultiStepLR(milestones=[15, 30], gamma=0.5)")
    history = run("multistep", net, trainer, scheduler)
    print(what_ran("multistep", epoch_lrs(history), planned))

    # 11.11.3.3 Cosine scheduler: from 0.3 down to 0.01 over 20 epochs, then flat.
    scheduler = CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)
    planned = [scheduler(t) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_cosine", "CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)")
    mg.manual_seed(SEEDS["cosine"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=0.3)
    history = run("cosine", net, trainer, scheduler)
    print(what_ran("cosine", epoch_lrs(history), planned))

    # 11.11.3.4 Warmup: 5 epochs of linear increase, then the same cosine.
    scheduler = CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)
    planned = [scheduler(t) for t in range(NUM_EPOCHS)]
    axes = plot(mg.arange(NUM_EPOCHS), planned, xlabel="epoch", ylabel="lr")
    common.save_figure(axes, "schedule_warmup", "CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)")
    mg.manual_seed(SEEDS["warmup"])
    net = net_fn()
    trainer = optim.SGD(net.parameters(), lr=0.3)
    history = run("warmup", net, trainer, scheduler)
    print(what_ran("warmup", epoch_lrs(history), planned))

    early = {k: [e["test_acc"] for e in histories[k]["epochs"][:6]] for k in ("cosine", "warmup")}
    print("first epochs' test acc (the book: with warmup 'the network converges better initially'): "
          + "; ".join(f"{k} " + ", ".join(f"{a:.3f}" for a in accs) for k, accs in early.items()))
    print()
    print(final_table(histories, quick))
    return histories


if __name__ == "__main__":
    main()
