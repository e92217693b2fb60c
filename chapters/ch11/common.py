"""What several chapter-11 scripts share: the command line, figure saving, first and second derivatives by
autograd, and ``show_trace_2d``: the book's ``d2l.show_trace_2d`` (section 11.3, reused by 11.4 and 11.6-11.8)
saved as a figure with its trace.

Every script starts with ``settings = common.start(__file__)``. It reads

* ``--out DIR`` (or the environment variable ``MINIGRAD_OUT``; default ``out/ch11``): the chapter's
  output folder. A script writes its files into ``DIR/<script name>/``, e.g. ``out/ch11/sec03_gd/``.
* ``--quick`` (or ``QUICK=1``): quick mode, in which sections that train shrink epochs and data.
* ``--threads N`` (or ``MINIGRAD_NUM_THREADS``; default: the cores this process may use): ``mg.set_num_threads(N)``.
  The numbers do not depend on N (see ``minigrad.threads``); the parallel workers of 11.11 run with one each.
"""
import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad import d2l
from minigrad import plot as mgplot
from minigrad.fileio import write_atomically

DEFAULT_OUT = Path("out") / "ch11"
FIGURE_GLOB = "[0-9][0-9]_*.png"  # figures are numbered in the order a script saves them
TRACE_SUFFIX = ".trace.json"


@dataclass
class Settings:
    out_dir: Path  # this section's own folder, <chapter out>/<script name>
    quick: bool
    threads: int = 1  # minigrad's threads (mg.set_num_threads)


_settings = None
_figure_count = 0


def env_flag(name):
    """An on/off environment variable (QUICK, RESUME): unset, empty, 0, false, no and off mean off."""
    value = os.environ.get(name, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def parse_args(script_file, argv=None):
    """The settings for ``script_file`` from ``argv`` (default: the command line) and the environment."""
    name = Path(script_file).stem
    parser = argparse.ArgumentParser(prog=f"python -m chapters.ch11.{name}",
                                     description=f"Run d2l section {name} on minigrad and save its figures.")
    parser.add_argument("--out", default=os.environ.get("MINIGRAD_OUT") or str(DEFAULT_OUT),
                        help="chapter output folder; figures go to OUT/%s/ (env MINIGRAD_OUT; default %s)"
                             % (name, DEFAULT_OUT))
    parser.add_argument("--quick", action="store_true", default=env_flag("QUICK"),
                        help="quick mode: fewer epochs and less data where the section trains (env QUICK=1)")
    parser.add_argument("--threads", type=int, default=None,
                        help="minigrad's threads, mg.set_num_threads (env MINIGRAD_NUM_THREADS; default: the cores "
                             "this process may use); the numbers are the same for every count")
    args = parser.parse_args(argv)
    threads = args.threads if args.threads is not None else default_threads(parser)
    if threads < 1:
        parser.error(f"--threads must be at least 1, got {threads}")
    return Settings(out_dir=Path(args.out) / name, quick=args.quick, threads=threads)


def default_threads(parser):
    """MINIGRAD_NUM_THREADS when set, else the number of cores this process may run on."""
    value = os.environ.get("MINIGRAD_NUM_THREADS", "").strip()
    if not value:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        return int(value)
    except ValueError:
        parser.error(f"MINIGRAD_NUM_THREADS must be a whole number of threads, got {value!r}")


def start(script_file, argv=None):
    """Parse the settings, make this section's output folder and clear the figures of earlier runs."""
    global _settings, _figure_count
    settings = parse_args(script_file, argv)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    mg.set_num_threads(settings.threads)
    mg.nn.keep_freed_memory()  # a script is a whole program: its large temporaries reuse memory, without page faults
    for stale in [*settings.out_dir.glob(FIGURE_GLOB), *settings.out_dir.glob("*" + TRACE_SUFFIX)]:
        stale.unlink()
    _settings, _figure_count = settings, 0
    return settings


def current_settings():
    """The settings of the running script, or None before ``start()``."""
    return _settings


def _out_dir():
    if _settings is None:
        raise RuntimeError("call common.start(__file__) at the top of the script before saving figures")
    return _settings.out_dir


def save_figure(figure, name, title):
    """Save a figure (or axes) as ``NN_<name>.png`` in the section's folder; NN counts up from 01."""
    global _figure_count
    folder = _out_dir()
    _figure_count += 1
    return mgplot.save_figure(figure, folder / f"{_figure_count:02d}_{name}.png", title=title)


def save_trace(name, results):
    """Write the points of an optimization trace next to its figure, as ``<name>.trace.json``.

    The tests read these files to check every iterate against an independent computation.
    """
    points = np.asarray(results, dtype=float).tolist()
    write_atomically(_out_dir() / f"{name}{TRACE_SUFFIX}", json.dumps(points) + "\n")


def gradient(f):
    """The gradient of a scalar function ``f`` of scalars, taken by minigrad's autograd in float64.

    ``f`` is written with minigrad operations; ``gradient(f)(x1, x2, ...)`` returns the partial
    derivatives at that point as Python floats (one float for a function of one variable).
    """
    def f_grad(*point):
        inputs = [mg.tensor(float(value), dtype=np.float64, requires_grad=True) for value in point]
        partials = mg.grad(f(*inputs), inputs)
        values = tuple(partial.item() for partial in partials)
        return values[0] if len(values) == 1 else values

    f_grad.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return f_grad


def second_derivative(f):
    """f'' of a scalar function of one scalar, by autograd in float64 (Newton's method's 1-D Hessian).

    The first ``grad`` keeps its own graph (``create_graph=True``), so f'(x) can be differentiated again.
    """
    def f_hess(x):
        x = mg.tensor(float(x), dtype=np.float64, requires_grad=True)
        (slope,) = mg.grad(f(x), x, create_graph=True)
        (curvature,) = mg.grad(slope, x)
        return curvature.item()

    f_hess.__name__ = f"hess_{getattr(f, '__name__', 'f')}"
    return f_hess


def show_trace_2d(f, results, name, title):
    """``d2l.show_trace_2d`` on a figure of its own, saved with the points of the trace beside it."""
    axes = mgplot.new_axes()
    d2l.show_trace_2d(f, results, axes=axes)
    save_trace(name, results)
    return save_figure(axes, name, title)
