"""The 'beyond the book' script: its decays against torch.optim.lr_scheduler step by step, the plateau run's lr cuts
against PyTorch's ReduceLROnPlateau fed the same validation losses, per-layer gradient norms against PyTorch on the
same weights, and the script end to end in quick mode."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from chapters.ch11 import extra_schedules_and_gradients as extra
from minigrad import nn
from minigrad.data import DataLoader

REPO_ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 60


def torch_decays(torch, epochs):
    from torch.optim import lr_scheduler as L

    def sgd():
        return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)

    warm = sgd()
    w = epochs // 6
    return {
        "time-based": L.LambdaLR(sgd(), lambda t: 1 / (1 + 0.1 * t)),
        "step": L.StepLR(sgd(), step_size=epochs // 3, gamma=0.5),
        "exponential": L.ExponentialLR(sgd(), gamma=0.95),
        "polynomial": L.PolynomialLR(sgd(), total_iters=epochs, power=2.0),
        "cosine": L.CosineAnnealingLR(sgd(), T_max=epochs),
        "cosine, warm restarts": L.CosineAnnealingWarmRestarts(sgd(), T_0=5, T_mult=2),
        "one-cycle": L.OneCycleLR(sgd(), max_lr=0.1, total_steps=epochs),
        "warmup, then cosine": L.SequentialLR(warm, [L.LinearLR(warm, start_factor=0.01, total_iters=w),
                                                    L.CosineAnnealingLR(warm, T_max=epochs - w)], milestones=[w]),
    }


@pytest.mark.parametrize("epochs", [10, EPOCHS])
def test_every_decay_matches_torch_step_by_step(epochs):
    torch = pytest.importorskip("torch", reason="torch.optim.lr_scheduler is the reference for the decays")
    ours = extra.decays(epochs)
    theirs = torch_decays(torch, epochs)
    assert list(ours) == list(theirs)
    for name, (_, scheduler) in ours.items():
        expected = extra.lr_curve(theirs[name], epochs)      # the same read-then-step loop, on torch's scheduler
        assert extra.lr_curve(scheduler, epochs) == pytest.approx(expected, rel=1e-10, abs=1e-15), name


def tiny_split(seed=0, n=96, features=12, classes=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, classes, n).astype(np.int64)
    return X, y


def test_plateau_cuts_are_those_pytorch_makes_from_the_same_validation_losses():
    torch = pytest.importorskip("torch", reason="PyTorch's ReduceLROnPlateau is the reference")
    X, y = tiny_split()
    mg.manual_seed(0)
    train_iter = DataLoader((X[:64], y[:64]), 16, shuffle=True)
    lrs, val_losses = extra.plateau_run(train_iter, mg.Tensor(X[64:]), mg.Tensor(y[64:]), 25, patience=1)
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
    expected = []
    for loss in val_losses:
        expected.append(optimizer.param_groups[0]["lr"])
        reference.step(loss)
    assert lrs == expected
    assert len(set(lrs)) > 1, "the tiny run should overfit and trigger at least one cut"


@pytest.mark.parametrize("activation", ["Sigmoid", "ReLU"])
def test_layer_gradient_norms_and_slopes_match_pytorch_on_the_same_weights(activation):
    torch = pytest.importorskip("torch", reason="PyTorch computes the reference gradients")
    X, y = tiny_split(n=32)
    mg.manual_seed(3)
    net = extra.deep_mlp(getattr(nn, activation), depth=5, width=16)
    norms, slopes = extra.layer_statistics(net, [(mg.Tensor(X), mg.Tensor(y))])

    layers, fan_in = [torch.nn.Flatten()], 784
    for _ in range(5):
        layers += [torch.nn.Linear(fan_in, 16), getattr(torch.nn, activation)()]
        fan_in = 16
    layers.append(torch.nn.Linear(16, 10))
    reference = torch.nn.Sequential(*layers)
    ours = [m for m in net if isinstance(m, nn.Linear)]
    theirs = [m for m in reference if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for a, b in zip(ours, theirs):
            b.weight.copy_(torch.from_numpy(a.weight.detach().numpy()))
            b.bias.copy_(torch.from_numpy(a.bias.detach().numpy()))
    torch.nn.functional.cross_entropy(reference(torch.from_numpy(X)), torch.from_numpy(y)).backward()
    assert norms == pytest.approx([m.weight.grad.norm().item() for m in theirs], rel=1e-4)
    h, expected_slopes = torch.from_numpy(X), []
    with torch.no_grad():
        for module in reference:
            h = module(h)
            if isinstance(module, torch.nn.Sigmoid):
                expected_slopes.append((h * (1 - h)).mean().item())
            elif isinstance(module, torch.nn.ReLU):
                expected_slopes.append((h > 0).double().mean().item())
    assert slopes == pytest.approx(expected_slopes, rel=1e-5)


def test_sigmoid_gradients_vanish_toward_the_input_and_relu_ones_much_less():
    X, y = tiny_split(n=64)
    batch = [(mg.Tensor(X), mg.Tensor(y))]
    mg.manual_seed(1)
    sigmoid_norms, sigmoid_slopes = extra.layer_statistics(extra.deep_mlp(nn.Sigmoid, depth=8, width=32), batch)
    mg.manual_seed(1)
    relu_norms, _ = extra.layer_statistics(extra.deep_mlp(nn.ReLU, depth=8, width=32), batch)
    assert np.all(sigmoid_slopes <= 0.25)
    assert sigmoid_norms[0] / sigmoid_norms[-1] < 1e-4
    assert relu_norms[0] / relu_norms[-1] > 100 * sigmoid_norms[0] / sigmoid_norms[-1]


def test_quick_run_prints_both_parts_and_draws_two_figures(tmp_path):
    try:
        from minigrad.data import fashion_mnist_arrays
        fashion_mnist_arrays()
    except Exception as error:  # the data package says how to get the data
        pytest.skip(f"Fashion-MNIST is not available here: {error}")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(REPO_ROOT))
    env.pop("QUICK", None)
    completed = subprocess.run([sys.executable, "-m", "chapters.ch11.extra_schedules_and_gradients", "--quick",
                                "--out", str(tmp_path)], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for name in ("time-based", "step", "exponential", "polynomial", "cosine, warm restarts", "one-cycle",
                 "warmup, then cosine", "plateau (val loss)"):
        assert f"\n{name} " in out, name
    assert "ReduceLROnPlateau(factor=0.5, patience=2)" in out
    assert out.count("e-0") >= 11                                   # a gradient-norm row per layer
    figures = sorted(p.name for p in (tmp_path / "extra_schedules_and_gradients").glob("*.png"))
    assert figures == ["01_decays.png", "02_vanishing_gradient.png"]
