"""RMSProp (d2l 11.8)."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, check_number, lerp_


class RMSprop(Optimizer):
    """RMSProp: divide each coordinate's step by a running root mean square of its gradients.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
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

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("square_avg",)

    def __init__(self, params: Params, lr: LearningRate = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize, capturable=capturable,
                                      foreach=foreach, differentiable=differentiable))

    def _check_group(self, group):
        super()._check_group(group)
        check_number("alpha", group["alpha"], low=0.0, high=1.0)

    def _init_state(self, theta, group):
        state = {"step": 0, "square_avg": np.zeros_like(theta)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(theta)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(theta)
        return state

    def _update(self, theta, g, state, group):
        rmsprop_update(theta, g, state, lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                       momentum=group["momentum"], centered=group["centered"])


def rmsprop_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, alpha: float, eps: float,
                   momentum: float = 0, centered: bool = False) -> None:
    """One RMSprop step on arrays, in place: θ and state's 'square_avg' (and 'grad_avg' if centered,
    'momentum_buffer' if momentum > 0)."""
    v = state["square_avg"]
    v *= alpha
    v += (1 - alpha) * g * g
    if centered:
        g_avg = state["grad_avg"]
        lerp_(g_avg, g, 1 - alpha)
        d = np.sqrt(v - g_avg * g_avg) + eps
    else:
        d = np.sqrt(v) + eps
    if momentum > 0:
        b = state["momentum_buffer"]
        b *= momentum
        b += g / d
        theta -= lr * b
    else:
        theta += -lr * g / d
