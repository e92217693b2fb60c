"""Stochastic gradient descent with momentum (d2l 11.4 and 11.6)."""
import numpy as np

from .optimizer import Optimizer, Params, check_number


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay (PyTorch's form).

    For each parameter θ with gradient g, at step t:

        g ← −g                             if maximize
        g ← g + λ·θ                        if weight_decay λ ≠ 0
        b ← g                  at t = 1    if momentum μ ≠ 0  (b: state 'momentum_buffer')
        b ← μ·b + (1 − τ)·g    at t > 1                       (τ: dampening)
        g ← g + μ·b  if nesterov,  else  g ← b
        θ ← θ − lr·g

    Like PyTorch (and unlike d2l's `v ← μ·v + lr·g`), lr multiplies the buffer rather than entering it, and the
    buffer starts at the first gradient, so dampening applies from the second step on.
    """

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        check_number("dampening", group["dampening"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0, but got "
                             f"momentum={group['momentum']!r}, dampening={group['dampening']!r}")

    def _init_state(self, theta, group):
        return {"momentum_buffer": None} if group["momentum"] != 0 else {}

    def _update(self, theta, g, state, group):
        sgd_update(theta, g, state, lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                   nesterov=group["nesterov"])


def sgd_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, momentum: float = 0, dampening: float = 0,
               nesterov: bool = False) -> None:
    """One SGD step on arrays, in place: θ, and state['momentum_buffer'] if momentum ≠ 0 (None before step 1)."""
    if momentum != 0:
        b = state["momentum_buffer"]
        if b is None:
            b = state["momentum_buffer"] = np.array(g, copy=True)      # an array, even for a 0-d θ
        else:
            b *= momentum
            b += (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    theta -= lr * g
