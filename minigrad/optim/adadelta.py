"""Adadelta (d2l 11.9)."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, check_number


class Adadelta(Optimizer):
    """Adadelta: the step's size is the running RMS of past updates over the running RMS of gradients.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        g ← g + λ·θ                           if weight_decay λ ≠ 0
        s ← ρ·s + (1 − ρ)·g²                  (s: state 'square_avg', from 0)
        g' ← √(Δx + ε) / √(s + ε) · g         (Δx: state 'acc_delta', from 0)
        Δx ← ρ·Δx + (1 − ρ)·g'²
        θ ← θ − lr·g'

    d2l's version has no lr (lr = 1, PyTorch's default).

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("square_avg", "acc_delta")

    def __init__(self, params: Params, lr: LearningRate = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0,
                 foreach: bool | None = None, *, capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable, differentiable=differentiable))

    def _check_group(self, group):
        super()._check_group(group)
        check_number("rho", group["rho"], low=0.0, high=1.0)

    def _init_state(self, theta, group):
        return {"step": 0, "square_avg": np.zeros_like(theta), "acc_delta": np.zeros_like(theta)}

    def _update(self, theta, g, state, group):
        adadelta_update(theta, g, state, lr=group["lr"], rho=group["rho"], eps=group["eps"])


def adadelta_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, rho: float, eps: float) -> None:
    """One Adadelta step on arrays, in place: θ and state's 'square_avg', 'acc_delta'."""
    s, delta_x = state["square_avg"], state["acc_delta"]
    s *= rho
    s += (1 - rho) * g * g
    g_rescaled = np.sqrt(delta_x + eps) / np.sqrt(s + eps) * g
    delta_x *= rho
    delta_x += (1 - rho) * g_rescaled * g_rescaled
    theta -= lr * g_rescaled
