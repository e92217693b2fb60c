"""The 'choosing the learning rate' script: its range test in quick mode has the range test's shape, one-cycle
trains and is judged against 11.11's target correctly, and both figures are drawn."""
import math

import numpy as np
import pytest

from chapters.ch11 import beyond_lr_choice as script


@pytest.fixture(scope="module")
def quick_run(run_quick):
    (result, epochs), printed, folder = run_quick(script)
    return result, epochs, printed, folder


def test_range_test_sweeps_the_lr_exponentially_and_suggests_one_inside_the_sweep(quick_run):
    result, _, _, _ = quick_run
    lrs = np.asarray(result.lrs)
    assert lrs[0] == pytest.approx(script.RANGE_TEST["start_lr"])
    assert len(lrs) == script.QUICK["num_iter"] or result.diverged
    ratios = lrs[1:] / lrs[:-1]
    assert np.all(ratios > 1) and np.allclose(ratios, ratios[0])
    assert lrs[0] <= result.suggested_lr <= result.min_loss_lr <= lrs[-1]
    assert result.suggested_lr in result.lrs and result.min_loss_lr in result.lrs


def test_smoothed_loss_falls_to_a_minimum_inside_the_sweep_then_rises(quick_run):
    result, _, _, _ = quick_run
    smoothed = np.asarray(result.smoothed_losses)
    assert np.all(np.isfinite(smoothed))
    lowest = int(np.argmin(smoothed))
    assert 0 < lowest < len(smoothed) - 1
    assert smoothed[lowest] < smoothed[0] and smoothed[lowest] < smoothed[-1]
    assert result.lrs[lowest] == result.min_loss_lr


def test_one_cycle_peaks_at_the_lowest_loss_lr_and_the_figures_exist(quick_run):
    result, epochs, printed, folder = quick_run
    assert len(epochs) == 1
    for epoch in epochs:
        assert math.isfinite(epoch["train_loss"]) and 0 <= epoch["test_acc"] <= 1 and 0 <= epoch["train_acc"] <= 1
    assert f"OneCycleLR(max_lr={result.min_loss_lr:.4g}" in printed
    assert "suggested lr (steepest fall" in printed
    assert ("one-cycle reached it after" in printed) != ("one-cycle did not reach it" in printed)
    assert sorted(p.name for p in folder.glob("*.png")) == ["01_lr_range_test.png", "02_one_cycle.png"]


def epochs_with(accuracies):
    return [{"epoch": k + 1, "train_loss": 0.5, "train_acc": acc, "test_acc": acc, "seconds": 1.0}
            for k, acc in enumerate(accuracies)]


def test_the_verdict_names_the_first_epoch_at_or_above_the_target(capsys):
    target = script.TARGET
    script.print_one_cycle(epochs_with([target - 0.1, target - 0.001, target, target + 0.01]), 0.1, 256, 60000)
    out = capsys.readouterr().out
    assert f"one-cycle reached it after 3 epoch(s), {3 / script.BOOK_EPOCHS:.0%}" in out
    script.print_one_cycle(epochs_with([target - 0.2, target - 0.05]), 0.1, 256, 60000)
    out = capsys.readouterr().out
    assert "did not reach it in 2 epoch(s)" in out and f"({0.05:.3f} short)" in out
