"""Module and Parameter: the bookkeeping that lets a network list, save, load and reset its weights.

A Module finds its parameters and sub-modules by attribute assignment (``self.fc = Linear(4, 2)``), as in PyTorch,
so ``parameters()``, ``state_dict()`` and the repr need no registration calls.
"""
import numpy as np

from ..device import to_arguments
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module's weight: it requires grad, and assigning it to a Module registers it."""

    def __init__(self, data, requires_grad=True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of layers and networks: subclasses set attributes in ``__init__`` and define ``forward``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    # ---- registration by attribute assignment ---------------------------------------------------------------------
    def __setattr__(self, name, value):
        registry = self.__dict__.get("_parameters")
        if registry is None:
            raise AttributeError(f"cannot assign {name!r} before Module.__init__() ran: call super().__init__() "
                                 f"first in {type(self).__name__}.__init__")
        for table in (self._parameters, self._modules):
            table.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    def __getattr__(self, name):    # only called when normal lookup fails: parameters and sub-modules live here
        for table in ("_parameters", "_modules"):
            entries = self.__dict__.get(table, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        for table in (self._parameters, self._modules):
            if name in table:
                del table[name]
                return
        object.__delattr__(self, name)

    # ---- running ----------------------------------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---- walking the tree -------------------------------------------------------------------------------------------
    def named_children(self):
        return iter(self._modules.items())

    def children(self):
        return (module for _, module in self.named_children())

    def named_modules(self, prefix=""):
        """This module and every module below it, depth first, each once."""
        seen, stack = set(), [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            below = [(f"{name}.{child_name}" if name else child_name, child)
                     for child_name, child in module._modules.items()]
            stack.extend(reversed(below))

    def modules(self):
        return (module for _, module in self.named_modules())

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, Parameter) pairs in registration order; a parameter shared by two layers comes once."""
        seen = set()
        owners = self.named_modules(prefix) if recurse else [(prefix, self)]
        for owner_name, module in owners:
            for name, parameter in module._parameters.items():
                if parameter is None or id(parameter) in seen:
                    continue
                seen.add(id(parameter))
                yield (f"{owner_name}.{name}" if owner_name else name), parameter

    def parameters(self, recurse=True):
        return (parameter for _, parameter in self.named_parameters(recurse=recurse))

    def apply(self, fn):
        """Call ``fn(module)`` on every sub-module, then on this one (e.g. a custom initialisation)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ----------------------------------------------------------------------------------------
    def train(self, mode=True):
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        """Forget every parameter's gradient (set it to None, as PyTorch's default)."""
        for parameter in self.parameters():
            parameter.grad = None

    def to_dtype(self, dtype):
        """Convert every parameter in place (e.g. float64 for gradient checks of a whole network)."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to_dtype: parameters must stay floating point, got {dtype}")
        for parameter in self.parameters():
            parameter._array = parameter._array.astype(dtype)
            parameter.grad = None
        return self

    def double(self):
        return self.to_dtype(np.float64)

    def to(self, *args, **kwargs):
        """As PyTorch's: a device (the CPU: minigrad has no other) and/or a float dtype for every parameter."""
        dtype, _ = to_arguments(*args, **kwargs)
        return self if dtype is None else self.to_dtype(dtype)

    def float(self):
        return self.to_dtype(np.float32)

    # ---- saving and loading -----------------------------------------------------------------------------------------
    def state_dict(self):
        """{dotted name: copy of the parameter's numpy array}, in registration order."""
        return {name: parameter._array.copy() for name, parameter in self.named_parameters()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays into the parameters (keeping each parameter's dtype). Every name and shape is checked first,
        so a mismatch changes nothing; with ``strict=False`` missing and unexpected names are allowed."""
        own = dict(self.named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"load_state_dict for {type(self).__name__}: missing {missing}, unexpected {unexpected}")
        arrays = {}
        for name, parameter in own.items():
            if name not in state_dict:
                continue
            value = np.asarray(state_dict[name]._array if isinstance(state_dict[name], Tensor) else state_dict[name])
            if value.shape != parameter.shape:
                raise ValueError(f"load_state_dict: {name} has shape {parameter.shape} in the model but "
                                 f"{value.shape} in the state dict")
            if value.dtype.kind not in "fiu":
                raise TypeError(f"load_state_dict: {name} has dtype {value.dtype} in the state dict, not a number")
            arrays[name] = value
        for name, value in arrays.items():
            own[name]._array[...] = value
        return missing, unexpected

    # ---- printing -----------------------------------------------------------------------------------------------
    def extra_repr(self):
        """The layer's settings, shown inside its parentheses (subclasses override)."""
        return ""

    def __repr__(self):
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not self._modules:
            shapes = ", ".join(f"{name} {tuple(p.shape)}" for name, p in self._parameters.items() if p is not None)
            return head + ")" + (f"  [{shapes}]" if shapes else "")
        lines = [head]
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        count = sum(p.numel() for p in self.parameters())
        return "\n".join(lines) + f"\n)  [{count:,} parameters]"
