"""The 'Adam's successors from scratch' script in quick mode: for each of Adamax, NAdam and RAdam a from-scratch run
and a run of its class, both with losses of a trained regression (between the least-squares floor of the airfoil
loss and the untrained loss), and a figure each. That the two runs take the same steps is checked in
test_from_scratch_vs_optim.py."""
import re

import pytest

from chapters.ch11 import beyond_from_scratch as script

UNTRAINED_LOSS = 0.5        # the airfoil loss at the book's initial weights is about 0.5 (the targets' variance / 2)
LEAST_SQUARES_FLOOR = 0.24  # the lowest airfoil loss a linear model reaches (0.2417, beyond_optimizer_choice.py)


@pytest.fixture(scope="module")
def quick_run(run_quick):
    _, printed, folder = run_quick(script)
    return printed, folder


def test_each_rule_trains_from_scratch_and_concise(quick_run):
    printed, _ = quick_run
    heads = [line for line in printed.splitlines() if "from scratch, then minigrad.optim." in line]
    assert [h.split(",")[0] for h in heads] == list(script.RULES)
    losses = [float(x) for x in re.findall(r"^loss: ([0-9.]+), ", printed, flags=re.M)]
    assert len(losses) == 2 * len(script.RULES)
    for loss in losses:
        assert LEAST_SQUARES_FLOOR < loss < UNTRAINED_LOSS


def test_a_figure_per_run(quick_run):
    _, folder = quick_run
    names = sorted(path.name for path in folder.glob("*.png"))
    assert len(names) == 2 * len(script.RULES)
    for name in script.RULES:
        assert any(f"train_{name.lower()}_" in n for n in names) and any(f"concise_{name}_" in n for n in names)
