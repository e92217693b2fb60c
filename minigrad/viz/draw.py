"""Matplotlib drawing of a Graph placed by ``layered_layout``: one inch of layout is one inch of figure.

Text is monospaced so a box's size can be computed before anything is drawn (the layout needs the sizes). pyplot is
never imported: figures are built on the Agg canvas, so nothing opens a window.
"""
import os

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle

from ..fileio import atomic_write
from .graph import FONT_SIZE, LINE_HEIGHT, PADDING

MARGIN = 0.25
TITLE_SPACE = 0.35
MAX_PIXELS = 2 ** 15          # matplotlib's Agg canvas refuses sides beyond 2^16 pixels; stay well inside

STYLES = {   # fill, border, border style, border width: parameters stand out, inputs and constants recede
    "leaf": ("#d8f0d8", "#2f7d32", "-", 1.8),
    "input": ("#eeeeee", "#707070", "--", 1.0),
    "constant": ("#ffffff", "#9a9a9a", ":", 1.0),
    "op": ("#dbe8f6", "#2b5f99", "-", 1.0),
    "module": ("#fcefc7", "#a86b00", "-", 1.2),
}
KIND_NAMES = {"leaf": "requires grad (leaf)", "input": "input (no grad)", "constant": "constant",
              "op": "op (backward name)", "module": "module"}


def new_figure(layout, dpi, title):
    """A figure exactly the layout's size plus margins, with axes in inches (y downwards) filling it."""
    width, height = layout.width + 2 * MARGIN, layout.height + 2 * MARGIN + TITLE_SPACE
    if max(width, height) * dpi > MAX_PIXELS:
        raise ValueError(f"the graph makes a figure of {width:.0f} x {height:.0f} inches, more than {MAX_PIXELS} "
                         f"pixels a side at dpi={dpi}: draw by_module=True or a smaller piece of the graph, or read "
                         "graph_table(output) / print(minigrad.autograd.trace(output))")
    figure = Figure(figsize=(max(width, 3.0), height))
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(-MARGIN, max(width, 3.0) - MARGIN)
    ax.set_ylim(layout.height + MARGIN, -MARGIN - TITLE_SPACE)
    ax.axis("off")
    ax.text(0, -TITLE_SPACE / 2 - MARGIN / 2, title, fontsize=FONT_SIZE + 2, va="center", ha="left")
    return figure, ax


def render(ax, graph, layout, highlight=(), dimmed=(), edge_labels=None, edge_colors=None):
    """Draw boxes and edges on ``ax``. ``highlight``: box numbers drawn with a red border; ``dimmed``: boxes in
    grey; ``edge_labels`` / ``edge_colors``: {edge number: text / colour} (the backward frames use them)."""
    edge_labels, edge_colors = edge_labels or {}, edge_colors or {}
    for e, points in enumerate(layout.edges):
        xs, ys = zip(*points)
        color = edge_colors.get(e, "#555555")
        ax.plot(xs[:-1], ys[:-1], color=color, lw=0.9, solid_joinstyle="round")
        ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=8, color=color,
                                     lw=0.9, shrinkA=0, shrinkB=0))
        if e in edge_labels:
            (x0, y0), (x1, y1) = points[-3:-1] if len(points) >= 3 else points[-2:]
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, edge_labels[e], fontsize=FONT_SIZE - 1, color=color,
                    ha="center", va="center", family="monospace",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    for k, (box, (left, top, right, bottom)) in enumerate(zip(graph.boxes, layout.boxes)):
        fill, border, style, width = STYLES[box.kind]
        if k in dimmed:
            fill = "#f6f6f6"
        if k in highlight:
            border, width = "#d62728", 2.6
        ax.add_patch(Rectangle((left, top), right - left, bottom - top, facecolor=fill, edgecolor=border,
                               linestyle=style, linewidth=width))
        ax.text(left + PADDING, top + PADDING, box.title, fontsize=FONT_SIZE, family="monospace",
                weight="bold", va="top", ha="left")
        ax.text(left + PADDING, top + PADDING + LINE_HEIGHT, "\n".join(box.lines), fontsize=FONT_SIZE,
                family="monospace", va="top", ha="left", linespacing=1.35 * 0.85)


def add_legend(ax, graph):
    """One swatch per kind of box present, in the top right corner."""
    handles = [Patch(facecolor=fill, edgecolor=border, linestyle=style, linewidth=width, label=KIND_NAMES[kind])
               for kind, (fill, border, style, width) in STYLES.items() if any(b.kind == kind for b in graph.boxes)]
    ax.legend(handles=handles, loc="upper right", fontsize=FONT_SIZE, frameon=False, ncol=len(handles))


def save(figure, path, dpi=100):
    """Write a PNG or an SVG (chosen by the suffix), atomically."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in ("png", "svg"):
        raise ValueError(f"draw_graph: path must end in .png or .svg, got {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with atomic_write(path) as stream:
        figure.savefig(stream, format=suffix, dpi=dpi)
    return path
