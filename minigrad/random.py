"""One seeded source of randomness for everything in minigrad (init, shuffling, random tensors).

``manual_seed(s)`` makes every later draw repeat from run to run; any function that draws also takes an explicit
``generator=`` (a ``numpy.random.Generator``) for code that wants its own stream.
"""
import numpy as np

from .tensor import Tensor

_default = np.random.default_rng(0)


def manual_seed(seed):
    """Reseed the default generator, and return it."""
    global _default
    _default = np.random.default_rng(seed)
    return _default


def get_generator(generator=None):
    """The generator to draw from: the one given, or the default that ``manual_seed`` sets."""
    if generator is None:
        return _default
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"generator must be a numpy.random.Generator, not {type(generator).__name__}")
    return generator


def _shape(shape, size=None):
    """``randn(2, 3)``, ``randn((2, 3))`` and ``randn(size=(2, 3))`` alike."""
    if size is not None:
        return tuple(size) if isinstance(size, (tuple, list)) else (size,)
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def randn(*shape, size=None, dtype=np.float32, generator=None, requires_grad=False):
    """Standard normal samples."""
    value = get_generator(generator).standard_normal(_shape(shape, size)).astype(dtype)
    return Tensor(value, requires_grad=requires_grad)


def rand(*shape, size=None, dtype=np.float32, generator=None, requires_grad=False):
    """Uniform samples on [0, 1)."""
    value = get_generator(generator).random(_shape(shape, size)).astype(dtype)
    return Tensor(value, requires_grad=requires_grad)


def normal(mean=0.0, std=1.0, size=(), dtype=np.float32, generator=None, requires_grad=False):
    """Normal samples with the given mean and standard deviation (as ``torch.normal(mean, std, size)``)."""
    if std < 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    value = get_generator(generator).normal(mean, std, size).astype(dtype)
    return Tensor(value, requires_grad=requires_grad)


def randint(low, high, size, generator=None):
    """Integers in [low, high), int64."""
    return Tensor(get_generator(generator).integers(low, high, size, dtype=np.int64))
