"""The benchmark helpers that are code, not measurements: the op timer of benchmarks/step_profile.py."""
import sys
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad.ops.function import Function

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import step_profile  # noqa: E402


def test_op_times_attributes_time_to_each_op_and_restores_apply():
    plain = Function.apply
    x = mg.tensor(np.ones((64, 64)), requires_grad=True)

    def step():
        (x @ x).relu().sum().backward()

    total, spent = step_profile.op_times(step, 3)
    assert Function.apply == plain, "the timer must put Function.apply back"
    assert {"MatMul (64, 64)", "Relu (64, 64)", "Sum (64, 64)"} <= set(spent), spent
    assert total > 0 and sum(spent.values()) <= total * 1.01
    (x @ x).sum()                                  # and ops still run untimed afterwards
    assert Function.apply == plain
