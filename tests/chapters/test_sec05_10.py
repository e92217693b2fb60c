"""Sections 11.5-11.10: the scripts in quick mode, the book's 2-D traces, and the shared airfoil training.

The expected 2-D trace lines are the book's printed outputs (d2l-en, PyTorch edition, sections 11.6-11.8);
they are deterministic, so they must match digit for digit. The airfoil runs depend on random draws, so
their losses are checked against a band: no lower than the least-squares floor of this loss on the 1500
rows, no higher than a little above the book's own runs (0.242-0.257). The training machinery itself is
checked against the same loop written in PyTorch, from the same initial parameters and minibatches.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.airfoil_training import train_ch11, train_concise_ch11
from minigrad import optim
from minigrad.d2l import evaluate_loss, squared_loss
from minigrad.data import DataLoader

REPO_ROOT = Path(__file__).resolve().parents[2]
AIRFOIL_FILE = "airfoil_self_noise.dat"

# The book's printed lines (d2l-en 11.6 momentum.md, 11.7 adagrad.md, 11.8 rmsprop.md), in order.
BOOK_TRACES = {
    "sec06_momentum": ["epoch 20, x1: -0.943467, x2: -0.000073",     # gradient descent, eta 0.4
                       "epoch 20, x1: -0.387814, x2: -1673.365109",  # gradient descent, eta 0.6
                       "epoch 20, x1: 0.007188, x2: 0.002553",       # momentum, eta 0.6, beta 0.5
                       "epoch 20, x1: -0.126340, x2: -0.186632"],    # momentum, eta 0.6, beta 0.25
    "sec07_adagrad": ["epoch 20, x1: -2.382563, x2: -0.158591",      # eta 0.4
                      "epoch 20, x1: -0.002295, x2: -0.000000"],     # eta 2
    "sec08_rmsprop": ["epoch 20, x1: -0.010599, x2: 0.000000"],      # eta 0.4, gamma 0.9
}
# Airfoil runs per script (from scratch and concise) and figures each script saves.
AIRFOIL_RUNS = {"sec05_minibatch_sgd": 5, "sec06_momentum": 4, "sec07_adagrad": 2, "sec08_rmsprop": 2,
                "sec09_adadelta": 2, "sec10_adam": 3}
FIGURES = {"sec05_minibatch_sgd": 6, "sec06_momentum": 10, "sec07_adagrad": 4, "sec08_rmsprop": 4,
           "sec09_adadelta": 2, "sec10_adam": 3}
LOSS_LINE = re.compile(r"^loss: (\d+\.\d{3}), \d+\.\d{3} sec/epoch$")
LOSS_CEILING = 0.27   # the book's runs end at 0.242-0.257; quick mode trains half the epochs


def airfoil_folder():
    """The first folder of MINIGRAD_DATA (a search path; tests/conftest.py adds ../shared/data) holding the file."""
    for folder in [Path(p) for p in os.environ.get("MINIGRAD_DATA", "").split(os.pathsep) if p]:
        if (folder / AIRFOIL_FILE).is_file():
            return folder
    return None


DATA_FOLDER = airfoil_folder()
needs_airfoil = pytest.mark.skipif(DATA_FOLDER is None, reason=f"{AIRFOIL_FILE} not found in the folders "
                                                              "of MINIGRAD_DATA")


@pytest.fixture(scope="module")
def airfoil(tmp_path_factory):
    """The standardised first 1500 rows, as get_data_ch11 prepares them."""
    if DATA_FOLDER is None:
        pytest.skip(f"{AIRFOIL_FILE} not found")
    from minigrad.data import get_data_ch11
    data_iter, feature_dim = get_data_ch11(10, root=DATA_FOLDER)
    features, labels = data_iter.dataset.arrays
    return features, labels


def least_squares_floor(features, labels):
    """The smallest mean of (X w + b - y)^2 / 2 over all w, b: no training can end below it."""
    design = np.hstack([features, np.ones((len(features), 1))]).astype(np.float64)
    solution, *_ = np.linalg.lstsq(design, labels.astype(np.float64), rcond=None)
    return float(np.mean((design @ solution - labels) ** 2) / 2)


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory):
    """Run the six scripts in quick mode, side by side (11.7 as a file, the others as modules)."""
    if DATA_FOLDER is None:
        pytest.skip(f"{AIRFOIL_FILE} not found")
    out = tmp_path_factory.mktemp("out")
    env = dict(os.environ, MINIGRAD_DATA=str(DATA_FOLDER), MPLBACKEND="Agg")
    env.pop("QUICK", None)
    processes = {}
    for name in AIRFOIL_RUNS:
        target = [str(Path("chapters") / "ch11" / f"{name}.py")] if name == "sec07_adagrad" else \
            ["-m", f"chapters.ch11.{name}"]
        processes[name] = subprocess.Popen([sys.executable, *target, "--out", str(out), "--quick"], cwd=REPO_ROOT,
                                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=300)
        runs[name] = (process.returncode, stdout, stderr, out / name)
    return runs


@pytest.mark.parametrize("name", list(AIRFOIL_RUNS))
def test_script_runs_in_quick_mode(script_runs, name):
    returncode, stdout, stderr, folder = script_runs[name]
    assert returncode == 0, stderr
    figures = sorted(folder.glob("[0-9][0-9]_*.png"))
    assert len(figures) == FIGURES[name], [f.name for f in figures]
    loss_lines = [line for line in stdout.splitlines() if line.startswith("loss: ")]
    assert len(loss_lines) == AIRFOIL_RUNS[name], stdout
    assert all(LOSS_LINE.match(line) for line in loss_lines), loss_lines


@pytest.mark.parametrize("name", list(BOOK_TRACES))
def test_2d_traces_print_the_books_numbers(script_runs, name):
    returncode, stdout, stderr, folder = script_runs[name]
    assert returncode == 0, stderr
    assert [line for line in stdout.splitlines() if line.startswith("epoch 20,")] == BOOK_TRACES[name]


def test_airfoil_losses_end_in_the_books_band(script_runs, airfoil):
    floor = least_squares_floor(*airfoil)
    finals = {}
    for name, (returncode, stdout, stderr, folder) in script_runs.items():
        assert returncode == 0, stderr
        finals[name] = [float(LOSS_LINE.match(line).group(1)) for line in stdout.splitlines()
                        if LOSS_LINE.match(line)]
    for name, losses in finals.items():
        for loss in losses:
            assert floor - 5e-4 <= loss <= LOSS_CEILING, f"{name}: final loss {loss} outside " \
                                                         f"[{floor:.4f}, {LOSS_CEILING}] ({losses})"


def test_least_squares_floor_is_the_issues_number(airfoil):
    assert least_squares_floor(*airfoil) == pytest.approx(0.2417, abs=2e-4)


def test_comparison_figure_saves_every_run(script_runs):
    returncode, stdout, stderr, folder = script_runs["sec05_minibatch_sgd"]
    assert returncode == 0, stderr
    traces = sorted(p.name for p in folder.glob("loss_vs_time_*.trace.json"))
    assert traces == ["loss_vs_time_batchsize10.trace.json", "loss_vs_time_batchsize100.trace.json",
                      "loss_vs_time_gd.trace.json", "loss_vs_time_sgd.trace.json"]
    assert re.search(r"^numpy: performance in Gigaflops: element \d+\.\d{3}, column \d+\.\d{3}, full \d+\.\d{3}$",
                     stdout, re.M)
    assert re.search(r"^minigrad: performance in Gigaflops: block \d+\.\d{3}$", stdout, re.M)


# ---- the machinery, against the same loop in PyTorch -------------------------------------------------------------

@pytest.fixture
def section(tmp_path, monkeypatch):
    """A script's settings (full mode unless asked) with its figures going to tmp_path."""
    monkeypatch.delenv("QUICK", raising=False)

    def start(quick=False):
        return common.start(str(tmp_path / "sec99_test.py"), ["--out", str(tmp_path)] + ["--quick"] * quick)
    return start


def sgd(params, states, hyperparams):
    with mg.no_grad():
        for p in params:
            p.sub_(hyperparams["lr"] * p.grad)
            p.grad.zero_()


def recording(update, initial):
    """``update`` that first stores the parameters it is handed (still the initial ones at the first call)."""
    def record_then_update(params, states, hyperparams):
        if not initial:
            initial.extend(p._array.copy() for p in params)
        update(params, states, hyperparams)
    return record_then_update


def test_train_ch11_matches_the_loop_in_pytorch(airfoil, section, capsys):
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for the training loop")
    section()
    features, labels = airfoil
    data_iter = DataLoader((features, labels), 10)   # a fixed order, so that PyTorch can see the same batches
    initial = []
    mg.manual_seed(5)
    times, losses = train_ch11(recording(sgd, initial), None, {"lr": 0.05}, data_iter, 5)

    w = torch.tensor(initial[0], requires_grad=True)
    b = torch.tensor(initial[1], requires_grad=True)
    X_all, y_all = torch.tensor(features), torch.tensor(labels).reshape(-1, 1)
    expected, n = [], 0
    for epoch in range(2):
        for start in range(0, 1500, 10):
            X, y = X_all[start:start + 10], y_all[start:start + 10]
            ((X @ w + b - y) ** 2 / 2).mean().backward()
            with torch.no_grad():
                for p in (w, b):
                    p -= 0.05 * p.grad
                    p.grad.zero_()
            n += 10
            if n % 200 == 0:
                with torch.no_grad():
                    expected.append(((X_all @ w + b - y_all) ** 2 / 2).mean().item())
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    assert len(times) == len(losses) == 15 and np.all(np.diff(times) > 0)
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"loss: {losses[-1]:.3f}, ")


def test_train_concise_ch11_matches_pytorch_and_halves_mse(airfoil, section):
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for the training loop")
    section()
    features, labels = airfoil
    data_iter = DataLoader((features, labels), 10)
    initial = []

    def recording_sgd(params, **hyperparams):
        params = list(params)
        initial.extend(p._array.copy() for p in params)   # after the book's re-initialisation of the weight
        return optim.SGD(params, **hyperparams)

    mg.manual_seed(6)
    losses = train_concise_ch11(recording_sgd, {"lr": 0.005, "momentum": 0.9}, data_iter)
    weight, bias = initial
    assert np.abs(weight).max() < 0.05                      # N(0, 0.01^2)
    assert 0 < np.abs(bias).max() <= 1 / np.sqrt(5)         # PyTorch's default: U(-1/sqrt(5), 1/sqrt(5))

    net = torch.nn.Linear(5, 1)
    with torch.no_grad():
        net.weight.copy_(torch.tensor(weight))
        net.bias.copy_(torch.tensor(bias))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.005, momentum=0.9)
    loss = torch.nn.MSELoss(reduction="none")
    X_all, y_all = torch.tensor(features), torch.tensor(labels).reshape(-1, 1)
    expected, n = [], 0
    for epoch in range(4):
        for start in range(0, 1500, 10):
            optimizer.zero_grad()
            loss(net(X_all[start:start + 10]), y_all[start:start + 10]).mean().backward()
            optimizer.step()
            n += 10
            if n % 200 == 0:
                with torch.no_grad():
                    expected.append(loss(net(X_all), y_all).mean().item() / 2)
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    assert len(losses) == 30


def test_evaluation_schedule_and_quick_mode(airfoil, section, capsys):
    """Every 200 examples: 15 points for batch 10 over 2 epochs, 5 for gradient descent over 10 epochs
    (1500 examples per step: only every second epoch ends on a multiple of 200); quick mode halves epochs."""
    features, labels = airfoil

    def frozen(params, states, hyperparams):
        for p in params:
            p.grad = None

    def run(batch_size, num_epochs):
        times, losses = train_ch11(frozen, None, {}, DataLoader((features, labels), batch_size), 5, num_epochs)
        return losses

    section()
    assert len(run(10, 2)) == 15
    assert len(run(1500, 10)) == 5
    untrained = run(100, 2)
    assert len(set(untrained)) == 1   # no update: the same loss every time
    section(quick=True)
    assert len(run(10, 2)) == 7       # one epoch: 200, 400, ..., 1400
    assert len(run(1500, 10)) == 2    # five epochs: 3000 and 6000 examples
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 5 and all(LOSS_LINE.match(line) for line in printed)


def test_evaluate_loss_is_the_mean_over_all_examples(airfoil):
    features, labels = airfoil
    w, b = mg.tensor(np.full((5, 1), 0.1, np.float32)), mg.tensor([0.2])
    expected = np.mean((features.astype(np.float64) @ np.full((5, 1), 0.1) + 0.2 - labels[:, None]) ** 2) / 2
    loss = evaluate_loss(lambda X: X @ w + b, DataLoader((features, labels), 7, shuffle=True), squared_loss)
    assert loss == pytest.approx(expected, rel=1e-5)


def test_a_run_without_any_evaluation_says_why(airfoil, section):
    section()
    features, labels = airfoil
    with pytest.raises(ValueError, match="never reached a multiple of 200"):
        train_ch11(sgd, None, {"lr": 1}, DataLoader((features, labels), 1500), 5, num_epochs=1)
