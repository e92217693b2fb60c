"""Where the time of a real 11.11 epoch goes, against the benchmark's training steps, side by side in one process.

    python benchmarks/epoch_breakdown.py [--batches 47] [--rounds 5]       (one BLAS thread, as 11.11 trains)

Each round times, in alternation: (a) the section's own ``train`` (its book loop with a TrainingRun: fresh shuffled
batches, accounting, progress, evaluation, a checkpoint) for one "epoch" of --batches minibatches and a test set cut
in the same proportion, and (b) as many benchmark steps on one cached batch plus one evaluation of that test set.
Then the pieces of a real epoch one by one (data, forward, backward, step, accounting, evaluation, checkpoint,
progress), scaled to a whole epoch of 235 minibatches (the checkpoint, saved once per epoch, is not scaled).
Medians over the rounds.
"""
import os
import sys

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import minigrad as mg  # noqa: E402
from chapters.ch11 import sec11_lr_scheduler as sec  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.data import DataLoader, fashion_mnist_arrays  # noqa: E402
from minigrad.train import Accumulator, Progress, TrainingRun, accuracy, evaluate_accuracy  # noqa: E402
from minigrad.train.checkpoint import save_checkpoint  # noqa: E402

clock = time.perf_counter
EPOCH_BATCHES = 235


def median_ms(values):
    return statistics.median(values) * 1e3


def one_round(data, batches, folder, times):
    train_iter, test_iter, X0, y0 = data
    mg.manual_seed(1)
    net, loss = sec.net_fn(), nn.CrossEntropyLoss()
    trainer = optim.SGD(net.parameters(), lr=0.3)
    run = TrainingRun("timed", folder / "c.npz", {"round": 1}, progress=False)
    started = clock()
    with contextlib.redirect_stdout(io.StringIO()):
        sec.train(net, train_iter, test_iter, 1, loss, trainer, None, run)
    times["real loop"].append((clock() - started) / batches)
    started = clock()
    for _ in range(batches):
        trainer.zero_grad()
        loss(net(X0), y0).backward()
        trainer.step()
    evaluate_accuracy(net, test_iter)
    times["bench steps + evaluation"].append((clock() - started) / batches)
    pieces(net, loss, trainer, data, batches, folder, run, times)


def pieces(net, loss, trainer, data, batches, folder, run, times):
    """Every piece of the loop timed on its own, per minibatch."""
    train_iter, test_iter, _, _ = data
    clocked = {name: 0.0 for name in ("data", "forward", "backward", "step", "accounting", "progress")}
    metric, progress = Accumulator(3), Progress("timed", 30, batches, enabled=False)
    t0 = clock()
    for i, (X, y) in enumerate(train_iter):
        t1 = clock()
        net.train()
        trainer.zero_grad()
        y_hat = net(X)
        batch_loss = loss(y_hat, y)
        t2 = clock()
        batch_loss.backward()
        t3 = clock()
        trainer.step()
        t4 = clock()
        metric.add(float(batch_loss) * X.shape[0], accuracy(y_hat, y), X.shape[0])
        t5 = clock()
        progress.update(0, i + 1, len(y))
        t6 = clock()
        for name, seconds in zip(clocked, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            clocked[name] += seconds
        t0 = clock()
    for name, seconds in clocked.items():
        times[name].append(seconds / batches)
    started = clock()
    evaluate_accuracy(net, test_iter)
    times["evaluation"].append((clock() - started) / batches)
    started = clock()
    save_checkpoint(folder / "c.npz", {"round": 1}, 1, net, trainer, None, run.history)
    times["checkpoint"].append((clock() - started) / EPOCH_BATCHES)   # once per epoch, whatever its length


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=47, help="minibatches of 256 per timed epoch (235: whole)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    train_x, train_y, test_x, test_y = fashion_mnist_arrays()
    n_train, n_test = args.batches * 256, round(len(test_x) * args.batches / EPOCH_BATCHES)
    mg.manual_seed(0)
    train_iter = DataLoader((train_x[:n_train], train_y[:n_train]), 256, shuffle=True)
    X0, y0 = next(iter(train_iter))
    data = (train_iter, DataLoader((test_x[:n_test], test_y[:n_test]), 256), X0, y0)
    names = ["real loop", "bench steps + evaluation", "data", "forward", "backward", "step", "accounting",
             "progress", "evaluation", "checkpoint"]
    times = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.rounds):
            one_round(data, args.batches, __import__("pathlib").Path(folder), times)
    print(f"one BLAS thread; {args.rounds} rounds of {args.batches} minibatches of 256 and {n_test} test images; "
          f"ms per minibatch (median), and seconds per epoch of {EPOCH_BATCHES} minibatches")
    print(f"| {'piece':<26} | ms/batch | s/epoch |\n| --- | ---: | ---: |")
    for name in names:
        print(f"| {name:<26} | {median_ms(times[name]):8.2f} | {median_ms(times[name]) * EPOCH_BATCHES / 1e3:7.2f} |")
    ratio = statistics.median(a / b for a, b in zip(times["real loop"], times["bench steps + evaluation"]))
    print(f"real loop / (bench steps + evaluation), median of the rounds' ratios: {ratio:.3f}")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
