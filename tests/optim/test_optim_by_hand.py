"""Each update rule against steps worked out by hand on a scalar (no PyTorch needed).

θ starts at 1.0; the gradients are given (not computed from a loss), so each expected value below is the
docstring's formula evaluated on plain Python floats, or a number worked out on paper where that is easy."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import optim


def run(make_optimizer, gradients, theta=1.0, dtype=np.float64):
    """θ after each step of the optimizer, fed the given gradients."""
    p = minigrad.Tensor(np.array(theta, dtype=dtype))
    opt = make_optimizer([p])
    thetas = []
    for g in gradients:
        p.grad = minigrad.Tensor(np.array(g, dtype=dtype))
        opt.step()
        thetas.append(float(p._array))
    return thetas


def test_sgd_plain():
    # θ ← θ − lr·g: 1 − 0.1·0.5 = 0.95, then 0.95 + 0.1·0.25 = 0.975
    assert run(lambda ps: optim.SGD(ps, lr=0.1), [0.5, -0.25]) == pytest.approx([0.95, 0.975], rel=1e-15)


def test_sgd_momentum_dampening_weight_decay():
    # step 1: g = 0.5 + 0.01·1 = 0.51; b = g = 0.51; θ = 1 − 0.1·0.51 = 0.949
    # step 2: g = −0.25 + 0.01·0.949 = −0.24051; b = 0.9·0.51 + (1 − 0.1)·(−0.24051) = 0.242541;
    #         θ = 0.949 − 0.1·0.242541 = 0.9247459
    thetas = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), [0.5, -0.25])
    assert thetas == pytest.approx([0.949, 0.9247459], rel=1e-14)


def test_sgd_nesterov():
    # step 1: b = 0.5; g = 0.5 + 0.9·0.5 = 0.95; θ = 1 − 0.095 = 0.905
    # step 2: b = 0.9·0.5 − 0.25 = 0.2; g = −0.25 + 0.9·0.2 = −0.07; θ = 0.905 + 0.007 = 0.912
    thetas = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), [0.5, -0.25])
    assert thetas == pytest.approx([0.905, 0.912], rel=1e-14)


def test_adagrad():
    # step 1: s = 0.75 + 0.5² = 1; η = 0.1; θ = 1 − 0.1·0.5/(1 + ε)
    # step 2: s = 1 + 0.25² = 1.0625; η = 0.1/(1 + 1·0.5); θ = θ1 + η·0.25/(√1.0625 + ε)
    eps = 1e-10
    theta1 = 1 - 0.1 * 0.5 / (1 + eps)
    theta2 = theta1 + (0.1 / 1.5) * 0.25 / (math.sqrt(1.0625) + eps)
    thetas = run(lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.5, initial_accumulator_value=0.75), [0.5, -0.25])
    assert thetas == pytest.approx([theta1, theta2], rel=1e-14)


def test_rmsprop_plain_and_centered_with_momentum():
    # plain, step 1: v = 0.1·0.25 = 0.025; θ = 1 − 0.01·0.5/(√0.025 + ε)
    eps = 1e-8
    assert run(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9), [0.5]) == pytest.approx(
        [1 - 0.01 * 0.5 / (math.sqrt(0.025) + eps)], rel=1e-14)
    # centered with momentum 0.5:
    # step 1: v = 0.025, ḡ = 0.05, d = √(0.025 − 0.0025) + ε = 0.15 + ε; b = 0.5/d; θ = 1 − 0.01·b
    # step 2: v = 0.9·0.025 + 0.1·0.0625 = 0.02875, ḡ = 0.9·0.05 − 0.025 = 0.02, d = √(0.02875 − 0.0004) + ε,
    #         b = 0.5·b1 − 0.25/d; θ = θ1 − 0.01·b
    b1 = 0.5 / (0.15 + eps)
    theta1 = 1 - 0.01 * b1
    b2 = 0.5 * b1 - 0.25 / (math.sqrt(0.02875 - 0.0004) + eps)
    thetas = run(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True, momentum=0.5), [0.5, -0.25])
    assert thetas == pytest.approx([theta1, theta1 - 0.01 * b2], rel=1e-13)


def test_adadelta():
    # step 1: s = 0.1·0.25 = 0.025; g' = √(0 + ε)/√(s + ε)·0.5; Δx = 0.1·g'²; θ = 1 − g'
    # step 2: s = 0.9·0.025 + 0.1·0.0625; g' = √(Δx + ε)/√(s + ε)·(−0.25); θ = θ1 − g'
    eps = 1e-6
    g1 = math.sqrt(eps) / math.sqrt(0.025 + eps) * 0.5
    delta_x = 0.1 * g1 ** 2
    s2 = 0.9 * 0.025 + 0.1 * 0.0625
    g2 = math.sqrt(delta_x + eps) / math.sqrt(s2 + eps) * -0.25
    thetas = run(lambda ps: optim.Adadelta(ps, rho=0.9), [0.5, -0.25])
    assert thetas == pytest.approx([1 - g1, 1 - g1 - g2], rel=1e-14)


def adam_by_hand(gradients, lr, beta1, beta2, eps, amsgrad=False, decoupled_decay=0.0):
    """Adam on a scalar, the textbook way: m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t), θ ← θ − lr·m̂/(√v̂ + ε)."""
    theta, m, v, v_max = 1.0, 0.0, 0.0, 0.0
    thetas = []
    for t, g in enumerate(gradients, start=1):
        theta = theta * (1 - lr * decoupled_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)
        v_hat = (v_max if amsgrad else v) / (1 - beta2 ** t)
        theta = theta - lr * (m / (1 - beta1 ** t)) / (math.sqrt(v_hat) + eps)
        thetas.append(theta)
    return thetas


def test_adam_first_step_is_lr_times_sign():
    # m̂ = g and v̂ = g² at t = 1, so θ = 1 − lr·g/(|g| + ε) ≈ 1 − lr
    assert run(lambda ps: optim.Adam(ps, lr=0.1), [0.5]) == pytest.approx([1 - 0.1 * 0.5 / (0.5 + 1e-8)], rel=1e-14)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam(amsgrad):
    # with gradients 0.5, −0.01, 0.2: v falls at step 2 (0.00024985 < 0.00025), where AMSGrad keeps 0.00025
    gradients = [0.5, -0.01, 0.2]
    expected = adam_by_hand(gradients, 0.1, 0.9, 0.999, 1e-8, amsgrad=amsgrad)
    thetas = run(lambda ps: optim.Adam(ps, lr=0.1, amsgrad=amsgrad), gradients)
    assert thetas == pytest.approx(expected, rel=1e-13)
    if amsgrad:
        assert thetas[1] != pytest.approx(adam_by_hand(gradients, 0.1, 0.9, 0.999, 1e-8)[1], rel=1e-9)


def test_adam_l2_and_adamw_decoupled_decay():
    # Adam: g ← g + λθ enters m and v.  AdamW: θ ← θ·(1 − lr·λ) = 0.99 first, then Adam's step with g alone.
    lam = 0.1
    theta1_adamw = 0.99 - 0.1 * 0.5 / (0.5 + 1e-8)
    assert run(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=lam), [0.5]) == pytest.approx([theta1_adamw],
                                                                                             rel=1e-14)
    g = 0.5 + lam * 1.0
    assert run(lambda ps: optim.Adam(ps, lr=0.1, weight_decay=lam), [0.5]) == pytest.approx(
        [1 - 0.1 * g / (g + 1e-8)], rel=1e-14)
    assert run(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=lam), [0.5, -0.25, 0.3]) == pytest.approx(
        adam_by_hand([0.5, -0.25, 0.3], 0.1, 0.9, 0.999, 1e-8, decoupled_decay=lam), rel=1e-13)


def test_yogi_steps():
    # step 1 (as Adam): m = 0.05, v = 0 − 0.001·sign(0 − 0.25)·0.25 = 0.00025; θ = 1 − 0.1·0.5/(0.5 + ε)
    # step 2, g = −0.25: v − g² < 0, so v = 0.00025 + 0.001·0.0625 = 0.0003125 (Adam: 0.00031225)
    # step 3, g = 0.001: v − g² > 0, so v = 0.0003125 − 0.001·1e-6 = 0.000312499
    eps = 1e-3
    theta1 = 1 - 0.1 * 0.5 / (0.5 + eps)
    m2 = 0.9 * 0.05 + 0.1 * -0.25
    theta2 = theta1 - 0.1 * (m2 / (1 - 0.9 ** 2)) / (math.sqrt(0.0003125 / (1 - 0.999 ** 2)) + eps)
    m3 = 0.9 * m2 + 0.1 * 0.001
    theta3 = theta2 - 0.1 * (m3 / (1 - 0.9 ** 3)) / (math.sqrt(0.000312499 / (1 - 0.999 ** 3)) + eps)
    thetas = run(lambda ps: optim.Yogi(ps, lr=0.1, eps=eps), [0.5, -0.25, 0.001])
    assert thetas == pytest.approx([theta1, theta2, theta3], rel=1e-13)


def yogi_from_scratch(theta, gradients, lr, beta1=0.9, beta2=0.999, eps=1e-3):
    """d2l 11.10's from-scratch Yogi, written out here on numpy arrays: the reference for the class."""
    v, s = np.zeros_like(theta), np.zeros_like(theta)
    theta = theta.copy()
    for t, g in enumerate(gradients, start=1):
        v = beta1 * v + (1 - beta1) * g
        s = s + (1 - beta2) * np.sign(g ** 2 - s) * g ** 2
        v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
        theta = theta - lr * v_hat / (np.sqrt(s_hat) + eps)
    return theta


def test_yogi_matches_the_books_from_scratch_version_over_100_steps():
    rng = np.random.default_rng(3)
    theta0 = rng.standard_normal(6)
    gradients = [rng.standard_normal(6) * (1 + t % 10) for t in range(100)]
    p = minigrad.Tensor(theta0.copy())
    opt = optim.Yogi([p], lr=0.05, eps=1e-3)
    for g in gradients:
        p.grad = minigrad.Tensor(g.copy())
        opt.step()
    np.testing.assert_allclose(p._array, yogi_from_scratch(theta0, gradients, lr=0.05), rtol=1e-12, atol=1e-12)


def test_yogi_defaults_are_adams():
    yogi = optim.Yogi([minigrad.Tensor(np.zeros(2))]).defaults
    adam = optim.Adam([minigrad.Tensor(np.zeros(2))]).defaults
    adams_own = ("amsgrad", "decoupled_weight_decay", "foreach", "capturable", "differentiable", "fused")
    assert yogi == {k: v for k, v in adam.items() if k not in adams_own}


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    lambda ps: optim.Adagrad(ps, lr_decay=0.1, weight_decay=0.1),
    lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5, weight_decay=0.1),
    lambda ps: optim.Adadelta(ps, weight_decay=0.1),
    lambda ps: optim.Adam(ps, amsgrad=True, weight_decay=0.1),
    lambda ps: optim.AdamW(ps, amsgrad=True),
    lambda ps: optim.Yogi(ps, weight_decay=0.1),
], ids=["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Yogi"])
def test_float32_stays_float32_in_place(make):
    """The updates run in the parameter's dtype, on the parameter's own array, and agree with float64 to
    float32 precision."""
    rng = np.random.default_rng(4)
    theta0 = rng.standard_normal((3, 2))
    gradients = [rng.standard_normal((3, 2)) for _ in range(30)]
    results = {}
    for dtype in (np.float32, np.float64):
        p = minigrad.Tensor(theta0.astype(dtype))
        array = p._array
        opt = make([p])
        for g in gradients:
            p.grad = minigrad.Tensor(g.astype(dtype))
            opt.step()
        assert p._array is array and p._array.dtype == dtype
        for value in opt.state[p].values():
            if isinstance(value, np.ndarray):
                assert value.dtype == dtype
        results[dtype] = p._array
    np.testing.assert_allclose(results[np.float32], results[np.float64], rtol=1e-4, atol=1e-5)
