"""Yogi (d2l 11.10.3; Zaheer et al., "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018)."""
import numpy as np

from .adam import Adam
from .optimizer import Optimizer


class Yogi(Adam):
    """Yogi: Adam with an additive second-moment update, so that v cannot grow or shrink too fast.

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                           if weight_decay λ ≠ 0
        m ← β1·m + (1 − β1)·g                 (m: state 'exp_avg', from 0)
        v ← v − (1 − β2)·sign(v − g²)·g²      (v: state 'exp_avg_sq', from 0)
        θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

    Adam's v ← v − (1 − β2)·(v − g²) moves v by a multiple of v − g²; Yogi moves it by g² in that direction.
    Everything but the v update is Adam's (step, bias correction, defaults); not in PyTorch. d2l's from-scratch
    version uses ε = 1e-3.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        # Adam's step without its amsgrad option, which Yogi does not have
        Optimizer.__init__(self, params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @staticmethod
    def _update_second_moment(v, g, beta2):
        """v ← v − (1 − β2)·sign(v − g²)·g², in place."""
        g2 = g * g
        v -= (1 - beta2) * np.sign(v - g2) * g2
