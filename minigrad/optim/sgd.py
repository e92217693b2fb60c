"""Stochastic gradient descent with momentum (d2l 11.4 and 11.6)."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer, check_number


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay (PyTorch's form).

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                        if weight_decay λ ≠ 0
        b ← g                  at t = 1    if momentum μ ≠ 0  (b: state 'momentum_buffer')
        b ← μ·b + (1 − τ)·g    at t > 1                       (τ: dampening)
        g ← g + μ·b  if nesterov,  else  g ← b
        θ ← θ − lr·g

    Like PyTorch (and unlike d2l's `v ← μ·v + lr·g`), lr multiplies the buffer rather than entering it, and the
    buffer starts at the first gradient, so dampening applies from the second step on.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _check_group(self, group):
        check_number("lr", group["lr"], low=0.0)
        check_number("momentum", group["momentum"], low=0.0)
        check_number("dampening", group["dampening"])
        check_number("weight_decay", group["weight_decay"], low=0.0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0, but got "
                             f"momentum={group['momentum']!r}, dampening={group['dampening']!r}")

    def step(self, closure=None):
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                lr, mu, tau, lam = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
                for p in self._params_with_grad(group):
                    theta, g = p._array, p.grad._array
                    if lam != 0:
                        g = g + lam * theta
                    if mu != 0:
                        state = self._state(p)
                        if "momentum_buffer" not in state:
                            b = state["momentum_buffer"] = np.array(g, copy=True)  # an array, even for a 0-d θ
                        else:
                            b = state["momentum_buffer"]
                            b *= mu
                            b += (1 - tau) * g
                        g = g + mu * b if group["nesterov"] else b
                    theta -= lr * g
        return loss
