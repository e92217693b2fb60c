"""How often LeNet collapses to chance at 11.11's lr 0.3 (or --lr): minigrad against PyTorch, one epoch per seed.

SGD at lr 0.3 (or --lr, e.g. 0.5), batch 256, Fashion-MNIST, one BLAS / torch thread each. Both
engines see the same minibatch order (minigrad's loader, seeded with the run's seed) and start from their own default
initialisation. A run counts as collapsed when the mean loss of its last 40 minibatches is above 2.2 (chance is
ln 10 = 2.303).

    python benchmarks/lr_collapse.py --seeds 0 8 [--lr 0.5]
"""
import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the BLAS thread count is set)

import minigrad as mg  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.data import load_fashion_mnist  # noqa: E402


def torch_lenet(torch):
    T = torch.nn
    return T.Sequential(T.Conv2d(1, 6, 5, padding=2), T.ReLU(), T.MaxPool2d(2, 2), T.Conv2d(6, 16, 5), T.ReLU(),
                        T.MaxPool2d(2, 2), T.Flatten(), T.Linear(400, 120), T.ReLU(), T.Linear(120, 84), T.ReLU(),
                        T.Linear(84, 10))


def one_epoch(engine, seed, train_iter, lr, torch=None):
    """Mean loss of the last 40 minibatches of one epoch from a fresh LeNet."""
    mg.manual_seed(seed)
    if engine == "minigrad":
        net, loss = nn.lenet(), nn.CrossEntropyLoss()
        trainer = optim.SGD(net.parameters(), lr=lr)
    else:
        torch.manual_seed(seed)
        net, loss = torch_lenet(torch), torch.nn.CrossEntropyLoss()
        trainer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for X, y in train_iter:
        if torch is not None and engine == "torch":
            X, y = torch.from_numpy(np.asarray(X)), torch.from_numpy(np.asarray(y))
        trainer.zero_grad()
        l = loss(net(X), y)
        l.backward()
        trainer.step()
        losses.append(float(l.detach()))
    return float(np.mean(losses[-40:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs=2, default=(0, 8), metavar=("FIRST", "STOP"))
    parser.add_argument("--lr", type=float, default=0.3)
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(1)
        engines = ("minigrad", "torch")
    except ImportError:
        torch, engines = None, ("minigrad",)
    train_iter, _ = load_fashion_mnist(256)
    print("| seed | " + " | ".join(engines) + " |\n| --- |" + " --- |" * len(engines))
    for seed in range(*args.seeds):
        cells = []
        for engine in engines:
            last = one_epoch(engine, seed, train_iter, args.lr, torch)
            cells.append(f"{last:.3f}" + (" collapsed" if last > 2.2 else ""))
        print(f"| {seed} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
