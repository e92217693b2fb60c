"""The Optimizer base class: parameter groups, per-parameter state, the one step loop, and checkpoints.

The interface is torch.optim's, so that a PyTorch user's hands already know it:

    opt = SGD([{"params": [w], "lr": 0.1}, {"params": [b]}], lr=0.01, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
    checkpoint = opt.state_dict(); opt.load_state_dict(checkpoint)

`step()` is written once, here: it walks the groups and their parameters that have a gradient, creates a
parameter's state on first use, counts its steps, negates the gradient under `maximize`, applies weight decay
(added to the gradient, or decoupled: θ ← θ·(1 − lr·λ)), and hands the rest to the subclass's `_update`. Each
subclass only checks its hyperparameters (`_check_group`), says what state a parameter starts with (`_init_state`)
and calls its update function: the algorithm, on numpy arrays in place and in the parameters' dtype, stated as
formulas in the class docstring and testable on its own.
"""
import copy
import numbers
from collections.abc import Callable, Iterable
from typing import Any, Union

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor
from .options import check_optional_flag, check_step_options, check_tensor_options, numbers_of, warn_if_duplicates
from .state_checks import check_loaded_groups, check_loaded_state

# what an optimizer takes: Tensors, (name, Tensor) pairs, or parameter groups (dicts with "params" and hyperparameters)
Params = Union[Iterable[Tensor], Iterable[tuple[str, Tensor]], Iterable[dict[str, Any]]]
# a learning rate: a number, or a one-element Tensor (PyTorch's Tensor lr, kept as the object given)
LearningRate = Union[float, Tensor]


class Optimizer:
    """Base class: holds `param_groups` (a list of dicts: 'params' plus that group's hyperparameters),
    `defaults` (the hyperparameters a group gets when it does not set them) and `state` (a dict from parameter
    to that parameter's optimizer state, e.g. its momentum buffer)."""

    # state entries that can never be negative (second moments, step sizes): a checkpoint holding a negative one
    # is refused on load, as it would turn into NaN at the next step (√ of a negative number)
    _nonnegative_state = ()
    # options a checkpoint written before minigrad had them may lack; loading fills in these values (as PyTorch)
    _options_added_later = {"maximize": False, "decoupled_weight_decay": False, "foreach": None, "fused": None,
                            "capturable": False, "differentiable": False}
    # the hyperparameters PyTorch accepts as one-element Tensors (SGD: weight_decay too); its Adam family refuses a
    # Tensor lr with foreach=True (unless capturable) and accepts Tensor betas
    _tensor_hyperparameters = ("lr",)
    _foreach_refuses_tensor_lr = False
    _accepts_tensor_betas = False
    _capturable_tensors = "params and state_steps"        # what PyTorch's capturable error names

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got a single Tensor; pass [tensor] instead")
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("params is empty: the optimizer got no parameters to optimize")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"  group {i}: " + ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params"))
        return "\n".join(lines) + "\n)"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (the rest taken from `defaults`)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("params must be an ordered collection (list or tuple), not a set: a set's order, "
                            "and so the order of the state in a checkpoint, changes between runs")
        elif params is None:
            raise ValueError("param_group has no 'params' entry")
        group["params"] = list(params)
        _take_names_apart(group)
        for i, p in enumerate(group["params"]):
            if not isinstance(p, Tensor):
                raise TypeError(f"params[{i}] is a {type(p).__name__}; an optimizer optimizes Tensors only")
            if not np.issubdtype(p._array.dtype, np.floating):
                raise TypeError(f"params[{i}] has dtype {p._array.dtype}; only floating point Tensors can be "
                                "optimized")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_group(group)
        _as_python_numbers(group)

        warn_if_duplicates(group["params"])
        for other in self.param_groups:
            if ("param_names" in other) != ("param_names" in group):
                raise ValueError("all optimizer param groups should be with/without names. cannot add param group "
                                 f"{'with' if 'param_names' in group else 'without'} names to the optimizer (its "
                                 f"groups have {'' if 'param_names' in other else 'no '}names)")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(group["params"]):
            if id(p) in taken:
                raise ValueError(f"some parameters appear in more than one parameter group: params[{i}] (shape "
                                 f"{tuple(p.shape)}) is already in another parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set each `.grad` to None (the default, as PyTorch) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._array[...] = 0

    # ---- what a subclass says ------------------------------------------------------------------------------

    def _check_group(self, group):
        """Raise ValueError/TypeError, naming the hyperparameter and its value, if one is out of range. Here: the
        hyperparameters several optimizers share, each checked the same way wherever the group has it
        (`SHARED_CHECKS`, on the values of a Tensor lr and Tensor betas); a subclass adds its own after calling this."""
        check_tensor_options(self, group)
        values = numbers_of(group, self)
        for name, check in SHARED_CHECKS.items():
            if name in values:
                check(name, values[name])

    def _init_state(self, theta, group):
        """The state a parameter with array `theta` starts with (new arrays; `theta` is only read)."""
        return {}

    def _update(self, theta, g, state, group):
        """Update `theta` and `state` in place from gradient `g` (maximize and weight decay already applied)."""
        raise NotImplementedError

    # ---- the step loop, the same for every optimizer -----------------------------------------------------

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return what `closure` (if given) returns. A parameter listed
        twice in a group is stepped twice, one listing after the other (PyTorch's for-loop implementation)."""
        loss = self._evaluate(closure)
        with no_grad():
            for group in self.param_groups:
                params = list(self._params_with_grad(group))
                if not params:
                    continue
                check_step_options(self, group, params)
                values = numbers_of(group, self)
                self._start_group_step(params, values)
                for p in params:
                    self._step_parameter(p, values)
        return loss

    def _start_group_step(self, params, group):
        """Called before a group's parameters are stepped (`params`: those with a gradient, in order)."""

    def _step_parameter(self, p, group):
        """The bookkeeping every optimizer shares, in PyTorch's order (state on first use, step count, maximize,
        weight decay), then the optimizer's own update rule. g is replaced, never changed: it is p.grad's array."""
        theta, g = p._array, p.grad._array
        state = self.state.get(p)
        if state is None:
            state = self._init_state(theta, group)
            if state:
                self.state[p] = state
        if "step" in state:
            state["step"] += 1
        if group.get("maximize", False):
            g = -g
        weight_decay = group.get("weight_decay", 0)
        if weight_decay != 0:
            if group.get("decoupled_weight_decay", False):
                theta *= 1 - group["lr"] * weight_decay
            else:
                g = g + weight_decay * theta
        self._update(theta, g, state, group)

    def _evaluate(self, closure):
        """Run `closure` (which recomputes the loss and its gradients) with graph recording on, as PyTorch does."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _params_with_grad(self, group):
        """The group's parameters that have a gradient (the others are skipped, as PyTorch does)."""
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.grad._array.shape != p._array.shape or p.grad._array.dtype != p._array.dtype:
                raise ValueError(f"a parameter of shape {p._array.shape} and dtype {p._array.dtype} has a gradient "
                                 f"of shape {p.grad._array.shape} and dtype {p.grad._array.dtype}")
            yield p

    # ---- checkpoints -------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: {name: value}}, 'param_groups': [{hyperparameters..., 'params': [index, ...]}]},
        where a parameter's index is its position in the order of the groups (as PyTorch numbers them).
        Arrays are copied, so that training on after this call does not change the returned dict."""
        index = {}
        groups = []
        for group in self.param_groups:        # numbered as PyTorch: a group's listings take len(params) numbers,
            start = sum(len(g["params"]) for g in groups)       # a parameter listed twice gets its last listing's
            index.update({id(p): start + i for i, p in enumerate(group["params"])})
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = copy.deepcopy(self.state[p])
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by `state_dict()` (minigrad's or torch.optim's layout) onto this
        optimizer's parameters, which must be grouped alike and have the saved shapes. Everything is checked before
        anything changes: group sizes, each group's hyperparameters (as the constructor checks them), each
        parameter's state (the entries this optimizer keeps with these options, of the right type and shape,
        second moments not negative). Arrays are copied and cast to each parameter's dtype."""
        new_groups, params_by_index = check_loaded_groups(self, state_dict)
        for group in new_groups:
            _as_python_numbers(group)
        new_state = {}
        for index, saved in state_dict["state"].items():
            if index not in params_by_index:
                raise ValueError(f"the state_dict has state for parameter {index!r}, which is in none of its groups")
            p, group = params_by_index[index]
            loaded = self._load_parameter_state(p, group, saved, index)
            if loaded:
                new_state[p] = loaded
        self.param_groups = new_groups
        self.state = new_state

    def _load_parameter_state(self, p, group, saved, index):
        """The state of parameter `p` restored from `saved`, checked against the state it would start with."""
        return check_loaded_state(self, p._array, self._init_state(p._array, group), saved, index)


def _take_names_apart(group):
    """PyTorch's named parameters: (name, tensor) pairs, as `model.named_parameters()` gives them, become the
    group's 'params' and 'param_names' (saved in state_dict, for reading a checkpoint). All named or none."""
    named = [isinstance(p, tuple) for p in group["params"]]
    if not any(named):
        return
    if not all(named):
        raise ValueError("all optimizer params should be with/without names. Some param names are missing")
    for i, pair in enumerate(group["params"]):
        if len(pair) != 2 or not isinstance(pair[0], str):
            raise TypeError(f"params[{i}] is a tuple but not a (name, Tensor) pair: {pair!r}")
    group["param_names"] = [name for name, _ in group["params"]]
    group["params"] = [p for _, p in group["params"]]


# ---- hyperparameter checks shared by the optimizers -----------------------------------------------------------

def _as_python_numbers(group):
    """Hyperparameters given as numpy scalars become Python numbers: np.float64(0.1) * a float32 array would be
    float64, and the updates must stay in the parameters' dtype."""
    for name, value in group.items():
        if isinstance(value, np.generic):
            group[name] = value.item()
        elif isinstance(value, tuple):
            group[name] = tuple(v.item() if isinstance(v, np.generic) else v for v in value)


# What PyTorch's messages call a hyperparameter ("Invalid learning rate: -1"); any other is "Invalid <name> value".
PYTORCH_LABELS = {"lr": "learning rate", "eps": "epsilon value", "betas[0]": "beta parameter at index 0",
                  "betas[1]": "beta parameter at index 1"}


def check_number(name, value, low=None, high=None, low_open=False, high_open=False):
    """Raise TypeError unless `value` is a real number, ValueError unless it lies in the stated interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, but got {value!r} ({type(value).__name__})")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high or value != value:
        left = "-inf" if low is None else str(low)
        right = "inf" if high is None else str(high)
        interval = ("(" if low_open or low is None else "[") + f"{left}, {right}" + (
            ")" if high_open or high is None else "]")
        raise ValueError(f"Invalid {PYTORCH_LABELS.get(name, name + ' value')}: {value!r} ({name} must be in "
                         f"{interval})")


def check_betas(name, betas):
    """β1 and β2 each in [0, 1), as PyTorch's Adam family requires."""
    check_pair(name, betas)
    check_number(f"{name}[0]", betas[0], 0.0, 1.0, high_open=True)
    check_number(f"{name}[1]", betas[1], 0.0, 1.0, high_open=True)


def check_flag(name, value):
    """Raise TypeError unless `value` is a bool (a typo like maximize='no' would otherwise read as True)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, but got {value!r}")


def _at_least_zero(name, value):
    check_number(name, value, low=0.0)


def _above_zero(name, value):
    check_number(name, value, low=0.0, low_open=True)


# what each hyperparameter shared by several optimizers must be (eps > 0 although PyTorch allows 0: ε is there to
# keep a division finite)
SHARED_CHECKS = {"lr": _at_least_zero, "betas": check_betas, "eps": _above_zero, "weight_decay": _at_least_zero,
                 "momentum": _at_least_zero, "maximize": check_flag, "amsgrad": check_flag, "nesterov": check_flag,
                 "centered": check_flag, "decoupled_weight_decay": check_flag, "foreach": check_optional_flag,
                 "fused": check_optional_flag, "capturable": check_flag, "differentiable": check_flag}


def check_pair(name, value):
    """Raise TypeError unless `value` is a pair (a tuple or list of two entries)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair, but got {value!r}")


def lerp_(start, end, weight):
    """start ← start + weight·(end − start), in place, rounded as torch.lerp_ rounds it (for weight ≥ 0.5 it
    computes end − (end − start)·(1 − weight)), in start's dtype."""
    weight = start.dtype.type(weight)
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)
