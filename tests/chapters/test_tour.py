"""The guided tour in quick mode: every script runs (each stops at the first claim that disagrees with its independent
computation), prints its checked claims and saves its figures; the runner writes the report.

The scripts run once each, in this process (``runpy``, as ``python -m`` does), so that numpy, matplotlib and torch
are imported once; ``test_tour_report`` runs the runner as a user would, on one script."""
import contextlib
import io
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from chapters.tour import common

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.stem for p in (REPO_ROOT / "chapters" / "tour").glob("part[0-9]_*.py"))
CLAIM = re.compile(r"^\s*(.+?): (.+?)   \[(.+?): (equal|.+?, max difference .+)\]$")


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """Each part run once, in quick mode, into one temporary folder: {name: what it printed}, and the folder."""
    out_dir = tmp_path_factory.mktemp("tour")
    printed = {}
    saved_argv = sys.argv
    try:
        for name in SCRIPTS:
            sys.argv = [name, "--out", str(out_dir), "--quick"]
            with contextlib.redirect_stdout(io.StringIO()) as stream:
                runpy.run_module(f"chapters.tour.{name}", run_name="__main__")
            printed[name] = stream.getvalue()
    finally:
        sys.argv = saved_argv
    return printed, out_dir


def test_there_are_six_parts():
    assert [name.split("_")[0] for name in SCRIPTS] == [f"part{k}" for k in range(1, 7)]


@pytest.mark.parametrize("name", SCRIPTS)
def test_part_runs_and_every_claim_is_checked(name, tour):
    printed, out_dir = tour
    claims = [line for line in printed[name].splitlines() if CLAIM.match(line)]
    assert len(claims) >= 5, printed[name]
    figures = sorted((out_dir / name).glob("[0-9][0-9]_*.png"))
    assert figures, f"{name} saved no figure"
    for figure in figures:
        with Image.open(figure) as image:
            assert image.format == "PNG" and min(image.size) > 50
    if torch_installed():
        assert "[torch" in printed[name], f"{name} never compared with PyTorch"


def test_the_walk_films_backward_and_sums_three_contributions(tour):
    printed, out_dir = tour
    assert "x: 1 (from add#2, input 1) + 3 (from mul#1, input 0) + 3 (from mul#1, input 1) = 7" in printed["part2_walk"]
    with Image.open(out_dir / "part2_walk" / "backward_x_x_plus_x.gif") as gif:
        assert gif.n_frames == 4       # before backward, then the add, the mul, the leaf x
    assert len(list((out_dir / "part2_walk" / "backward_x_x_plus_x").glob("frame_*.png"))) == 4


def test_newton_matches_the_books_printed_iterates(tour):
    printed, _ = tour
    assert "here 26.8341 and 7.2699" in printed["part4_higher_order"]   # the book: tensor(26.8341), tensor(7.2699)


def test_a_claim_that_disagrees_stops_the_script(capsys):
    common.check("agrees", 1.0, 1.0 + 1e-12, "closed form")
    assert "agrees: 1   [closed form: 1, max difference 1.0e-12]" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="minigrad gives"):
        common.check("disagrees", [1.0, 2.0], [1.0, 2.1], "closed form")
    with pytest.raises(AssertionError):
        common.check("wrong shape", np.zeros(3), np.zeros(2), "closed form")


def test_tour_report(tmp_path):
    """``python -m chapters.tour.run_all`` on a reduced tour (one script), as ``make tour`` runs it."""
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("MINIGRAD_OUT", None)
    completed = subprocess.run([sys.executable, "-c", "import sys; from chapters.tour.run_all import main; "
                                "sys.exit(main(['--out', sys.argv[1], '--quick'], pattern='part3_*.py'))",
                                str(tmp_path)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = (tmp_path / "report.md").read_text()
    assert report.startswith("# A guided tour of minigrad's engine")
    assert "Mode: quick. 1 scripts, 1 ok, 0 failed" in report
    assert "Tour 3: broadcasting and its gradient" in report
    assert "d loss / d a:" in report and "![" in report and "part3_broadcasting/01_graph_broadcast_add.png" in report


def torch_installed():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True
