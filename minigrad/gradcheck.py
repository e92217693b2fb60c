"""Gradient checking: autograd's gradients against central differences, in float64.

For a scalar function L of x, (L(x + eps e_i) - L(x - eps e_i)) / 2 eps approximates dL/dx_i with error O(eps^2).
A non-scalar output is reduced to a scalar with fixed random weights, so every output element takes part.
"""
import numpy as np

from .autograd import enable_grad, grad, no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Autograd and central differences disagree; the message names the input and element."""


def _float64_inputs(inputs):
    return [Tensor(np.array(x._array if isinstance(x, Tensor) else x, dtype=np.float64), requires_grad=True)
            for x in inputs]


def _scalarize(out, weights):
    return (out * weights).sum() if out._array.size != 1 else out.sum()


def gradcheck(fn, inputs, eps=1e-6, atol=1e-6, rtol=1e-4, seed=0, raise_exception=True):
    """Check ``fn(*inputs)``'s gradients with respect to every input; return True, or raise (or return False).

    The inputs are copied to float64 leaves. On failure the error reports the worst element: the input's position,
    the element's index, both values and their difference."""
    xs = _float64_inputs(inputs)
    out = fn(*xs)
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, out.shape)
    scalar = _scalarize(out, weights)
    # an output that does not depend on the inputs (e.g. the derivative of a linear map) has zero gradients
    analytic = grad(scalar, xs, allow_unused=True) if scalar.requires_grad else [None] * len(xs)
    worst = None
    for k, x in enumerate(xs):
        expected = analytic[k]._array if analytic[k] is not None else np.zeros_like(x._array)
        numeric = np.zeros_like(x._array)
        with no_grad():
            for i in np.ndindex(x.shape):
                saved = x._array[i]
                x._array[i] = saved + eps
                up = _scalarize(fn(*xs), weights).item()
                x._array[i] = saved - eps
                down = _scalarize(fn(*xs), weights).item()
                x._array[i] = saved
                numeric[i] = (up - down) / (2 * eps)
        excess = np.abs(expected - numeric) - (atol + rtol * np.abs(numeric))
        if excess.size and (worst is None or excess.max() > worst[0]):
            i = np.unravel_index(np.argmax(excess), excess.shape)
            worst = (excess[i], k, i, expected[i], numeric[i])
    if worst is not None and worst[0] > 0:
        _, k, i, a, n = worst
        message = (f"gradcheck failed: input {k}, element {tuple(int(j) for j in i)}: autograd {a:.10g}, "
                   f"central difference {n:.10g}, difference {abs(a - n):.3g} (atol {atol}, rtol {rtol})")
        if raise_exception:
            raise GradcheckError(message)
        return False
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_exception=True):
    """Check second derivatives: gradcheck of x -> <grad fn(x), v> for fixed random v (built with create_graph)."""
    xs = _float64_inputs(inputs)
    out = fn(*xs)
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, out.shape)
    directions = [np.random.default_rng(seed + 1 + k).uniform(-1, 1, x.shape) for k, x in enumerate(xs)]

    def directional_gradient(*ys):
        with enable_grad():     # gradcheck evaluates this under no_grad; the inner gradient still needs its graph
            return _directional_gradient(ys)

    def _directional_gradient(ys):
        grads = grad(_scalarize(fn(*ys), weights), ys, create_graph=True, allow_unused=True)
        total = None
        for g, v in zip(grads, directions):
            if g is not None:
                term = (g * v).sum()
                total = term if total is None else total + term
        return total if total is not None else Tensor(0.0, dtype=np.float64)

    return gradcheck(directional_gradient, xs, eps, atol, rtol, seed, raise_exception)
