"""The Optimizer interface (param groups, state, zero_grad, closure, state_dict) and bad input."""
import numpy as np
import pytest

import minigrad
from minigrad import optim

ALL = [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adadelta, optim.Adam, optim.AdamW, optim.Yogi, optim.NAdam,
       optim.RAdam, optim.Adamax, optim.Rprop, optim.ASGD]


def tensor(*shape, value=1.0, dtype=np.float64):
    return minigrad.Tensor(np.full(shape, value, dtype=dtype))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_parameter_without_grad_is_skipped(cls):
    with_grad, without_grad = tensor(3), tensor(2)
    opt = cls([with_grad, without_grad])
    state_before = {k: v for k, v in opt.state.items()}
    with_grad.grad = tensor(3, value=0.5)
    opt.step()
    assert np.all(without_grad._array == 1.0)
    assert np.all(with_grad._array != 1.0)
    # Adagrad, as PyTorch, creates every parameter's state up front; the others only when a gradient comes
    assert (without_grad in opt.state) == (without_grad in state_before)
    if without_grad in opt.state:
        assert opt.state[without_grad]["step"] == 0


def test_zero_grad():
    p = tensor(2)
    opt = optim.SGD([p], lr=0.1)
    p.grad = tensor(2, value=3.0)
    opt.zero_grad()
    assert p.grad is None
    p.grad = tensor(2, value=3.0)
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and np.all(grad._array == 0)


def test_step_with_closure_returns_the_loss_and_records_the_graph():
    w = minigrad.Tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = optim.SGD([w], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        calls.append(minigrad.is_grad_enabled())
        return loss

    with minigrad.no_grad():                  # the closure still builds its graph, as in PyTorch
        loss = opt.step(closure)
    assert calls == [True]
    assert float(loss) == 5.0
    np.testing.assert_array_equal(w._array, [0.5, -1.0])   # w − 0.25·2w


def test_param_groups_take_defaults_and_their_own_values():
    a, b = tensor(2), tensor(2)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    a.grad, b.grad = tensor(2), tensor(2)
    opt.step()
    np.testing.assert_allclose(a._array, 0.9)
    np.testing.assert_allclose(b._array, 0.5)


def test_add_param_group():
    a, c = tensor(2), tensor(1)
    opt = optim.Adagrad([a], lr=0.1, initial_accumulator_value=0.5)
    opt.add_param_group({"params": [c], "lr": 0.01})
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["lr_decay"] == 0
    np.testing.assert_array_equal(opt.state[c]["sum"], [0.5])
    c.grad = tensor(1)
    opt.step()
    assert c._array[0] == pytest.approx(1 - 0.01 / (np.sqrt(1.5) + 1e-10), rel=1e-14)


def test_state_dict_layout_and_copy():
    a, b, c = tensor(2), tensor(3), tensor(1)
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.1}])
    for p in (a, c):
        p.grad = tensor(*p.shape, value=0.5)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sorted(sd["state"]) == [0, 2]
    assert sd["state"][0]["step"] == 1
    saved = sd["state"][0]["exp_avg"].copy()
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], saved)       # training on does not change it
    assert sd["param_groups"][1]["lr"] == 0.1 and sd["param_groups"][0]["betas"] == (0.9, 0.999)


def test_load_state_dict_restores_state_and_casts_to_the_parameters_dtype():
    a = tensor(2)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    a.grad = tensor(2, value=0.5)
    opt.step()
    sd = opt.state_dict()
    b = tensor(2, dtype=np.float32)
    other = optim.SGD([b], lr=0.7)
    other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.1 and other.param_groups[0]["momentum"] == 0.9
    assert other.param_groups[0]["params"][0] is b
    buffer = other.state[b]["momentum_buffer"]
    assert buffer.dtype == np.float32 and buffer is not sd["state"][0]["momentum_buffer"]
    np.testing.assert_array_equal(buffer, [0.5, 0.5])


# ---- bad input: each a ValueError or TypeError naming the argument and its value --------------------------------

BAD_HYPERPARAMETERS = [
    (optim.SGD, dict(lr=-0.1), ValueError, ["lr", "-0.1"]),
    (optim.SGD, dict(lr="0.1"), TypeError, ["lr", "'0.1'"]),
    (optim.SGD, dict(momentum=-0.5), ValueError, ["momentum", "-0.5"]),
    (optim.SGD, dict(weight_decay=-1e-4), ValueError, ["weight_decay", "-0.0001"]),
    (optim.SGD, dict(nesterov=True), ValueError, ["nesterov", "momentum=0"]),
    (optim.SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), ValueError, ["nesterov", "dampening=0.1"]),
    (optim.Adagrad, dict(eps=0.0), ValueError, ["eps", "0.0"]),
    (optim.Adagrad, dict(lr_decay=-1), ValueError, ["lr_decay", "-1"]),
    (optim.Adagrad, dict(initial_accumulator_value=-1), ValueError, ["initial_accumulator_value", "-1"]),
    (optim.RMSprop, dict(eps=-1e-8), ValueError, ["eps", "-1e-08"]),
    (optim.RMSprop, dict(alpha=1.5), ValueError, ["alpha", "1.5"]),
    (optim.RMSprop, dict(momentum=-0.1), ValueError, ["momentum", "-0.1"]),
    (optim.Adadelta, dict(rho=1.1), ValueError, ["rho", "1.1"]),
    (optim.Adadelta, dict(rho=-0.1), ValueError, ["rho", "-0.1"]),
    (optim.Adadelta, dict(eps=0), ValueError, ["eps", "0"]),
    (optim.Adam, dict(betas=(1.0, 0.999)), ValueError, ["betas[0]", "1.0"]),
    (optim.Adam, dict(betas=(0.9, -0.1)), ValueError, ["betas[1]", "-0.1"]),
    (optim.Adam, dict(betas=0.9), TypeError, ["betas", "0.9"]),
    (optim.Adam, dict(eps=0.0), ValueError, ["eps", "0.0"]),
    (optim.Adam, dict(lr=-1e-3), ValueError, ["lr", "-0.001"]),
    (optim.AdamW, dict(weight_decay=-0.01), ValueError, ["weight_decay", "-0.01"]),
    (optim.Yogi, dict(betas=(0.9, 1.0)), ValueError, ["betas[1]", "1.0"]),
    (optim.Yogi, dict(eps=-1.0), ValueError, ["eps", "-1.0"]),
    # the error inputs of PyTorch's optimizer test table (optim_error_inputs_func_*), with the words its regexes
    # look for, and the argument's name as minigrad calls it
    (optim.Adadelta, dict(lr=1e-2, rho=1.1), ValueError, ["Invalid rho value: 1.1"]),
    (optim.Adagrad, dict(lr=1e-2, lr_decay=-0.5), ValueError, ["Invalid lr_decay value: -0.5"]),
    (optim.Adam, dict(lr=1e-2, betas=(1.0, 0.0)), ValueError, ["Invalid beta parameter at index 0: 1.0", "betas[0]"]),
    (optim.Adam, dict(lr=1e-2, weight_decay=-1), ValueError, ["Invalid weight_decay value: -1"]),
    (optim.AdamW, dict(lr=1e-2, betas=(1.0, 0.0)), ValueError, ["Invalid beta parameter at index 0: 1.0"]),
    (optim.Adamax, dict(lr=1e-2, betas=(0.0, 1.0)), ValueError, ["Invalid beta parameter at index 1: 1.0",
                                                                 "betas[1]"]),
    (optim.ASGD, dict(lr=1e-2, weight_decay=-0.5), ValueError, ["Invalid weight_decay value: -0.5"]),
    (optim.NAdam, dict(lr=1e-2, betas=(1.0, 0.0)), ValueError, ["Invalid beta parameter at index 0: 1.0"]),
    (optim.NAdam, dict(lr=1e-2, momentum_decay=-0.2), ValueError, ["Invalid momentum_decay value: -0.2"]),
    (optim.RAdam, dict(lr=1e-2, betas=(1.0, 0.0)), ValueError, ["Invalid beta parameter at index 0: 1.0"]),
    (optim.RAdam, dict(lr=1e-2, weight_decay=-1), ValueError, ["Invalid weight_decay value: -1"]),
    (optim.RMSprop, dict(lr=1e-2, momentum=-1.0), ValueError, ["Invalid momentum value: -1.0"]),
    (optim.Rprop, dict(lr=1e-2, etas=(1.0, 0.5)), ValueError, ["Invalid eta values: 1.0, 0.5"]),
    (optim.SGD, dict(lr=1e-2, momentum=-0.5), ValueError, ["Invalid momentum value: -0.5"]),
    # and each new optimizer's other arguments
    (optim.NAdam, dict(lr=-1e-3), ValueError, ["lr", "-0.001"]),
    (optim.NAdam, dict(decoupled_weight_decay="yes"), TypeError, ["decoupled_weight_decay", "'yes'"]),
    (optim.RAdam, dict(eps=0.0), ValueError, ["eps", "0.0"]),
    (optim.Adamax, dict(lr=-1.0), ValueError, ["lr", "-1.0"]),
    (optim.Adamax, dict(weight_decay=-0.1), ValueError, ["weight_decay", "-0.1"]),
    (optim.Rprop, dict(lr=-1.0), ValueError, ["lr", "-1.0"]),
    (optim.Rprop, dict(etas=(0.5, 0.9)), ValueError, ["eta", "0.5, 0.9"]),
    (optim.Rprop, dict(etas=0.5), TypeError, ["etas", "0.5"]),
    (optim.Rprop, dict(step_sizes=(1.0, 0.1)), ValueError, ["step_sizes[1]", "0.1"]),
    (optim.ASGD, dict(lr=-0.1), ValueError, ["lr", "-0.1"]),
    (optim.ASGD, dict(lambd=-1e-4), ValueError, ["lambd", "-0.0001"]),
    (optim.Adam, dict(maximize=1), TypeError, ["maximize", "1"]),
    (optim.LBFGS, dict(lr=-1), ValueError, ["lr", "-1"]),
    (optim.LBFGS, dict(max_iter=0), ValueError, ["max_iter", "0"]),
    (optim.LBFGS, dict(history_size=2.5), ValueError, ["history_size", "2.5"]),
    (optim.LBFGS, dict(line_search_fn="wolfe"), ValueError, ["line_search_fn", "'wolfe'", "strong_wolfe"]),
]


@pytest.mark.parametrize("cls, kwargs, error, words", BAD_HYPERPARAMETERS,
                         ids=[f"{c.__name__}-{k}" for c, k, _, _ in BAD_HYPERPARAMETERS])
def test_bad_hyperparameter(cls, kwargs, error, words):
    with pytest.raises(error) as info:
        cls([tensor(2)], **kwargs)
    for word in words:
        assert word in str(info.value)


def test_params_errors_of_pytorchs_table():
    """get_error_inputs_for_all_optims, with the words of its regexes: a Tensor instead of an iterable, a parameter
    in two groups (for LBFGS too: the check every optimizer makes comes first), names on some parameters or groups
    only; and a Tensor lr of two elements."""
    p, q = tensor(1, 1), tensor(1, 1)
    for cls in ALL + [optim.LBFGS]:
        with pytest.raises(TypeError, match="params argument given to the optimizer should be an iterable of Tensors "
                                            "or dicts"):
            cls(p)
        with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
            cls([{"params": p}, {"params": p}])
        with pytest.raises(ValueError, match="all optimizer params should be with/without names. Some param names "
                                             "are missing"):
            cls([("weight", p), q])
        with pytest.raises(ValueError, match="all optimizer param groups should be with/without names. cannot add "
                                             "param group with names to the optimizer"):
            cls([{"params": [p]}, {"params": [("weight", q)]}])
        with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
            cls([p], lr=minigrad.Tensor(np.array([0.001, 0.001])))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_maximize_is_minimizing_the_negated_gradient(cls):
    rng = np.random.default_rng(2)
    theta0 = rng.standard_normal(4)
    gradients = [rng.standard_normal(4) for _ in range(8)]
    results = []
    for maximize, sign in ((True, 1.0), (False, -1.0)):
        p = minigrad.Tensor(theta0.copy())
        opt = cls([p], maximize=maximize)
        assert opt.param_groups[0]["maximize"] is maximize
        for g in gradients:
            p.grad = minigrad.Tensor(sign * g)
            opt.step()
        results.append(p._array)
    np.testing.assert_array_equal(results[0], results[1])
    assert not np.array_equal(results[0], theta0)


def test_lbfgs_needs_a_closure_and_one_group():
    p = tensor(2)
    with pytest.raises(TypeError, match="closure"):
        optim.LBFGS([p]).step()
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [p]}, {"params": [tensor(1)]}])
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([p]).add_param_group({"params": [tensor(1)]})


def test_lbfgs_first_iteration_by_hand():
    """Iteration 1: d = −g, t = min(1, 1/Σ|g|)·lr; so one iteration on ½‖x‖² from x = (1, −3) (g = x, Σ|g| = 4)
    moves x to x − x/4. With the strong-Wolfe search, a few iterations reach the minimum of a quadratic."""
    x = minigrad.Tensor(np.array([1.0, -3.0]), requires_grad=True)
    opt = optim.LBFGS([x], max_iter=1)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x * x).sum()
        loss.backward()
        return loss
    assert float(opt.step(closure)) == 5.0
    np.testing.assert_allclose(x._array, [0.75, -2.25], rtol=1e-15)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")
    opt.step(closure)
    np.testing.assert_allclose(x._array, [0.0, 0.0], atol=1e-9)


def test_bad_hyperparameter_in_a_later_group():
    with pytest.raises(ValueError, match=r"Invalid learning rate: -0.5 \(lr must be in"):
        optim.Adam([{"params": [tensor(1)]}, {"params": [tensor(1)], "lr": -0.5}])
    opt = optim.Adam([tensor(1)])
    with pytest.raises(ValueError, match=r"Invalid beta parameter at index 0: 1.5 \(betas\[0\] must be"):
        opt.add_param_group({"params": [tensor(1)], "betas": (1.5, 0.9)})
    assert len(opt.param_groups) == 1


def test_bad_params():
    p = tensor(2)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(p)
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([])
    with pytest.raises(TypeError, match="set"):
        optim.SGD([{"params": {p}}])
    with pytest.raises(TypeError, match=r"params\[1\].*ndarray"):
        optim.SGD([p, np.zeros(2)])
    with pytest.raises(TypeError, match="int64"):
        optim.SGD([minigrad.Tensor(np.arange(3))])


def test_the_same_parameter_in_two_groups():
    p, q = tensor(2), tensor(3)
    with pytest.raises(ValueError, match=r"params\[1\].*shape \(2,\).*another parameter group"):
        optim.SGD([{"params": [p]}, {"params": [q, p], "lr": 0.5}])
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters; in "
                                         "future, this will cause an error"):
        optim.SGD([p, p])
    opt = optim.SGD([p])
    with pytest.raises(ValueError, match="another parameter group"):
        opt.add_param_group({"params": [p]})


def test_gradient_of_the_wrong_shape_or_dtype():
    p = tensor(2)
    opt = optim.SGD([p], lr=0.1)
    p.grad = tensor(3)
    with pytest.raises(ValueError, match=r"shape \(2,\).*gradient of shape \(3,\)"):
        opt.step()
    p.grad = tensor(2, dtype=np.float32)
    with pytest.raises(ValueError, match="float32"):
        opt.step()


def make_trained_adam(shapes, groups_split):
    params = [tensor(*s) for s in shapes]
    groups = [{"params": params[i:j]} for i, j in groups_split]
    opt = optim.Adam(groups)
    for p in params:
        p.grad = tensor(*p.shape, value=0.1)
    opt.step()
    return opt


def test_load_state_dict_that_does_not_fit():
    saved = make_trained_adam([(2,), (3,)], [(0, 1), (1, 2)]).state_dict()
    with pytest.raises(ValueError, match="2 parameter groups.*has 1"):
        make_trained_adam([(2,), (3,)], [(0, 2)]).load_state_dict(saved)
    with pytest.raises(ValueError, match="group 1 .*1 parameters.*has 2"):
        make_trained_adam([(2,), (3,), (1,)], [(0, 1), (1, 3)]).load_state_dict(saved)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 1 has shape \(3,\).*shape \(4,\)"):
        make_trained_adam([(2,), (4,)], [(0, 1), (1, 2)]).load_state_dict(saved)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        make_trained_adam([(2,), (3,)], [(0, 1), (1, 2)]).load_state_dict({"state": {}})
    broken = make_trained_adam([(2,), (3,)], [(0, 1), (1, 2)]).state_dict()
    del broken["param_groups"][0]["betas"]
    with pytest.raises(ValueError, match="lacks.*betas"):
        make_trained_adam([(2,), (3,)], [(0, 1), (1, 2)]).load_state_dict(broken)
    broken = make_trained_adam([(2,), (3,)], [(0, 1), (1, 2)]).state_dict()
    broken["param_groups"][0]["eps"] = -1.0
    target = make_trained_adam([(2,), (3,)], [(0, 1), (1, 2)])
    before = target.state_dict()
    with pytest.raises(ValueError, match="eps.*-1.0"):
        target.load_state_dict(broken)
    assert target.state_dict()["param_groups"] == before["param_groups"]     # a failed load changes nothing


def test_numpy_scalar_hyperparameters_keep_float32_updates_in_float32():
    p = tensor(3, dtype=np.float32)
    opt = optim.SGD([p], lr=np.float64(0.1), momentum=np.float64(0.9), weight_decay=np.float64(0.01))
    assert type(opt.param_groups[0]["lr"]) is float
    p.grad = tensor(3, value=0.5, dtype=np.float32)
    opt.step()
    assert opt.state[p]["momentum_buffer"].dtype == np.float32 and p._array.dtype == np.float32
    assert type(optim.Adam([tensor(1)], betas=(np.float32(0.5), 0.9)).param_groups[0]["betas"][0]) is float


def test_named_parameters_as_pytorch_takes_them():
    """(name, tensor) pairs, as model.named_parameters() gives them: the names go to the group's 'param_names'
    and into state_dict, as in torch 2.13; all named or none, in a group and across groups."""
    w, b = tensor(2), tensor(1)
    opt = optim.Adam([("layer.weight", w), ("layer.bias", b)], lr=0.1)
    assert opt.param_groups[0]["params"][0] is w and opt.param_groups[0]["param_names"] == ["layer.weight",
                                                                                         "layer.bias"]
    w.grad, b.grad = tensor(2), tensor(1)
    opt.step()
    saved = opt.state_dict()
    assert saved["param_groups"][0]["param_names"] == ["layer.weight", "layer.bias"]
    assert saved["param_groups"][0]["params"] == [0, 1]
    other = optim.Adam([tensor(2), tensor(1)])
    other.load_state_dict(saved)                                     # the saved names come with the checkpoint
    assert other.param_groups[0]["param_names"] == ["layer.weight", "layer.bias"]
    with pytest.raises(ValueError, match="with/without names. Some param names are missing"):
        optim.SGD([("w", w), b])
    with pytest.raises(ValueError, match="with/without names. cannot add param group with names to the optimizer"):
        optim.SGD([{"params": [w], "lr": 1e-2}, {"params": [("b", b)]}])
    with pytest.raises(TypeError, match=r"params\[0\] is a tuple but not a \(name, Tensor\) pair"):
        optim.SGD([(w, "w")])


def test_named_parameters_state_dict_is_torchs():
    torch = pytest.importorskip("torch")
    ours = optim.SGD([("a", tensor(2)), ("b", tensor(3))], lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD([("a", torch.ones(2)), ("b", torch.ones(3))], lr=0.1, momentum=0.9)
    assert ours.state_dict()["param_groups"][0]["param_names"] == theirs.state_dict()["param_groups"][0]["param_names"]
