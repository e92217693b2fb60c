"""minigrad.plot: d2l-style series handling, labels, and atomic, headless PNG writing."""
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import minigrad as mg
from minigrad import plot as mgplot


def lines_of(axes):
    return [(line.get_xdata().tolist(), line.get_ydata().tolist()) for line in axes.get_lines()]


def test_one_series_with_x_values():
    axes = mgplot.plot([0.0, 1.0, 2.0], [3.0, 4.0, 5.0], "x", "f(x)")
    assert lines_of(axes) == [([0.0, 1.0, 2.0], [3.0, 4.0, 5.0])]
    assert axes.get_xlabel() == "x" and axes.get_ylabel() == "f(x)"


def test_y_only_plots_against_the_index():
    axes = mgplot.plot([5.0, 7.0, 9.0])
    assert lines_of(axes) == [([0.0, 1.0, 2.0], [5.0, 7.0, 9.0])]


def test_one_x_series_is_shared_by_several_y_series_with_the_default_formats():
    x = mg.arange(0.0, 3.0, 1.0, dtype=np.float64)
    axes = mgplot.plot(x, [x * 2, x * 3], legend=["double", "triple"])
    assert lines_of(axes) == [([0.0, 1.0, 2.0], [0.0, 2.0, 4.0]), ([0.0, 1.0, 2.0], [0.0, 3.0, 6.0])]
    first, second = axes.get_lines()
    assert first.get_linestyle() == "-" and second.get_linestyle() == "--" and second.get_color() == "m"
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["double", "triple"]


def test_a_list_of_x_series_pairs_with_the_y_series_and_fmts_apply_in_order():
    axes = mgplot.plot([[0.0, 1.0], [5.0, 6.0, 7.0]], [[1.0, 2.0], [3.0, 4.0, 5.0]], fmts=["-", "-o"])
    assert lines_of(axes) == [([0.0, 1.0], [1.0, 2.0]), ([5.0, 6.0, 7.0], [3.0, 4.0, 5.0])]
    assert axes.get_lines()[1].get_marker() == "o"


def test_limits_and_scales():
    axes = mgplot.plot([1.0, 10.0], [1.0, 100.0], xlim=(1, 10), ylim=(1, 100), yscale="log")
    assert axes.get_xlim() == (1.0, 10.0) and axes.get_ylim() == (1.0, 100.0)
    assert axes.get_yscale() == "log" and axes.get_xscale() == "linear"


def test_drawing_on_given_axes_adds_to_them():
    axes = mgplot.new_axes()
    returned = mgplot.plot([1.0, 2.0], axes=axes)
    mgplot.plot([3.0, 4.0], axes=axes)
    assert returned is axes and len(axes.get_lines()) == 2


def test_mismatched_series_are_refused_with_the_counts():
    with pytest.raises(ValueError, match="2 x-series for 3 y-series"):
        mgplot.plot([[0.0], [1.0]], [[0.0], [1.0], [2.0]])
    with pytest.raises(ValueError, match="3 points but its y-series has 2"):
        mgplot.plot([0.0, 1.0, 2.0], [0.0, 1.0])
    with pytest.raises(TypeError, match="got str"):
        mgplot.plot("abc")


def test_save_figure_writes_a_png_with_its_title_and_leaves_no_temporary_file(tmp_path):
    axes = mgplot.plot([0.0, 1.0], [1.0, 0.0])
    path = mgplot.save_figure(axes, tmp_path / "line.png", title="A falling line")
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100
        assert image.text["Title"] == "A falling line"
    assert axes.figure._suptitle.get_text() == "A falling line"
    assert sorted(os.listdir(tmp_path)) == ["line.png"]


def test_save_figure_replaces_an_existing_file(tmp_path):
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    mgplot.save_figure(mgplot.plot([0.0, 1.0]), target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_save_figure_failure_keeps_the_old_file_and_cleans_up(tmp_path):
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    figure = mgplot.new_axes().figure

    def broken_savefig(*args, **kwargs):
        raise RuntimeError("disk full")

    figure.savefig = broken_savefig
    with pytest.raises(RuntimeError, match="disk full"):
        mgplot.save_figure(figure, target)
    assert target.read_bytes() == b"old" and sorted(os.listdir(tmp_path)) == ["fig.png"]


def test_save_figure_refuses_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="must end in .png"):
        mgplot.save_figure(mgplot.new_axes(), tmp_path / "fig.svg")
    with pytest.raises(TypeError, match="Figure or Axes, got int"):
        mgplot.save_figure(3, tmp_path / "fig.png")


def test_importing_and_plotting_never_loads_pyplot(tmp_path):
    code = ("import sys; from minigrad import plot; "
            "plot.save_figure(plot.plot([1.0, 2.0]), sys.argv[1]); "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'")
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "f.png")], check=True, env=env,
                   cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
