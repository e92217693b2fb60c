"""See the graph autograd recorded, and what backward does on it.

* ``graph_table(y)``: every tensor behind ``y`` (parents first), one a line: kind, op and backward name, shape,
  value, d y / d node. Gradients come from ``minigrad.autograd.trace``, so no ``.grad`` is touched.
* ``draw_graph(y, path)``: the same as a layered figure (PNG or SVG), inputs on the left, ``y`` on the right;
  ``by_module=True`` draws one box per module of a network instead of one per tensor.
* ``draw_trace(trace, folder)``: backward as a film, one PNG per step and an animated GIF.

Call them before ``backward()``, or after ``backward(retain_graph=True)``: a released graph has forgotten its
parents (the structure that is left is still shown, without gradients).
"""
import numpy as np

from ..trace import backward_name, format_value, graph_nodes, node_labels, trace
from .graph import kind_of, layout_of, module_graph, tensor_graph

__all__ = ["graph_table", "draw_graph", "draw_trace", "graph_layout"]


def _gradients(output):
    """id(tensor) -> d output / d tensor (the seed is ones for a non-scalar output, as ``output.sum()``)."""
    if not output.requires_grad:
        return {}
    seed = None if output._array.size == 1 else np.ones_like(output._array)
    try:
        walk = trace(output, seed)
    except RuntimeError:       # the graph was released by an earlier backward: show the structure only
        return {}
    return {id(step.node): step.gradient for step in walk.steps}


def graph_table(output):
    """The graph behind ``output`` as text, one tensor a line, parents before children."""
    nodes = graph_nodes([output])
    labels, gradients = node_labels(nodes), _gradients(output)
    number = {id(t): k for k, t in enumerate(nodes)}
    rows = [("#", "node", "kind", "backward", "shape", "dtype", "inputs", "value", "d(out)/d(node)")]
    for k, t in enumerate(nodes):
        inputs = ", ".join(f"#{number[id(p)]}" for p in t._parents)
        rows.append((str(k), labels[id(t)], kind_of(t), backward_name(t) or (t._op or "-"), str(tuple(t.shape)),
                     str(t.dtype), inputs or "-", format_value(t._array),
                     format_value(gradients.get(id(t))) if t.requires_grad else "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def graph_layout(output, by_module=False):
    """The boxes and the computed geometry of ``draw_graph`` (for tests and for anyone drawing it elsewhere)."""
    graph = (module_graph if by_module else tensor_graph)(output, _gradients(output))
    return graph, layout_of(graph)


def draw_graph(output, path=None, by_module=False, title=None, dpi=100):
    """A figure of the graph behind ``output``; saved to ``path`` (.png or .svg) when given. Returns the Figure.

    ``by_module=True``: one box per module that computed part of ``output`` (a LeNet loss: its 12 layers and the
    loss), each listing the ops inside it, its parameters and the gradient of its output."""
    from .draw import add_legend, new_figure, render, save  # matplotlib only when a figure is wanted
    graph, layout = graph_layout(output, by_module)
    count = sum(b.kind == ("module" if by_module else "op") for b in graph.boxes)
    figure, ax = new_figure(layout, dpi, title or f"{len(graph.boxes)} boxes, {count} "
                                              f"{'modules' if by_module else 'ops'}, {len(graph.edges)} edges")
    render(ax, graph, layout)
    add_legend(ax, graph)
    if path is not None:
        save(figure, path, dpi)
    return figure


def draw_trace(walk, folder, gif="backward.gif", fps=1, dpi=90):
    """Backward as a film: one PNG per step of ``walk`` (``minigrad.autograd.trace(output)``) and a GIF (frames.py)."""
    from .frames import draw_trace as film
    return film(walk, folder, gif, fps, dpi)
