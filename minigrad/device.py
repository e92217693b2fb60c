"""Devices, so that PyTorch code that moves things to a device runs unchanged: minigrad has one, the CPU.

``minigrad.device('cpu')``, ``t.to(device)``, ``t.cpu()`` and ``net.to(device)`` work and change nothing; any other
device raises, saying so. ``minigrad.cuda.is_available()`` is False and ``device_count()`` 0, so code that picks a
GPU when there is one (the book's ``try_gpu``) picks the CPU.
"""


class device:
    """A device by PyTorch's spelling: ``device('cpu')``, ``device('cpu', 0)``, ``device('cpu:0')``."""

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        if name != "cpu":
            raise RuntimeError(f"minigrad runs on the CPU only: device {str(type)!r} is not available "
                               "(use 'cpu', or leave the device out)")
        self.type, self.index = "cpu", int(number) if number else index

    def __eq__(self, other):
        try:
            return isinstance(other, (device, str)) and device(other).type == self.type
        except RuntimeError:
            return False

    def __hash__(self):
        return hash(self.type)

    def __repr__(self):
        return "device(type='cpu')" if self.index is None else f"device(type='cpu', index={self.index})"

    def __str__(self):
        return "cpu" if self.index is None else f"cpu:{self.index}"


CPU = device("cpu")
_Device = device        # the class, under a name that to_arguments's keyword argument does not hide


def check(where):
    """``where`` (a device, a name such as 'cpu', or None) when it is the CPU; any other device raises."""
    if where is not None:
        device(where)


def to_arguments(*args, device=None, dtype=None, non_blocking=False, copy=False):
    """What a call of ``to`` asks for, in any of PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device,
    dtype)``, ``to(other_tensor)``, keywords alike. Returns ``(dtype or None, copy)``; a device other than the CPU
    raises."""
    check(device)
    for arg in args:
        if hasattr(arg, "_array"):
            dtype = arg.dtype
        elif isinstance(arg, (str, _Device)):
            check(arg)
        else:
            dtype = arg
    return dtype, copy

