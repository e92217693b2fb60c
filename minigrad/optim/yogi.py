"""Yogi (d2l 11.10.3; Zaheer et al., "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018)."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer, check_betas, check_number


class Yogi(Optimizer):
    """Yogi: Adam with an additive second-moment update, so that v cannot grow or shrink too fast.

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                           if weight_decay λ ≠ 0
        m ← β1·m + (1 − β1)·g                 (m: state 'exp_avg', from 0)
        v ← v − (1 − β2)·sign(v − g²)·g²      (v: state 'exp_avg_sq', from 0)
        θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

    Adam's v ← v − (1 − β2)·(v − g²) moves v by a multiple of v − g²; Yogi moves it by g² in that direction.
    Bias correction and defaults are Adam's (not in PyTorch; d2l's from-scratch version uses ε = 1e-3).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def _check_group(self, group):
        check_number("lr", group["lr"], low=0.0)
        check_betas(group["betas"])
        check_number("eps", group["eps"], low=0.0, low_open=True)
        check_number("weight_decay", group["weight_decay"], low=0.0)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps, lam = group["lr"], group["betas"], group["eps"], group["weight_decay"]
                for p in self._params_with_grad(group):
                    theta, g = p.data, p.grad.data
                    state = self._state(p)
                    if not state:
                        state.update(step=0, exp_avg=np.zeros_like(theta), exp_avg_sq=np.zeros_like(theta))
                    t = state["step"] = state["step"] + 1
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    if lam != 0:
                        g = g + lam * theta
                    m += (1 - beta1) * (g - m)
                    g2 = g * g
                    v -= (1 - beta2) * np.sign(v - g2) * g2
                    theta -= lr / (1 - beta1 ** t) * m / (np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps)
        return loss
