"""Averaged SGD (Polyak & Juditsky 1992; Bottou 2012's schedule), as torch.optim.ASGD."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, check_number


class ASGD(Optimizer):
    """Averaged stochastic gradient descent: SGD with a decaying step size, plus a running average of the
    iterates (state 'ax') that starts at step t0; the average, not θ, is the estimate with the good guarantees.

    For each parameter θ with gradient g, at step t:

        g ← −g                                if maximize
        g ← g + λ_w·θ                         if weight_decay λ_w ≠ 0
        θ ← θ·(1 − λ·η)                       (λ: lambd; η: state 'eta', from lr)
        θ ← θ − η·g
        ā ← ā + μ·(θ − ā)                     (ā: state 'ax', from 0; μ: state 'mu', from 1, so ā ← θ while μ = 1)
        η ← lr / (1 + λ·lr·t)^α
        μ ← 1 / max(1, t − t0)

    The optimizer moves θ; read the average from `optimizer.state[p]['ax']`. η and μ are kept in float32, as
    PyTorch keeps them (float32 scalar tensors), so that the steps agree to the last bits.

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("eta", "mu")

    _capturable_tensors = "params, mus, etas, and state_steps"

    def __init__(self, params: Params, lr: LearningRate = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, differentiable=differentiable,
                                      capturable=capturable))

    def _check_group(self, group):
        super()._check_group(group)
        check_number("lambd", group["lambd"], low=0.0)
        check_number("alpha", group["alpha"])
        check_number("t0", group["t0"])

    def _init_state(self, theta, group):
        return {"step": 0, "eta": float(np.float32(group["lr"])), "mu": 1.0, "ax": np.zeros_like(theta)}

    def _update(self, theta, g, state, group):
        asgd_update(theta, g, state, lr=group["lr"], lambd=group["lambd"], alpha=group["alpha"], t0=group["t0"])


def asgd_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, lambd: float, alpha: float,
                t0: float) -> None:
    """One ASGD step on arrays, in place: θ and state's 'ax', 'eta', 'mu'; state['step'] is t."""
    t, eta, mu = state["step"], state["eta"], state["mu"]
    theta *= 1 - lambd * eta
    theta += -eta * g
    ax = state["ax"]
    if mu != 1:
        ax += (theta - ax) * mu
    else:
        ax[...] = theta
    state["eta"] = float(np.float32(lr / (1 + lambd * lr * t) ** alpha))
    state["mu"] = float(np.float32(1 / max(1, t - t0)))
