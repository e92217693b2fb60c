"""RAdam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020), as torch.optim.RAdam."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, lerp_


class RAdam(Optimizer):
    """RAdam: Adam that takes plain momentum steps while too few gradients are in v to trust it, then rescales
    Adam's step by a factor r_t that corrects the variance of the adaptive learning rate.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        θ ← θ·(1 − lr·λ)                      if decoupled_weight_decay, else
        g ← g + λ·θ                           if weight_decay λ ≠ 0
        m ← β1·m + (1 − β1)·g                 (state 'exp_avg', from 0)
        v ← β2·v + (1 − β2)·g²                (state 'exp_avg_sq', from 0)
        m̂ ← m / (1 − β1^t)
        ρ_∞ ← 2/(1 − β2) − 1,   ρ_t ← ρ_∞ − 2t·β2^t / (1 − β2^t)     (length of the approximated moving average)
        if ρ_t > 5:
            r_t ← √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t))
            θ ← θ − lr·m̂ · √(1 − β2^t)/(√v + ε) · r_t
        else:
            θ ← θ − lr·m̂

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("exp_avg_sq",)

    def __init__(self, params: Params, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable, differentiable=differentiable))

    def _init_state(self, theta, group):
        return {"step": 0, "exp_avg": np.zeros_like(theta), "exp_avg_sq": np.zeros_like(theta)}

    def _update(self, theta, g, state, group):
        radam_update(theta, g, state, lr=group["lr"], betas=group["betas"], eps=group["eps"])


def radam_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, betas: tuple[float, float],
                 eps: float) -> None:
    """One RAdam step on arrays, in place: θ and state's 'exp_avg', 'exp_avg_sq'; state['step'] is t."""
    t, (beta1, beta2) = state["step"], betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    lerp_(m, g, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g
    bias_correction2 = 1 - beta2 ** t
    m_hat = m / (1 - beta1 ** t)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
    if rho_t > 5.0:
        rectification = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        theta -= m_hat * lr * (bias_correction2 ** 0.5 / (np.sqrt(v) + eps)) * rectification
    else:
        theta -= m_hat * lr
