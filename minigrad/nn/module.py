"""Module and Parameter: the bookkeeping that lets a network list, save, load and reset its weights.

A Module finds its parameters and sub-modules by attribute assignment (``self.fc = Linear(4, 2)``), as in PyTorch,
so ``parameters()``, ``state_dict()`` and the repr need no registration calls.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ..device import to_arguments
from ..tensor import Tensor
from ..typing import ArrayLike, DTypeLike


class Parameter(Tensor):
    """A Tensor that is a module's weight: it requires grad, and assigning it to a Module registers it."""

    def __init__(self, data: ArrayLike, requires_grad: bool = True) -> None:
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class _Registry(dict):
    """A module's table of parameters or sub-modules that labels what it receives with its dotted path.

    Networks are built bottom up, so when a module is stored in a parent, everything below it is labelled again
    with the parent's key in front: ``weight`` becomes ``0.weight`` in a Sequential, ``features.0.weight`` one level
    up. A name set by hand (``p.name = "w"``) is never replaced; the graph viewer shows these labels."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if isinstance(value, Module):
            for path, part in [*value.named_modules(key), *value.named_parameters(key)]:
                _label(part, path)
        elif value is not None:
            _label(value, key)


def _label(part, path):
    if part.name is None or part.name == part.__dict__.get("_auto_name"):
        part.name = part._auto_name = path


class Module:
    """Base class of layers and networks: subclasses set attributes in ``__init__`` and define ``forward``."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", _Registry())
        object.__setattr__(self, "_modules", _Registry())
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "name", None)       # dotted path inside the network that holds it (see _Registry)

    # ---- registration by attribute assignment ---------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        registry = self.__dict__.get("_parameters")
        if registry is None:
            raise AttributeError(f"cannot assign {name!r} before Module.__init__() ran: call super().__init__() "
                                 f"first in {type(self).__name__}.__init__")
        if name in self.__dict__.get("_buffers", {}) and (value is None or isinstance(value, Tensor)):
            self._buffers[name] = value
            return
        for table in (self._parameters, self._modules, self.__dict__.get("_buffers", {})):
            table.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    # only called when normal lookup fails: parameters and sub-modules live here
    def __getattr__(self, name: str) -> Any:
        for table in ("_parameters", "_modules", "_buffers"):
            entries = self.__dict__.get(table, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def register_buffer(self, name: str, tensor: Tensor | None) -> None:
        """Keep ``tensor`` as state that is saved and loaded with the parameters but not trained (e.g. BatchNorm's
        running statistics), as PyTorch's ``register_buffer``."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, got {type(tensor).__name__}")
        for table in (self._parameters, self._modules):
            table.pop(name, None)
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor

    def __delattr__(self, name: str) -> None:
        for table in (self._parameters, self._modules, self._buffers):
            if name in table:
                del table[name]
                return
        object.__delattr__(self, name)

    # ---- running ----------------------------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        output = self.forward(*args, **kwargs)
        if isinstance(output, Tensor) and output.requires_grad and "_made_by" not in output.__dict__:
            # The innermost module that returned this tensor, and which tensors it was given: enough for
            # minigrad.draw_graph(..., by_module=True) to draw one box per module. Ids, so nothing is kept alive.
            output._made_by = (self, {id(a) for a in args if isinstance(a, Tensor)})
        return output

    # ---- walking the tree -------------------------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        return iter(self._modules.items())

    def children(self) -> Iterator[Module]:
        return (module for _, module in self.named_children())

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
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

    def modules(self) -> Iterator[Module]:
        return (module for _, module in self.named_modules())

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) pairs in registration order; a parameter shared by two layers comes once."""
        seen = set()
        owners = self.named_modules(prefix) if recurse else [(prefix, self)]
        for owner_name, module in owners:
            for name, parameter in module._parameters.items():
                if parameter is None or id(parameter) in seen:
                    continue
                seen.add(id(parameter))
                yield (f"{owner_name}.{name}" if owner_name else name), parameter

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (parameter for _, parameter in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs of this module and those below it (None entries skipped)."""
        for owner_name, module in self.named_modules(prefix):
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    yield (f"{owner_name}.{name}" if owner_name else name), buffer

    def buffers(self) -> Iterator[Tensor]:
        return (buffer for _, buffer in self.named_buffers())

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn(module)`` on every sub-module, then on this one (e.g. a custom initialisation)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ----------------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set it to None, as PyTorch's default)."""
        for parameter in self.parameters():
            parameter.grad = None

    def to_dtype(self, dtype: DTypeLike) -> Module:
        """Convert every parameter in place (e.g. float64 for gradient checks of a whole network)."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to_dtype: parameters must stay floating point, got {dtype}")
        for parameter in self.parameters():
            parameter._array = parameter._array.astype(dtype)
            parameter.grad = None
        for buffer in self.buffers():
            if buffer.dtype.kind == "f":
                buffer._array = buffer._array.astype(dtype)
        return self

    def double(self) -> Module:
        return self.to_dtype(np.float64)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """As PyTorch's: a device (the CPU: minigrad has no other) and/or a float dtype for every parameter."""
        dtype, _ = to_arguments(*args, **kwargs)
        return self if dtype is None else self.to_dtype(dtype)

    def float(self) -> Module:
        return self.to_dtype(np.float32)

    # ---- saving and loading -----------------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """{dotted name: copy of the numpy array}: the parameters in registration order, then the buffers."""
        return {name: tensor._array.copy() for name, tensor in (*self.named_parameters(), *self.named_buffers())}

    def load_state_dict(self, state_dict: Mapping[str, ArrayLike], strict: bool = True) -> tuple[list[str], list[str]]:
        """Copy arrays into the parameters and buffers (keeping their dtypes). Every name and shape is checked
        first, so a mismatch changes nothing; with ``strict=False`` missing and unexpected names are allowed."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict for {type(self).__name__}: expected a dict of name -> array (what "
                            f"state_dict() returns), got {type(state_dict).__name__}")
        own = {**dict(self.named_parameters()), **dict(self.named_buffers())}
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
                raise ValueError(f"load_state_dict: {name} has shape {tuple(parameter.shape)} in the model but "
                                 f"{value.shape} in the state dict")
            if value.dtype.kind not in "fiu":
                raise TypeError(f"load_state_dict: {name} has dtype {value.dtype} in the state dict, not a number")
            arrays[name] = value
        for name, value in arrays.items():
            own[name]._array[...] = value
        return missing, unexpected

    # ---- printing -----------------------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The layer's settings, shown inside its parentheses (subclasses override)."""
        return ""

    def __repr__(self) -> str:
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
