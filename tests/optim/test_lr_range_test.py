"""The learning-rate range test on a least-squares problem whose stability limit is known: full-batch gradient
descent on the mean squared error L(θ) = mean((X̃θ − y)²) diverges for lr > 2/λ_max, λ_max the largest
eigenvalue of its Hessian 2·X̃ᵀX̃/n (X̃: X with a column of ones for the bias)."""
import numpy as np
import pytest

import minigrad
from minigrad import nn, optim


def problem():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((64, 4)) * np.array([1.0, 2.0, 0.5, 1.5])
    y = X @ np.array([[1.0], [-2.0], [0.5], [3.0]]) + 0.7 + 0.1 * rng.standard_normal((64, 1))
    X_tilde = np.hstack([X, np.ones((64, 1))])
    stability_limit = 2 / np.linalg.eigvalsh(2 * X_tilde.T @ X_tilde / 64).max()
    model = nn.Linear(4, 1, dtype=np.float64, generator=np.random.default_rng(3))
    return model, [(minigrad.Tensor(X), minigrad.Tensor(y))], stability_limit


class RecordingSGD(optim.SGD):
    """SGD that notes the lr of each step."""
    def step(self, closure=None):
        self.lrs_used = getattr(self, "lrs_used", []) + [self.param_groups[0]["lr"]]
        return super().step(closure)


def test_lr_grows_exponentially_and_each_step_uses_its_lr():
    model, batches, _ = problem()
    opt = RecordingSGD(model.parameters(), lr=0.1)
    result = optim.lr_range_test(model, opt, nn.MSELoss(), batches, start_lr=1e-5, end_lr=1e-2, num_iter=16)
    expected = [1e-5 * 1000 ** (i / 15) for i in range(16)]
    assert result.lrs == pytest.approx(expected, rel=1e-12) and not result.diverged
    assert opt.lrs_used == result.lrs
    assert opt.param_groups[0]["lr"] == 0.1                               # the optimizer's own lr is back


def test_smoothed_loss_is_the_bias_corrected_moving_average():
    model, batches, _ = problem()
    result = optim.lr_range_test(model, optim.SGD(model.parameters()), nn.MSELoss(), batches, end_lr=1e-2,
                                 num_iter=10, smoothing=0.9)
    average, expected = 0.0, []
    for i, loss in enumerate(result.losses):
        average = 0.9 * average + 0.1 * loss
        expected.append(average / (1 - 0.9 ** (i + 1)))
    assert result.smoothed_losses == pytest.approx(expected, rel=1e-14)
    assert result.smoothed_losses[0] == result.losses[0]


def test_stops_at_divergence_and_suggests_a_stable_lr():
    model, batches, limit = problem()
    initial_loss = float(nn.MSELoss()(model(batches[0][0]), batches[0][1]))
    result = optim.lr_range_test(model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(), batches,
                                 start_lr=1e-4, end_lr=10.0, num_iter=200)
    assert result.diverged and len(result.lrs) < 200
    assert result.lrs[-1] > limit                        # it ran past the stability limit before it stopped ...
    assert 1e-4 < result.suggested_lr < limit            # ... and suggests a learning rate below it
    assert result.suggested_lr <= result.min_loss_lr
    # the suggestion trains: 30 steps of gradient descent at that lr, from the restored model
    opt = optim.SGD(model.parameters(), lr=result.suggested_lr)
    for _ in range(30):
        opt.zero_grad()
        loss = nn.MSELoss()(model(batches[0][0]), batches[0][1])
        loss.backward()
        opt.step()
    assert float(loss) < initial_loss / 10


def test_model_and_optimizer_are_restored():
    model, batches, _ = problem()
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in range(3):                                     # some state to restore: a momentum buffer
        opt.zero_grad()
        nn.MSELoss()(model(batches[0][0]), batches[0][1]).backward()
        opt.step()
    params_before, state_before = model.state_dict(), opt.state_dict()
    optim.lr_range_test(model, opt, nn.MSELoss(), batches, start_lr=1e-3, end_lr=100.0, num_iter=40)
    for name, value in model.state_dict().items():
        assert np.array_equal(value, params_before[name]), name
    state_after = opt.state_dict()
    assert state_after["param_groups"] == state_before["param_groups"]
    for index, state in state_before["state"].items():
        assert np.array_equal(state_after["state"][index]["momentum_buffer"], state["momentum_buffer"])
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("kwargs, words", [
    (dict(start_lr=0.0), "0 < start_lr < end_lr"), (dict(start_lr=1.0, end_lr=0.1), "start_lr=1.0"),
    (dict(num_iter=1), "num_iter"), (dict(smoothing=1.0), "smoothing"), (dict(diverge_factor=1.0), "diverge_factor"),
])
def test_bad_arguments(kwargs, words):
    model, batches, _ = problem()
    with pytest.raises(ValueError, match=words):
        optim.lr_range_test(model, optim.SGD(model.parameters()), nn.MSELoss(), batches, **kwargs)


def test_no_batches():
    model, _, _ = problem()
    with pytest.raises(ValueError, match="batches is empty"):
        optim.lr_range_test(model, optim.SGD(model.parameters()), nn.MSELoss(), [])
