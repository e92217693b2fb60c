"""Figures for the chapter scripts: a d2l-style ``plot`` and an atomic ``save_figure``.

Everything here builds ``matplotlib.figure.Figure`` objects directly and renders them with the Agg
canvas: pyplot is never imported, so no window ever opens and no global backend is changed, which is
what headless machines (CI, ``make chapter-11``) need.
"""
import os
import warnings
from itertools import cycle

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .fileio import atomic_write
from .optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

DEFAULT_FIGSIZE = (3.5, 2.5)  # d2l's set_figsize() default, in inches


def new_axes(figsize=DEFAULT_FIGSIZE, projection=None):
    """A fresh figure with one set of axes, not registered with pyplot (so nothing can pop up)."""
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    return figure.add_subplot(1, 1, 1, projection=projection)


def new_axes_grid(nrows, ncols, figsize):
    """A fresh figure with an ``nrows`` x ``ncols`` grid of axes (flat list, row by row)."""
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(nrows, ncols, squeeze=False)
    return [ax for row in axes for ax in row]


def _to_numpy(values):
    """Tensor (anything with ``.numpy()``), ndarray, list or scalar -> 1-D float ndarray."""
    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    return np.asarray(values, dtype=float).reshape(-1)


def _is_one_series(values):
    """True for a single 1-D series, False for a list of series (d2l's ``has_one_axis``)."""
    if hasattr(values, "ndim"):
        return values.ndim == 1
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"plot: expected a Tensor, an array or a list of values, got {type(values).__name__}")
    if len(values) == 0:
        return True
    first = values[0]
    return getattr(first, "ndim", None) == 0 or not hasattr(first, "__len__")


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
         yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=DEFAULT_FIGSIZE, axes=None):
    """Plot one or several series the way d2l's ``plot`` does, and return the axes drawn on.

    ``X`` and ``Y`` are each one series or a list of series (Tensors, arrays or lists). With ``Y``
    omitted, ``X`` holds the y-values and the x-values are 0, 1, 2, ... A single x-series is shared
    by all y-series. Without ``axes`` a new figure of ``figsize`` inches is made.
    """
    if Y is None:
        X, Y = None, X
    Y = [Y] if _is_one_series(Y) else list(Y)
    if X is None:
        X = [None] * len(Y)
    elif _is_one_series(X):
        X = [X] * len(Y)
    else:
        X = list(X)
    if len(X) == 1 and len(Y) > 1:
        X = X * len(Y)
    if len(X) != len(Y):
        raise ValueError(f"plot: got {len(X)} x-series for {len(Y)} y-series; give one x-series "
                         f"for all of them or one per y-series")
    if axes is None:
        axes = new_axes(figsize)
    for x, y, fmt in zip(X, Y, cycle(fmts)):
        y = _to_numpy(y)
        x = np.arange(len(y)) if x is None else _to_numpy(x)
        if len(x) != len(y):
            raise ValueError(f"plot: an x-series has {len(x)} points but its y-series has {len(y)}")
        axes.plot(x, y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


def set_axes(axes, xlabel=None, ylabel=None, xlim=None, ylim=None, xscale="linear", yscale="linear",
             legend=None):
    """Labels, limits, scales, legend and grid of one set of axes (d2l's ``set_axes``)."""
    if xlabel is not None:
        axes.set_xlabel(xlabel)
    if ylabel is not None:
        axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid(True)


def annotate(axes, text, xy, xytext):
    """An arrow from ``xytext`` to the point ``xy`` with a label, as d2l's ``annotate``."""
    axes.annotate(text, xy=xy, xytext=xytext, arrowprops=dict(arrowstyle="->"))


def save_figure(figure, path, title=None, dpi=100):
    """Write ``figure`` (a Figure or any of its Axes) to ``path`` as PNG, atomically.

    ``title`` becomes the figure's suptitle and the PNG's ``Title`` text chunk, so that tools (the
    chapter report) can read it back. The image is written to a temporary file in the same folder,
    flushed to disk and renamed over ``path``: a reader never sees half an image.
    """
    if not hasattr(figure, "savefig"):
        owner = getattr(figure, "figure", None)
        if owner is None or not hasattr(owner, "savefig"):
            raise TypeError(f"save_figure: expected a matplotlib Figure or Axes, got {type(figure).__name__}")
        figure = owner
    path = os.fspath(path)
    if not path.endswith(".png"):
        raise ValueError(f"save_figure: path must end in .png, got {path!r}")
    if title:
        figure.suptitle(title)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with atomic_write(path) as stream:
        figure.savefig(stream, format="png", dpi=dpi, bbox_inches="tight",
                       metadata={"Title": title} if title else None)
    return path


def plot_schedules(schedules, steps, path, title=None, figsize=(6, 3.5)):
    """Plot several learning-rate schedules over `steps` steps in one PNG at `path`, with a legend.

    `schedules` maps a legend name to a scheduler or to a function t -> lr. A scheduler is stepped `steps - 1`
    times (its optimizer's lrs change as in training) and every parameter group is drawn, as "name[i]" when there
    are several; a function is called at t = 0, ..., steps - 1. Returns {name: [lr at each step]}."""
    if not schedules:
        raise ValueError("plot_schedules: schedules is empty; give at least one {name: scheduler or function}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"plot_schedules: invalid steps: {steps!r} (must be an int >= 1)")
    curves = {}
    for name, schedule in schedules.items():
        if isinstance(schedule, ReduceLROnPlateau):
            raise TypeError(f"plot_schedules: schedule {name!r} is a ReduceLROnPlateau, whose lrs depend on a "
                            "metric; record them while training and pass a function instead")
        if isinstance(schedule, LRScheduler):
            per_step = []
            with warnings.catch_warnings():   # drawing a schedule steps no optimizer, on purpose
                warnings.filterwarnings("ignore", message=r"scheduler\.step\(\) was called before")
                for t in range(steps):
                    if t > 0:
                        schedule.step()
                    per_step.append(schedule.get_last_lr())
            groups = len(per_step[0])
            for i in range(groups):
                curves[name if groups == 1 else f"{name}[{i}]"] = [float(lrs[i]) for lrs in per_step]
        elif callable(schedule):
            curves[name] = [float(schedule(t)) for t in range(steps)]
        else:
            raise TypeError(f"plot_schedules: schedule {name!r} is a {type(schedule).__name__}; give a scheduler "
                            "or a function t -> lr")
    axes = new_axes(figsize)
    for name, lrs in curves.items():
        axes.plot(range(steps), lrs, label=name)
    set_axes(axes, xlabel="step", ylabel="learning rate", legend=list(curves))
    save_figure(axes, path, title=title)
    return curves
