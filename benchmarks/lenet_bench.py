"""LeNet on Fashion-MNIST: minigrad's training step against PyTorch's, side by side in one process.

    python benchmarks/lenet_bench.py                 (what `make bench` runs)
    python benchmarks/lenet_bench.py --epochs 0      (timing only)
    python benchmarks/lenet_bench.py --threads 1     (one thread count only)

1. Trains the book's modern LeNet for --epochs epochs on the real data at lr 0.3, batch 256, with minigrad's
   training loop, and prints the book's line (train loss, train acc, test acc) and the peak resident memory of the
   process so far (before PyTorch is imported, so the figure is minigrad's alone).
2. Times training steps (forward with cross-entropy, backward, SGD step) on one real batch of 256 images, in minigrad
   and, when torch is installed, in PyTorch on the CPU, at each thread count of --threads (``minigrad.set_num_threads``
   and ``torch.set_num_threads`` inside this process; minigrad splits its large ops itself and keeps numpy's BLAS at
   one thread per call, so its numbers are the same at every count). The two engines run in alternating rounds so
   that a noisy neighbour slows both alike; each round's ratio compares two neighbouring rounds. It prints a Markdown
   table: median ms per step and its spread over the rounds, the median of one step's phases, the process's CPU time
   per step (all threads), and the ratio minigrad / PyTorch of wall time (median and spread) and of CPU time.
"""
import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import minigrad  # noqa: E402
from minigrad import nn  # noqa: E402
from minigrad.data import load_fashion_mnist  # noqa: E402
from minigrad.optim import SGD  # noqa: E402
from minigrad.train import train  # noqa: E402

PHASES = ("forward", "backward", "optimizer")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # Linux reports KiB


def timed_step(forward, backward, optimizer_step):
    """One training step whose three phases are timed: a dict phase -> seconds."""
    started = time.perf_counter()
    loss = forward()
    after_forward = time.perf_counter()
    backward(loss)
    after_backward = time.perf_counter()
    optimizer_step()
    finished = time.perf_counter()
    return {"forward": after_forward - started, "backward": after_backward - after_forward,
            "optimizer": finished - after_backward}


def minigrad_stepper(x, y, lr, generator):
    net = nn.lenet(generator=generator)
    loss = nn.CrossEntropyLoss()
    trainer = SGD(net.parameters(), lr=lr)
    X, Y = minigrad.Tensor(x), minigrad.Tensor(y)

    def forward():
        trainer.zero_grad()
        return loss(net(X), Y)
    return net, lambda: timed_step(forward, lambda value: value.backward(), trainer.step)


def torch_lenet(torch):
    """The book's modern LeNet in PyTorch (nn.lenet's layers, PyTorch's default initialization)."""
    tnn = torch.nn
    return tnn.Sequential(
        tnn.Conv2d(1, 6, kernel_size=5, padding=2), tnn.ReLU(), tnn.MaxPool2d(kernel_size=2, stride=2),
        tnn.Conv2d(6, 16, kernel_size=5), tnn.ReLU(), tnn.MaxPool2d(kernel_size=2, stride=2), tnn.Flatten(),
        tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))


def torch_stepper(torch, state, x, y, lr):
    tnn = torch.nn
    net = torch_lenet(torch)
    net.load_state_dict({name: torch.from_numpy(value.copy()) for name, value in state.items()})
    loss = tnn.CrossEntropyLoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)

    def forward():
        trainer.zero_grad()
        return loss(net(X), Y)
    return lambda: timed_step(forward, lambda value: value.backward(), trainer.step)


def time_round(step, steps):
    """Run ``steps`` steps: (wall ms per step, {phase: wall ms per step, "cpu": CPU ms per step}).

    CPU time is the process's, all threads together: on a busy machine it grows far less than wall time, so with
    one thread it is the steadier measure of the work a step does."""
    phases = {phase: 0.0 for phase in PHASES}
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(steps):
        for phase, seconds in step().items():
            phases[phase] += seconds
    total = (time.perf_counter() - started) / steps * 1e3
    per_step = {phase: seconds / steps * 1e3 for phase, seconds in phases.items()}
    per_step["cpu"] = (time.process_time() - cpu_started) / steps * 1e3
    return total, per_step


def time_engines(steppers, threads, rounds, steps, torch):
    """Alternating rounds of every engine at one thread count: {engine: [(ms, phases), ...]}."""
    minigrad.set_num_threads(threads)   # its own threads; numpy's BLAS one per call, so no bit depends on it
    if torch is not None:
        torch.set_num_threads(threads)
    for step in steppers.values():      # warm-up at this thread count
        for _ in range(2):
            step()
    times = {engine: [] for engine in steppers}
    for _ in range(rounds):
        for engine, step in steppers.items():
            times[engine].append(time_round(step, steps))
    return times


def table_rows(threads, times):
    """Markdown rows for one thread count: per engine, then the ratio of neighbouring rounds."""
    rows = []
    for engine, results in times.items():
        totals = [total for total, _ in results]
        phases = " | ".join(f"{statistics.median(p[phase] for _, p in results):.1f}" for phase in (*PHASES, "cpu"))
        rows.append(f"| {threads} | {engine} | {statistics.median(totals):.1f} | {min(totals):.1f}-{max(totals):.1f}"
                    f" | {phases} |")
    if len(times) == 2:
        ratios = [ours / theirs for (ours, _), (theirs, _) in zip(times["minigrad"], times["PyTorch"])]
        cpu = [ours["cpu"] / theirs["cpu"] for (_, ours), (_, theirs) in zip(times["minigrad"], times["PyTorch"])]
        rows.append(f"| {threads} | **ratio minigrad / PyTorch** | **{statistics.median(ratios):.2f}** | "
                    f"{min(ratios):.2f}-{max(ratios):.2f} | | | | {statistics.median(cpu):.2f} |")
    return rows


def train_epochs(args, train_iter, test_iter):
    net = nn.lenet()
    started = time.perf_counter()
    history = train(net, train_iter, test_iter, args.epochs, nn.CrossEntropyLoss(), SGD(net.parameters(),
                    lr=args.lr), figure=args.figure, verbose=True)
    seconds = time.perf_counter() - started
    print(f"minigrad: {args.epochs} epochs of LeNet at lr {args.lr}, batch {args.batch_size}: "
          f"test acc {history.final['test_acc']:.3f}, {seconds:.1f} s with evaluation "
          f"({statistics.mean(e['seconds'] for e in history.epochs):.1f} s per training epoch)")
    print(f"minigrad: peak RSS {peak_rss_mb():.0f} MB after {args.epochs} epochs + evaluation "
          "(data set included, before torch is imported)")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs of real training first (0: skip)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--rounds", type=int, default=7, help="alternating timing rounds per engine and thread count")
    parser.add_argument("--steps", type=int, default=10, help="training steps per timing round")
    parser.add_argument("--figure", default=None, help="PNG for the training curves (default: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", default="1,2", help="thread counts to time, comma-separated (default: 1,2)")
    args = parser.parse_args(argv)
    args.threads = [int(count) for count in args.threads.split(",")]
    return args


def main(argv=None):
    args = parse_arguments(argv)
    library = minigrad.threads.blas_library()
    print(f"numpy {np.__version__}, BLAS {library[0] if library else 'not switchable in-process'}, "
          f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"nn.keep_freed_memory(): {nn.keep_freed_memory()}")
    if library is None:
        print("numpy's BLAS thread count cannot be set in this process: every row runs at its start-up count")
    minigrad.manual_seed(args.seed)
    train_iter, test_iter = load_fashion_mnist(args.batch_size)
    images, labels = next(iter(train_iter))
    x, y = images.numpy().copy(), labels.numpy().copy()
    if args.epochs > 0:
        train_epochs(args, train_iter, test_iter)

    _, minigrad_step = minigrad_stepper(x, y, args.lr, np.random.default_rng(args.seed))
    steppers = {"minigrad": minigrad_step}
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: minigrad alone is timed")
    if torch is not None:
        state = nn.lenet(generator=np.random.default_rng(args.seed)).state_dict()
        steppers["PyTorch"] = torch_stepper(torch, state, x, y, args.lr)

    print(f"\nLeNet training step on one batch of {args.batch_size} Fashion-MNIST images (SGD, lr {args.lr}); "
          f"{args.rounds} alternating rounds x {args.steps} steps per engine and thread count"
          + (f"; torch {torch.__version__}" if torch is not None else "") + "\n")
    print("| threads | engine | ms/step (median) | spread over rounds | forward + loss | backward | optimizer "
          "| CPU ms/step |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for threads in args.threads:
        for row in table_rows(threads, time_engines(steppers, threads, args.rounds, args.steps, torch)):
            print(row)
    print(f"\nload average afterwards {os.getloadavg()[0]:.1f}; peak RSS of this process: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
