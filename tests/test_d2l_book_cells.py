"""The kind of code the book's chapter 11 and section 2.5 run, written here in the project's own words, on
``import minigrad as torch`` and ``minigrad.d2l``: each checks a result, not only that the code runs."""
import numpy as np
import pytest
from matplotlib import pyplot as plt

import minigrad as torch
from minigrad import d2l, nn, optim


@pytest.fixture(autouse=True)
def figures_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(d2l.FIGURE_DIR_VARIABLE, str(tmp_path / "figures"))
    yield
    plt.close("all")


def regression_loader(n=400, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 5)).astype(np.float32)
    y = X @ np.array([0.5, -1.0, 0.25, 0.0, 2.0], np.float32) + 0.1
    return d2l.load_array((torch.tensor(X), torch.tensor(y)), 10, is_train=False)


def test_a_from_scratch_update_by_slice_assignment_trains_like_torch_optim():
    """A momentum rule written with state[:] = ..., param[:] -= ... and p.grad.data.zero_() drives d2l.train_ch11;
    the same loader and initial weight through optim.SGD(momentum) must give the same losses."""
    def heavy_ball(params, states, hyperparams):
        for p, velocity in zip(params, states):
            with torch.no_grad():
                velocity[:] = hyperparams["momentum"] * velocity + p.grad
                p[:] -= hyperparams["lr"] * velocity
            p.grad.data.zero_()

    torch.manual_seed(11)
    _, scratch = d2l.train_ch11(heavy_ball, (torch.zeros((5, 1)), torch.zeros(1)), {"lr": 0.01, "momentum": 0.9},
                                regression_loader(), 5, animator=d2l.Animator(path=False))
    torch.manual_seed(11)
    w = torch.normal(0.0, 0.01, (5, 1), requires_grad=True)   # the draw train_ch11 made
    b = torch.zeros(1, requires_grad=True)
    trainer = optim.SGD([w, b], lr=0.01, momentum=0.9)
    expected, batches = [], 0
    for epoch in range(2):   # train_ch11's default: 2 epochs, the loss evaluated every 200 examples (20 batches)
        for X, y in regression_loader():
            trainer.zero_grad()
            d2l.squared_loss(d2l.linreg(X, w, b), y).mean().backward()
            trainer.step()
            batches += 1
            if batches % 20 == 0:
                expected.append(d2l.evaluate_loss(lambda X: d2l.linreg(X, w, b), regression_loader(),
                                                  d2l.squared_loss))
    assert len(scratch) == len(expected) == 4
    np.testing.assert_allclose(scratch, expected, rtol=1e-5)


def test_a_classifier_loop_moves_to_the_device_and_counts_accuracy():
    """11.11's loop in miniature: net.to(device), X.to(device), Accumulator, evaluate_accuracy_gpu."""
    device = d2l.try_gpu()
    assert device == torch.device("cpu") and not torch.cuda.is_available()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    train_iter = d2l.load_array((torch.tensor(X), torch.tensor(y)), 20)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 2))
    net.to(device)
    loss, trainer = nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.5)
    for epoch in range(5):
        metric = d2l.Accumulator(3)
        for X_batch, y_batch in train_iter:
            X_batch, y_batch = X_batch.to(device), y_batch.to(device)
            trainer.zero_grad()
            l = loss(net(X_batch), y_batch)
            l.backward()
            trainer.step()
            with torch.no_grad():
                metric.add(l * X_batch.shape[0], d2l.accuracy(net(X_batch), y_batch), X_batch.shape[0])
    assert metric[2] == 200 and metric[1] / metric[2] > 0.9
    accuracy = d2l.evaluate_accuracy_gpu(net, d2l.load_array((torch.tensor(X), torch.tensor(y)), 64, False))
    with torch.no_grad():
        predicted = net(torch.tensor(X)).detach().numpy().argmax(axis=1)
    assert accuracy == np.mean(predicted == y)
    with pytest.raises(RuntimeError, match="CPU only"):
        d2l.evaluate_accuracy_gpu(net, train_iter, device="cuda:0")


def test_section_2_5_detach_and_control_flow_gradients():
    """A gradient through a detached factor treats it as a constant; a gradient through Python control flow is
    the slope of the piece that ran."""
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    (u * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 4.0, 9.0])

    def doubling(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        return b if b.sum() > 0 else 100 * b

    a = torch.tensor(0.7, requires_grad=True)
    d = doubling(a)
    d.backward()
    assert a.grad.item() == pytest.approx(d.item() / a.item(), rel=1e-6)


def test_show_trace_2d_takes_a_function_written_with_tensor_ops():
    def f_2d(x1, x2):
        return 0.1 * x1 ** 2 + 2 * torch.square(x2)

    def momentum_2d(x1, x2, v1, v2):
        v1, v2 = 0.5 * v1 + 0.2 * x1, 0.5 * v2 + 4 * x2
        return x1 - 0.6 * v1, x2 - 0.6 * v2, v1, v2

    d2l.show_trace_2d(f_2d, d2l.train_2d(momentum_2d))
    assert len(plt.gca().get_lines()[0].get_xdata()) == 21
