"""The general training loop (d2l's train_ch6), TrainingRun and the tools around them, on small data where every
number can be computed independently."""
import io
import os
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.data import DataLoader
from minigrad.optim import SGD
from minigrad.train import (
    Accumulator,
    CheckpointMismatch,
    History,
    Progress,
    ProgressBoard,
    Timer,
    TrainingRun,
    accuracy,
    evaluate_accuracy,
    train,
)


def blobs(n, seed=0):
    """Three Gaussian blobs in 4-D: an easy, deterministic classification problem."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 4)) * 0.5 + np.eye(3, 4)[y] * 3
    return x.astype(np.float32), y


def batches(x, y, size):
    return [(mg.Tensor(x[i:i + size]), mg.Tensor(y[i:i + size])) for i in range(0, len(x), size)]


class Recorder(nn.Module):
    """A linear classifier that notes the batch sizes, modes and grad mode it ran in."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3, generator=np.random.default_rng(0))
        self.calls = []

    def forward(self, x):
        self.calls.append((len(x), self.training, mg.is_grad_enabled()))
        return self.fc(x)


def test_train_prints_the_books_line_and_keeps_history(tmp_path):
    x, y = blobs(600)
    train_iter, test_iter = batches(x[:500], y[:500], 10), batches(x[500:], y[500:], 25)
    net = Recorder()
    out = io.StringIO()
    figure = tmp_path / "curves.png"
    history = train(net, train_iter, test_iter, 3, nn.CrossEntropyLoss(), SGD(net.parameters(), lr=0.1),
                    figure=figure, out=out)
    line = out.getvalue().strip()
    assert re.fullmatch(r"train loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}", line), line
    assert line == history.summary_line()
    assert [e["epoch"] for e in history.epochs] == [1, 2, 3]
    assert len(history.points["train loss"]) == 3 and history.points["test acc"][-1][0] == 3   # a point every 50
    assert history.final["test_acc"] > 0.95
    assert figure.exists() and os.listdir(tmp_path) == ["curves.png"]
    assert net.training, "train() leaves the network in training mode"


def test_reported_numbers_equal_an_independent_computation():
    """With lr 0 nothing changes, so the epoch's loss and accuracies are those of the fixed initial network."""
    x, y = blobs(200, seed=1)
    net = Recorder()
    history = train(net, batches(x, y, 32), batches(x, y, 50), 1, nn.CrossEntropyLoss(),
                    SGD(net.parameters(), lr=0.0), out=io.StringIO())
    w, b = net.fc.weight.detach().numpy().astype(np.float64), net.fc.bias.detach().numpy().astype(np.float64)
    logits = x @ w.T + b
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected_loss = -log_probs[np.arange(len(y)), y].mean()
    expected_acc = (logits.argmax(axis=1) == y).mean()
    assert history.final["train_loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert history.final["train_acc"] == pytest.approx(expected_acc)
    assert history.final["test_acc"] == pytest.approx(expected_acc)


def test_a_scheduler_object_is_stepped_after_each_epoch():
    x, y = blobs(60)
    net = Recorder()
    trainer = SGD(net.parameters(), lr=0.5)
    scheduler = mg.optim.lr_scheduler.StepLR(trainer, step_size=1, gamma=0.5)
    history = train(net, batches(x, y, 20), batches(x, y, 30), 3, nn.CrossEntropyLoss(), trainer, scheduler,
                    out=io.StringIO())
    assert [e["lr"] for e in history.epochs] == [0.5, 0.25, 0.125]
    assert trainer.param_groups[0]["lr"] == 0.0625


def test_a_nan_loss_stops_training_at_the_end_of_its_epoch_keeping_the_checkpoint(tmp_path):
    x, y = blobs(100)
    net = Recorder()
    run = TrainingRun("blobs", checkpoint=tmp_path / "c.npz", config={"n": 100})
    train(net, batches(x, y, 20), batches(x, y, 50), 1, nn.CrossEntropyLoss(), SGD(net.parameters(), lr=0.25),
          run=run, out=io.StringIO())
    saved = (tmp_path / "c.npz").read_bytes()
    x[45] = np.nan                       # in the third batch of 20
    resumed = TrainingRun("blobs", checkpoint=tmp_path / "c.npz", config={"n": 100}, resume=True)
    with pytest.raises(FloatingPointError, match=r"blobs: the train loss became nan in epoch 2 \(lr 0.25\)"):
        train(net, batches(x, y, 20), batches(x, y, 50), 2, nn.CrossEntropyLoss(), SGD(net.parameters(), lr=0.25),
              run=resumed, out=io.StringIO())
    assert (tmp_path / "c.npz").read_bytes() == saved


def test_training_run_resumes_bit_for_bit_and_keeps_other_settings(tmp_path, capsys):
    x, y = blobs(200, seed=2)

    def fit(num_epochs, **run_kwargs):
        mg.manual_seed(0)
        net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        loader = DataLoader((x, y), 16, shuffle=True)
        history = train(net, loader, [(x, y)], num_epochs, nn.CrossEntropyLoss(), SGD(net.parameters(), lr=0.2),
                        run=TrainingRun(**run_kwargs), out=io.StringIO())
        return [{k: v for k, v in e.items() if k != "seconds"} for e in history.epochs], history.points, net

    whole = fit(4)
    fit(2, checkpoint=tmp_path / "c.npz", config={"epochs": 4})                  # stopped after 2 epochs
    resumed = fit(4, checkpoint=tmp_path / "c.npz", config={"epochs": 4}, resume=True)
    assert resumed[:2] == whole[:2]
    assert all(np.array_equal(a, b) for a, b in zip(whole[2].state_dict().values(), resumed[2].state_dict().values()))
    kept = (tmp_path / "c.npz").read_bytes()
    with pytest.raises(CheckpointMismatch, match="other settings"):
        fit(4, checkpoint=tmp_path / "c.npz", config={"epochs": 5}, resume=True)
    assert (tmp_path / "c.npz").read_bytes() == kept


def test_history_records_like_an_animator_and_round_trips(tmp_path):
    history = History(xlim=[0, 2])
    history.add(0.5, (1.0, 0.25, None))
    history.add(1, (None, None, 0.5))
    assert history.points == {"train loss": [(0.5, 1.0)], "train acc": [(0.5, 0.25)], "test acc": [(1.0, 0.5)]}
    with pytest.raises(ValueError, match="2 values for the 3 curves"):
        history.add(1, (1.0, 2.0))
    copy = History()
    mg.save(history.state_dict(), tmp_path / "h.npz")
    copy.load_state_dict(mg.load(tmp_path / "h.npz"))
    assert copy.points == history.points


def test_evaluate_accuracy_runs_in_eval_mode_without_a_graph_in_chunks():
    x, y = blobs(2500)
    net = Recorder()
    expected = ((x @ net.fc.weight.detach().numpy().T + net.fc.bias.detach().numpy()).argmax(axis=1) == y).mean()
    assert evaluate_accuracy(net, [(x, y)], chunk_size=1024) == pytest.approx(expected)
    assert net.calls == [(1024, False, False), (1024, False, False), (452, False, False)]
    assert net.training, "the previous mode comes back"
    net.eval()
    evaluate_accuracy(net, batches(x, y, 1000))
    assert not net.training
    with pytest.raises(ValueError, match="no examples"):
        evaluate_accuracy(net, [])


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_quiet_off_a_terminal_and_informative_on_one(monkeypatch):
    monkeypatch.delenv("MINIGRAD_PROGRESS_FD", raising=False)
    quiet = io.StringIO()
    Progress("run", 3, 100, stream=quiet, every=0).update(0, 10, 2560)
    assert quiet.getvalue() == ""
    screen = Terminal()
    progress = Progress("constant", 3, 100, stream=screen, every=0)
    progress.started -= 1.0                                     # as if the 10 batches took one second
    progress.update(0, 10, 2560)
    assert "constant: epoch 1/3, batch 10/100, 2,5" in screen.getvalue()
    assert re.search(r"images/s, 2\d s left", screen.getvalue()), screen.getvalue()   # 290 batches at 0.1 s
    progress.clear()
    assert screen.getvalue().endswith("\r")
    muted = Terminal()
    Progress("run", 3, 100, stream=muted, every=0, enabled=False).update(0, 10, 2560)
    assert muted.getvalue() == ""


def test_progress_board_shows_its_childrens_lines_as_one(monkeypatch):
    monkeypatch.delenv("MINIGRAD_PROGRESS_FD", raising=False)
    screen = Terminal()
    board = ProgressBoard(stream=screen)
    child = subprocess_with_progress(board, "a", "b")
    assert child.returncode == 0, child.stderr
    board.print("a printed line")
    board.close()
    text = screen.getvalue()
    assert "a: epoch 1/2, batch 1/4" in text and "b: epoch 1/2, batch 1/4" in text, text
    assert "a printed line\n" in text
    assert text.endswith("\r")


def subprocess_with_progress(board, *labels):
    import subprocess
    import sys
    code = ("from minigrad.train import Progress\n"
            f"for label in {labels!r}:\n"
            "    Progress(label, 2, 4, every=0).update(0, 1, 8)\n")
    return subprocess.run([sys.executable, "-c", code], env=board.child_env(os.environ), capture_output=True,
                          text=True, pass_fds=(board.fd_for_child,), timeout=60)


def test_small_tools():
    acc = Accumulator(2)
    acc.add(1, 2.5)
    acc.add(mg.tensor(3.0), 0.5)
    assert acc[0] == 4 and acc[1] == 3
    acc.reset()
    assert acc.data == [0, 0]
    with pytest.raises(ValueError, match="2 sums"):
        acc.add(1)
    timer = Timer()
    timer.stop()
    timer.start()
    timer.stop()
    assert len(timer.times) == 2 and timer.sum() >= 0 and timer.cumsum()[-1] == pytest.approx(timer.sum())
    assert accuracy(mg.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 1, 1])) == 2


def test_progress_without_a_length_and_with_a_stale_pipe_variable(monkeypatch):
    screen = Terminal()
    progress = Progress("gen", 2, 0, stream=screen, every=0)
    progress.update(0, 3, 30)
    assert "gen: epoch 1/2, batch 3, " in screen.getvalue() and "left" not in screen.getvalue()
    monkeypatch.setenv("MINIGRAD_PROGRESS_FD", "987")       # no such open file: nothing shown, nothing fails
    Progress("stale", 2, 4, every=0).update(0, 1, 8)
