"""Sections 11.1-11.4 run in quick mode into a temporary folder; their prints, figures and traces are checked.

Expected values are the book's own (d2l, PyTorch edition, sections 11.3 and 11.4 as executed by the book's
build) or are computed here independently of the scripts, from the update rules with hand-written
derivatives in float64.
"""
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]

# The lines the book's PyTorch build prints in 11.3. Newton's method prints a tensor there, e.g. tensor(26.8341);
# the scripts print the same digits without the tensor wrapper.
BOOK_GD_LINES = [
    "epoch 10, x: 0.060466",   # x^2, lr 0.2
    "epoch 10, x: 3.486784",   # x^2, lr 0.05
    "epoch 10, x: 61.917364",  # x^2, lr 1.1
    "epoch 10, x: -1.528166",  # x cos(0.15 pi x), lr 2
    "epoch 20, x1: -0.057646, x2: -0.000073",  # x1^2 + 2 x2^2, lr 0.1
    "epoch 10, x: tensor(0.)",       # Newton, cosh(0.5 x)
    "epoch 10, x: tensor(26.8341)",  # Newton, x cos(0.15 pi x)
    "epoch 10, x: tensor(7.2699)",   # Newton, x cos(0.15 pi x), lr 0.5
]

# Final iterates printed by several builds of the book's 11.4 (each build draws other noise).
BOOK_SGD_FINALS = {
    "constant": [(0.225517, -0.076646), (0.195188, 0.014190), (0.081862, 0.199564), (-0.051145, -0.028135),
                 (0.129825, -0.037771)],
    "exponential": [(-0.903849, 0.026687), (-0.879075, -0.030986), (-0.749494, -0.058892),
                    (-0.769652, -0.093216)],
    "polynomial": [(-0.068653, 0.002408), (-0.061881, -0.026958), (-0.012226, -0.037868)],
}

# The learning rates eta * lr() the book's schedules give at each step (t starts at 1 and is raised before use).
SGD_LEARNING_RATES = {
    "constant": [0.1] * 50,
    "exponential": [0.1 * math.exp(-0.1 * t) for t in range(2, 1002)],
    "polynomial": [0.1 * (1 + 0.1 * t) ** -0.5 for t in range(2, 52)],
}

EXPECTED_FIGURES = {
    "sec01_optimization_intro": 5,
    "sec02_convexity": 2,
    "sec03_gd": 8,
    "sec04_sgd": 3,
}
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf", re.IGNORECASE)


def run_section(name, out_dir, as_file=False, quick_by_env=False):
    """Run one script the way a user would; return what it printed."""
    target = [str(REPO_ROOT / "chapters" / "ch11" / f"{name}.py")] if as_file else ["-m", f"chapters.ch11.{name}"]
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("MINIGRAD_OUT", None)
    flags = ["--out", str(out_dir)]
    if quick_by_env:
        env["QUICK"] = "1"
    else:
        flags.append("--quick")
    completed = subprocess.run([sys.executable, *target, *flags], cwd=REPO_ROOT, env=env, capture_output=True,
                               text=True, timeout=300)
    assert completed.returncode == 0, f"{name} failed:\n{completed.stderr}"
    return completed.stdout


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Each script run once: 11.3 as a file path, the others with python -m; 11.2 gets quick mode from QUICK=1."""
    out_dir = tmp_path_factory.mktemp("ch11")
    printed = {
        "sec01_optimization_intro": run_section("sec01_optimization_intro", out_dir),
        "sec02_convexity": run_section("sec02_convexity", out_dir, quick_by_env=True),
        "sec03_gd": run_section("sec03_gd", out_dir, as_file=True),
        "sec04_sgd": run_section("sec04_sgd", out_dir),
    }
    return out_dir, printed


@pytest.mark.parametrize("name", sorted(EXPECTED_FIGURES))
def test_every_figure_is_a_real_titled_png(outputs, name):
    out_dir, _ = outputs
    figures = sorted((out_dir / name).glob("*.png"))
    assert [path.name[:3] for path in figures] == [f"{i:02d}_" for i in range(1, EXPECTED_FIGURES[name] + 1)]
    for path in figures:
        assert path.stat().st_size > 5000, f"{path} is suspiciously small"
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == "PNG" and min(image.size) >= 200
            assert image.text.get("Title"), f"{path} has no title"
            pixels = np.asarray(image.convert("L"))
        assert pixels.std() > 10, f"{path} looks blank"
    assert not list((out_dir / name).glob(".tmp-*")), "a temporary file was left behind"


@pytest.mark.parametrize("name", sorted(EXPECTED_FIGURES))
def test_printed_numbers_are_finite(outputs, name):
    _, printed = outputs
    numbers = NUMBER.findall(printed[name])
    assert numbers, f"{name} printed no numbers"
    assert all(math.isfinite(float(number)) for number in numbers), printed[name]


def test_tanh_gradient_at_4_is_the_books(outputs):
    _, printed = outputs
    assert re.search(r"f'\(4\) = 0\.0013\b", printed["sec01_optimization_intro"])


def test_convexity_checks_single_out_the_cosine(outputs):
    _, printed = outputs
    lines = printed["sec02_convexity"].splitlines()
    verdicts = [re.findall(r"(True|False)", line) for line in lines]
    assert verdicts == [["True", "True"], ["False", "False"], ["True", "True"]], lines


def test_gradient_descent_prints_the_books_lines_digit_for_digit(outputs):
    _, printed = outputs
    ours = [line for line in printed["sec03_gd"].splitlines() if line.startswith("epoch")]
    book = [re.sub(r"tensor\((.*)\)", r"\1", line) for line in BOOK_GD_LINES]
    assert ours == book
    assert "equal the book's formulas on [-20, 20] to 1e-12: True" in printed["sec03_gd"]


def independent_gd(eta, derivative, x=10.0, steps=10):
    trace = [x]
    for _ in range(steps):
        x = x - eta * derivative(x)
        trace.append(x)
    return trace


def independent_newton(eta, derivative, second_derivative, x=10.0, steps=10):
    trace = [x]
    for _ in range(steps):
        x = x - eta * derivative(x) / second_derivative(x)
        trace.append(x)
    return trace


def test_gradient_descent_traces_equal_the_update_rules(outputs):
    out_dir, _ = outputs
    c = 0.15 * np.pi
    xcos_grad = lambda x: np.cos(c * x) - c * x * np.sin(c * x)  # noqa: E731
    xcos_hess = lambda x: -2 * c * np.sin(c * x) - x * c ** 2 * np.cos(c * x)  # noqa: E731
    expected = {
        "gd_x2_lr0.2": independent_gd(0.2, lambda x: 2 * x),
        "gd_x2_lr0.05": independent_gd(0.05, lambda x: 2 * x),
        "gd_x2_lr1.1": independent_gd(1.1, lambda x: 2 * x),
        "gd_xcos_lr2": independent_gd(2.0, xcos_grad),
        "newton_cosh": independent_newton(1.0, lambda x: 0.5 * np.sinh(0.5 * x), lambda x: 0.25 * np.cosh(0.5 * x)),
        "newton_xcos": independent_newton(1.0, xcos_grad, xcos_hess),
        "newton_xcos_lr0.5": independent_newton(0.5, xcos_grad, xcos_hess),
    }
    x1, x2, trace_2d = -5.0, -2.0, [(-5.0, -2.0)]
    for _ in range(20):
        x1, x2 = x1 - 0.1 * 2 * x1, x2 - 0.1 * 4 * x2
        trace_2d.append((x1, x2))
    expected["gd_2d"] = trace_2d
    for name, trace in expected.items():
        ours = json.loads((out_dir / "sec03_gd" / f"{name}.trace.json").read_text())
        np.testing.assert_allclose(ours, trace, rtol=1e-9, atol=1e-12, err_msg=name)


def sgd_final_distribution(learning_rates, curvature, start):
    """Mean and standard deviation of x_T for x <- x - eta (curvature x + N(0, 1)): a linear Gaussian recursion."""
    mean, variance = start, 0.0
    for eta in learning_rates:
        shrink = 1 - curvature * eta
        mean, variance = shrink * mean, shrink ** 2 * variance + eta ** 2
    return mean, math.sqrt(variance)


def sgd_z_scores(schedule, x1, x2):
    mean1, std1 = sgd_final_distribution(SGD_LEARNING_RATES[schedule], 2.0, -5.0)
    mean2, std2 = sgd_final_distribution(SGD_LEARNING_RATES[schedule], 4.0, -2.0)
    return (x1 - mean1) / std1, (x2 - mean2) / std2


def test_the_books_own_sgd_builds_fall_in_the_band_used_below():
    for schedule, finals in BOOK_SGD_FINALS.items():
        for x1, x2 in finals:
            assert max(map(abs, sgd_z_scores(schedule, x1, x2))) < 2.5, (schedule, x1, x2)


def test_sgd_finals_fall_in_the_spread_of_the_books_builds(outputs):
    _, printed = outputs
    finals = re.findall(r"epoch (\d+), x1: (\S+), x2: (\S+)", printed["sec04_sgd"])
    assert [steps for steps, _, _ in finals] == ["50", "1000", "50"]
    for schedule, (_, x1, x2) in zip(["constant", "exponential", "polynomial"], finals):
        z1, z2 = sgd_z_scores(schedule, float(x1), float(x2))
        assert abs(z1) < 4 and abs(z2) < 4, (schedule, x1, x2, z1, z2)
    # The exponential schedule stalls near x1 = -0.8: its learning rates add up to less than 1.
    assert -1.1 < float(finals[1][1]) < -0.55
    assert re.search(r"learning rates: 0\.860\d", printed["sec04_sgd"])


def test_sgd_traces_follow_the_noisy_update_and_reach_the_printed_point(outputs):
    out_dir, printed = outputs
    finals = re.findall(r"x1: (\S+), x2: (\S+)", printed["sec04_sgd"])
    for name, steps, (x1, x2) in zip(["sgd_constant_lr", "sgd_exponential_lr", "sgd_polynomial_lr"],
                                     [50, 1000, 50], finals):
        trace = np.array(json.loads((out_dir / "sec04_sgd" / f"{name}.trace.json").read_text()))
        assert trace.shape == (steps + 1, 2) and tuple(trace[0]) == (-5.0, -2.0)
        assert f"{trace[-1, 0]:f}" == x1 and f"{trace[-1, 1]:f}" == x2
        # The noise each step implies, (x - x_next) / eta - curvature x, must look standard normal.
        etas = np.array(SGD_LEARNING_RATES[name.split("_")[1]])
        noise = (trace[:-1] - trace[1:]) / etas[:, None] - trace[:-1] * np.array([2.0, 4.0])
        noise = noise[etas > 1e-4]  # later steps move x by less than its rounding error
        assert abs(noise.mean()) < 4 / math.sqrt(noise.size) and 0.6 < noise.std() < 1.4, name


def test_sgd_is_seeded_two_runs_print_the_same(outputs, tmp_path):
    _, printed = outputs
    assert run_section("sec04_sgd", tmp_path) == printed["sec04_sgd"]
