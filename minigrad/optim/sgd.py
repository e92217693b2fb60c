"""Stochastic gradient descent with momentum (d2l 11.4 and 11.6)."""
import numpy as np

from ..tensor import Tensor
from .optimizer import LearningRate, Optimizer, Params, check_number


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay (PyTorch's form).

    For each parameter θ with gradient g, at step t:

        g ← −g                             if maximize
        g ← g + λ·θ                        if weight_decay λ ≠ 0
        b ← g                  at t = 1    if momentum μ ≠ 0  (b: state 'momentum_buffer')
        b ← μ·b + (1 − τ)·g    at t > 1                       (τ: dampening)
        g ← g + μ·b  if nesterov,  else  g ← b
        θ ← θ − lr·g

    Like PyTorch (and unlike d2l's `v ← μ·v + lr·g`), lr multiplies the buffer rather than entering it, and the
    buffer starts at the first gradient, so dampening applies from the second step on. lr and weight_decay may be
    one-element Tensors, as in PyTorch (read at each step).

    `foreach`, `fused` (True is accepted, as on PyTorch's CPU), `differentiable`: PyTorch's implementation switches,
    checked and kept as PyTorch does (`minigrad.optim.options`); minigrad has one implementation, so every setting
    gives the same numbers. differentiable=True is refused at the first step with a gradient, as PyTorch refuses it
    for leaf parameters.
    """

    def __init__(self, params: Params, lr: LearningRate = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float | Tensor = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                                      foreach=foreach, differentiable=differentiable, fused=fused))

    def _check_group(self, group):
        super()._check_group(group)
        check_number("dampening", group["dampening"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0, but got "
                             f"momentum={group['momentum']!r}, dampening={group['dampening']!r}")

    _buffers_to_start = frozenset()
    _tensor_hyperparameters = ("lr", "weight_decay")

    def _init_state(self, theta, group):
        return {"momentum_buffer": None} if group["momentum"] != 0 else {}

    def _start_group_step(self, params, group):
        """PyTorch reads every listing's momentum buffer before it steps any, so a parameter listed twice in a
        group (PyTorch warns) starts a buffer at each listing of its first step, the last one kept: remember which
        parameters have no buffer yet."""
        duplicated = len({id(p) for p in params}) != len(params)
        self._buffers_to_start = {id(p._array) for p in params if duplicated and group["momentum"] != 0
                                  and self.state.get(p, {}).get("momentum_buffer") is None}

    def _update(self, theta, g, state, group):
        if id(theta) in self._buffers_to_start:
            state["momentum_buffer"] = None
        sgd_update(theta, g, state, lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                   nesterov=group["nesterov"])


def sgd_update(theta: np.ndarray, g: np.ndarray, state: dict, *, lr: float, momentum: float = 0, dampening: float = 0,
               nesterov: bool = False) -> None:
    """One SGD step on arrays, in place: θ, and state['momentum_buffer'] if momentum ≠ 0 (None before step 1)."""
    if momentum != 0:
        b = state["momentum_buffer"]
        if b is None:
            b = state["momentum_buffer"] = np.array(g, copy=True)      # an array, even for a 0-d θ
        else:
            b *= momentum
            b += (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    theta -= lr * g
