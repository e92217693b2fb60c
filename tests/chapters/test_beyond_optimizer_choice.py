"""The 'choosing the optimizer' script in quick mode: a row per optimizer of minigrad.optim with finite numbers at a
learning rate from its sweep, LBFGS at the least-squares optimum, the figure."""
import math
import re

import pytest

import minigrad as mg
from chapters.ch11 import beyond_optimizer_choice as script
from minigrad import optim


@pytest.fixture(scope="module")
def quick_run(run_quick):
    (rows, lbfgs), printed, folder = run_quick(script)
    return rows, lbfgs, printed, folder


def test_every_optimizer_of_minigrad_optim_is_compared():
    classes = {name for name in optim.__all__ if isinstance(getattr(optim, name), type)
               and issubclass(getattr(optim, name), optim.Optimizer)} - {"Optimizer", "LBFGS"}
    compared = {name.split("+")[0] for name in script.OPTIMIZERS}
    assert classes == compared
    for name, (make, *_) in script.OPTIMIZERS.items():
        assert type(make([mg.zeros(1, requires_grad=True)], 0.1)).__name__ == name.split("+")[0]


def test_the_table_has_a_row_per_optimizer_with_finite_numbers_at_a_swept_lr(quick_run):
    rows, _, printed, _ = quick_run
    assert list(rows) == list(script.OPTIMIZERS)
    for name, row in rows.items():
        _, airfoil_lr, lenet_lr = script.OPTIMIZERS[name]
        assert any(math.isclose(row["airfoil_lr"], airfoil_lr * f) for f in script.AIRFOIL_SWEEP), name
        assert any(math.isclose(row["lenet_lr"], lenet_lr * f) for f in script.LENET_SWEEP), name
        assert row["lenet_sweep"][row["lenet_lr"]] == min(row["lenet_sweep"].values()), name
        assert math.isfinite(row["airfoil_loss"]) and row["airfoil_loss"] > 0, name
        assert math.isfinite(row["lenet_loss"]) and 0 <= row["test_acc"] <= 1, name
        assert row["airfoil_seconds"] >= 0 and row["lenet_seconds"] >= 0
        line = next(l for l in printed.splitlines() if l.startswith(name + " "))
        numbers = [float(x) for x in line[len(name):].replace("*", " ").split()]
        assert len(numbers) == 7 and all(math.isfinite(x) for x in numbers), line
    assert re.search(r"^LBFGS +1 \(full\) +\d\.\d{4}", printed, re.M)


def test_lbfgs_reaches_the_least_squares_optimum_and_no_minibatch_optimizer_beats_it(quick_run):
    rows, lbfgs, _, _ = quick_run
    optimum = lbfgs["optimum"]
    assert optimum - 1e-6 <= lbfgs["points"][-1][1] <= optimum * (1 + 1e-3)
    assert all(row["airfoil_loss"] >= optimum - 1e-6 for row in rows.values())


def test_the_figure_exists(quick_run):
    folder = quick_run[-1]
    assert sorted(p.name for p in folder.glob("*.png")) == ["01_optimizers_loss.png"]
