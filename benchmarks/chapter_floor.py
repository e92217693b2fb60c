"""What 11.11's five 30-epoch runs cost on this machine, in minigrad and in PyTorch: the floor under `make chapter-11`.

    python benchmarks/chapter_floor.py [--rounds 3] [--threads 1,2]

One epoch as 11.11 trains it (the modern LeNet, SGD at lr 0.3, the 235 minibatches of 256 real Fashion-MNIST images,
then the accuracy on the 10,000 test images), in each engine at each thread count, in alternating rounds so that a
noisy neighbour slows both alike. Prints wall seconds per epoch (median over the rounds), and what 150 epochs would
take at best on this machine's cores: one process on every core, or one one-thread process per core with nothing
lost (the five runs are independent). Neither counts the chapter's other scripts.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import minigrad  # noqa: E402
from minigrad import nn  # noqa: E402
from minigrad.data import load_fashion_mnist  # noqa: E402
from minigrad.optim import SGD  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lenet_bench import torch_lenet  # noqa: E402

EPOCHS = 150     # 11.11: five runs of 30 epochs


def minigrad_epoch(batches, tests):
    net, loss = nn.lenet(), nn.CrossEntropyLoss()
    trainer = SGD(net.parameters(), lr=0.3)
    for X, y in batches:
        trainer.zero_grad()
        loss(net(X), y).backward()
        trainer.step()
    with minigrad.no_grad():
        return sum(int((net(X).argmax(axis=1) == y).sum()) for X, y in tests) / 10000


def torch_epoch(torch, batches, tests):
    net = torch_lenet(torch)
    trainer, loss = torch.optim.SGD(net.parameters(), lr=0.3), torch.nn.CrossEntropyLoss()
    for X, y in batches:
        trainer.zero_grad()
        loss(net(X), y).backward()
        trainer.step()
    with torch.no_grad():
        return sum(int((net(X).argmax(1) == y).sum()) for X, y in tests) / 10000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=lambda text: [int(t) for t in text.split(",")], default=[1, 2])
    args = parser.parse_args(argv)
    nn.keep_freed_memory()
    train_iter, test_iter = load_fashion_mnist(256)
    ours = [(X, y) for X, y in train_iter], [(X, y) for X, y in test_iter]
    engines = {"minigrad": lambda: minigrad_epoch(*ours)}
    try:
        import torch
        theirs = [[(torch.from_numpy(X.numpy().copy()), torch.from_numpy(y.numpy().copy())) for X, y in part]
                  for part in ours]
        engines["PyTorch"] = lambda: torch_epoch(torch, *theirs)
    except ImportError:
        torch = None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    seconds = {}
    for threads in args.threads:
        minigrad.set_num_threads(threads)
        if torch is not None:
            torch.set_num_threads(threads)
        for _ in range(args.rounds):
            for engine, epoch in engines.items():
                started = time.perf_counter()
                epoch()
                seconds.setdefault((engine, threads), []).append(time.perf_counter() - started)
    print(f"one 11.11 epoch (235 steps + test accuracy), median of {args.rounds} alternating rounds; {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| engine | threads | s/epoch | 150 epochs, one process | 150 epochs, one 1-thread process per core |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for (engine, threads), values in seconds.items():
        epoch = statistics.median(values)
        spread = f"{EPOCHS * epoch / cores / 60:.1f} min" if threads == 1 else ""
        print(f"| {engine} | {threads} | {epoch:.2f} | {EPOCHS * epoch / 60:.1f} min | {spread} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
