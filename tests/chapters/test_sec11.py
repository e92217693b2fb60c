"""Section 11.11: the book's schedulers, the learning rates its code really trains with (checked against the book's
code run with PyTorch), checkpoint/resume bit for bit, the NaN guard, and the script end to end in quick mode."""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from chapters.ch11 import sec11_lr_scheduler as sec
from minigrad import nn, optim
from minigrad.data import DataLoader
from minigrad.optim import lr_scheduler
from minigrad.train import CheckpointMismatch, History, TrainingRun

REPO_ROOT = Path(__file__).resolve().parents[2]
BOOK_EPOCHS = 30


# ---- the book's scheduler classes ---------------------------------------------------------------------------------
def test_square_root_scheduler_is_lr0_over_sqrt_t_plus_1():
    scheduler = sec.SquareRootScheduler(lr=0.1)
    for t in range(30):
        assert scheduler(t) == pytest.approx(0.1 / math.sqrt(t + 1), rel=1e-15)


def test_factor_scheduler_multiplies_before_returning_and_stops_at_its_floor():
    scheduler = sec.FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
    values = [scheduler(t) for t in range(80)]
    expected = [max(1e-2, 2.0 * 0.9 ** (t + 1)) for t in range(80)]
    assert values == pytest.approx(expected, rel=1e-12)
    assert values[0] == pytest.approx(1.8)            # the first call already decays
    assert values[49] > 1e-2 and values[-1] == 1e-2    # the floor comes after update 50, then holds


def cosine_closed_form(t, max_update, base, final, warmup=0, begin=0.0):
    """The schedule of the book's text, written independently: linear warmup, half cosine, then flat."""
    if t < warmup:
        return begin + (base - begin) * t / warmup
    t = min(t, max_update)
    return final + (base - final) * (1 + math.cos(math.pi * (t - warmup) / (max_update - warmup))) / 2


@pytest.mark.parametrize("warmup", [0, 5])
def test_cosine_scheduler_follows_the_formula_and_stays_flat_after_max_update(warmup):
    scheduler = sec.CosineScheduler(20, warmup_steps=warmup, base_lr=0.3, final_lr=0.01)
    for t in range(30):
        assert scheduler(t) == pytest.approx(cosine_closed_form(t, 20, 0.3, 0.01, warmup), rel=1e-12, abs=1e-15)
    assert scheduler(20) == pytest.approx(0.01) and scheduler(29) == scheduler(20)
    if warmup:
        assert scheduler(0) == 0 and scheduler(5) == pytest.approx(0.3)


# ---- a tiny problem to train on ------------------------------------------------------------------------------------
def tiny_data(n=24, features=6, classes=3, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, features)).astype(np.float32)
    y = rng.integers(0, classes, n).astype(np.int64)
    return (DataLoader((X[:16], y[:16]), 4, shuffle=True), DataLoader((X[16:], y[16:]), 4))


def tiny_net():
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))


def trained(net, train_iter, test_iter, num_epochs, trainer, scheduler=None, label="train", **run_kwargs):
    """The section's `train` with a TrainingRun of `run_kwargs` (checkpoint, config, resume); return its History."""
    run = TrainingRun(label, **run_kwargs)
    sec.train(net, train_iter, test_iter, num_epochs, nn.CrossEntropyLoss(), trainer, scheduler, run)
    return run.history


def book_run(kind, num_epochs, seed=0, **run_kwargs):
    """One of the book's runs on the tiny problem, set up as the book's cells set it up."""
    mg.manual_seed(seed)
    train_iter, test_iter = tiny_data()
    net = tiny_net()
    scheduler = None
    if kind == "constant":
        trainer = optim.SGD(net.parameters(), lr=0.3)
    elif kind == "sqrt":
        scheduler = sec.SquareRootScheduler(lr=0.1)
        [scheduler(t) for t in range(BOOK_EPOCHS)]                   # the plot
        trainer = optim.SGD(net.parameters(), lr=0.1)
    elif kind == "multistep":
        trainer = optim.SGD(net.parameters(), lr=0.5)
        scheduler = lr_scheduler.MultiStepLR(trainer, milestones=[15, 30], gamma=0.5)
        for _ in range(BOOK_EPOCHS):                                 # the plot: get_lr(trainer, scheduler)
            scheduler.get_last_lr()
            trainer.step()
            scheduler.step()
    elif kind in ("cosine", "warmup"):
        scheduler = sec.CosineScheduler(20, warmup_steps=5 if kind == "warmup" else 0, base_lr=0.3, final_lr=0.01)
        [scheduler(t) for t in range(BOOK_EPOCHS)]                   # the plot
        trainer = optim.SGD(net.parameters(), lr=0.3)
    else:
        raise ValueError(kind)
    history = trained(net, train_iter, test_iter, num_epochs, trainer, scheduler, label=kind, **run_kwargs)
    return net, trainer, scheduler, history


def torch_book_lrs(kind):
    """The lr of every epoch when the book's own cells run with PyTorch (model and data do not matter here)."""
    torch = pytest.importorskip("torch", reason="PyTorch runs the book's code as the reference")
    from torch.optim import lr_scheduler as torch_lr_scheduler
    net = torch.nn.Linear(1, 1)
    scheduler = None
    if kind == "constant":
        trainer = torch.optim.SGD(net.parameters(), lr=0.3)
    elif kind == "sqrt":
        trainer = torch.optim.SGD(net.parameters(), lr=0.1)
        scheduler = lambda epoch: 0.1 * (epoch + 1.0) ** -0.5  # noqa: E731
    elif kind == "multistep":
        trainer = torch.optim.SGD(net.parameters(), lr=0.5)
        scheduler = torch_lr_scheduler.MultiStepLR(trainer, milestones=[15, 30], gamma=0.5)
        for _ in range(BOOK_EPOCHS):
            trainer.step()
            scheduler.step()
    else:
        trainer = torch.optim.SGD(net.parameters(), lr=0.3)
        warmup = 5 if kind == "warmup" else 0
        scheduler = lambda epoch: cosine_closed_form(epoch, 20, 0.3, 0.01, warmup)  # noqa: E731
    lrs = []
    for epoch in range(BOOK_EPOCHS):
        lrs.append(trainer.param_groups[0]["lr"])
        trainer.step()
        if scheduler:                                                # the book's dispatch, verbatim in effect
            if scheduler.__module__ == torch_lr_scheduler.__name__:
                scheduler.step()
            else:
                for param_group in trainer.param_groups:
                    param_group["lr"] = scheduler(epoch)
    return lrs


@pytest.mark.parametrize("kind", ["constant", "sqrt", "multistep", "cosine", "warmup"])
def test_each_run_trains_with_the_lrs_the_books_code_gives_in_pytorch(kind, capsys):
    _, _, _, history = book_run(kind, BOOK_EPOCHS)
    ours = sec.epoch_lrs(history)
    assert ours == pytest.approx(torch_book_lrs(kind), rel=1e-12, abs=1e-15)
    if kind == "multistep":
        assert ours == [0.125] * BOOK_EPOCHS
    if kind == "warmup":
        assert ours[:3] == [0.3, 0.0, pytest.approx(0.06)]


# ---- checkpoints -----------------------------------------------------------------------------------------------
class Interrupted(Exception):
    pass


class StopsDuringEpoch:
    """A training iterator that fails in the middle of epoch `epoch` (1-based), as a killed process would."""

    def __init__(self, loader, epoch):
        self.loader, self.epoch, self.started = loader, epoch, 0
        self.dataset = loader.dataset

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        self.started += 1
        for i, batch in enumerate(self.loader):
            if self.started == self.epoch and i == 2:
                raise Interrupted
            yield batch


def without_seconds(history):
    state = history.state_dict()
    return {**state, "epochs": [{k: v for k, v in e.items() if k != "seconds"} for e in state["epochs"]]}


@pytest.mark.parametrize("kind", ["multistep_inside", "warmup"])
def test_interrupted_and_resumed_equals_uninterrupted_bit_for_bit(kind, tmp_path, capsys):
    config = {"run": kind, "num_epochs": 6}

    def setup(seed=3):
        mg.manual_seed(seed)
        train_iter, test_iter = tiny_data()
        net = tiny_net()
        trainer = optim.SGD(net.parameters(), lr=0.3)
        if kind == "warmup":
            scheduler = sec.CosineScheduler(4, warmup_steps=2, base_lr=0.3, final_lr=0.01)
        else:
            scheduler = lr_scheduler.MultiStepLR(trainer, milestones=[2, 4], gamma=0.5)
        return train_iter, test_iter, net, trainer, scheduler

    train_iter, test_iter, whole_net, whole_trainer, scheduler = setup()
    whole = trained(whole_net, train_iter, test_iter, 6, whole_trainer, scheduler,
                    checkpoint=tmp_path / "whole.npz", config=config)
    whole_line = capsys.readouterr().out

    train_iter, test_iter, net, trainer, scheduler = setup()
    with pytest.raises(Interrupted):
        trained(net, StopsDuringEpoch(train_iter, 4), test_iter, 6, trainer, scheduler,
                checkpoint=tmp_path / "cut.npz", config=config)
    assert mg.load(tmp_path / "cut.npz")["epochs_done"] == 3

    mg.manual_seed(12345)   # a new process: whatever the generator holds is replaced by the checkpoint's
    train_iter, test_iter, net2, trainer2, scheduler2 = setup()
    resumed = trained(net2, train_iter, test_iter, 6, trainer2, scheduler2,
                      checkpoint=tmp_path / "cut.npz", config=config, resume=True)
    assert capsys.readouterr().out == whole_line
    assert without_seconds(resumed) == without_seconds(whole)
    for (name, a), b in zip(whole_net.state_dict().items(), net2.state_dict().values()):
        assert a.tobytes() == b.tobytes(), name
    assert trainer2.param_groups[0]["lr"] == whole_trainer.param_groups[0]["lr"]


def test_resume_without_the_saved_generator_would_differ(tmp_path, capsys):
    """The test above can fail: if shuffling restarted from the seed, the resumed run would not be the same."""
    config = {"run": "rng"}
    mg.manual_seed(3)
    train_iter, test_iter = tiny_data()
    net = tiny_net()
    whole = trained(net, train_iter, test_iter, 4, optim.SGD(net.parameters(), lr=0.3))
    mg.manual_seed(3)
    train_iter, test_iter = tiny_data()
    net = tiny_net()
    trained(net, train_iter, test_iter, 2, optim.SGD(net.parameters(), lr=0.3), checkpoint=tmp_path / "c.npz",
            config=config)
    state = mg.load(tmp_path / "c.npz")
    state["rng"] = np.random.default_rng(3).bit_generator.state
    mg.save(state, tmp_path / "c.npz")
    mg.manual_seed(3)
    train_iter, test_iter = tiny_data()
    net = tiny_net()
    broken = trained(net, train_iter, test_iter, 4, optim.SGD(net.parameters(), lr=0.3),
                     checkpoint=tmp_path / "c.npz", config=config, resume=True)
    assert without_seconds(broken) != without_seconds(whole)


def test_a_checkpoint_of_other_settings_or_unreadable_is_kept_not_overwritten(tmp_path, capsys):
    book_run("constant", 1, checkpoint=tmp_path / "c.npz", config={"num_epochs": 1})
    saved = (tmp_path / "c.npz").read_bytes()
    for resume in (True, False):
        with pytest.raises(CheckpointMismatch, match=r"c\.npz holds a run with other settings"):
            book_run("constant", 2, checkpoint=tmp_path / "c.npz", config={"num_epochs": 2}, resume=resume)
        assert (tmp_path / "c.npz").read_bytes() == saved
    (tmp_path / "bad.npz").write_bytes(b"not a checkpoint")
    for resume in (True, False):
        with pytest.raises(ValueError, match=r"bad\.npz is not a checkpoint this run can read"):
            book_run("constant", 1, checkpoint=tmp_path / "bad.npz", config={}, resume=resume)
        assert (tmp_path / "bad.npz").read_bytes() == b"not a checkpoint"


def test_a_finished_run_resumes_without_training_and_prints_its_line(tmp_path, capsys):
    _, _, _, first = book_run("sqrt", 2, checkpoint=tmp_path / "c.npz", config={"n": 2})
    line = capsys.readouterr().out
    saved = (tmp_path / "c.npz").read_bytes()
    net, _, _, again = book_run("sqrt", 2, seed=99, checkpoint=tmp_path / "c.npz", config={"n": 2}, resume=True)
    assert capsys.readouterr().out == line and without_seconds(again) == without_seconds(first)
    assert (tmp_path / "c.npz").read_bytes() == saved, "nothing trained, nothing written"
    restored = mg.load(tmp_path / "c.npz")["model"]
    assert all(np.array_equal(restored[k], v) for k, v in net.state_dict().items())


def test_checkpoint_names_differ_per_settings():
    quick = {"run": "constant", "num_epochs": 2, "train_images": 128}
    full = {"run": "constant", "num_epochs": 30, "train_images": 60000}
    assert sec.checkpoint_name("constant", quick) != sec.checkpoint_name("constant", full)
    assert sec.checkpoint_name("constant", quick) == sec.checkpoint_name("constant", dict(reversed(quick.items())))


def test_a_nan_loss_stops_training_with_a_clear_message(tmp_path):
    mg.manual_seed(0)
    X = np.full((8, 6), np.nan, dtype=np.float32)
    y = np.zeros(8, dtype=np.int64)
    net = tiny_net()
    with pytest.raises(FloatingPointError, match=r"train loss became nan in epoch 1 \(lr 0.3\)"):
        trained(net, DataLoader((X, y), 4), DataLoader((X, y), 4), 1, optim.SGD(net.parameters(), lr=0.3),
                checkpoint=tmp_path / "c.npz", config={})
    assert not (tmp_path / "c.npz").exists(), "the NaN epoch is not saved"


def test_compress_merges_equal_epochs_and_elides_the_middle():
    assert sec.compress([0.3, 0.3, 0.0, 0.06]) == "0.3 (1-2), 0 (3), 0.06 (4)"
    assert sec.compress([5, 4, 3, 2, 1, 1], keep=2) == "5 (1), 4 (2), ..., 1 (5-6)"


# ---- the script, end to end in quick mode ------------------------------------------------------------------------
def run_script(out, *extra):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(REPO_ROOT))
    env.pop("QUICK", None)
    env.pop("RESUME", None)
    completed = subprocess.run([sys.executable, "-m", "chapters.ch11.sec11_lr_scheduler", "--quick", "--out",
                                str(out), *extra], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def needs_data():
    try:
        from minigrad.data import fashion_mnist_arrays
        fashion_mnist_arrays()
    except Exception as error:  # the data package says how to get the data
        pytest.skip(f"Fashion-MNIST is not available here: {error}")


def stable(text):
    """The printed lines without the wall-time ones."""
    return [line for line in text.splitlines() if not line.startswith("(2 epochs")]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One serial quick run (its output folder and printed text), with a full-mode checkpoint already there."""
    needs_data()
    tmp_path = tmp_path_factory.mktemp("sec11")
    other_settings = tmp_path / "sec11_lr_scheduler" / "checkpoints" / "full" / "constant-0123abcd.npz"
    other_settings.parent.mkdir(parents=True)
    other_settings.write_bytes(b"kept as it is")     # stands for a half-finished full run's checkpoint
    return tmp_path, run_script(tmp_path, "--jobs", "1")


def test_quick_run_prints_every_cell_draws_every_figure_and_resumes(quick_run):
    tmp_path, out = quick_run
    section = tmp_path / "sec11_lr_scheduler"
    other_settings = section / "checkpoints" / "full" / "constant-0123abcd.npz"
    assert len(re.findall(r"^train loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$", out, re.M)) == 5
    assert "learning rate is now 0.10" in out
    assert "lr per epoch 0.125 (1-2)" in out                               # MultiStepLR after the plot's 30 steps
    assert "lr per epoch 0.3 (1), 0 (2)" in out                            # warmup: a full epoch, then lr 0
    assert "lr per epoch 0.1 (1-2)" in out                                 # sqrt, one epoch late
    assert "starts at 1.8, not 2.0" in out
    figures = sorted(p.name for p in section.glob("[0-9][0-9]_*.png"))
    assert len(figures) == 10 and sum("curves_" in f for f in figures) == 5, figures
    saved = {p.name: p.read_bytes() for p in (section / "checkpoints" / "quick").glob("*.npz")}
    assert sorted(name.split("-")[0] for name in saved) == sorted(sec.SEEDS)

    resumed = run_script(tmp_path, "--resume")                             # every run finished: nothing retrained
    assert stable(resumed) == stable(out)
    assert {p.name: p.read_bytes() for p in (section / "checkpoints" / "quick").glob("*.npz")} == saved
    assert other_settings.read_bytes() == b"kept as it is"


@pytest.mark.parametrize("jobs", [2, 5])      # 5: a process per run, what run_all --jobs 2 gives this script
def test_parallel_jobs_print_what_one_job_prints(quick_run, tmp_path, jobs):
    """--jobs N trains the runs in N worker processes; the printed numbers are those of the serial run."""
    serial = quick_run[1]
    parallel = run_script(tmp_path / "parallel", "--jobs", str(jobs))
    assert stable(parallel) == stable(serial)
    assert len(stable(serial)) > 20
    figures = sorted(p.name for p in (tmp_path / "parallel" / "sec11_lr_scheduler").glob("[0-9][0-9]_*.png"))
    assert len(figures) == 10


def history_of(train_accs):
    history = History()
    history.epochs = [{"epoch": i + 1, "lr": 0.3, "train_loss": 2.303 if acc < 0.2 else 0.5, "train_acc": acc,
                       "test_acc": acc} for i, acc in enumerate(train_accs)]
    return history


def test_collapse_epoch_is_where_a_run_stays_at_chance_to_its_end():
    assert sec.collapse_epoch(history_of([0.7, 0.1, 0.1, 0.1])) == 2
    assert sec.collapse_epoch(history_of([0.1, 0.5, 0.8])) is None   # a slow start that recovers is no collapse
    assert sec.collapse_epoch(history_of([0.7, 0.8, 0.1])) == 3


def test_final_table_names_a_collapsed_run_in_full_mode_only():
    histories = {key: history_of([0.8, 0.9]) for key in sec.BOOK}
    histories["cosine"] = history_of([0.8, 0.1])
    assert "collapsed to chance: cosine from epoch 2;" in sec.final_table(histories, quick=False)
    assert "collapsed" not in sec.final_table(histories, quick=True)
    histories["cosine"] = history_of([0.8, 0.9])
    assert "collapsed" not in sec.final_table(histories, quick=False)
