"""Adam and AdamW (d2l 11.10)."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, lerp_


class Adam(Optimizer):
    """Adam: momentum on the gradient, RMSProp-like scaling, both bias-corrected.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        θ ← θ·(1 − lr·λ)                      if decoupled_weight_decay (AdamW), else
        g ← g + λ·θ                           if weight_decay λ ≠ 0 (an L2 penalty)
        m ← β1·m + (1 − β1)·g                 (m: state 'exp_avg', from 0; computed as m + (1 − β1)·(g − m))
        v ← β2·v + (1 − β2)·g²                (v: state 'exp_avg_sq', from 0)
        v_max ← max(v_max, v)                 if amsgrad (state 'max_exp_avg_sq'); then v_max stands for v below
        θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

    which is θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t), arranged as PyTorch computes it.

    lr and betas may be one-element Tensors (read at each step; a scheduler fills a Tensor lr in place), as in
    PyTorch, which refuses them with foreach=True unless capturable=True. `foreach`, `fused` (True is accepted, as
    on PyTorch's CPU), `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as
    PyTorch does (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same
    numbers. capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch
    refuses them on the CPU.
    """

    _nonnegative_state = ("exp_avg_sq", "max_exp_avg_sq")
    _foreach_refuses_tensor_lr = True
    _accepts_tensor_betas = True

    def __init__(self, params: Params, lr: LearningRate = 1e-3,
                 betas: tuple[LearningRate, LearningRate] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _init_state(self, theta, group):
        state = {"step": 0, "exp_avg": np.zeros_like(theta), "exp_avg_sq": np.zeros_like(theta)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(theta)
        return state

    def _update(self, theta, g, state, group):
        adam_update(theta, g, state, lr=group["lr"], betas=group["betas"], eps=group["eps"],
                    amsgrad=group["amsgrad"])


def adam_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, betas: tuple[float, float], eps: float,
                amsgrad: bool = False) -> None:
    """One Adam step on arrays, in place: θ and state's 'exp_avg', 'exp_avg_sq' (and 'max_exp_avg_sq' if
    amsgrad); state['step'] is t, this step counted."""
    v = state["exp_avg_sq"]
    v *= betas[1]
    v += (1 - betas[1]) * g * g
    bias_corrected_step(theta, g, state, lr, betas, eps, amsgrad)


def bias_corrected_step(theta, g, state, lr, betas, eps, amsgrad=False):
    """The part of Adam's step after its second-moment update (shared with Yogi): m ← β1·m + (1 − β1)·g, then
    θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε), with v ← max(v_max, v) first if amsgrad."""
    t, (beta1, beta2) = state["step"], betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    lerp_(m, g, 1 - beta1)
    if amsgrad:
        v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
    denominator = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps
    theta += -(lr / (1 - beta1 ** t)) * m / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): the decay shrinks θ directly instead of entering
    the gradient, so the adaptive scaling does not weaken it.

    For each parameter θ with gradient g, at step t:

        θ ← θ·(1 − lr·λ)                      (weight_decay λ, default 0.01)
        then Adam's update without the L2 term (see Adam, also for Tensor lr and betas and the switches).
    """

    _options_added_later = {**Adam._options_added_later, "decoupled_weight_decay": True}

    def __init__(self, params: Params, lr: LearningRate = 1e-3,
                 betas: tuple[LearningRate, LearningRate] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)

    def _check_group(self, group):
        super()._check_group(group)
        if not group["decoupled_weight_decay"]:
            raise ValueError("AdamW's weight decay is decoupled by definition; decoupled_weight_decay=False is Adam")
