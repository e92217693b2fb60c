"""NAdam (Dozat, "Incorporating Nesterov Momentum into Adam", 2016), as torch.optim.NAdam."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, check_number, lerp_


class NAdam(Optimizer):
    """NAdam: Adam whose momentum looks one step ahead (Nesterov), with a momentum that warms up.

    For each parameter θ with gradient g, at step t (ψ: momentum_decay):

        g ← −g                                if maximize
        θ ← θ·(1 − lr·λ)                      if decoupled_weight_decay, else
        g ← g + λ·θ                           if weight_decay λ ≠ 0
        μ_t ← β1·(1 − ½·0.96^(t·ψ)),   μ_{t+1} ← β1·(1 − ½·0.96^((t+1)·ψ))
        Π ← Π·μ_t                             (Π: state 'mu_product', from 1: the product μ_1···μ_t)
        m ← β1·m + (1 − β1)·g                 (state 'exp_avg', from 0)
        v ← β2·v + (1 − β2)·g²                (state 'exp_avg_sq', from 0)
        d ← √(v / (1 − β2^t)) + ε
        θ ← θ − lr·(1 − μ_t)/(1 − Π) · g/d − lr·μ_{t+1}/(1 − Π·μ_{t+1}) · m/d

    The first term is the gradient's own share of the step, the second the momentum's share one step ahead.
    Π is kept in float32, as PyTorch keeps it (a float32 scalar tensor), so that the steps agree to the last bits.

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("exp_avg_sq", "mu_product")

    _capturable_tensors = "params, mu_products and state_steps"

    def __init__(self, params: Params, lr: LearningRate = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _check_group(self, group):
        super()._check_group(group)
        check_number("momentum_decay", group["momentum_decay"], low=0.0)

    def _init_state(self, theta, group):
        return {"step": 0, "mu_product": 1.0, "exp_avg": np.zeros_like(theta), "exp_avg_sq": np.zeros_like(theta)}

    def _update(self, theta, g, state, group):
        nadam_update(theta, g, state, lr=group["lr"], betas=group["betas"], eps=group["eps"],
                     momentum_decay=group["momentum_decay"])


def nadam_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, betas: tuple[float, float], eps: float,
                 momentum_decay: float) -> None:
    """One NAdam step on arrays, in place: θ and state's 'exp_avg', 'exp_avg_sq', 'mu_product' (a float)."""
    t, (beta1, beta2) = state["step"], betas
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    mu_product = state["mu_product"] = float(np.float32(state["mu_product"]) * mu)
    m, v = state["exp_avg"], state["exp_avg_sq"]
    lerp_(m, g, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g
    d = np.sqrt(v / (1 - beta2 ** t)) + eps
    theta += -lr * (1.0 - mu) / (1.0 - mu_product) * g / d
    theta += -lr * mu_next / (1.0 - mu_product * mu_next) * m / d
