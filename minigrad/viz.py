"""See the graph autograd recorded: every node in topological order, as a table or as a figure.

``graph_table(y)`` lists the leaves first and ``y`` last, each with the op that made it, its shape and dtype, the
nodes it was computed from, and dy/dnode (computed here, without touching any ``.grad``). ``draw_graph(y, path)``
draws the same nodes as boxes in columns by depth, with arrows from inputs to results.
Call them before ``backward()``, or after ``backward(retain_graph=True)``: a released graph has forgotten its parents.
"""
import numpy as np

from .autograd import grad, topological_order


def _label(node, numbers):
    return node.name or (f"{node._op}" if node._op else "leaf") + f"#{numbers[id(node)]}"


def _describe(output):
    nodes = topological_order([output])
    numbers = {id(n): i for i, n in enumerate(nodes)}
    try:
        grads = grad(output.sum() if output._array.size != 1 else output, nodes, retain_graph=True, allow_unused=True)
    except RuntimeError:     # e.g. the graph was already released: show the structure without gradients
        grads = [None] * len(nodes)
    return nodes, numbers, grads


def _summary(array):
    if array is None:
        return "-"
    if array.size == 1:
        return f"{array.item():.4g}"
    return f"norm {np.linalg.norm(array):.4g}"


def graph_table(output):
    """The graph behind ``output`` as text, one node a line, parents before children."""
    nodes, numbers, grads = _describe(output)
    rows = [("#", "node", "shape", "dtype", "inputs", "value", "d(out)/d(node)")]
    for node, g in zip(nodes, grads):
        inputs = ", ".join(f"#{numbers[id(p)]}" for p in node._parents if id(p) in numbers)
        rows.append((str(numbers[id(node)]), _label(node, numbers), str(node.shape), str(node.dtype),
                     inputs or "-", _summary(node._array), _summary(None if g is None else g._array)))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def draw_graph(output, path=None):
    """A matplotlib figure of the graph behind ``output``: inputs on the left, ``output`` on the right.

    Saved to ``path`` when given (PNG, never a window); the Figure is returned."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nodes, numbers, grads = _describe(output)
    depth = {}
    for node in nodes:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node._parents if id(p) in depth), default=-1)
    columns = {}
    for node in nodes:
        columns.setdefault(depth[id(node)], []).append(node)
    position = {id(n): (d, -row) for d, column in columns.items() for row, n in enumerate(column)}
    width, height = max(columns) + 1, max(len(c) for c in columns.values())
    fig, ax = plt.subplots(figsize=(2.6 * width + 1, 1.1 * height + 1))
    for node, g in zip(nodes, grads):
        x, y = position[id(node)]
        for parent in node._parents:
            if id(parent) in position:
                px, py = position[id(parent)]
                ax.annotate("", xy=(x - 0.38, y), xytext=(px + 0.38, py),
                            arrowprops=dict(arrowstyle="->", color="gray"))
        text = f"{_label(node, numbers)}\n{node.shape}\ngrad {_summary(None if g is None else g._array)}"
        ax.text(x, y, text, ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round", fc="lightyellow" if node._op is None else "lightblue"))
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-height + 0.4, 0.6)
    ax.set_title(f"graph of {_label(output, numbers)}: {len(nodes)} nodes")
    ax.axis("off")
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
    return fig
