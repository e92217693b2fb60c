"""The warm-restart and cyclic schedules in quick mode: their lr stays in range, restarts go back to the top, the
figure exists; and 11.11's runs are read at the same epoch from their checkpoints, other seeds and files ignored."""
import math

import pytest

import minigrad as mg
from chapters.ch11 import beyond_warm_restarts as script


@pytest.fixture(scope="module")
def quick_run(run_quick):
    return run_quick(script)


def test_cyclic_schedules_stay_between_their_bounds_and_the_figures_exist(quick_run):
    schedules, printed, folder = quick_run
    restarts, cyclic = schedules["cosine, warm restarts"]["lrs"], schedules["cyclic (triangular2)"]["lrs"]
    assert restarts[0] == pytest.approx(0.3) and min(restarts) >= 0.01
    rises = [i for i in range(1, len(restarts)) if restarts[i] >= restarts[i - 1]]
    assert rises, "no warm restart happened"
    assert all(restarts[i] == pytest.approx(0.3) for i in rises)              # a restart goes back to the top
    assert cyclic[0] == pytest.approx(0.01) and 0.01 < max(cyclic) <= 0.3
    for result in schedules.values():
        assert math.isfinite(result["train_loss"]) and 0 <= result["test_acc"] <= 1
    for title in ("constant lr 0.3", "CosineScheduler + 5 warmup"):
        assert title in printed
    assert sorted(p.name for p in folder.glob("*.png")) == ["01_cyclic_schedules.png"]


def fake_checkpoint(folder, key, seed, epochs_done):
    """A file shaped as 11.11's checkpoints (config and History), with made-up per-epoch numbers."""
    epochs = [{"epoch": e, "lr": 0.1 * e, "train_loss": 1.0 / e, "train_acc": 0.5, "test_acc": 0.5 + e / 100,
               "seconds": 1.0} for e in range(1, epochs_done + 1)]
    mg.save({"config": {"run": key, "seed": seed, "num_epochs": 30, "train_images": 60000}, "epochs_done": epochs_done,
             "history": {"legend": [], "points": {}, "epochs": epochs}}, folder / f"{key}-{seed:08x}.npz")


def test_the_cyclic_runs_meet_11_11s_runs_at_the_same_epoch_from_their_checkpoints(tmp_path, capsys):
    from chapters.ch11.sec11_lr_scheduler import SEEDS
    fake_checkpoint(tmp_path, "constant", SEEDS["constant"], 30)
    fake_checkpoint(tmp_path, "sqrt", SEEDS["sqrt"] + 100, 30)        # another seed: another 11.11, not used
    fake_checkpoint(tmp_path, "multistep", SEEDS["multistep"], 2)     # stopped before epoch 3
    (tmp_path / "cosine-00000000.npz").write_bytes(b"not a checkpoint")
    found = script.print_book_runs_at(3, tmp_path)
    assert found["constant"]["epoch"] == 3 and found["constant"]["test_acc"] == pytest.approx(0.53)
    assert found["sqrt"] is None and found["multistep"] is None and found["cosine"] is None
    assert found["warmup"] is None
    printed = capsys.readouterr().out
    assert "lr 0.3 in epoch 3: train loss 0.333, test acc 0.530 (epoch 3 of 30, 60000 training images)" in printed
    assert printed.count("no checkpoint of 11.11's current settings here") == 4
