"""Adamax (Kingma & Ba, "Adam", 2015, section 7.1), as torch.optim.Adamax."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, lerp_


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of the root mean square, u ← max(β2·u, |g|).

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        g ← g + λ·θ                           if weight_decay λ ≠ 0
        m ← β1·m + (1 − β1)·g                 (state 'exp_avg', from 0)
        u ← max(β2·u, |g| + ε)                (state 'exp_inf', from 0)
        θ ← θ − lr/(1 − β1^t) · m / u

    u needs no bias correction: a maximum is not pulled towards its zero start as an average is.

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("exp_inf",)

    def __init__(self, params: Params, lr: LearningRate = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, differentiable=differentiable, capturable=capturable))

    def _init_state(self, theta, group):
        return {"step": 0, "exp_avg": np.zeros_like(theta), "exp_inf": np.zeros_like(theta)}

    def _update(self, theta, g, state, group):
        adamax_update(theta, g, state, lr=group["lr"], betas=group["betas"], eps=group["eps"])


def adamax_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, betas: tuple[float, float],
                  eps: float) -> None:
    """One Adamax step on arrays, in place: θ and state's 'exp_avg', 'exp_inf'; state['step'] is t."""
    m, u = state["exp_avg"], state["exp_inf"]
    lerp_(m, g, 1 - betas[0])
    u *= betas[1]
    np.maximum(u, np.abs(g) + eps, out=u)
    theta += -(lr / (1 - betas[0] ** state["step"])) * m / u
