"""plot_schedules: any set of schedules over N steps in one PNG with a legend."""
import math
import os

import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.optim import lr_scheduler
from minigrad.plot import plot_schedules


def sgd(lrs=(0.1,)):
    return optim.SGD([{"params": [minigrad.Tensor(np.zeros(1))], "lr": lr} for lr in lrs])


def test_plot_schedules_writes_a_png_with_every_curve(tmp_path):
    path = tmp_path / "schedules.png"
    curves = plot_schedules({
        "cosine": lr_scheduler.CosineAnnealingLR(sgd(), T_max=50),
        "step": lr_scheduler.StepLR(sgd((0.1, 0.05)), step_size=10, gamma=0.5),
        "inverse time": lambda t: 0.1 / (1 + 0.1 * t),
    }, steps=50, path=path, title="Three schedules")
    assert sorted(curves) == ["cosine", "inverse time", "step[0]", "step[1]"]
    assert all(len(lrs) == 50 for lrs in curves.values())
    assert curves["cosine"][0] == 0.1 and curves["cosine"][25] == pytest.approx(0.05, rel=1e-12)
    assert curves["step[1]"][10] == pytest.approx(0.025, rel=1e-12)
    assert curves["inverse time"][10] == pytest.approx(0.05, rel=1e-12)
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"Three schedules" in png      # the title is in the PNG's text
    assert os.listdir(tmp_path) == ["schedules.png"]          # written atomically: no temporary file left


def test_plot_schedules_legend_and_lines(tmp_path, monkeypatch):
    """The figure has one line per curve and a legend naming each."""
    from matplotlib.figure import Figure
    seen = {}
    real_savefig = Figure.savefig

    def spy(self, *args, **kwargs):
        axes = self.axes[0]
        seen["lines"] = [line.get_label() for line in axes.get_lines()]
        seen["legend"] = [text.get_text() for text in axes.get_legend().get_texts()]
        return real_savefig(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    plot_schedules({"a": lambda t: 1.0, "b": lambda t: math.exp(-t)}, 5, tmp_path / "x.png")
    assert seen["lines"] == seen["legend"] == ["a", "b"]


def test_plot_schedules_bad_input(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        plot_schedules({}, 10, tmp_path / "x.png")
    with pytest.raises(ValueError, match="steps.*0"):
        plot_schedules({"a": lambda t: 1.0}, 0, tmp_path / "x.png")
    with pytest.raises(TypeError, match="'a'.*float"):
        plot_schedules({"a": 0.1}, 10, tmp_path / "x.png")
    with pytest.raises(TypeError, match="ReduceLROnPlateau"):
        plot_schedules({"a": lr_scheduler.ReduceLROnPlateau(sgd())}, 10, tmp_path / "x.png")
    assert os.listdir(tmp_path) == []
