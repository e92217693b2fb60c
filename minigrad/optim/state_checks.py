"""What `Optimizer.load_state_dict` checks before it changes anything, so that a checkpoint that does not fit
(another optimizer's, another model's, an edited or corrupted one) is refused with the reason, instead of failing
at the next `step()` or quietly turning the parameters into NaN.

Both minigrad's state_dicts and torch.optim's are accepted: values may be numpy arrays, minigrad Tensors or any
object with `__array__` (a torch.Tensor), numbers or 0-d arrays.
"""
import copy
import numbers

import numpy as np

from ..tensor import Tensor


def check_loaded_groups(optimizer, state_dict):
    """The new param_groups (saved hyperparameters on this optimizer's parameters, checked by `_check_group`) and
    {saved index: (parameter, its new group)}."""
    if not isinstance(state_dict, dict):
        raise TypeError("load_state_dict expects a dict with the keys 'state' and 'param_groups', as returned by "
                        f"state_dict(); got {type(state_dict).__name__}")
    if set(state_dict) != {"state", "param_groups"}:
        raise ValueError("an optimizer state_dict has exactly the keys 'state' and 'param_groups'; got "
                         f"{sorted(map(str, state_dict))}")
    saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
    if not isinstance(saved_groups, (list, tuple)):
        raise TypeError(f"state_dict['param_groups'] must be a list of dicts, not a {type(saved_groups).__name__}")
    if not isinstance(saved_state, dict):
        raise TypeError(f"state_dict['state'] must be a dict, not a {type(saved_state).__name__}")
    if len(saved_groups) != len(optimizer.param_groups):
        raise ValueError(f"the state_dict has {len(saved_groups)} parameter groups, this optimizer has "
                         f"{len(optimizer.param_groups)}")
    params_by_index, new_groups = {}, []
    for g, (group, saved) in enumerate(zip(optimizer.param_groups, saved_groups)):
        new_group = _loaded_group(optimizer, g, group, saved)
        for index, p in zip(saved["params"], group["params"]):
            if isinstance(index, bool) or not isinstance(index, (numbers.Integral, str)):
                raise TypeError(f"parameter group {g} of the state_dict lists {index!r} among its params; "
                                "expected parameter indices")
            if index in params_by_index and params_by_index[index][0] is not p:   # one parameter listed twice: fine
                raise ValueError(f"parameter index {index!r} appears twice in the state_dict's param_groups")
            params_by_index[index] = (p, new_group)
        new_groups.append(new_group)
    return new_groups, params_by_index


def _loaded_group(optimizer, g, group, saved):
    """Saved group `g` checked against this optimizer's group `group`: its hyperparameters, on group's params."""
    if not isinstance(saved, dict) or not isinstance(saved.get("params"), (list, tuple)):
        raise ValueError(f"parameter group {g} of the state_dict is not a dict with a 'params' list")
    if len(saved["params"]) != len(group["params"]):
        raise ValueError(f"parameter group {g} of the state_dict has {len(saved['params'])} parameters, "
                         f"this optimizer's has {len(group['params'])}")
    new_group = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
    if "param_names" in group and "param_names" not in new_group:      # PyTorch: saved names, else our own
        new_group["param_names"] = list(group["param_names"])
    for name, value in optimizer._options_added_later.items():
        if name in optimizer.defaults:
            new_group.setdefault(name, value)
    missing = set(optimizer.defaults) - set(new_group)
    if missing:
        raise ValueError(f"parameter group {g} of the state_dict lacks {sorted(missing)}, which "
                         f"{type(optimizer).__name__} needs (it has {sorted(new_group)}: another optimizer's "
                         "state_dict?)")
    for name, value in new_group.items():
        if isinstance(value, list) and isinstance(optimizer.defaults.get(name), tuple):
            new_group[name] = tuple(value)          # betas saved by a JSON-like format come back as lists
    _tensor_hyperparameters_back(optimizer, new_group)
    optimizer._check_group(new_group)
    new_group["params"] = group["params"]
    return new_group


def _tensor_hyperparameters_back(optimizer, group):
    """A Tensor lr (or Tensor betas) comes back from minigrad.save as a numpy array, and from torch.optim as a
    torch.Tensor: either becomes a minigrad Tensor again (the checks then see what the constructor saw)."""
    def as_tensor(value):
        if isinstance(value, np.ndarray) or (hasattr(value, "__array__") and not isinstance(
                value, (Tensor, np.generic, numbers.Number))):
            return Tensor(np.asarray(value).copy())
        return value
    for name in optimizer._tensor_hyperparameters:
        if name in group:
            group[name] = as_tensor(group[name])
    if isinstance(group.get("betas"), tuple):
        group["betas"] = tuple(as_tensor(b) for b in group["betas"])


def check_loaded_state(optimizer, theta, fresh, saved, index):
    """The state of parameter `index` (array `theta`) restored from `saved`, checked against `fresh`, the state
    the parameter would start with under the loaded hyperparameters: the same entries (a None in `fresh` is an
    array created at the first step), arrays of theta's shape cast to its dtype, numbers as numbers, counts as
    non-negative integers, and none of `optimizer._nonnegative_state` negative or NaN."""
    name = type(optimizer).__name__
    if not isinstance(saved, dict):
        raise TypeError(f"the state of parameter {index} must be a dict, not a {type(saved).__name__}")
    if not saved:
        return {}
    if set(saved) != set(fresh):
        raise ValueError(f"the state of parameter {index} has the entries {sorted(map(str, saved))}, but {name} "
                         f"with these options keeps {sorted(fresh)}: another optimizer's state_dict, or saved with "
                         "other options?")
    loaded = {}
    for key, expected in fresh.items():
        where = f"state '{key}' of parameter {index}"
        value = saved[key]
        if expected is None and value is None:
            loaded[key] = None
        elif key == "step" or isinstance(expected, numbers.Integral):
            loaded[key] = as_count(where, value)
        elif isinstance(expected, numbers.Real):
            loaded[key] = as_float(where, value)
        else:
            loaded[key] = as_array_like(where, value, theta)
        if key in optimizer._nonnegative_state:
            check_not_negative(where, loaded[key])
    return loaded


def _as_numpy(value):
    if isinstance(value, Tensor):
        return value._array
    if isinstance(value, (np.ndarray, np.generic, numbers.Number)) or not hasattr(value, "__array__"):
        return value
    return np.asarray(value)                     # e.g. a torch.Tensor from a torch.optim state_dict


def as_count(where, value):
    """A step or evaluation count: a non-negative integer (torch.optim saves its steps as float tensors)."""
    value = _as_numpy(value)
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value or value < 0 \
            or value != int(value):
        raise TypeError(f"{where} must be a non-negative whole number, but got {value!r}")
    return int(value)


def as_float(where, value):
    """A scalar state entry (a Python float; a 0-d array or tensor is accepted)."""
    value = _as_numpy(value)
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a number, but got {value!r} ({type(value).__name__})")
    return float(value)


def as_array_like(where, value, theta):
    """A copy of array `value`, of theta's shape, cast to theta's dtype."""
    value = _as_numpy(value)
    if not isinstance(value, np.ndarray) or not (np.issubdtype(value.dtype, np.floating)
                                                 or np.issubdtype(value.dtype, np.integer)):
        raise TypeError(f"{where} must be an array of numbers, but got {type(value).__name__}"
                        + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else ""))
    if value.shape != theta.shape:
        raise ValueError(f"{where} has shape {value.shape}, but the parameter has shape {theta.shape}")
    return value.astype(theta.dtype, copy=True)


def check_not_negative(where, value):
    """Refuse a negative or NaN entry (of an array or a number) that must be ≥ 0."""
    array = np.asarray(value)
    bad = ~(array >= 0)
    if np.any(bad):
        first = array[bad].flat[0] if array.ndim else array.item()
        raise ValueError(f"{where} holds {np.count_nonzero(bad)} negative or NaN value(s) (e.g. {first!r}); "
                         "it is a sum or average of squares, and would make the next step NaN")
