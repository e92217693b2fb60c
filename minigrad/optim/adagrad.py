"""Adagrad (d2l 11.7)."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, check_number


class Adagrad(Optimizer):
    """Adagrad: each coordinate's step shrinks with the sum of its squared gradients.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        g ← g + λ·θ                           if weight_decay λ ≠ 0
        η ← lr / (1 + (t − 1)·lr_decay)
        s ← s + g²                            (s: state 'sum', starting at initial_accumulator_value)
        θ ← θ − η·g / (√s + ε)

    As in PyTorch, every parameter's state exists from construction on (step 0, s filled).

    `foreach`, `fused` (True is accepted, as on PyTorch's CPU), `differentiable`: PyTorch's implementation switches,
    checked and kept as PyTorch does (`minigrad.optim.options`); minigrad has one implementation, so every setting
    gives the same numbers. differentiable=True is refused at the first step with a gradient, as PyTorch refuses it
    for leaf parameters.
    """

    _nonnegative_state = ("sum",)

    def __init__(self, params: Params, lr: LearningRate = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused))

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            self.state[p] = self._init_state(p._array, group)

    def _check_group(self, group):
        super()._check_group(group)
        check_number("lr_decay", group["lr_decay"], low=0.0)
        check_number("initial_accumulator_value", group["initial_accumulator_value"], low=0.0)

    def _init_state(self, theta, group):
        return {"step": 0, "sum": np.full_like(theta, group["initial_accumulator_value"])}

    def _update(self, theta, g, state, group):
        adagrad_update(theta, g, state, lr=group["lr"], lr_decay=group["lr_decay"], eps=group["eps"])


def adagrad_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, lr_decay: float = 0,
                   eps: float = 1e-10) -> None:
    """One Adagrad step on arrays, in place: θ and state['sum']; state['step'] is t, this step counted."""
    eta = lr / (1 + (state["step"] - 1) * lr_decay)
    s = state["sum"]
    s += g * g
    theta += -eta * g / (np.sqrt(s) + eps)
