"""Where one minigrad LeNet training step spends its time, op by op (forward and backward ops alike).

    python benchmarks/step_profile.py [--steps 20] [--threads 1]

Times every op (``Function.apply``: the numpy work of one node, its matrix products included; the ops that the
backward rules apply are ops too) in CPU time of the process, over --steps real training steps on one batch of 256
Fashion-MNIST images, and prints a Markdown table: CPU ms per step by op and by the shape of its first input, with
its share of the step. The rest of the step (the graph walk, gradient sums, the SGD update, Python) is one row. CPU
time, not wall time: on a shared machine it is the steadier measure of the work itself.
"""
import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import minigrad  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.data import load_fashion_mnist  # noqa: E402
from minigrad.ops.function import Function  # noqa: E402


def op_times(step, steps):
    """Run ``steps`` steps with every op's forward timed: (CPU seconds per step, {op label: CPU seconds per step})."""
    spent = collections.Counter()
    plain_apply = Function.apply.__func__

    def timed_apply(cls, *inputs, **params):
        started = time.process_time()
        result = plain_apply(cls, *inputs, **params)
        spent[f"{cls.__name__} {tuple(getattr(inputs[0], 'shape', ()))}"] += time.process_time() - started
        return result

    Function.apply = classmethod(timed_apply)
    try:
        started = time.process_time()
        for _ in range(steps):
            step()
        total = time.process_time() - started
    finally:
        Function.apply = classmethod(plain_apply)
    return total / steps, {label: seconds / steps for label, seconds in spent.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="numpy's BLAS threads (default 1, as 11.11 trains)")
    parser.add_argument("--top", type=int, default=16, help="rows of the table before 'other ops'")
    args = parser.parse_args(argv)
    minigrad.set_num_threads(args.threads)
    nn.keep_freed_memory()
    minigrad.manual_seed(0)
    net, loss = nn.lenet(), nn.CrossEntropyLoss()
    trainer = optim.SGD(net.parameters(), lr=0.3)
    X, y = next(iter(load_fashion_mnist(256)[0]))

    def step():
        trainer.zero_grad()
        loss(net(X), y).backward()
        trainer.step()

    for _ in range(3):      # warm-up: malloc's reusable blocks, BLAS buffers
        step()
    total, spent = op_times(step, args.steps)
    ranked = sorted(spent.items(), key=lambda item: -item[1])
    shown, rest = ranked[:args.top], ranked[args.top:]
    print(f"LeNet step, batch 256, {args.threads} BLAS thread(s), {args.steps} steps; load average "
          f"{os.getloadavg()[0]:.1f}; CPU {total * 1e3:.1f} ms per step\n")
    print("| op (shape of its first input) | CPU ms/step | share |\n| --- | ---: | ---: |")
    rows = [*shown, (f"other ops ({len(rest)})", sum(s for _, s in rest)),
            ("outside the ops (graph walk, gradient sums, SGD update, Python)", total - sum(spent.values()))]
    for label, seconds in rows:
        print(f"| {label} | {seconds * 1e3:.2f} | {seconds / total:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
