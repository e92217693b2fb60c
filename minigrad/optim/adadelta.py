"""Adadelta (d2l 11.9)."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer, check_number


class Adadelta(Optimizer):
    """Adadelta: the step's size is the running RMS of past updates over the running RMS of gradients.

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                           if weight_decay λ ≠ 0
        s ← ρ·s + (1 − ρ)·g²                  (s: state 'square_avg', from 0)
        g' ← √(Δx + ε) / √(s + ε) · g         (Δx: state 'acc_delta', from 0)
        Δx ← ρ·Δx + (1 − ρ)·g'²
        θ ← θ − lr·g'

    d2l's version has no lr (lr = 1, PyTorch's default).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def _check_group(self, group):
        check_number("lr", group["lr"], low=0.0)
        check_number("rho", group["rho"], low=0.0, high=1.0)
        check_number("eps", group["eps"], low=0.0, low_open=True)
        check_number("weight_decay", group["weight_decay"], low=0.0)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                lr, rho, eps, lam = group["lr"], group["rho"], group["eps"], group["weight_decay"]
                for p in self._params_with_grad(group):
                    theta, g = p._array, p.grad._array
                    state = self._state(p)
                    if not state:
                        state.update(step=0, square_avg=np.zeros_like(theta), acc_delta=np.zeros_like(theta))
                    state["step"] += 1
                    s, delta_x = state["square_avg"], state["acc_delta"]
                    if lam != 0:
                        g = g + lam * theta
                    s *= rho
                    s += (1 - rho) * g * g
                    g_rescaled = np.sqrt(delta_x + eps) / np.sqrt(s + eps) * g
                    delta_x *= rho
                    delta_x += (1 - rho) * g_rescaled * g_rescaled
                    theta -= lr * g_rescaled
        return loss
