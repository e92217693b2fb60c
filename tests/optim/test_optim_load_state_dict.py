"""Optimizer.load_state_dict checks what it loads and refuses, with the reason, what would fail at the next step or
turn the parameters into NaN; a refused load changes nothing. It also loads torch.optim's own state_dicts."""
import copy

import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.serialization import load, save


def tensor(*shape, value=1.0, dtype=np.float64):
    return minigrad.Tensor(np.full(shape, value, dtype=dtype))


def trained(cls, shapes=((2,), (3,)), steps=2, **options):
    params = [tensor(*s) for s in shapes]
    opt = cls(params, **options)
    for t in range(steps):
        for p in params:
            p.grad = tensor(*p.shape, value=0.1 * (t + 1))
        opt.step()
    return opt


def refused(opt, state_dict, error, pattern):
    """load_state_dict raises `error` matching `pattern`, and leaves the optimizer as it was."""
    before = copy.deepcopy(opt.state_dict())
    with pytest.raises(error, match=pattern):
        opt.load_state_dict(state_dict)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, state in before["state"].items():
        for key, value in state.items():
            np.testing.assert_array_equal(after["state"][index][key], value)


def test_none_and_other_non_dicts_say_what_was_expected():
    opt = trained(optim.Adam)
    refused(opt, None, TypeError, "expects a dict with the keys 'state' and 'param_groups'.*got NoneType")
    refused(opt, [1, 2], TypeError, "got list")
    refused(opt, {"state": {}, "param_groups": "x"}, TypeError, "param_groups.*list of dicts")
    refused(opt, {"state": [], "param_groups": []}, TypeError, r"state_dict\['state'\] must be a dict")


def test_missing_and_ill_typed_state_entries():
    opt = trained(optim.Adam)
    sd = trained(optim.Adam).state_dict()
    del sd["state"][1]["exp_avg_sq"]
    refused(opt, sd, ValueError, r"parameter 1 has the entries \['exp_avg', 'step'\].*keeps.*'exp_avg_sq'")
    sd = trained(optim.Adam).state_dict()
    sd["state"][0]["step"] = "two"
    refused(opt, sd, TypeError, "'step' of parameter 0 must be a non-negative whole number.*'two'")
    sd["state"][0]["step"] = 2.5
    refused(opt, sd, TypeError, "'step' of parameter 0 .*2.5")
    sd = trained(optim.Adam).state_dict()
    sd["state"][0]["exp_avg"] = "zeros"
    refused(opt, sd, TypeError, "'exp_avg' of parameter 0 must be an array of numbers, but got str")
    sd = trained(optim.Adam).state_dict()
    sd["state"][0]["exp_avg"] = np.zeros(5)
    refused(opt, sd, ValueError, r"'exp_avg' of parameter 0 has shape \(5,\).*\(2,\)")
    sd = trained(optim.Adam).state_dict()
    sd["state"][0] = [1, 2]
    refused(opt, sd, TypeError, "state of parameter 0 must be a dict")


@pytest.mark.parametrize("cls, key", [(optim.Adam, "exp_avg_sq"), (optim.Adagrad, "sum"),
                                      (optim.RMSprop, "square_avg"), (optim.Adadelta, "acc_delta"),
                                      (optim.Adamax, "exp_inf"), (optim.Rprop, "step_size"),
                                      (optim.NAdam, "exp_avg_sq"), (optim.Yogi, "exp_avg_sq")])
def test_negative_or_nan_second_moment_is_refused(cls, key):
    opt = trained(cls)
    for bad in (-1e-3, np.nan):
        sd = trained(cls).state_dict()
        sd["state"][1][key][0] = bad
        refused(opt, sd, ValueError, f"'{key}' of parameter 1 holds 1 negative or NaN value")


def test_amsgrad_maximum_negative_is_refused():
    opt = trained(optim.Adam, amsgrad=True)
    sd = trained(optim.Adam, amsgrad=True).state_dict()
    sd["state"][0]["max_exp_avg_sq"][:] = -1.0
    refused(opt, sd, ValueError, "'max_exp_avg_sq' of parameter 0 holds 2 negative")


@pytest.mark.parametrize("source, target", [
    (lambda: trained(optim.Adam), lambda: trained(optim.SGD, lr=0.1, momentum=0.9)),
    (lambda: trained(optim.SGD, lr=0.1, momentum=0.9), lambda: trained(optim.Adam)),
    (lambda: trained(optim.RMSprop), lambda: trained(optim.Adadelta)),
    (lambda: trained(optim.Adam), lambda: trained(optim.NAdam)),
    (lambda: trained(optim.Adagrad), lambda: trained(optim.Adam)),
])
def test_another_optimizers_state_is_refused(source, target):
    """(Optimizers whose state and hyperparameters have the same names and meaning, as Adam, RAdam and Yogi's m
    and v, can load each other's state_dicts, as in PyTorch.)"""
    refused(target(), source().state_dict(), ValueError, "another optimizer's state_dict")


def test_the_same_optimizer_saved_with_other_options_is_refused():
    # Adam with amsgrad keeps 'max_exp_avg_sq'; loaded into groups that say amsgrad=False it would be dropped silently
    sd = trained(optim.Adam, amsgrad=True).state_dict()
    sd["param_groups"][0]["amsgrad"] = False
    refused(trained(optim.Adam), sd, ValueError, "saved with other options")


def test_wrong_number_of_groups_or_parameters_and_bad_indices():
    sd = trained(optim.SGD, lr=0.1, momentum=0.9).state_dict()
    refused(trained(optim.SGD, shapes=((2,),), lr=0.1, momentum=0.9), sd, ValueError,
            "group 0 of the state_dict has 2 parameters, this optimizer's has 1")
    opt = optim.SGD([{"params": [tensor(2)]}, {"params": [tensor(3)]}], lr=0.1)
    refused(opt, sd, ValueError, "1 parameter groups, this optimizer has 2")
    bad = copy.deepcopy(sd)
    bad["param_groups"][0]["params"] = [0, 0]
    refused(trained(optim.SGD, lr=0.1, momentum=0.9), bad, ValueError, "index 0 appears twice")
    bad["param_groups"][0]["params"] = [0, "w"]
    bad["state"] = {}
    trained(optim.SGD, lr=0.1, momentum=0.9).load_state_dict(bad)          # any hashable id, as PyTorch
    bad["param_groups"][0]["params"] = [0, 1.5]
    refused(trained(optim.SGD, lr=0.1, momentum=0.9), bad, TypeError, "lists 1.5 among its params")
    bad = copy.deepcopy(sd)
    bad["state"][7] = bad["state"][0]
    refused(trained(optim.SGD, lr=0.1, momentum=0.9), bad, ValueError, "state for parameter 7")


def test_hyperparameters_are_checked_as_the_constructor_checks_them():
    sd = trained(optim.RMSprop).state_dict()
    sd["param_groups"][0]["alpha"] = 1.5
    refused(trained(optim.RMSprop), sd, ValueError, "alpha.*1.5")
    sd = trained(optim.Adam).state_dict()
    sd["param_groups"][0]["betas"] = "0.9"
    refused(trained(optim.Adam), sd, TypeError, "betas must be a pair")


def test_checkpoints_from_before_maximize_still_load():
    opt = trained(optim.AdamW)
    sd = opt.state_dict()
    for group in sd["param_groups"]:
        del group["maximize"], group["decoupled_weight_decay"]
    fresh = trained(optim.AdamW)
    fresh.load_state_dict(sd)
    assert fresh.param_groups[0]["maximize"] is False and fresh.param_groups[0]["decoupled_weight_decay"] is True


@pytest.mark.parametrize("cls", [optim.NAdam, optim.ASGD, optim.Rprop, optim.Adamax, optim.RAdam])
def test_new_optimizers_round_trip_through_save_and_load(cls, tmp_path):
    opt = trained(cls, steps=3)
    save(opt.state_dict(), tmp_path / "opt.npz")
    other = trained(cls, steps=0)
    other.load_state_dict(load(tmp_path / "opt.npz"))
    for p, q in zip(opt.param_groups[0]["params"], other.param_groups[0]["params"]):
        for key, value in opt.state[p].items():
            np.testing.assert_array_equal(other.state[q][key], value)


def test_lbfgs_state_round_trips_and_is_checked(tmp_path):
    x = minigrad.Tensor(np.array([1.0, -3.0, 2.0]), requires_grad=True)
    w = minigrad.Tensor(np.array([[0.5]]), requires_grad=True)
    opt = optim.LBFGS([x, w], max_iter=4, history_size=2)

    def closure():
        opt.zero_grad()
        loss = (x * x * x * x).sum() + (w * w).sum()
        loss.backward()
        return loss
    opt.step(closure)
    save(opt.state_dict(), tmp_path / "lbfgs.npz")
    other = optim.LBFGS([tensor(3), tensor(1, 1)], max_iter=4, history_size=2)
    other.load_state_dict(load(tmp_path / "lbfgs.npz"))
    np.testing.assert_array_equal(other.state[other._params[0]]["d"], opt.state[x]["d"])
    sd = opt.state_dict()
    sd["state"][0]["d"] = np.zeros(3)
    refused(other, sd, ValueError, r"'d' of parameter 0 must be a vector of the 4 parameter entries")
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = np.zeros(4)
    refused(other, sd, ValueError, "LBFGS does not keep")
    sd = opt.state_dict()
    sd["state"][1] = sd["state"].pop(0)
    refused(other, sd, ValueError, "first parameter")


def test_loads_torch_optims_own_state_dict_and_continues_as_torch_does():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal((3, 2))
    gradients = [rng.standard_normal((3, 2)) for _ in range(10)]
    for name, options in [("Adam", dict(lr=0.01, amsgrad=True)), ("NAdam", {}), ("ASGD", dict(t0=2)),
                          ("Rprop", {}), ("SGD", dict(lr=0.1, momentum=0.9)), ("Adagrad", {})]:
        q = torch.tensor(theta0.copy())
        theirs = getattr(torch.optim, name)([q], foreach=False, **options)
        for g in gradients[:5]:
            q.grad = torch.tensor(g)
            theirs.step()
        p = minigrad.Tensor(q.numpy().copy())
        ours = getattr(optim, name)([p], **options)
        ours.load_state_dict(theirs.state_dict())              # torch tensors, float steps
        for g in gradients[5:]:
            q.grad, p.grad = torch.tensor(g), minigrad.Tensor(g.copy())
            theirs.step()
            ours.step()
        np.testing.assert_allclose(p._array, q.numpy(), rtol=1e-12, atol=1e-12, err_msg=name)
