"""Rprop (Riedmiller & Braun, "A direct adaptive method for faster backpropagation learning", 1993)."""
import numpy as np

from .optimizer import LearningRate, Optimizer, Params, check_number, check_pair


class Rprop(Optimizer):
    """Rprop (resilient backpropagation): each coordinate moves by its own step size, in the direction opposite
    to its gradient's sign; the gradient's size is ignored. Meant for full-batch training.

    For each parameter θ with gradient g, at step t (η−, η+: etas; Δ_min, Δ_max: step_sizes):

        g ← −g                                if maximize
        s ← sign(g·g_prev)                    (g_prev: state 'prev', from 0)
        Δ ← clip(Δ·η+, Δ_min, Δ_max)   where s > 0   (the same sign twice: speed up)
        Δ ← clip(Δ·η−, Δ_min, Δ_max)   where s < 0   (the sign flipped: the last step overshot, slow down ...)
        g ← 0                          where s < 0   (... and do not move this time)
        θ ← θ − sign(g)·Δ                     (Δ: state 'step_size', from lr)
        g_prev ← g

    `foreach`, `capturable`, `differentiable`: PyTorch's implementation switches, checked and kept as PyTorch does
    (`minigrad.optim.options`); minigrad has one implementation, so every setting gives the same numbers.
    capturable=True and differentiable=True are refused at the first step with a gradient, as PyTorch refuses them
    on the CPU.
    """

    _nonnegative_state = ("step_size",)

    def __init__(self, params: Params, lr: LearningRate = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _check_group(self, group):
        super()._check_group(group)
        check_pair("etas", group["etas"])
        eta_minus, eta_plus = group["etas"]
        check_number("etas[0]", eta_minus)
        check_number("etas[1]", eta_plus)
        if not 0.0 < eta_minus < 1.0 < eta_plus:
            raise ValueError(f"Invalid eta values: {eta_minus}, {eta_plus} (Rprop needs 0 < etas[0] < 1 < etas[1])")
        check_pair("step_sizes", group["step_sizes"])
        check_number("step_sizes[0]", group["step_sizes"][0], low=0.0)
        check_number("step_sizes[1]", group["step_sizes"][1], low=group["step_sizes"][0])

    def _init_state(self, theta, group):
        return {"step": 0, "prev": np.zeros_like(theta), "step_size": np.full_like(theta, group["lr"])}

    def _update(self, theta, g, state, group):
        rprop_update(theta, g, state, etas=group["etas"], step_sizes=group["step_sizes"])


def rprop_update(theta: np.ndarray, g: np.ndarray, state: dict, *, etas: tuple[float, float],
                 step_sizes: tuple[float, float]) -> None:
    """One Rprop step on arrays, in place: θ and state's 'prev', 'step_size'."""
    eta_minus, eta_plus = etas
    step_size = state["step_size"]
    agreement = np.sign(g * state["prev"])
    factor = np.where(agreement > 0, step_size.dtype.type(eta_plus), step_size.dtype.type(1))
    factor[agreement < 0] = eta_minus
    step_size *= factor
    np.clip(step_size, *step_sizes, out=step_size)
    g = np.where(agreement < 0, 0, g).astype(theta.dtype, copy=False)
    theta -= np.sign(g) * step_size
    state["prev"][...] = g
