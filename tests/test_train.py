"""The training loop of d2l 11.11 and its tools, on small data where every number can be computed independently."""
import io
import os
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.optim import SGD
from minigrad.train import Accumulator, Progress, Timer, accuracy, evaluate_accuracy, train


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
    assert len(history.train_points) == 3 and history.test_points[-1][0] == 3     # 50 batches, a point every 50
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


def test_scheduler_function_sets_lr_after_each_epoch_and_object_steps():
    x, y = blobs(60)
    net = Recorder()
    trainer = SGD(net.parameters(), lr=0.5)
    history = train(net, batches(x, y, 20), batches(x, y, 30), 3, nn.CrossEntropyLoss(), trainer,
                    scheduler=lambda epoch: 0.1 / (epoch + 1), out=io.StringIO())
    assert [e["lr"] for e in history.epochs] == [0.5, 0.1, 0.05]
    assert trainer.param_groups[0]["lr"] == pytest.approx(0.1 / 3)

    class Steps:
        count = 0

        def step(self):
            self.count += 1
    steps = Steps()
    train(net, batches(x, y, 20), batches(x, y, 30), 2, nn.CrossEntropyLoss(), trainer, scheduler=steps,
          out=io.StringIO())
    assert steps.count == 2


def test_a_nan_loss_stops_training_with_a_clear_message():
    x, y = blobs(100)
    x[45] = np.nan                       # in the third batch of 20
    net = Recorder()
    with pytest.raises(FloatingPointError, match=r"loss became nan at epoch 1, batch 3 \(lr 0.25\)"):
        train(net, batches(x, y, 20), batches(x, y, 50), 2, nn.CrossEntropyLoss(), SGD(net.parameters(), lr=0.25),
              out=io.StringIO())
    assert np.isfinite(net.fc.weight.detach().numpy()).all(), "the NaN batch must not reach the weights"


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


def test_progress_is_quiet_off_a_terminal_and_informative_on_one():
    quiet = io.StringIO()
    Progress(quiet).update(1, 3, 10, 100, 2560, 1.0)
    assert quiet.getvalue() == ""

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    screen = Terminal()
    progress = Progress(screen, every=0)
    progress.update(1, 3, 10, 100, 2560, 1.0)
    assert "epoch 1/3  batch 10/100  2,560 img/s  9 s left in epoch" in screen.getvalue()
    progress.update(1, 3, 20, 1000, 5120, 15.0)
    assert "batch 20/1000  341 img/s  12 min 15 s left in epoch" in screen.getvalue()
    progress.clear()
    assert screen.getvalue().endswith("\r")
    muted = Terminal()
    Progress(muted, enabled=False).update(1, 3, 10, 100, 2560, 1.0)
    assert muted.getvalue() == ""


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
