"""Each optimizer's update function called on its own, on numpy arrays and a state dict, against a step worked out by
hand from the formulas in its class docstring (no optimizer object, no PyTorch)."""
import math

import numpy as np
import pytest

from minigrad.optim.adadelta import adadelta_update
from minigrad.optim.adagrad import adagrad_update
from minigrad.optim.adam import adam_update
from minigrad.optim.adamax import adamax_update
from minigrad.optim.asgd import asgd_update
from minigrad.optim.lbfgs import cubic_interpolate, strong_wolfe
from minigrad.optim.nadam import nadam_update
from minigrad.optim.radam import radam_update
from minigrad.optim.rmsprop import rmsprop_update
from minigrad.optim.rprop import rprop_update
from minigrad.optim.sgd import sgd_update
from minigrad.optim.yogi import yogi_update


def arrays(*values):
    return [np.array(v, dtype=np.float64) for v in values]


def test_sgd_update_starts_the_buffer_at_the_first_gradient():
    theta, g = arrays([1.0, -2.0], [0.5, 0.25])
    state = {"momentum_buffer": None}
    sgd_update(theta, g, state, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(theta, [0.95, -2.025], rtol=1e-15)                 # b = g
    sgd_update(theta, np.array([-0.5, 0.0]), state, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(state["momentum_buffer"], [-0.05, 0.225], rtol=1e-14)   # 0.9·b + g
    np.testing.assert_allclose(theta, [0.955, -2.0475], rtol=1e-14)


def test_adam_update_first_step_is_lr_times_the_sign():
    theta, g = arrays([1.0], [0.5])
    state = {"step": 1, "exp_avg": np.zeros(1), "exp_avg_sq": np.zeros(1)}
    adam_update(theta, g, state, lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    # m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25: θ = 1 − 0.1·0.5/(0.5 + ε)
    assert theta[0] == pytest.approx(1 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    assert state["exp_avg"][0] == pytest.approx(0.05) and state["exp_avg_sq"][0] == pytest.approx(0.00025)


def test_yogi_update_moves_v_by_g_squared():
    theta, g = arrays([1.0], [0.5])
    state = {"step": 2, "exp_avg": np.array([0.1]), "exp_avg_sq": np.array([0.5])}
    yogi_update(theta, g, state, lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    # v − g² = 0.25 > 0: v = 0.5 − 0.01·0.25 = 0.4975;  m = 0.09 + 0.05 = 0.14
    assert state["exp_avg_sq"][0] == pytest.approx(0.4975, rel=1e-15)
    expected = 1 - 0.1 / (1 - 0.81) * 0.14 / (math.sqrt(0.4975) / math.sqrt(1 - 0.99 ** 2) + 1e-8)
    assert theta[0] == pytest.approx(expected, rel=1e-14)


def test_adagrad_update_decays_lr_with_the_step_count():
    theta, g = arrays([1.0], [0.5])
    state = {"step": 3, "sum": np.array([0.75])}
    adagrad_update(theta, g, state, lr=0.1, lr_decay=0.5)
    # η = 0.1/(1 + 2·0.5) = 0.05; s = 1; θ = 1 − 0.05·0.5/(1 + ε)
    assert theta[0] == pytest.approx(1 - 0.025 / (1 + 1e-10), rel=1e-15)


def test_rmsprop_update_centered():
    theta, g = arrays([1.0], [0.5])
    state = {"square_avg": np.array([0.1]), "grad_avg": np.array([0.2])}
    rmsprop_update(theta, g, state, lr=0.01, alpha=0.9, eps=1e-8, centered=True)
    # v = 0.09 + 0.025 = 0.115; ḡ = 0.18 + 0.05 = 0.23; d = √(0.115 − 0.0529) + ε
    assert theta[0] == pytest.approx(1 - 0.01 * 0.5 / (math.sqrt(0.115 - 0.0529) + 1e-8), rel=1e-14)


def test_adadelta_update():
    theta, g = arrays([1.0], [0.5])
    state = {"square_avg": np.array([0.1]), "acc_delta": np.array([0.04])}
    adadelta_update(theta, g, state, lr=1.0, rho=0.5, eps=0.0)
    # s = 0.05 + 0.125 = 0.175; g' = √0.04/√0.175·0.5; Δx = 0.02 + 0.5·g'²
    g_rescaled = 0.2 / math.sqrt(0.175) * 0.5
    assert theta[0] == pytest.approx(1 - g_rescaled, rel=1e-15)
    assert state["acc_delta"][0] == pytest.approx(0.02 + 0.5 * g_rescaled ** 2, rel=1e-15)


def test_nadam_update_first_step():
    theta, g = arrays([1.0], [0.5])
    state = {"step": 1, "mu_product": 1.0, "exp_avg": np.zeros(1), "exp_avg_sq": np.zeros(1)}
    nadam_update(theta, g, state, lr=0.1, betas=(0.9, 0.999), eps=1e-8, momentum_decay=0.004)
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008)
    product = float(np.float32(mu1))                        # Π = μ_1, kept in float32
    d = math.sqrt(0.00025 / 0.001) + 1e-8                   # m = 0.05, v = 0.00025
    expected = 1 - 0.1 * (1 - mu1) / (1 - product) * 0.5 / d - 0.1 * mu2 / (1 - product * mu2) * 0.05 / d
    assert state["mu_product"] == product
    assert theta[0] == pytest.approx(expected, rel=1e-14)


def test_radam_update_plain_momentum_while_rho_is_small():
    theta, g = arrays([1.0], [0.5])
    state = {"step": 1, "exp_avg": np.zeros(1), "exp_avg_sq": np.zeros(1)}
    radam_update(theta, g, state, lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    # ρ_∞ = 1999, ρ_1 = 1999 − 2·0.999/0.001 = 1 ≤ 5: θ = 1 − 0.1·m̂ with m̂ = 0.05/0.1
    assert theta[0] == pytest.approx(0.95, rel=1e-14)


def test_radam_update_rectified_once_rho_exceeds_5():
    theta, g = arrays([1.0], [0.5])
    state = {"step": 6, "exp_avg": np.array([0.2]), "exp_avg_sq": np.array([0.04])}
    radam_update(theta, g, state, lr=0.1, betas=(0.9, 0.9), eps=1e-8)
    # m = 0.23, v = 0.061; ρ_∞ = 19; ρ_6 = 19 − 12·0.9⁶/(1 − 0.9⁶) ≈ 5.39 > 5
    bc1 = bc2 = 1 - 0.9 ** 6
    rho = 19 - 12 * 0.9 ** 6 / bc2
    r = math.sqrt((rho - 4) * (rho - 2) * 19 / (15 * 17 * rho))
    assert rho > 5
    assert theta[0] == pytest.approx(1 - 0.1 * (0.23 / bc1) * math.sqrt(bc2) / (math.sqrt(0.061) + 1e-8) * r,
                                     rel=1e-14)


def test_adamax_update_uses_the_running_maximum():
    theta, g = arrays([1.0, 1.0], [-0.5, 0.1])
    state = {"step": 2, "exp_avg": np.zeros(2), "exp_inf": np.array([0.2, 0.4])}
    adamax_update(theta, g, state, lr=0.1, betas=(0.9, 0.5), eps=0.0)
    # u = max(0.5·u, |g|) = [0.5, 0.2];  m = 0.1·g;  θ = 1 − 0.1/(1 − 0.81)·m/u
    np.testing.assert_allclose(state["exp_inf"], [0.5, 0.2])
    np.testing.assert_allclose(theta, 1 - 0.1 / 0.19 * np.array([-0.05, 0.01]) / np.array([0.5, 0.2]), rtol=1e-15)


def test_rprop_update_speeds_up_slows_down_and_skips():
    theta, g = arrays([1.0, 1.0, 1.0, 1.0], [2.0, 3.0, -4.0, 1.0])
    state = {"prev": np.array([1.0, -1.0, 0.0, 1.0]), "step_size": np.array([0.1, 0.1, 0.1, 45.0])}
    rprop_update(theta, g, state, etas=(0.5, 1.2), step_sizes=(1e-6, 50))
    # signs of g·prev: +, −, 0, +  →  Δ = [0.12, 0.05, 0.1, min(54, 50)]; the flipped one does not move
    np.testing.assert_allclose(state["step_size"], [0.12, 0.05, 0.1, 50.0], rtol=1e-15)
    np.testing.assert_allclose(theta, [0.88, 1.0, 1.1, -49.0], rtol=1e-15)
    np.testing.assert_array_equal(state["prev"], [2.0, 0.0, -4.0, 1.0])


def test_asgd_update_averages_from_t0():
    theta, g = arrays([2.0], [1.0])
    state = {"step": 1, "eta": 0.5, "mu": 1.0, "ax": np.zeros(1)}
    asgd_update(theta, g, state, lr=0.5, lambd=0.25, alpha=0.75, t0=0)
    # θ = 2·(1 − 0.25·0.5) − 0.5·1 = 1.25; μ = 1, so ā = θ; η = 0.5/(1 + 0.125)^0.75; μ = 1/max(1, 1 − 0) = 1
    assert theta[0] == 1.25 and state["ax"][0] == 1.25
    assert state["eta"] == float(np.float32(0.5 / 1.125 ** 0.75)) and state["mu"] == 1.0
    state["step"] = 2
    eta = state["eta"]
    asgd_update(theta, g, state, lr=0.5, lambd=0.25, alpha=0.75, t0=0)
    theta2 = 1.25 * (1 - 0.25 * eta) - eta
    assert theta[0] == pytest.approx(theta2, rel=1e-15) and state["mu"] == 0.5      # μ = 1/max(1, 2 − 0)
    state["step"] = 3
    eta = state["eta"]
    asgd_update(theta, g, state, lr=0.5, lambd=0.25, alpha=0.75, t0=0)
    theta3 = theta2 * (1 - 0.25 * eta) - eta
    assert state["ax"][0] == pytest.approx(theta2 + 0.5 * (theta3 - theta2), rel=1e-15)   # the average of θ2, θ3


def test_cubic_interpolate_finds_the_minimum_of_a_cubic():
    # f(x) = x³ − 3x, f'(x) = 3x² − 3: from (0, 0, −3) and (2, 2, 9) the cubic is f itself, minimum at x = 1
    assert cubic_interpolate(0.0, 0.0, -3.0, 2.0, 2.0, 9.0) == pytest.approx(1.0, rel=1e-15)
    assert cubic_interpolate(2.0, 2.0, 9.0, 0.0, 0.0, -3.0) == pytest.approx(1.0, rel=1e-15)
    assert cubic_interpolate(0.0, 0.0, -3.0, 2.0, 2.0, 9.0, bounds=(1.5, 3.0)) == 1.5
    # slopes 1 and 1 with f rising by 2/3: d1 = 2 − 3·(2/3) = 0, d2² = 0 − 1 < 0, no minimum: the middle
    assert cubic_interpolate(0.0, 0.0, 1.0, 1.0, 2 / 3, 1.0) == 0.5


def test_strong_wolfe_returns_a_step_meeting_both_conditions():
    # f(x) = (x − 3)² + 0.1·x⁴ from x = 0 along d = 1, starting with t = 0.01 (far too short)
    def loss_and_grad(x):
        return float((x - 3) ** 2 + 0.1 * x ** 4), np.array([2 * (x - 3) + 0.4 * x ** 3])

    def evaluate(x, t, d):
        return loss_and_grad(x[0] + t * d[0])

    f0, g0 = loss_and_grad(0.0)
    d = np.array([1.0])
    f, g, t, evals = strong_wolfe(evaluate, [0.0], 0.01, d, f0, g0, g0.dot(d))
    assert f <= f0 + 1e-4 * t * g0.dot(d)                        # enough decrease
    assert abs(g.dot(d)) <= 0.9 * abs(g0.dot(d))                 # the slope flattened
    assert (f, g[0]) == loss_and_grad(t) and evals >= 2
