"""RMSProp (d2l 11.8)."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer, check_number


class RMSprop(Optimizer):
    """RMSProp: divide each coordinate's step by a running root mean square of its gradients.

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                           if weight_decay λ ≠ 0
        v ← α·v + (1 − α)·g²                  (v: state 'square_avg', from 0)
        if centered:                          (ḡ: state 'grad_avg', from 0)
            ḡ ← ḡ + (1 − α)·(g − ḡ)           (= α·ḡ + (1 − α)·g)
            d ← √(v − ḡ²) + ε
        else:
            d ← √v + ε
        if momentum μ > 0:                    (b: state 'momentum_buffer', from 0)
            b ← μ·b + g / d;   θ ← θ − lr·b
        else:
            θ ← θ − lr·g / d

    ε is added outside the square root, as in PyTorch (d2l's from-scratch version adds it inside).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _check_group(self, group):
        check_number("lr", group["lr"], low=0.0)
        check_number("alpha", group["alpha"], low=0.0, high=1.0)
        check_number("eps", group["eps"], low=0.0, low_open=True)
        check_number("weight_decay", group["weight_decay"], low=0.0)
        check_number("momentum", group["momentum"], low=0.0)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                lr, alpha, eps, lam, mu = (group[k] for k in ("lr", "alpha", "eps", "weight_decay", "momentum"))
                for p in self._params_with_grad(group):
                    theta, g = p._array, p.grad._array
                    state = self._state(p)
                    if not state:
                        state["step"] = 0
                        state["square_avg"] = np.zeros_like(theta)
                        if mu > 0:
                            state["momentum_buffer"] = np.zeros_like(theta)
                        if group["centered"]:
                            state["grad_avg"] = np.zeros_like(theta)
                    state["step"] += 1
                    v = state["square_avg"]
                    if lam != 0:
                        g = g + lam * theta
                    v *= alpha
                    v += (1 - alpha) * g * g
                    if group["centered"]:
                        g_avg = state["grad_avg"]
                        g_avg += (1 - alpha) * (g - g_avg)
                        d = np.sqrt(v - g_avg * g_avg) + eps
                    else:
                        d = np.sqrt(v) + eps
                    if mu > 0:
                        b = state["momentum_buffer"]
                        b *= mu
                        b += g / d
                        theta -= lr * b
                    else:
                        theta -= lr * g / d
        return loss
