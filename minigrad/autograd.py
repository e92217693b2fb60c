"""The graph walk: reverse-mode differentiation over the Tensors an expression recorded.

Every Tensor made by an op keeps a ``grad_fn``: the op's Function (minigrad/ops/), which holds the op's inputs and
maps the gradient of the output to the gradients of the inputs. This module orders that graph topologically, without
recursion, and runs the rules from the output back to the leaves.

The rules are written with Tensor ops. Run with grad mode off (the default) they are plain numpy arithmetic and
record nothing; run with ``create_graph=True`` they record a graph of their own, which is what makes derivatives of
derivatives (Hessians, Hessian-vector products) come for free.
"""
import threading
from contextlib import contextmanager

import numpy as np


class _GradMode(threading.local):
    """Grad mode belongs to a thread, as in PyTorch: one thread evaluating under ``no_grad()`` never stops another
    from recording its graph. Every thread starts with grad mode on."""

    enabled = True


_grad_mode = _GradMode()


def is_grad_enabled():
    """True while ops record the graph that backward needs (in the calling thread)."""
    return _grad_mode.enabled


@contextmanager
def set_grad_enabled(mode):
    """Turn graph recording on or off inside a ``with`` block, in the calling thread only, restoring the previous
    mode after it."""
    previous, _grad_mode.enabled = _grad_mode.enabled, bool(mode)
    try:
        yield
    finally:
        _grad_mode.enabled = previous


def no_grad():
    """``with no_grad():`` computes values only: no graph, no memory kept for backward (evaluation, updates)."""
    return set_grad_enabled(False)


def enable_grad():
    """``with enable_grad():`` records the graph again inside a ``no_grad`` block."""
    return set_grad_enabled(True)


def topological_order(roots):
    """The tensors that ``roots`` were computed from (those that require grad), parents before children.

    Iterative depth-first search, so a chain of any length works (no recursion limit)."""
    order, seen = [], set()
    stack = [(root, False) for root in roots]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent in node._parents:
            if parent.requires_grad and id(parent) not in seen:
                stack.append((parent, False))
    return order


def _check_roots(outputs, grad_outputs):
    from .tensor import Tensor
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"output {i} is a {type(out).__name__}, not a Tensor")
        if not out.requires_grad:
            raise RuntimeError(
                f"output {i} does not require grad: it was not computed from any tensor with requires_grad=True "
                "(or it was computed under no_grad())")
        if g is None:
            if out._array.size != 1:
                raise RuntimeError(
                    f"backward of a non-scalar output needs a gradient argument: output {i} has shape "
                    f"{tuple(out.shape)}; pass gradient= (same shape), or reduce the output to a scalar first "
                    "(e.g. .sum())")
            g = Tensor(np.ones_like(out._array))
        else:
            g = g if isinstance(g, Tensor) else Tensor(np.asarray(g, dtype=out.dtype))
            if g.shape != out.shape:
                raise ValueError(f"gradient for output {i} has shape {tuple(g.shape)}, but the output has shape "
                                 f"{tuple(out.shape)}")
        seeds.append(g)
    return seeds


def _walk(outputs, grad_outputs, create_graph, retain_graph, on_gradient):
    """Push gradients from ``outputs`` back through the graph; call ``on_gradient(node, g)`` for every node reached.

    ``on_gradient`` returns True when the walk needs not go past that node (a leaf, or an input of ``grad``)."""
    seeds = _check_roots(outputs, grad_outputs)
    order = topological_order(outputs)
    grads = {}
    for out, g in zip(outputs, seeds):
        grads[id(out)] = grads[id(out)] + g if id(out) in grads else g
    with set_grad_enabled(create_graph):
        for node in reversed(order):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if on_gradient(node, g) or node.grad_fn is None:
                continue
            for parent, pg in zip(node._parents, node.grad_fn(g)):
                if pg is None or not parent.requires_grad:
                    continue
                if pg.dtype != parent.dtype:
                    pg = pg.astype(parent.dtype)
                key = id(parent)
                grads[key] = grads[key] + pg if key in grads else pg
    if not retain_graph:
        for node in order:
            if node.grad_fn is not None:
                node.grad_fn.release()


def backward(tensor, gradient=None, retain_graph=None, create_graph=False):
    """Accumulate d(tensor)/d(leaf) into the ``.grad`` of every leaf that requires grad (see Tensor.backward)."""
    from .tensor import Tensor
    if retain_graph is None:
        retain_graph = create_graph

    def accumulate_into_leaf(node, g):
        if node.grad_fn is not None:      # not a leaf: pass the gradient on
            return False
        if create_graph:
            node.grad = g if node.grad is None else node.grad + g
        elif node.grad is None:
            node.grad = Tensor(np.array(g._array, dtype=node.dtype, copy=True))   # a plain Tensor, even for a Parameter
        else:
            node.grad._array = node.grad._array + g._array
        return True

    _walk([tensor], [gradient], create_graph, retain_graph, accumulate_into_leaf)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated into ``.grad``).

    With ``create_graph=True`` the returned gradients are themselves differentiable: ``grad`` of them gives second
    derivatives, e.g. ``g, = grad(f(x), [x], create_graph=True); h, = grad(g, [x])``.
    """
    from .tensor import Tensor
    single_output = isinstance(outputs, Tensor)
    outputs = [outputs] if single_output else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad_outputs has {len(grad_outputs)} entries for {len(outputs)} outputs")
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(f"input {i} is a {type(x).__name__}, not a Tensor")
        if not x.requires_grad:
            raise RuntimeError(f"input {i} (shape {tuple(x.shape)}) does not require grad; call requires_grad_() on "
                               "it first")
    if retain_graph is None:
        retain_graph = create_graph
    wanted = {id(x): i for i, x in enumerate(inputs)}
    found = [None] * len(inputs)

    def collect(node, g):
        i = wanted.get(id(node))
        if i is not None:
            found[i] = g
        return node.grad_fn is None

    _walk(outputs, grad_outputs, create_graph, retain_graph, collect)
    for i, g in enumerate(found):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"input {i} (shape {tuple(inputs[i].shape)}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it")
    return tuple(found)




from .trace import trace  # noqa: E402, F401  (re-exported as minigrad.autograd.trace; it needs the walk above)
