"""Adagrad (d2l 11.7)."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer, check_number


class Adagrad(Optimizer):
    """Adagrad: each coordinate's step shrinks with the sum of its squared gradients.

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                           if weight_decay λ ≠ 0
        η ← lr / (1 + (t − 1)·lr_decay)
        s ← s + g²                            (s: state 'sum', starting at initial_accumulator_value)
        θ ← θ − η·g / (√s + ε)

    As in PyTorch, every parameter's state exists from construction on (step 0, s filled).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            self.state[p] = {"step": 0, "sum": np.full_like(p._array, group["initial_accumulator_value"])}

    def _check_group(self, group):
        check_number("lr", group["lr"], low=0.0)
        check_number("lr_decay", group["lr_decay"], low=0.0)
        check_number("weight_decay", group["weight_decay"], low=0.0)
        check_number("initial_accumulator_value", group["initial_accumulator_value"], low=0.0)
        check_number("eps", group["eps"], low=0.0, low_open=True)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                lr, lam, eps = group["lr"], group["weight_decay"], group["eps"]
                for p in self._params_with_grad(group):
                    theta, g = p._array, p.grad._array
                    state = self.state[p]
                    t = state["step"] = state["step"] + 1
                    s = state["sum"]
                    if lam != 0:
                        g = g + lam * theta
                    eta = lr / (1 + (t - 1) * group["lr_decay"])
                    s += g * g
                    theta -= eta * g / (np.sqrt(s) + eps)
        return loss
