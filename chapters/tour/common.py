"""What the tour scripts and section 2.5 share: the command line, numbered figures, and ``check``, which prints a
claim only after comparing it with an independent computation.

Every script starts with ``settings = common.start(__file__, "tour")`` (or ``"ch02"``). It reads ``--out DIR``
(or ``MINIGRAD_OUT``; default ``out/<chapter>``) and ``--quick`` (or ``QUICK=1``), and writes its files into
``DIR/<script name>/``: figures as ``NN_<name>.png`` (numbered in the order they are saved, which is how the report
finds them) and backward films as ``<name>/frame_NN.png`` plus ``<name>.gif``.
"""
import argparse
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad.viz import draw_trace

FIGURE_GLOB = "[0-9][0-9]_*.png"


@dataclass
class Settings:
    out_dir: Path
    quick: bool


_state = {"settings": None, "figures": 0}


def _env_flag(name):
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def start(script_file, chapter, argv=None):
    """Parse the command line, make ``<out>/<script>/`` and clear the figures and films of an earlier run."""
    name = Path(script_file).stem
    parser = argparse.ArgumentParser(prog=f"python -m chapters.{chapter}.{name}")
    parser.add_argument("--out", default=os.environ.get("MINIGRAD_OUT") or str(Path("out") / chapter),
                        help=f"output folder; files go to OUT/{name}/ (env MINIGRAD_OUT; default out/{chapter})")
    parser.add_argument("--quick", action="store_true", default=_env_flag("QUICK"),
                        help="quick mode: smaller examples (env QUICK=1)")
    args = parser.parse_args(argv)
    settings = Settings(Path(args.out) / name, args.quick)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*settings.out_dir.glob(FIGURE_GLOB), *settings.out_dir.glob("*.gif")]:
        stale.unlink()
    for folder in settings.out_dir.iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    _state.update(settings=settings, figures=0)
    return settings


def figure_path(name):
    """The next numbered figure file of this script: ``<out>/<script>/NN_<name>.png``."""
    if _state["settings"] is None:
        raise RuntimeError("call common.start(__file__, chapter) at the top of the script first")
    _state["figures"] += 1
    return _state["settings"].out_dir / f"{_state['figures']:02d}_{name}.png"


def draw(output, name, **options):
    """``minigrad.draw_graph`` of ``output`` into the next numbered figure; returns its path."""
    path = figure_path(name)
    mg.draw_graph(output, path, **options)
    return path


def film(walk, name):
    """The backward film of a trace: ``<name>/frame_NN.png`` and ``<name>.gif`` in the script's folder."""
    folder = _state["settings"].out_dir.resolve()
    return draw_trace(walk, folder / name, gif=folder / f"{name}.gif")


def check(claim, value, reference, how, rtol=1e-6, atol=1e-9):
    """Print ``claim: value`` and what it was checked against; stop the script if they disagree.

    ``how`` names the independent computation (``"central differences"``, ``"closed form 2x + 1"``, ``"torch"``)."""
    mine, theirs = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    if mine.shape != theirs.shape or not np.allclose(mine, theirs, rtol=rtol, atol=atol, equal_nan=False):
        raise AssertionError(f"{claim}: minigrad gives {mine.tolist()} but {how} gives {theirs.tolist()}")
    difference = float(np.max(np.abs(mine - theirs))) if mine.size else 0.0
    agreement = "equal" if difference == 0 else f"{_short(theirs)}, max difference {difference:.1e}"
    print(f"{claim}: {_short(mine)}   [{how}: {agreement}]")


def _short(array):
    if array.size == 1:
        return f"{array.item():.6g}"
    if array.size <= 8:
        return "[" + ", ".join(f"{v:.6g}" for v in array.reshape(-1)) + "]"
    return f"{array.shape} array, norm {np.linalg.norm(array):.6g}"


def torch_or_none():
    """PyTorch when it is installed (a third, independent check), else None."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def central_difference(f, x, h=1e-6):
    """d f / d x of a numpy function of a float64 array, entry by entry: (f(x + h e) - f(x - h e)) / 2h."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
