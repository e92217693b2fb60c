"""LeNet on Fashion-MNIST: minigrad's training step against PyTorch's, side by side in one process.

    python benchmarks/lenet_bench.py            (what `make bench` runs)
    python benchmarks/lenet_bench.py --epochs 0 (timing only)

1. Trains the book's modern LeNet for --epochs epochs on the real data at lr 0.3, batch 256, with minigrad's
   training loop, and prints the book's line (train loss, train acc, test acc) and the peak resident memory of the
   process so far (before PyTorch is imported, so the figure is minigrad's alone).
2. Times training steps (forward, cross-entropy, backward, SGD step) on one real batch of 256 images, in minigrad and,
   when torch is installed, in PyTorch on the CPU with the same thread count as numpy's BLAS. The two run in
   alternating rounds so that a noisy neighbour slows both alike; the medians and their ratio are printed.
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


def blas_threads():
    """Threads numpy's BLAS uses: threadpoolctl when installed, else the usual environment variables, else all
    cores (OpenBLAS's default)."""
    try:
        from threadpoolctl import threadpool_info
        counts = [pool["num_threads"] for pool in threadpool_info() if pool.get("user_api") == "blas"]
        if counts:
            return counts[0], "threadpoolctl"
    except ImportError:
        pass
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(variable, "").isdigit():
            return int(os.environ[variable]), variable
    return os.cpu_count() or 1, "os.cpu_count()"


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # Linux reports KiB


def minigrad_stepper(x, y, lr, generator):
    net = nn.lenet(generator=generator)
    loss = nn.CrossEntropyLoss()
    trainer = SGD(net.parameters(), lr=lr)
    X, Y = minigrad.Tensor(x), minigrad.Tensor(y)

    def step():
        trainer.zero_grad()
        loss(net(X), Y).backward()
        trainer.step()
    return net, step


def torch_stepper(torch, state, x, y, lr):
    tnn = torch.nn
    net = tnn.Sequential(
        tnn.Conv2d(1, 6, kernel_size=5, padding=2), tnn.ReLU(), tnn.MaxPool2d(kernel_size=2, stride=2),
        tnn.Conv2d(6, 16, kernel_size=5), tnn.ReLU(), tnn.MaxPool2d(kernel_size=2, stride=2), tnn.Flatten(),
        tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))
    net.load_state_dict({name: torch.from_numpy(value.copy()) for name, value in state.items()})
    loss = tnn.CrossEntropyLoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        trainer.zero_grad()
        loss(net(X), Y).backward()
        trainer.step()
    return step


def time_per_step(step, steps):
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) / steps * 1e3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs of real training first (0: skip)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--rounds", type=int, default=7, help="alternating timing rounds per framework")
    parser.add_argument("--steps", type=int, default=10, help="training steps per timing round")
    parser.add_argument("--figure", default=None, help="PNG for the training curves (default: none)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    threads, source = blas_threads()
    print(f"numpy {np.__version__}, BLAS threads {threads} ({source}), "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, cores {os.cpu_count()}")
    minigrad.manual_seed(args.seed)
    train_iter, test_iter = load_fashion_mnist(args.batch_size)
    images, labels = next(iter(train_iter))
    x, y = images.numpy().copy(), labels.numpy().copy()
    batches = len(train_iter)

    if args.epochs > 0:
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

    net, minigrad_step = minigrad_stepper(x, y, args.lr, np.random.default_rng(args.seed))
    for _ in range(3):
        minigrad_step()
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: minigrad alone is timed")
    if torch is not None:
        torch.set_num_threads(threads)
        torch_step = torch_stepper(torch, nn.lenet(generator=np.random.default_rng(args.seed)).state_dict(),
                                   x, y, args.lr)
        for _ in range(3):
            torch_step()
    times = {"minigrad": [], "torch": []}
    for _ in range(args.rounds):
        times["minigrad"].append(time_per_step(minigrad_step, args.steps))
        if torch is not None:
            times["torch"].append(time_per_step(torch_step, args.steps))

    print(f"\nLeNet training step (forward, cross-entropy, backward, SGD step at lr {args.lr}), batch "
          f"{args.batch_size}, median of {args.rounds} rounds x {args.steps} steps:")
    ours = statistics.median(times["minigrad"])
    print(f"  minigrad  {ours:7.2f} ms/batch   (rounds: {', '.join(f'{t:.1f}' for t in times['minigrad'])})"
          f"   epoch of {batches} batches ~ {ours * batches / 1e3:.1f} s")
    if torch is not None:
        theirs = statistics.median(times["torch"])
        print(f"  pytorch   {theirs:7.2f} ms/batch   (rounds: {', '.join(f'{t:.1f}' for t in times['torch'])})"
              f"   epoch of {batches} batches ~ {theirs * batches / 1e3:.1f} s   "
              f"(torch {torch.__version__}, {torch.get_num_threads()} threads)")
        print(f"  ratio minigrad / pytorch: {ours / theirs:.2f}")
    print(f"  peak RSS of this process: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
