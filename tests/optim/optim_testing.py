"""Shared by the tests in tests/optim: deterministic parameters and gradient sequences, and a record of the worst
differences from PyTorch seen in this run (printed at the end of the session by conftest.py)."""
import numpy as np

import minigrad

SHAPES = [(4, 3), (5,), ()]          # three parameters of different ranks, one a scalar
WORST = {}                           # (what was compared, dtype) -> worst relative difference seen


def record(what, dtype, difference):
    key = (what, np.dtype(dtype).name)
    WORST[key] = max(WORST.get(key, 0.0), float(difference))


def initial_arrays(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [np.asarray(rng.standard_normal(shape), dtype=dtype) for shape in SHAPES]


def gradient_sequence(steps, dtype, seed=1):
    """Gradients for `steps` steps; None where a parameter has no gradient that step: parameter 1 every 5th
    step, parameter 2 during the first 3 steps (so its state starts late)."""
    rng = np.random.default_rng(seed)
    sequence = []
    for t in range(steps):
        scale = 1.0 + 0.5 * np.sin(t / 7)            # gradients that change size over time
        grads = [np.asarray(scale * rng.standard_normal(shape), dtype=dtype) for shape in SHAPES]
        if t % 5 == 4:
            grads[1] = None
        if t < 3:
            grads[2] = None
        sequence.append(grads)
    return sequence


def minigrad_params(arrays):
    return [minigrad.Tensor(a.copy()) for a in arrays]


def set_grads(params, grads, make):
    for p, g in zip(params, grads):
        p.grad = None if g is None else make(g.copy())


def relative_difference(ours, reference, least_scale=0.0):
    """max |ours − reference| / max(max |reference|, least_scale): the difference relative to the array's scale.

    Parameters start at about 1 (standard normal); one that passes close to 0 keeps the rounding errors it
    gathered at scale 1, so parameters are compared with least_scale=1."""
    ours, reference = np.asarray(ours, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    scale = max(np.max(np.abs(reference)) if reference.size else 0.0, least_scale)
    difference = np.max(np.abs(ours - reference)) if reference.size else 0.0
    return difference / scale if scale > 0 else difference


TOLERANCE = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}


def compare_state(ours, theirs, dtype, what):
    """The two optimizers' state_dicts hold the same state and hyperparameters."""
    ours, theirs = ours.state_dict(), theirs.state_dict()
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for index, their_state in theirs["state"].items():
        our_state = ours["state"][index]
        assert sorted(our_state) == sorted(their_state), index
        for key, value in their_state.items():
            if key == "step":
                assert our_state[key] == float(value)
            else:
                difference = relative_difference(our_state[key], value.numpy())
                record(what + " state", dtype, difference)
                assert difference <= TOLERANCE[np.dtype(dtype)], (index, key, difference)
    for our_group, their_group in zip(ours["param_groups"], theirs["param_groups"]):
        assert our_group["params"] == their_group["params"]
        for key, value in our_group.items():
            assert value == their_group[key], key


def step_both_and_compare(ours, theirs, ours_params, their_params, gradients, what, dtype):
    """One step of minigrad's optimizer and of torch's on the same gradients (None: no gradient); the
    parameters must then agree within TOLERANCE and stay in `dtype`."""
    import torch  # here, not at the top: conftest imports this module without torch
    set_grads(ours_params, gradients, minigrad.Tensor)
    set_grads(their_params, gradients, torch.tensor)
    ours.step()
    theirs.step()
    for p, q in zip(ours_params, their_params):
        assert p._array.dtype == np.dtype(dtype)
        difference = relative_difference(p._array, q.numpy(), least_scale=1.0)
        record(what, dtype, difference)
        assert difference <= TOLERANCE[np.dtype(dtype)], difference
