"""Adam and AdamW (d2l 11.10)."""
import numpy as np

from ..autograd import no_grad
from .optimizer import Optimizer, check_betas, check_number


class Adam(Optimizer):
    """Adam: momentum on the gradient, RMSProp-like scaling, both bias-corrected.

    For each parameter θ with gradient g, at step t:

        g ← g + λ·θ                           if weight_decay λ ≠ 0 (an L2 penalty; see AdamW)
        m ← β1·m + (1 − β1)·g                 (m: state 'exp_avg', from 0; computed as m + (1 − β1)·(g − m))
        v ← β2·v + (1 − β2)·g²                (v: state 'exp_avg_sq', from 0)
        v_max ← max(v_max, v)                 if amsgrad (state 'max_exp_avg_sq'); then v_max stands for v below
        θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

    which is θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t), arranged as PyTorch computes it.
    """

    decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

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
                    theta, g = p._array, p.grad._array
                    state = self._state(p)
                    if not state:
                        state.update(step=0, exp_avg=np.zeros_like(theta), exp_avg_sq=np.zeros_like(theta))
                        if group.get("amsgrad", False):
                            state["max_exp_avg_sq"] = np.zeros_like(theta)
                    t = state["step"] = state["step"] + 1
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    if lam != 0:
                        if self.decoupled_weight_decay:
                            theta *= 1 - lr * lam
                        else:
                            g = g + lam * theta
                    m += (1 - beta1) * (g - m)
                    self._update_second_moment(v, g, beta2)
                    if group.get("amsgrad", False):
                        v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
                    theta -= lr / (1 - beta1 ** t) * m / (np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps)
        return loss

    @staticmethod
    def _update_second_moment(v, g, beta2):
        """v ← β2·v + (1 − β2)·g², in place."""
        v *= beta2
        v += (1 - beta2) * g * g


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): the decay shrinks θ directly instead of entering
    the gradient, so the adaptive scaling does not weaken it.

    For each parameter θ with gradient g, at step t:

        θ ← θ·(1 − lr·λ)                      (weight_decay λ, default 0.01)
        then Adam's update without the L2 term (see Adam).
    """

    decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
