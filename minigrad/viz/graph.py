"""The graph a figure shows: boxes with text, and edges in argument order; one box per tensor or one per module.

Kinds of box (each drawn differently, see draw.py):

* ``leaf``: a leaf that requires grad (a Module's weight, or any tensor made with ``requires_grad=True``);
* ``input``: a leaf that does not require grad (images, labels, anything the gradient does not flow into);
* ``constant``: an unnamed one-number input, such as the ``2`` of ``2 * x``, labelled by its value;
* ``op``: a result, labelled ``op#k`` with the name of the backward function it will run;
* ``module``: with ``by_module=True``, everything one module computed, listing the ops inside it.
"""
from dataclasses import dataclass, field

import numpy as np

from ..trace import backward_name, format_value, graph_nodes, node_labels
from .layout import layered_layout

FONT_SIZE = 7                          # boxes are drawn in a monospaced font, so their size is known beforehand
CHAR_WIDTH = 0.6 * FONT_SIZE / 72      # inches; DejaVu Sans Mono's advance is 0.6 em
LINE_HEIGHT = 1.35 * FONT_SIZE / 72
PADDING = 0.07


@dataclass
class Box:
    kind: str
    title: str
    lines: list
    tensors: list = field(default_factory=list)    # the tensors this box stands for (the last is its output)


@dataclass
class Graph:
    boxes: list
    edges: list    # (source box, target box), in each target's argument order


def kind_of(tensor):
    if tensor.grad_fn is not None:
        return "op"
    if tensor.requires_grad:
        return "leaf"
    if not tensor.name and tensor._array.ndim == 0:
        return "constant"
    return "input"


def short_value(array):
    """At most a few characters of numbers: a box is not the place for a whole array."""
    if array is None:
        return "-"
    return format_value(array, 3) if np.size(array) <= 4 else f"norm {np.linalg.norm(array):.3g}"


def tensor_graph(output, gradients):
    """One box per tensor behind ``output``. ``gradients`` maps id(tensor) to d output / d tensor (or is empty)."""
    nodes = graph_nodes([output])
    labels = node_labels(nodes)
    index = {id(t): k for k, t in enumerate(nodes)}
    boxes, edges = [], []
    for t in nodes:
        boxes.append(tensor_box(t, labels, gradients))
        edges.extend((index[id(p)], index[id(t)]) for p in t._parents)
    return Graph(boxes, edges)


def module_of_each(nodes):
    """id(tensor) -> (module, id of the call's output) for the module call that computed it, from the tags
    ``Module.__call__`` leaves on module outputs (by call, so a layer used twice gets a box per use).

    Walking back from a module's output until its own inputs (or another module's output) finds the ops inside
    it; parameters and constants met on the way belong to it too. Inner modules tag first, so a Sequential's
    output belongs to its last layer and every layer gets a box of its own."""
    owner = {}
    for t in nodes:
        made_by = t.__dict__.get("_made_by")
        if made_by is None or id(t) in owner:
            continue
        module, inputs = made_by
        stack = [t]
        while stack:
            node = stack.pop()
            if id(node) in owner or id(node) in inputs or (node is not t and "_made_by" in node.__dict__):
                continue
            owner[id(node)] = (module, id(t))
            stack.extend(node._parents)
    return owner


def module_graph(output, gradients):
    """One box per module call (ops, parameters and constants inside it); tensors outside any module keep their own."""
    nodes = graph_nodes([output])
    labels = node_labels(nodes)
    owner = module_of_each(nodes)
    position = {id(t): k for k, t in enumerate(nodes)}
    groups = {}
    for t in nodes:
        groups.setdefault(owner[id(t)][1] if id(t) in owner else id(t), []).append(t)
    ordered = sorted(groups.values(), key=lambda group: position[id(group[-1])])   # by output: the network's order
    group_of = {id(t): k for k, group in enumerate(ordered) for t in group}
    boxes = [_module_box(owner[id(group[0])][0], group, gradients) if id(group[0]) in owner else
             tensor_box(group[0], labels, gradients) for group in ordered]
    edges = []
    for t in nodes:
        for p in t._parents:
            edge = (group_of[id(p)], group_of[id(t)])
            if edge[0] != edge[1] and edge not in edges:
                edges.append(edge)
    return Graph(boxes, edges)


def tensor_box(t, labels, gradients):
    """A tensor's box: label, backward name (ops), shape and dtype, value and gradient (if it requires grad)."""
    kind = kind_of(t)
    lines = [backward_name(t) + ("" if t._parents else " (released)")] if kind == "op" else []
    if kind != "constant":
        lines += [f"{tuple(t.shape)} {t.dtype}", f"value {short_value(t._array)}"]
    if t.requires_grad:
        lines.append(f"grad {short_value(gradients.get(id(t)))}")
    return Box(kind, labels[id(t)], lines, [t])


def _module_box(module, group, gradients):
    """A module's box: its path and class, the ops inside (with backward names), its parameters, its output."""
    ops, parameters = {}, []
    for t in group:
        if t.grad_fn is not None:
            name = f"{t._op}: {backward_name(t)}" if backward_name(t) else t._op
            ops[name] = ops.get(name, 0) + 1
        elif t.requires_grad:
            parameters.append(f"{t.name or 'param'} {tuple(t.shape)}")
    out = group[-1]
    lines = ["ops " + ", ".join(f"{name} x{count}" if count > 1 else name for name, count in ops.items())]
    lines += [f"param {p}" for p in parameters]
    lines.append(f"out {tuple(out.shape)} grad {short_value(gradients.get(id(out)))}")
    title = f"{module.name} {type(module).__name__}" if module.name else type(module).__name__
    return Box("module", title, lines, group)


def box_size(box):
    """Width and height in inches of a box's text in the monospaced font, with padding."""
    rows = [box.title, *box.lines]
    return (max(len(r) for r in rows) * CHAR_WIDTH + 2 * PADDING, len(rows) * LINE_HEIGHT + 2 * PADDING)


def layout_of(graph):
    return layered_layout([box_size(b) for b in graph.boxes], graph.edges)
