"""The from-scratch update rules of d2l 11.5-11.10 against the matching minigrad.optim classes.

Each rule is read from its chapter script (its ``def``, with the script's imports, without running the
section) and drives one copy of a linear regression; the optimizer class drives another copy from the same
start. Both copies see the same minibatches and get their gradients from ``loss.backward()``; after every
step their parameters must agree. Where the book's constants differ from the class defaults (Adam's eps
1e-6, Yogi's 1e-3, Adadelta's 1e-5 and lr 1, RMSProp's gamma), the class gets the book's values.
"""
import ast
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

CHAPTER_DIR = Path(__file__).resolve().parents[2] / "chapters" / "ch11"
STEPS = 400
FEATURES = 5


def script_functions(script, *names):
    """The named top-level functions of a chapter script, defined with the script's imports only."""
    path = CHAPTER_DIR / f"{script}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    kept = [node for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))
            or (isinstance(node, ast.FunctionDef) and node.name in names)]
    missing = set(names) - {node.name for node in kept if isinstance(node, ast.FunctionDef)}
    assert not missing, f"{path.name} defines no {sorted(missing)}"
    namespace = {"__name__": f"chapters.ch11.{script}"}
    exec(compile(ast.Module(body=kept, type_ignores=[]), str(path), "exec"), namespace)
    return [namespace[name] for name in names]


def regression_batches(seed=0, batch_size=10):
    """A noisy linear regression problem (standardised features, as the airfoil data) in minibatches."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((STEPS * batch_size, FEATURES)).astype(np.float32)
    w_true = rng.standard_normal((FEATURES, 1)).astype(np.float32)
    y = (X @ w_true)[:, 0] + 0.5 * rng.standard_normal(len(X)).astype(np.float32) + 0.3
    return [(mg.tensor(X[i:i + batch_size]), mg.tensor(y[i:i + batch_size]))
            for i in range(0, len(X), batch_size)]


def initial_params(seed=1):
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 0.01, (FEATURES, 1)).astype(np.float32)
    return [mg.tensor(w, requires_grad=True), mg.zeros(1, requires_grad=True)]


def backward(params, X, y):
    w, b = params
    ((X @ w + b - y.reshape(-1, 1)) ** 2 / 2).mean().backward()


def compare(update, states, hyperparams, make_optimizer, rtol, atol):
    """Run both copies side by side for STEPS minibatches, checking their parameters after every step."""
    scratch, reference = initial_params(), initial_params()
    start = [p._array.copy() for p in reference]
    optimizer = make_optimizer(reference)
    for step, (X, y) in enumerate(regression_batches()):
        backward(scratch, X, y)
        update(scratch, states, hyperparams)
        optimizer.zero_grad()
        backward(reference, X, y)
        optimizer.step()
        for p, q in zip(scratch, reference):
            assert p.grad is not None and not p.grad._array.any(), "the update rule must zero the gradients"
            np.testing.assert_allclose(p._array, q._array, rtol=rtol, atol=atol,
                                       err_msg=f"parameters differ after step {step + 1}")
    distance = max(float(np.max(np.abs(q._array - q0))) for q, q0 in zip(reference, start))
    assert distance > 0.1, "the parameters hardly moved: the comparison would prove little"


# float32 arithmetic in a different order: the same rule agrees to a few ulps per step.
SAME_RULE = dict(rtol=2e-5, atol=1e-6)


def test_minibatch_sgd():
    sgd, = script_functions("sec05_minibatch_sgd", "sgd")
    compare(sgd, None, {"lr": 0.05}, lambda params: optim.SGD(params, lr=0.05), **SAME_RULE)


@pytest.mark.parametrize("lr, momentum", [(0.02, 0.5), (0.01, 0.9), (0.005, 0.9)])
def test_momentum(lr, momentum):
    init_momentum_states, sgd_momentum = script_functions("sec06_momentum", "init_momentum_states", "sgd_momentum")
    compare(sgd_momentum, init_momentum_states(FEATURES), {"lr": lr, "momentum": momentum},
            lambda params: optim.SGD(params, lr=lr, momentum=momentum), **SAME_RULE)


# The book's Adagrad and RMSProp divide by sqrt(s + eps) with eps = 1e-6; the classes, as PyTorch, divide by
# sqrt(s) + eps. Given eps = 1e-6 the two differ by about eps / sqrt(s) relative per step: well inside these
# tolerances, while a wrong rule is not (Adagrad with eps 1e-4 drifts 3e-4 apart, RMSProp with gamma 0.99
# by whole percents).
EPS_INSIDE_SQRT = dict(rtol=1e-4, atol=1e-5)


def test_adagrad():
    init_adagrad_states, adagrad = script_functions("sec07_adagrad", "init_adagrad_states", "adagrad")
    compare(adagrad, init_adagrad_states(FEATURES), {"lr": 0.1},
            lambda params: optim.Adagrad(params, lr=0.1, eps=1e-6), **EPS_INSIDE_SQRT)


def test_rmsprop():
    init_rmsprop_states, rmsprop = script_functions("sec08_rmsprop", "init_rmsprop_states", "rmsprop")
    compare(rmsprop, init_rmsprop_states(FEATURES), {"lr": 0.01, "gamma": 0.9},
            lambda params: optim.RMSprop(params, lr=0.01, alpha=0.9, eps=1e-6), **EPS_INSIDE_SQRT)


def test_adadelta():
    init_adadelta_states, adadelta = script_functions("sec09_adadelta", "init_adadelta_states", "adadelta")
    compare(adadelta, init_adadelta_states(FEATURES), {"rho": 0.9},
            lambda params: optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-5), **SAME_RULE)


def test_adam_and_its_step_counter():
    init_adam_states, adam = script_functions("sec10_adam", "init_adam_states", "adam")
    hyperparams = {"lr": 0.01, "t": 1}
    compare(adam, init_adam_states(FEATURES), hyperparams,
            lambda params: optim.Adam(params, lr=0.01, eps=1e-6), **SAME_RULE)
    assert hyperparams["t"] == STEPS + 1, "t counts updates of all parameters, once per call"


def test_yogi_and_its_step_counter():
    init_adam_states, yogi = script_functions("sec10_adam", "init_adam_states", "yogi")
    hyperparams = {"lr": 0.01, "t": 1}
    compare(yogi, init_adam_states(FEATURES), hyperparams,
            lambda params: optim.Yogi(params, lr=0.01, eps=1e-3), **SAME_RULE)
    assert hyperparams["t"] == STEPS + 1


def test_a_wrong_rule_is_caught():
    """The comparison can fail: Adam without bias correction of s is not minigrad.optim.Adam."""
    init_adam_states, = script_functions("sec10_adam", "init_adam_states")

    def adam_without_s_correction(params, states, hyperparams):
        with mg.no_grad():
            for p, (v, s) in zip(params, states):
                v.copy_(0.9 * v + 0.1 * p.grad)
                s.copy_(0.999 * s + 0.001 * p.grad ** 2)
                p.sub_(hyperparams["lr"] * v / (1 - 0.9 ** hyperparams["t"]) / (mg.sqrt(s) + 1e-6))
                p.grad.zero_()
        hyperparams["t"] += 1

    with pytest.raises(AssertionError):
        compare(adam_without_s_correction, init_adam_states(FEATURES), {"lr": 0.01, "t": 1},
                lambda params: optim.Adam(params, lr=0.01, eps=1e-6), **SAME_RULE)


# ---- beyond the book: Adam's successors written in 11.10's style (chapters/ch11/beyond_from_scratch.py) ---------

@pytest.mark.parametrize("name, make_optimizer, extra", [
    ("adamax", lambda params: optim.Adamax(params, lr=0.03), {}),
    ("nadam", lambda params: optim.NAdam(params, lr=0.01), {"mu_product": 1.0}),
    ("radam", lambda params: optim.RAdam(params, lr=0.03), {}),
])
def test_adams_successors_from_scratch(name, make_optimizer, extra):
    init_adam_states, update = script_functions("beyond_from_scratch", "init_adam_states", name)
    lr = make_optimizer([mg.zeros(1, requires_grad=True)]).param_groups[0]["lr"]
    hyperparams = {"lr": lr, "t": 1, **extra}
    compare(update, init_adam_states(FEATURES), hyperparams, make_optimizer, **SAME_RULE)
    assert hyperparams["t"] == STEPS + 1


@pytest.mark.parametrize("name, wrong_optimizer", [
    ("adamax", lambda params: optim.Adamax(params, lr=0.03, betas=(0.9, 0.99))),          # another beta2
    ("nadam", lambda params: optim.NAdam(params, lr=0.01, momentum_decay=0.0)),          # no warm-up of mu
    ("radam", lambda params: optim.Adam(params, lr=0.03, eps=1e-8)),                      # no rectification
])
def test_a_successor_from_scratch_differs_from_a_neighbouring_rule(name, wrong_optimizer):
    """The comparison above can fail: each rule against the optimizer one change away from it."""
    init_adam_states, update = script_functions("beyond_from_scratch", "init_adam_states", name)
    extra = {"mu_product": 1.0} if name == "nadam" else {}
    lr = wrong_optimizer([mg.zeros(1, requires_grad=True)]).param_groups[0]["lr"]
    with pytest.raises(AssertionError):
        compare(update, init_adam_states(FEATURES), {"lr": lr, "t": 1, **extra}, wrong_optimizer, **SAME_RULE)
