"""Stochastic weight averaging (Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima and Better
Generalization") and exponential moving averages of the weights, as torch.optim.swa_utils:

    swa_model = AveragedModel(model)                   # a copy of the model that holds the running average
    swa_scheduler = SWALR(optimizer, swa_lr=0.05)      # anneals the lr to a constant swa_lr
    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        if epoch >= swa_start:
            swa_model.update_parameters(model)         # W_avg ← W_avg + (W − W_avg)/(n + 1)
            swa_scheduler.step()
        else:
            scheduler.step()
    update_bn(train_loader, swa_model)                 # recompute BatchNorm statistics for the averaged weights

The averages are computed in the parameters' dtype, rounded as PyTorch rounds them on the CPU.
"""
import copy
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..nn.module import Module
from ..tensor import Tensor
from .lr_scheduler.base import LRScheduler
from .lr_scheduler.checks import choice, per_group
from .optimizer import Optimizer, check_number
from .options import value_of

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_swa_avg_fn", "get_ema_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_multi_avg_fn"]


AverageFunction = Callable[[Tensor, Tensor, int], Tensor]
MultiAverageFunction = Callable[[list[Tensor], list[Tensor], int], None]


# ---- averaging functions: avg_fn(averaged, current, n) returns the new average of one parameter; multi_avg_fn
# ---- (averaged_list, current_list, n) updates a list of them in place ----------------------------------------

def get_swa_avg_fn() -> AverageFunction:
    """The equal-weight average of n + 1 models: W_avg + (W − W_avg)/(n + 1)."""
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AverageFunction:
    """The exponential moving average decay·W_ema + (1 − decay)·W, decay in [0, 1]."""
    check_number("decay", decay, 0.0, 1.0)

    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def _lerp_(start, end, weight):
    """start ← start + weight·(end − start), in place, in start's dtype, by torch.lerp_'s formula (for weight ≥ 0.5
    it computes end − (end − start)·(1 − weight)); PyTorch's CPU kernel fuses the multiply-add, so the two can
    differ in the last bit."""
    weight = start.dtype.type(weight)
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)


def get_swa_multi_avg_fn() -> MultiAverageFunction:
    """get_swa_avg_fn() for a list of parameters at once, in place, as a lerp by 1/(n + 1) (PyTorch's foreach
    form). PyTorch rounds that weight to float32 (it divides by its integer count tensor); here it keeps the
    parameters' dtype, so float64 averages differ from PyTorch's by up to ~1e-7 relative."""
    def swa_update(averaged_params, current_params, num_averaged):
        for averaged, current in zip(averaged_params, current_params):
            _lerp_(_array(averaged), _array(current), 1 / (num_averaged + 1))
    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAverageFunction:
    """get_ema_avg_fn(decay) for a list of parameters at once, in place (a lerp by 1 − decay)."""
    check_number("decay", decay, 0.0, 1.0)

    def ema_update(ema_params, current_params, num_averaged):
        for ema, current in zip(ema_params, current_params):
            _lerp_(_array(ema), _array(current), 1 - decay)
    return ema_update


def _array(x):
    return x._array if isinstance(x, Tensor) else x


# ---- AveragedModel ------------------------------------------------------------------------------------------

class AveragedModel(Module):
    """A copy of `model` whose parameters are the running average of the model's, one term per
    `update_parameters(model)`: the first call copies the model's weights, each later call averages them in with
    `avg_fn` (one parameter at a time, given Tensors) or `multi_avg_fn` (all at once, in place), by default the
    equal-weight SWA average. `n_averaged` counts the calls and is part of `state_dict()`.

    Buffers (BatchNorm's running statistics) are averaged with the parameters when `use_buffers`, and otherwise
    copied from the model at each update, as PyTorch does. `device` must be None (minigrad computes on the CPU)."""

    def __init__(self, model: Module, device: None = None, avg_fn: AverageFunction | None = None,
                 multi_avg_fn: MultiAverageFunction | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if not isinstance(model, Module):
            raise TypeError(f"model must be a minigrad.nn.Module, but got {type(model).__name__}")
        if device is not None:
            raise ValueError(f"device must be None: minigrad computes on the CPU (got {device!r})")
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("give avg_fn or multi_avg_fn, not both")
        for name, fn in (("avg_fn", avg_fn), ("multi_avg_fn", multi_avg_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable, but got {type(fn).__name__}")
        self.module = copy.deepcopy(model)
        self.n_averaged = 0
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Average `model`'s current parameters into this model's (the first call copies them)."""
        averaged, current = self._averaged(self.module), self._averaged(model)
        copied, sources = ([], []) if self.use_buffers else (_buffers(self.module), _buffers(model))
        for kind, ours, theirs in (("parameters", averaged, current), ("buffers", copied, sources)):
            if len(ours) != len(theirs) or any(a.shape != c.shape for a, c in zip(ours, theirs)):
                raise ValueError(f"update_parameters needs a model with the same {kind} as the averaged one: got "
                                 f"shapes {[tuple(c.shape) for c in theirs]}, "
                                 f"expected {[tuple(a.shape) for a in ours]}")
        with no_grad():
            if self.n_averaged == 0:
                copied, sources = averaged + copied, current + sources
            elif self.avg_fn is not None:
                for a, c in zip(averaged, current):
                    a._array[...] = _array(self.avg_fn(a.detach(), c.detach(), self.n_averaged))
            else:
                multi_avg_fn = self.multi_avg_fn or _swa_in_place
                multi_avg_fn([a.detach() for a in averaged], [c.detach() for c in current], self.n_averaged)
            for a, c in zip(copied, sources):
                a._array[...] = c._array
        self.n_averaged += 1

    def _averaged(self, module):
        """The tensors that are averaged: the parameters, and the buffers too with use_buffers."""
        return list(module.parameters()) + (_buffers(module) if self.use_buffers else [])

    def state_dict(self) -> dict[str, Any]:
        """The averaged module's parameters (named 'module.<name>', as PyTorch's) and 'n_averaged'."""
        return {"n_averaged": np.array(self.n_averaged, dtype=np.int64), **super().state_dict()}

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> tuple[list[str], list[str]]:
        if not isinstance(state_dict, dict):
            raise TypeError(f"load_state_dict expects a dict, as returned by state_dict(), but got "
                            f"{type(state_dict).__name__}")
        n_averaged = np.asarray(state_dict.get("n_averaged", self.n_averaged))
        if n_averaged.shape != () or n_averaged.dtype.kind not in "iu" or n_averaged < 0:
            raise ValueError(f"state_dict['n_averaged'] must be a count (an int >= 0), but got {n_averaged!r}")
        if strict and "n_averaged" not in state_dict:
            raise KeyError("load_state_dict for AveragedModel: missing ['n_averaged']")
        result = super().load_state_dict({k: v for k, v in state_dict.items() if k != "n_averaged"}, strict)
        self.n_averaged = int(n_averaged)
        return result


def _buffers(module):
    """The module's buffers (a module without a buffers() method holds none)."""
    return list(module.buffers()) if hasattr(module, "buffers") else []


def _swa_in_place(averaged_params, current_params, num_averaged):
    """The default average, as PyTorch computes it on the CPU: W_avg + (W − W_avg)/(n + 1), parameter by
    parameter."""
    average = get_swa_avg_fn()
    for a, c in zip(averaged_params, current_params):
        a._array[...] = average(a._array, c._array, num_averaged)


# ---- update_bn ----------------------------------------------------------------------------------------------

def update_bn(loader: Iterable[Any], model: Module, device: None = None) -> None:
    """Recompute the running statistics of every BatchNorm layer of `model` (a layer with a `running_mean` and a
    `momentum`): reset them, then run the model in training mode over `loader` (batches that are inputs, or
    lists/tuples whose first entry is the input) with momentum None, so that the statistics become the plain
    average over all batches. Momentum and training mode are restored after. Averaged weights need this:
    statistics gathered with other weights do not fit them. A model without BatchNorm layers is left as it is."""
    if device is not None:
        raise ValueError(f"device must be None: minigrad computes on the CPU (got {device!r})")
    momenta = {layer: layer.momentum for layer in model.modules()
               if getattr(layer, "running_mean", None) is not None and hasattr(layer, "momentum")}
    if not momenta:
        return
    for layer in momenta:
        _reset_running_stats(layer)
        layer.momentum = None
    was_training = model.training
    model.train()
    try:
        with no_grad():
            for batch in loader:
                model(batch[0] if isinstance(batch, (list, tuple)) else batch)
    finally:
        for layer, momentum in momenta.items():
            layer.momentum = momentum
        model.train(was_training)


def _reset_running_stats(layer):
    """What PyTorch's reset_running_stats does: mean 0, variance 1, no batch counted yet."""
    layer.running_mean._array[...] = 0
    layer.running_var._array[...] = 1
    if getattr(layer, "num_batches_tracked", None) is not None:
        layer.num_batches_tracked._array[...] = 0


# ---- SWALR --------------------------------------------------------------------------------------------------

def check_anneal_epochs(name, value):
    """An int ≥ 0. Anything else (1.7 too) is a ValueError, as PyTorch's SWALR raises."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, but got {value!r}")


class SWALR(LRScheduler):
    """Anneal each group's lr to a constant `swa_lr` in `anneal_epochs` steps, then hold it (the lr of the SWA
    phase). With α_t = a(min(1, t/anneal_epochs)), a(x) = x ('linear') or (1 − cos(πx))/2 ('cos'):

        lr_t = α_t·swa_lr + (1 − α_t)·lr_start,

    where lr_start, the lr the annealing started from, is not stored: as PyTorch, each step recovers it from the
    current lr, lr_start = (lr_{t−1} − α_{t−1}·swa_lr)/(1 − α_{t−1}), so that another scheduler may have set the lr
    before SWALR takes over. Each group's swa_lr is kept in the group, as 'swa_lr'."""

    _arguments = {"anneal_epochs": check_anneal_epochs, "anneal_strategy": choice("cos", "linear")}

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float], anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        self.anneal_epochs = anneal_epochs
        self.anneal_strategy = anneal_strategy
        self._check_arguments()
        swa_lrs = per_group("swa_lr", optimizer, swa_lr)
        for i, value in enumerate(swa_lrs):
            check_number(f"swa_lr[{i}]" if isinstance(swa_lr, (list, tuple)) else "swa_lr", value, low=0.0)
        for group, value in zip(optimizer.param_groups, swa_lrs):
            group["swa_lr"] = value
        super().__init__(optimizer, last_epoch)

    def _anneal(self, t):
        return t if self.anneal_strategy == "linear" else (1 - math.cos(math.pi * t)) / 2

    def _alpha(self, step):
        return self._anneal(max(0, min(1, step / max(1, self.anneal_epochs))))

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        previous_alpha, alpha = self._alpha(step - 1), self._alpha(step)
        lrs = []
        for group in self.optimizer.param_groups:
            swa_lr = group["swa_lr"]
            lr = value_of(group["lr"])
            start = swa_lr if previous_alpha == 1 else (lr - previous_alpha * swa_lr) / (1 - previous_alpha)
            lrs.append(swa_lr * alpha + start * (1 - alpha))
        return lrs
