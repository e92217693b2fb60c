"""Every optimizer against torch.optim, step by step: for each combination of its options, in float64 and float32,
50 steps from the same parameters with the same gradients (a parameter without a gradient in some steps), two
parameter groups with different hyperparameters, and a state_dict round trip (through save/load) half-way."""
import itertools

import numpy as np
import pytest
from optim_testing import compare_state, gradient_sequence, initial_arrays, minigrad_params, step_both_and_compare

from minigrad import optim
from minigrad.serialization import load, save

torch = pytest.importorskip("torch", reason="PyTorch is the reference for the parity tests; install torch==2.13.0")

STEPS = 50
ROUND_TRIP_AT = 25


def grid(**options):
    """Every combination of the given option values, as a list of dicts."""
    names = list(options)
    return [dict(zip(names, values)) for values in itertools.product(*options.values())]


# (optimizer name, options for both groups, overrides for the second group)
CASES = (
    [("SGD", o, {"lr": 0.02, "weight_decay": 0.05})
     for o in grid(lr=[0.05], momentum=[0.0, 0.9], dampening=[0.0, 0.3], weight_decay=[0.0, 0.01])]
    + [("SGD", o, {"lr": 0.02, "momentum": 0.5}) for o in grid(lr=[0.05], momentum=[0.9], nesterov=[True],
                                                                   weight_decay=[0.0, 0.01])]
    + [("Adagrad", o, {"lr": 0.05, "lr_decay": 0.1}) for o in grid(lr=[0.1], lr_decay=[0.0, 0.01],
                                                                    weight_decay=[0.0, 0.1],
                                                                    initial_accumulator_value=[0.0, 0.5],
                                                                    eps=[1e-10, 1e-3])]
    + [("RMSprop", o, {"lr": 0.003, "alpha": 0.9}) for o in grid(lr=[0.01], alpha=[0.99], eps=[1e-8, 1e-3],
                                                                  weight_decay=[0.0, 0.1], momentum=[0.0, 0.8],
                                                                  centered=[False, True])]
    + [("Adadelta", o, {"lr": 0.3, "rho": 0.5}) for o in grid(lr=[1.0], rho=[0.9, 0.99], eps=[1e-6, 1e-3],
                                                               weight_decay=[0.0, 0.1])]
    + [("Adam", o, {"lr": 0.003, "betas": (0.8, 0.99)}) for o in grid(lr=[0.01], betas=[(0.9, 0.999), (0.5, 0.9)],
                                                                       eps=[1e-8, 1e-3], weight_decay=[0.0, 0.1],
                                                                       amsgrad=[False, True])]
    + [("AdamW", o, {"lr": 0.003, "weight_decay": 0.5}) for o in grid(lr=[0.01], betas=[(0.9, 0.999)],
                                                                       eps=[1e-8], weight_decay=[0.0, 0.01, 0.1],
                                                                       amsgrad=[False, True])]
)


def case_id(case):
    name, options, _ = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in options.items()) + ")"


def groups_of(params, overrides):
    """Two parameter groups: the first two parameters with the options given to the constructor, the scalar
    with some of them overridden."""
    return [{"params": params[:2]}, {"params": params[2:], **overrides}]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_optimizer_matches_torch_step_by_step(case, dtype, tmp_path):
    name, options, overrides = case
    arrays = initial_arrays(dtype)
    gradients = gradient_sequence(STEPS, dtype)
    ours_params = minigrad_params(arrays)
    their_params = [torch.tensor(a.copy()) for a in arrays]
    ours = getattr(optim, name)(groups_of(ours_params, overrides), foreach=False, **options)
    theirs = getattr(torch.optim, name)(groups_of(their_params, overrides), foreach=False, **options)
    for t in range(STEPS):
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients[t], f"{name} parameters",
                              dtype)
        if t + 1 == ROUND_TRIP_AT:
            compare_state(ours, theirs, dtype, name)
            # Carry on with a new optimizer, on new parameters, restored from a saved checkpoint.
            save({"params": [p._array for p in ours_params], "optimizer": ours.state_dict()},
                          tmp_path / "checkpoint.npz")
            checkpoint = load(tmp_path / "checkpoint.npz")
            ours_params = minigrad_params(checkpoint["params"])
            ours = getattr(optim, name)(groups_of(ours_params, {}), **options)     # the checkpoint brings the rest
            ours.load_state_dict(checkpoint["optimizer"])
            compare_state(ours, theirs, dtype, name)
    compare_state(ours, theirs, dtype, name)
