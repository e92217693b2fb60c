"""Backward, step by step: what ``loss.backward()`` would do, recorded instead of accumulated.

``trace(loss)`` walks the graph exactly as ``autograd._walk`` does (same order, same rules, same dtype casts) but
writes nothing into any ``.grad`` and keeps the graph. It records, for every node the walk reaches:

* the gradient arriving there (d loss / d node),
* what the node's backward rule sends to each of its inputs,
* and, wherever a tensor feeds several ops (fan-out), each contribution that was summed into its gradient.

``print(trace(loss))`` shows this as a table to read beside ``tensor.py``; ``minigrad.viz.draw_trace`` turns it into
one picture per step and an animated GIF. Labels are shared with the graph viewer, so ``mul#2`` is the same node in
the table, in ``graph_table`` and in the figures.
"""
from dataclasses import dataclass, field

import numpy as np

from .autograd import _check_roots, no_grad, topological_order


@dataclass
class Contribution:
    """One gradient sent along one edge: ``sender``'s backward rule gave ``value`` for its input number ``slot``."""
    sender: object          # the op node whose rule produced it
    receiver: object        # the input it was sent to
    slot: int               # which argument of the sender the receiver is (x * x: slots 0 and 1, both x)
    value: np.ndarray       # None when the rule sends nothing (the input does not require grad)


@dataclass
class Step:
    """The walk reaching one node: the summed gradient arriving there and what its backward rule sends on."""
    number: int
    node: object
    gradient: np.ndarray                            # d output / d node, the sum of ``received``
    received: list = field(default_factory=list)    # Contributions summed into ``gradient`` (seed: empty)
    sent: list = field(default_factory=list)        # Contributions this node's rule produced, one per input


def node_labels(nodes):
    """A short, stable label per tensor: its name if it has one, else ``op#k`` / ``leaf#k`` / ``input#k`` (k: its
    position among ``nodes``) and, for an unnamed one-element constant, its value."""
    labels = {}
    for k, t in enumerate(nodes):
        if t.name:
            labels[id(t)] = str(t.name)
        elif t.grad_fn is not None:
            labels[id(t)] = f"{t._op}#{k}"
        elif t.requires_grad:
            labels[id(t)] = f"leaf#{k}"
        elif t._array.size == 1 and t._array.ndim == 0:
            labels[id(t)] = format_value(t._array)
        else:
            labels[id(t)] = f"input#{k}"
    return labels


def graph_nodes(outputs):
    """Every tensor behind ``outputs``, parents before children, for reading: unlike ``topological_order`` (the
    walk's order, which backward's sums depend on) it includes inputs and constants that do not require grad, and it
    visits each op's inputs in argument order, so a network's layers come out first to last."""
    order, seen = [], set()
    stack = [(out, False) for out in reversed(outputs)]
    while stack:
        node, inputs_listed = stack.pop()
        if inputs_listed:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node._parents) if id(parent) not in seen)
    return order


def format_value(array, digits=4):
    """A number as a reader wants it in a table: scalars in full, short vectors listed, big arrays summarised."""
    if array is None:
        return "-"
    array = np.asarray(array)
    if array.size == 1:
        return f"{array.item():.{digits}g}"
    if array.size <= 6:
        return "[" + ", ".join(f"{v:.{digits}g}" for v in array.reshape(-1)) + "]"
    return f"{array.shape} norm {np.linalg.norm(array):.{digits}g}"


def backward_name(tensor):
    """The name of the backward function a result will run (torch's ``grad_fn.name()``); None for a leaf."""
    return tensor.grad_fn.name() if tensor.grad_fn is not None else None


class Trace:
    """The record of one backward walk (see the module docstring). Index it by tensor for its total gradient."""

    def __init__(self, output, steps, nodes):
        self.output, self.steps, self.nodes = output, steps, nodes
        self.labels = node_labels(nodes)
        self._by_node = {id(step.node): step for step in steps}

    def gradient(self, tensor):
        """d output / d tensor as a numpy array (None if the walk never reached it)."""
        step = self._by_node.get(id(tensor))
        return None if step is None else step.gradient

    def step_of(self, tensor):
        return self._by_node.get(id(tensor))

    def sums(self):
        """The steps where two or more contributions were added together (the fan-out points of the graph)."""
        return [step for step in self.steps if len(step.received) >= 2]

    def label(self, tensor):
        return self.labels[id(tensor)]

    def table(self):
        """The walk as text: one block per step, then every place where contributions were summed."""
        rows = [("step", "node", "backward", "gradient arriving", "sends")]
        for step in self.steps:
            sends = [f"-> {self.label(c.receiver)} (input {c.slot}): {format_value(c.value)}" for c in step.sent]
            kind = backward_name(step.node) or ("leaf" if step.node.grad_fn is None else step.node._op)
            rows.append((str(step.number), self.label(step.node), kind, self._arriving(step), sends[0] if sends
                         else ("(leaf: this is its gradient)" if step.node.grad_fn is None else "-")))
            rows.extend(("", "", "", "", more) for more in sends[1:])
        widths = [max(len(row[c]) for row in rows) for c in range(5)]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        lines.append("")
        sums = self.sums()
        lines.append(f"contributions summed at {len(sums)} node(s)" + (":" if sums else ""))
        for step in sums:
            parts = " + ".join(f"{format_value(c.value)} (from {self.label(c.sender)}, input {c.slot})"
                               for c in step.received)
            lines.append(f"  {self.label(step.node)}: {parts} = {format_value(step.gradient)}")
        return "\n".join(lines)

    def _arriving(self, step):
        if not step.received:
            return f"{format_value(step.gradient)} (seed)"
        if len(step.received) == 1:
            return format_value(step.gradient)
        return f"{format_value(step.gradient)} (sum of {len(step.received)})"

    def __str__(self):
        return self.table()

    __repr__ = __str__


def trace(output, gradient=None):
    """Record the backward walk from ``output`` without touching any ``.grad`` (the graph is kept).

    ``gradient`` is the seed, as in ``output.backward(gradient)``; a scalar output needs none."""
    seed, = _check_roots([output], [gradient])
    order = topological_order([output])
    pending = {id(output): [None]}          # id -> contributions received so far (None marks the seed)
    totals = {id(output): seed._array}
    steps = []
    with no_grad():
        for node in reversed(order):
            if id(node) not in totals:
                continue
            step = Step(len(steps) + 1, node, totals.pop(id(node)),
                        [c for c in pending.pop(id(node)) if c is not None])
            steps.append(step)
            if node.grad_fn is None:
                continue
            _send(node, step, pending, totals)
    return Trace(output, steps, graph_nodes([output]))


def _send(node, step, pending, totals):
    """Run ``node``'s backward rule on the gradient that arrived; add what it gives to each input's total."""
    from .tensor import Tensor
    for slot, (parent, value) in enumerate(zip(node._parents, node.grad_fn(Tensor(step.gradient)))):
        if value is None or not parent.requires_grad:
            step.sent.append(Contribution(node, parent, slot, None))
            continue
        array = value._array.astype(parent.dtype, copy=False)
        contribution = Contribution(node, parent, slot, array)
        step.sent.append(contribution)
        pending.setdefault(id(parent), []).append(contribution)
        totals[id(parent)] = totals[id(parent)] + array if id(parent) in totals else array
