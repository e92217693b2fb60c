"""Backward as a film: one frame per step of ``minigrad.autograd.trace``, saved as PNGs and as an animated GIF.

Frame 0 is the graph before backward. In frame k the node the walk processes at step k has a red border, the
nodes not reached yet are greyed, and every edge along which a gradient has been sent so far carries it (in red
for the step's own sends). A box's ``grad`` line appears when the walk reaches it, i.e. once every contribution
has been summed. The GIF goes through matplotlib's own ``PillowWriter`` (Pillow is a dependency of matplotlib
itself, so nothing new is installed).
"""
import os
from pathlib import Path

from matplotlib.animation import PillowWriter

from ..trace import format_value
from .draw import add_legend, new_figure, render, save
from .graph import FONT_SIZE, layout_of, short_value, tensor_graph


def _edge_numbers(graph):
    """(id(op tensor), input slot) -> edge number, in the order ``tensor_graph`` made the edges."""
    numbers, seen = {}, {}
    for e, (_, target) in enumerate(graph.edges):
        output = graph.boxes[target].tensors[-1]
        slot = seen.get(id(output), 0)
        seen[id(output)] = slot + 1
        numbers[(id(output), slot)] = e
    return numbers


def _frame_graph(walk, done):
    """The graph as known after ``done`` steps: gradients only on the nodes reached so far."""
    return tensor_graph(walk.output, {id(s.node): s.gradient for s in walk.steps[:done]})


def draw_trace(walk, folder, gif="backward.gif", fps=1, dpi=90):
    """Save ``frame_00.png`` ... (one per step, after the graph before backward) and ``gif`` into ``folder``.

    ``walk`` is ``minigrad.autograd.trace(output)``. Returns the list of files written (frames first)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    final = _frame_graph(walk, len(walk.steps))
    layout = layout_of(final)         # the final frame's, for every frame: nothing may move between frames
    edge_of = _edge_numbers(final)
    box_of = {id(b.tensors[-1]): k for k, b in enumerate(final.boxes)}
    figure, ax = new_figure(layout, dpi, "")
    written = []

    def draw(done):
        ax.clear()
        graph = _frame_graph(walk, done)
        labels, colors = {}, {}
        for step in walk.steps[:done]:
            for c in step.sent:
                e = edge_of[(id(c.sender), c.slot)]
                labels[e] = short_value(c.value)
                colors[e] = "#d62728" if step.number == done else "#2b5f99"
        reached = {box_of[id(s.node)] for s in walk.steps[:done]}
        current = {box_of[id(walk.steps[done - 1].node)]} if done else set()
        unreached = {box_of[id(s.node)] for s in walk.steps} - reached
        render(ax, graph, layout, highlight=current, dimmed=unreached,
               edge_labels=labels, edge_colors=colors)
        add_legend(ax, graph)
        ax.axis("off")
        ax.text(0, -0.3, _caption(walk, done), fontsize=FONT_SIZE + 2, va="center", ha="left")

    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    writer = PillowWriter(fps=fps)
    gif_path = folder / gif
    with writer.saving(figure, os.fspath(gif_path), dpi):
        for done in range(len(walk.steps) + 1):
            draw(done)
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            written.append(save(figure, folder / f"frame_{done:02d}.png", dpi))
            writer.grab_frame()
    return written + [os.fspath(gif_path)]


def _caption(walk, done):
    if done == 0:
        return f"before backward: {len(walk.steps)} steps to go"
    step = walk.steps[done - 1]
    label = walk.label(step.node)
    if step.node.grad_fn is None:
        how = f"sum of {len(step.received)} contributions" if len(step.received) > 1 else "its gradient"
        return f"step {done}: {label} is a leaf; {how} = {format_value(step.gradient, 3)}"
    return f"step {done}: {label} receives {format_value(step.gradient, 3)} and runs its backward rule"
