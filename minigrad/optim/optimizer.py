"""The Optimizer base class: parameter groups, per-parameter state, and their checkpoints.

The interface is torch.optim's, so that a PyTorch user's hands already know it:

    opt = SGD([{"params": [w], "lr": 0.1}, {"params": [b]}], lr=0.01, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
    checkpoint = opt.state_dict(); opt.load_state_dict(checkpoint)

Each subclass checks its hyperparameters in `_check_group` and writes its update rule in `step`, on the
parameters' numpy arrays in place (`p._array`, `p.grad._array`), in the parameters' dtype.
"""
import copy
import numbers

import numpy as np

from ..autograd import enable_grad
from ..tensor import Tensor


class Optimizer:
    """Base class: holds `param_groups` (a list of dicts: 'params' plus that group's hyperparameters),
    `defaults` (the hyperparameters a group gets when it does not set them) and `state` (a dict from parameter
    to that parameter's optimizer state, e.g. its momentum buffer)."""

    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors or of dicts, but got a single Tensor; "
                            "pass [tensor] instead")
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

    def add_param_group(self, param_group):
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

        ids = [id(p) for p in group["params"]]
        if len(set(ids)) != len(ids):
            raise ValueError("a parameter appears twice in the same parameter group")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(group["params"]):
            if id(p) in taken:
                raise ValueError(f"params[{i}] (shape {p.shape}) is already in another parameter group; "
                                 "a parameter may belong to one group only")
        self.param_groups.append(group)

    def _check_group(self, group):
        """Raise ValueError/TypeError, naming the hyperparameter and its value, if one is out of range."""

    def zero_grad(self, set_to_none=True):
        """Forget the gradients: set each `.grad` to None (the default, as PyTorch) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._array[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient; return what `closure` (if given) returns."""
        raise NotImplementedError

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

    def _state(self, p):
        """The state dict of parameter `p`, created empty on first use."""
        return self.state.setdefault(p, {})

    # ---- checkpoints -------------------------------------------------------------------------------------

    def state_dict(self):
        """{'state': {index: {name: value}}, 'param_groups': [{hyperparameters..., 'params': [index, ...]}]},
        where a parameter's index is its position in the order of the groups (as PyTorch numbers them).
        Arrays are copied, so that training on after this call does not change the returned dict."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyperparameters and state saved by `state_dict()` onto this optimizer's parameters, which
        must be grouped alike and have the saved shapes. Arrays are copied and cast to each parameter's dtype."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            keys = sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict).__name__
            raise ValueError(f"an optimizer state_dict has exactly the keys 'state' and 'param_groups'; got {keys}")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"the state_dict has {len(saved_groups)} parameter groups, this optimizer has "
                             f"{len(self.param_groups)}")
        params_by_index = {}
        new_groups = []
        for g, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"parameter group {g} of the state_dict is not a dict with a 'params' list")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"parameter group {g} of the state_dict has {len(saved['params'])} parameters, "
                                 f"this optimizer's has {len(group['params'])}")
            params_by_index.update(zip(saved["params"], group["params"]))
            new_group = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            missing = set(self.defaults) - set(new_group)
            if missing:
                raise ValueError(f"parameter group {g} of the state_dict lacks {sorted(missing)}")
            self._check_group(new_group)
            _as_python_numbers(new_group)
            new_group["params"] = group["params"]
            new_groups.append(new_group)

        new_state = {}
        for index, saved_state in state_dict["state"].items():
            if index not in params_by_index:
                raise ValueError(f"the state_dict has state for parameter {index!r}, which is in none of its groups")
            p = params_by_index[index]
            new_state[p] = {}
            for name, value in saved_state.items():
                if isinstance(value, Tensor):
                    value = value._array
                if isinstance(value, np.ndarray):
                    if value.shape != p._array.shape:
                        raise ValueError(f"state '{name}' of parameter {index} has shape {value.shape}, but the "
                                         f"parameter has shape {p._array.shape}")
                    value = value.astype(p._array.dtype, copy=True)
                new_state[p][name] = value
        self.param_groups = new_groups
        self.state = new_state


# ---- hyperparameter checks shared by the optimizers -----------------------------------------------------------

def _as_python_numbers(group):
    """Hyperparameters given as numpy scalars become Python numbers: np.float64(0.1) * a float32 array would be
    float64, and the updates must stay in the parameters' dtype."""
    for name, value in group.items():
        if isinstance(value, np.generic):
            group[name] = value.item()
        elif isinstance(value, tuple):
            group[name] = tuple(v.item() if isinstance(v, np.generic) else v for v in value)


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
        raise ValueError(f"Invalid {name}: {value!r} (must be in {interval})")


def check_betas(betas):
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), but got {betas!r}")
    check_number("betas[0]", betas[0], 0.0, 1.0, high_open=True)
    check_number("betas[1]", betas[1], 0.0, 1.0, high_open=True)
