"""Every optimizer against torch.optim over the option combinations of PyTorch's own optimizer test table
(`optim_inputs_func_<name>` in torch/testing/_internal/common_optimizers.py, torch 2.13, the CPU configurations;
those with a Tensor lr are in test_optim_tensor_lr_and_switches.py and test_lbfgs.py), float32 and float64, step
by step, with the final state compared too. The parameters and gradients are those of test_optim_torch_parity.py."""
import numpy as np
import pytest
from optim_testing import compare_state, gradient_sequence, initial_arrays, minigrad_params, step_both_and_compare

from minigrad import optim

torch = pytest.importorskip("torch", reason="PyTorch is the reference for the parity tests; install torch==2.13.0")

STEPS = 50        # long enough for RAdam's rectified steps (from step 6) and ASGD's averaging (t0 = 10) to run a while

TABLE = {
    "SGD": [{}, {"lr": 1e-2}, {"weight_decay": 0.5}, {"momentum": 0.9}, {"weight_decay": 0.1, "maximize": True},
            {"momentum": 0.9, "dampening": 0.5}, {"momentum": 0.9, "weight_decay": 0.1},
            {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}],
    "Adagrad": [{}, {"weight_decay": 0.1}, {"weight_decay": 0.1, "maximize": True}, {"lr": 0.1},
                {"initial_accumulator_value": 0.1, "weight_decay": 0.1},
                {"lr": 0.1, "lr_decay": 0.5, "weight_decay": 0.1}],
    "RMSprop": [{}, {"lr": 1e-3}, {"weight_decay": 0.1}, {"maximize": True}, {"weight_decay": 0.1, "centered": True},
                {"maximize": True, "weight_decay": 0.1},
                {"weight_decay": 0.1, "centered": True, "momentum": 0.1},
                {"weight_decay": 0.1, "centered": True, "momentum": 0.1, "maximize": True}],
    "Adadelta": [{}, {"lr": 0.01}, {"weight_decay": 0.1}, {"maximize": True}, {"weight_decay": 0.1, "maximize": True},
                 {"rho": 0.95, "weight_decay": 0.9}],
    "Adam": [{}, {"lr": 0.01}, {"weight_decay": 0.1}, {"weight_decay": 0.1, "maximize": True},
             {"weight_decay": 0.1, "amsgrad": True}, {"weight_decay": 0.1, "decoupled_weight_decay": True}],
    "AdamW": [{}, {"lr": 0.01}, {"weight_decay": 0.1}, {"weight_decay": 0.1, "maximize": True},
              {"weight_decay": 0.1, "amsgrad": True}],
    "NAdam": [{}, {"lr": 1e-3}, {"momentum_decay": 6e-3}, {"weight_decay": 0.1},
              {"weight_decay": 0.1, "momentum_decay": 6e-3},
              {"weight_decay": 0.1, "momentum_decay": 6e-3, "decoupled_weight_decay": True},
              {"weight_decay": 0.1, "maximize": True}],
    "RAdam": [{}, {"lr": 2e-3}, {"eps": 1e-6}, {"weight_decay": 0.1},
              {"weight_decay": 0.1, "decoupled_weight_decay": True}, {"weight_decay": 0.1, "maximize": True}],
    "Adamax": [{}, {"lr": 0.1}, {"weight_decay": 0.1}, {"maximize": True}, {"weight_decay": 0.1, "maximize": True}],
    "Rprop": [{}, {"lr": 2e-4}, {"etas": (0.5, 1.5)}, {"step_sizes": (2e-6, 100)}, {"maximize": True}],
    "ASGD": [{}, {"lambd": 0.1}, {"lr": 0.02}, {"t0": 100}, {"maximize": True}, {"weight_decay": 0.1},
             {"weight_decay": 0.1, "maximize": True}],
}
# RAdam's rectified step starts at step 6 with β2 = 0.999; ASGD's averaging at t0: cases that reach both
TABLE["RAdam"].append({"betas": (0.9, 0.9)})
TABLE["ASGD"].append({"t0": 10, "lambd": 0.01})
CASES = [(name, options) for name, table in TABLE.items() for options in table]


def case_id(case):
    name, options = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in options.items()) + ")"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_optimizer_matches_torch_on_pytorchs_test_table(case, dtype):
    name, options = case
    arrays = initial_arrays(dtype)
    gradients = gradient_sequence(STEPS, dtype)
    ours_params = minigrad_params(arrays)
    their_params = [torch.tensor(a.copy()) for a in arrays]
    ours = getattr(optim, name)(ours_params, foreach=False, **options)
    theirs = getattr(torch.optim, name)(their_params, foreach=False, **options)
    for t in range(STEPS):
        step_both_and_compare(ours, theirs, ours_params, their_params, gradients[t], f"{name} parameters (table)",
                              dtype)
    compare_state(ours, theirs, dtype, name)
