"""torch.optim's implementation switches and Tensor hyperparameters, accepted and refused as PyTorch 2.13 does on
the CPU, so that code written for PyTorch runs unchanged here or fails with PyTorch's error.

- `foreach` and `fused` choose among PyTorch's implementations of one update rule (a loop over the parameters, one
  kernel per operation over all of them, one kernel for the whole step). minigrad has one implementation, a loop over
  numpy arrays: every setting runs it and gives the same numbers. The settings are checked (`fused` and `foreach`
  both True, `fused` with `differentiable`: PyTorch's RuntimeErrors) and kept in the groups and checkpoints.
- `capturable=True` (the step recorded into a CUDA graph) and `differentiable=True` (an autograd graph through the
  update, e.g. for meta-learning) need what minigrad does not have: a GPU, and updates written as Tensor ops.
  Both are accepted when the optimizer is built and refused at the first step that has a gradient, where PyTorch
  refuses them on the CPU too (capturable: an AssertionError naming the supported devices; differentiable, for
  parameters that require grad: a RuntimeError, the in-place update of a leaf that requires grad).
- A Tensor lr (and Adam's Tensor betas) must have one element; `group["lr"]` stays the Tensor the user gave, so
  changing it in place changes the next step, and the schedulers fill it in place (`set_group_value`). Each step
  reads its value as a Python float.
"""
import warnings

from ..tensor import Tensor

CAPTURABLE_DEVICES = ['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']
TENSOR_LR_WITH_FOREACH = "lr as a Tensor is not supported for capturable=False and foreach=True"
DUPLICATE_WARNING = ("optimizer contains a parameter group with duplicate parameters; in future, this will cause an "
                     "error; see github.com/pytorch/pytorch/issues/40967 for more information")


def value_of(x):
    """A hyperparameter as a number: the value of a one-element Tensor, anything else as it is."""
    return x._array.item() if isinstance(x, Tensor) else x


def numbers_of(group, optimizer):
    """The group itself, or a copy with the Tensor hyperparameters the optimizer accepts (a Tensor lr; Adam's
    betas, SGD's weight_decay) replaced by their values: what the checks and the update rules read."""
    tensors = [name for name in optimizer._tensor_hyperparameters if isinstance(group.get(name), Tensor)]
    has_tensor_betas = optimizer._accepts_tensor_betas and _holds_tensor(group.get("betas"))
    if not tensors and not has_tensor_betas:
        return group
    group = dict(group, **{name: value_of(group[name]) for name in tensors})
    if has_tensor_betas:
        group["betas"] = tuple(value_of(b) for b in group["betas"])
    return group


def _holds_tensor(pair):
    return isinstance(pair, (tuple, list)) and any(isinstance(b, Tensor) for b in pair)


def set_group_value(group, key, value):
    """group[key] ← value; a Tensor there is filled in place (as PyTorch's schedulers do), so that it stays the
    object the user holds."""
    if isinstance(group.get(key), Tensor):
        group[key]._array[...] = value
    else:
        group[key] = value


def own_copy(value):
    """A Tensor copied (a scheduler's record of a Tensor lr must not change when the lr does), a number as it is."""
    return value.detach().clone() if isinstance(value, Tensor) else value


def check_optional_flag(name, value):
    """foreach and fused: None (PyTorch's default: let the optimizer choose), True or False."""
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be None, True or False, but got {value!r}")


def check_tensor_options(optimizer, group):
    """PyTorch's checks of a Tensor lr, Tensor betas and the implementation switches, with its messages."""
    foreach_without_capture = group.get("foreach") and not group.get("capturable", False)
    if isinstance(group.get("lr"), Tensor) and foreach_without_capture and optimizer._foreach_refuses_tensor_lr:
        raise ValueError(TENSOR_LR_WITH_FOREACH)
    for name in optimizer._tensor_hyperparameters:
        if isinstance(group.get(name), Tensor) and group[name].numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")
    betas = group.get("betas")
    if optimizer._accepts_tensor_betas and _holds_tensor(betas):
        if not all(isinstance(b, Tensor) for b in betas):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, beta in enumerate(betas):
            if foreach_without_capture:
                raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
            if beta.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
    if group.get("fused"):
        if group.get("differentiable"):
            raise RuntimeError("`fused` does not support `differentiable`")
        if group.get("foreach"):
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def check_step_options(optimizer, group, params):
    """At a step of `params` (those with a gradient), what cannot run on the CPU without graphs, refused as PyTorch
    refuses it there. differentiable=True on parameters that do not require grad is an ordinary step (there is no
    graph to extend), as in PyTorch."""
    if group.get("capturable"):
        raise AssertionError(f"If capturable=True, {optimizer._capturable_tensors} must be on supported devices: "
                             f"{CAPTURABLE_DEVICES}. (minigrad runs on the CPU only; capturable=True records the "
                             "step into a CUDA graph)")
    if group.get("differentiable") and any(p.requires_grad for p in params):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation. "
                           "(differentiable=True: minigrad updates the parameters' arrays in place, outside autograd, "
                           "so a step cannot be differentiated, and PyTorch refuses it for parameters that are leaves)")
    if optimizer._foreach_refuses_tensor_lr and group.get("foreach") and isinstance(group["lr"], Tensor):
        raise RuntimeError(TENSOR_LR_WITH_FOREACH)


def warn_if_duplicates(params):
    """PyTorch's warning for a parameter listed twice in one group (each listing is then stepped, one after the
    other, as PyTorch's for-loop implementation steps them)."""
    ids = [id(p) for p in params]
    if len(set(ids)) != len(ids):
        warnings.warn(DUPLICATE_WARNING, UserWarning, stacklevel=4)
