"""LBFGS against torch.optim.LBFGS: the same closure (a Rosenbrock valley plus a least-squares term, over two
parameters of different shapes), step by step, for every configuration of PyTorch's test table and a few that reach
the history limit, the evaluation limit and the tolerances; and its bad input."""
import numpy as np
import pytest
from optim_testing import record, relative_difference

import minigrad
from minigrad import optim

torch = pytest.importorskip("torch", reason="PyTorch is the reference for the parity tests; install torch==2.13.0")


def problem(lib, dtype):
    """Parameters (x of shape (5,), w of shape (2, 3)) and a closure computing
    Σ (x_{i+1} − x_i²)² + (1 − x_i)²  +  ‖w·a − c‖², its gradients by backward(): a Rosenbrock valley mild
    enough that L-BFGS does not amplify rounding differences into visible ones within a step."""
    rng = np.random.default_rng(5)
    x0 = np.asarray(rng.uniform(-1.5, 1.5, 5), dtype=dtype)
    w0 = np.asarray(rng.standard_normal((2, 3)), dtype=dtype)
    a = np.asarray(rng.standard_normal((3, 4)), dtype=dtype)
    c = np.asarray(rng.standard_normal((2, 4)), dtype=dtype)
    make = (lambda v: torch.tensor(v, requires_grad=True)) if lib == "torch" else (
        lambda v: minigrad.Tensor(v.copy(), requires_grad=True))
    constant = torch.tensor if lib == "torch" else minigrad.Tensor
    x, w = make(x0), make(w0)
    a, c = constant(a), constant(c)

    def loss_of():
        rosenbrock = ((x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()
        return rosenbrock + ((w @ a - c) ** 2).sum()
    return [x, w], loss_of


def closure_for(optimizer, loss_of):
    def closure():
        optimizer.zero_grad()
        loss = loss_of()
        loss.backward()
        return loss
    return closure


# float32: y = g − g_prev and s = t·d are differences of nearly equal float32 vectors, so the gradients' last-bit
# differences (minigrad's and PyTorch's backward passes round differently) come back ~100× larger in the direction;
# and once the first step (20 iterations) has reached the minimum, y·s is rounding noise that decides whether a
# pair enters the history (y·s > 1e-10): the two runs then follow their own noise. So float32 is compared over the
# first step only, of at most 12 iterations (the minimum is reached at ~17), at 1e-4; float64 over
# three steps, at the usual one
LBFGS_TOLERANCE = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-4}
LBFGS_STEPS = {np.dtype(np.float64): 3, np.dtype(np.float32): 1}

CONFIGS = [{}, {"lr": 0.01}, {"tolerance_grad": 1e-6}, {"line_search_fn": "strong_wolfe"},   # PyTorch's table
           {"history_size": 3, "max_iter": 7}, {"history_size": 2, "line_search_fn": "strong_wolfe", "lr": 0.5},
           {"max_iter": 40, "max_eval": 9, "line_search_fn": "strong_wolfe"}, {"tolerance_change": 1e-3}]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", CONFIGS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_lbfgs_matches_torch(options, dtype):
    """Each step (up to max_iter iterations) from the same point and history: after each one, minigrad's
    optimizer restarts from PyTorch's parameters and its state_dict (in torch's own format), so that rounding
    differences, which L-BFGS on a Rosenbrock valley amplifies from step to step, do not pile up."""
    if dtype == np.float32 and "max_iter" not in options:
        options = {**options, "max_iter": 12}
    ours_params, our_loss = problem("minigrad", dtype)
    their_params, their_loss = problem("torch", dtype)
    ours = optim.LBFGS(ours_params, **options)
    theirs = torch.optim.LBFGS(their_params, **options)
    tolerance = LBFGS_TOLERANCE[np.dtype(dtype)]
    for step in range(LBFGS_STEPS[np.dtype(dtype)]):
        loss_ours = ours.step(closure_for(ours, our_loss))
        loss_theirs = theirs.step(closure_for(theirs, their_loss))
        assert float(loss_ours) == pytest.approx(loss_theirs.item(), rel=tolerance)
        for p, q in zip(ours_params, their_params):
            difference = relative_difference(p._array, q.detach().numpy(), least_scale=1.0)
            record("LBFGS parameters", dtype, difference)
            assert difference <= tolerance, (step, difference)
        compare_lbfgs_state(ours.state_dict()["state"][0], theirs.state_dict()["state"][0], tolerance)
        for p, q in zip(ours_params, their_params):
            p._array[...] = q.detach().numpy()
        ours.load_state_dict(theirs.state_dict())


def compare_lbfgs_state(ours, theirs, tolerance):
    assert sorted(ours) == sorted(theirs)
    for key in ("func_evals", "n_iter"):
        assert ours[key] == theirs[key], key
    assert len(ours["old_dirs"]) == len(theirs["old_dirs"])
    for key in ("d", "prev_flat_grad"):
        assert relative_difference(ours[key], theirs[key].numpy(), least_scale=1.0) <= tolerance, key
    for ours_list, theirs_list in ((ours["old_dirs"], theirs["old_dirs"]), (ours["old_stps"], theirs["old_stps"])):
        for a, b in zip(ours_list, theirs_list):
            assert relative_difference(a, b.numpy(), least_scale=1.0) <= tolerance
    assert float(ours["t"]) == pytest.approx(float(theirs["t"]), rel=tolerance * 10)


def test_lbfgs_with_a_tensor_lr_matches_torch():
    """PyTorch's table has lr=tensor(0.001) for LBFGS too; here a float64 one over two steps, and the group keeps
    the user's Tensor. (Not changed in place between steps: PyTorch keeps that very Tensor as state['t'], the
    previous step length of its next curvature pair, so its result would depend on that aliasing.)"""
    ours_params, our_loss = problem("minigrad", np.float64)
    their_params, their_loss = problem("torch", np.float64)
    ours_lr = minigrad.tensor(0.5, dtype=np.float64)
    ours = optim.LBFGS(ours_params, lr=ours_lr)
    theirs = torch.optim.LBFGS(their_params, lr=torch.tensor(0.5, dtype=torch.float64))
    for _ in range(2):
        ours.step(closure_for(ours, our_loss))
        theirs.step(closure_for(theirs, their_loss))
        for p, q in zip(ours_params, their_params):
            assert relative_difference(p._array, q.detach().numpy(), least_scale=1.0) <= 1e-10
    assert ours.param_groups[0]["lr"] is ours_lr
