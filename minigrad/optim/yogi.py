"""Yogi (d2l 11.10.3; Zaheer et al., "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018)."""
import numpy as np

from .adam import bias_corrected_step
from .optimizer import LearningRate, Optimizer, Params


class Yogi(Optimizer):
    """Yogi: Adam with an additive second-moment update, so that v cannot grow or shrink too fast.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        g ← g + λ·θ                           if weight_decay λ ≠ 0
        v ← v − (1 − β2)·sign(v − g²)·g²      (v: state 'exp_avg_sq', from 0)
        m ← β1·m + (1 − β1)·g                 (m: state 'exp_avg', from 0)
        θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

    Adam's v ← v − (1 − β2)·(v − g²) moves v by a multiple of v − g²; Yogi moves it by g² in that direction.
    Everything but the v update is Adam's (step, bias correction, defaults); not in PyTorch. d2l's from-scratch
    version uses ε = 1e-3.
    """

    _nonnegative_state = ("exp_avg_sq",)

    def __init__(self, params: Params, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _init_state(self, theta, group):
        return {"step": 0, "exp_avg": np.zeros_like(theta), "exp_avg_sq": np.zeros_like(theta)}

    def _update(self, theta, g, state, group):
        yogi_update(theta, g, state, lr=group["lr"], betas=group["betas"], eps=group["eps"])


def yogi_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, betas: tuple[float, float],
                eps: float) -> None:
    """One Yogi step on arrays, in place: θ and state's 'exp_avg', 'exp_avg_sq'; state['step'] is t."""
    g2 = g * g
    state["exp_avg_sq"] -= (1 - betas[1]) * np.sign(state["exp_avg_sq"] - g2) * g2
    bias_corrected_step(theta, g, state, lr, betas, eps)
