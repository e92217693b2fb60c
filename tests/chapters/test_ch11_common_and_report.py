"""chapters/ch11/common.py (settings, autograd gradients) and the report runner run_all.py.

d2l.train_2d is tested in tests/test_d2l.py."""
import json
import math
import re
import sys
from pathlib import Path

import pytest

import minigrad as mg
from chapters.ch11 import common, run_all
from minigrad.plot import new_axes

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("MINIGRAD_OUT", raising=False)
    monkeypatch.delenv("QUICK", raising=False)
    monkeypatch.delenv("MINIGRAD_NUM_THREADS", raising=False)
    return monkeypatch


def test_settings_default_to_out_ch11_and_full_mode(clean_env):
    settings = common.parse_args("chapters/ch11/sec03_gd.py", [])
    assert settings.out_dir == Path("out/ch11/sec03_gd") and settings.quick is False


@pytest.mark.parametrize("value, quick", [("1", True), ("yes", True), ("0", False), ("", False), ("false", False)])
def test_quick_mode_from_the_environment(clean_env, value, quick):
    clean_env.setenv("QUICK", value)
    assert common.parse_args("sec04_sgd.py", []).quick is quick


def test_out_folder_from_environment_and_flag_the_flag_wins(clean_env, tmp_path):
    clean_env.setenv("MINIGRAD_OUT", str(tmp_path / "env"))
    assert common.parse_args("sec04_sgd.py", []).out_dir == tmp_path / "env" / "sec04_sgd"
    settings = common.parse_args("sec04_sgd.py", ["--out", str(tmp_path / "flag"), "--quick"])
    assert settings.out_dir == tmp_path / "flag" / "sec04_sgd" and settings.quick


def test_threads_default_to_the_usable_cores_the_environment_and_then_the_flag_win(clean_env):
    import os
    assert common.parse_args("sec04_sgd.py", []).threads == len(os.sched_getaffinity(0))
    clean_env.setenv("MINIGRAD_NUM_THREADS", "3")
    assert common.parse_args("sec04_sgd.py", []).threads == 3
    assert common.parse_args("sec04_sgd.py", ["--threads", "1"]).threads == 1


@pytest.mark.parametrize("env, argv, message", [("two", [], "MINIGRAD_NUM_THREADS must be a whole number of threads, "
                                                              "got 'two'"),
                                                ("", ["--threads", "0"], "--threads must be at least 1, got 0")])
def test_bad_thread_counts_are_refused_by_name(clean_env, capsys, env, argv, message):
    clean_env.setenv("MINIGRAD_NUM_THREADS", env)
    with pytest.raises(SystemExit):
        common.parse_args("sec04_sgd.py", argv)
    assert message in capsys.readouterr().err


def test_unknown_flags_are_refused(clean_env, capsys):
    with pytest.raises(SystemExit):
        common.parse_args("sec04_sgd.py", ["--epochs", "3"])
    assert "unrecognized arguments: --epochs 3" in capsys.readouterr().err


def test_start_clears_figures_of_earlier_runs_and_numbers_new_ones(clean_env, tmp_path):
    section = tmp_path / "sec99_demo"
    section.mkdir()
    (section / "07_old.png").write_bytes(b"stale")
    (section / "old.trace.json").write_text("[]")
    (section / "notes.txt").write_text("kept")
    common.start("sec99_demo.py", ["--out", str(tmp_path)])
    assert sorted(p.name for p in section.iterdir()) == ["notes.txt"]
    first = common.save_figure(new_axes(), "first", "First")
    second = common.save_figure(new_axes(), "second", "Second")
    common.save_trace("first", [(1.0, 2.0), (3.0, 4.0)])
    assert Path(first).name == "01_first.png" and Path(second).name == "02_second.png"
    assert json.loads((section / "first.trace.json").read_text()) == [[1.0, 2.0], [3.0, 4.0]]


def test_gradient_is_autograd_in_float64():
    f_grad = common.gradient(lambda x1, x2: x1 ** 2 + 2 * x2 ** 2 + x1 * mg.sin(x2))
    g1, g2 = f_grad(0.3, -1.7)
    assert g1 == pytest.approx(2 * 0.3 + math.sin(-1.7), abs=1e-15)
    assert g2 == pytest.approx(4 * -1.7 + 0.3 * math.cos(-1.7), abs=1e-15)
    assert common.gradient(mg.tanh)(4.0) == pytest.approx(1 - math.tanh(4.0) ** 2, rel=1e-12)
    # 1e-9 would vanish in float32 next to 1.0: the gradient of (x - 1)^2 at 1 + 1e-9 is 2e-9 only in float64.
    assert common.gradient(lambda x: (x - 1) ** 2)(1 + 1e-9) == pytest.approx(2e-9, rel=1e-6)


def test_second_derivative_is_autograd_of_autograd():
    c = 0.15 * math.pi
    f_hess = common.second_derivative(lambda x: x * mg.cos(c * x))
    for x in (-7.5, 0.0, 2.25, 10.0):
        exact = -2 * c * math.sin(c * x) - x * c ** 2 * math.cos(c * x)
        assert f_hess(x) == pytest.approx(exact, rel=1e-12, abs=1e-15)
    assert common.second_derivative(lambda x: mg.cosh(0.5 * x))(10.0) == pytest.approx(0.25 * math.cosh(5.0), rel=1e-12)


def test_discovery_reads_titles_and_data_needs_without_running_anything(tmp_path):
    (tmp_path / "sec02_b.py").write_text('"""11.2 Second\n\nmore"""\nraise SystemExit("ran")\n')
    (tmp_path / "sec01_a.py").write_text('"""11.1 First"""\nDATA_SETS = ("airfoil",)\n')
    (tmp_path / "extra_z.py").write_text("x = 1\n")
    (tmp_path / "common.py").write_text('"""not a section"""\n')
    scripts = run_all.discover(tmp_path)
    assert [(s.name, s.title, s.data_sets) for s in scripts] == [
        ("sec01_a", "11.1 First", ("airfoil",)), ("sec02_b", "11.2 Second", ()), ("extra_z", "extra_z", ())]


def test_the_chapter_scripts_are_discovered_in_section_order():
    names = [s.name for s in run_all.discover()]
    assert names[:4] == ["sec01_optimization_intro", "sec02_convexity", "sec03_gd", "sec04_sgd"]


def test_fence_survives_backticks():
    block = run_all.fence("a ``` b")
    assert block.startswith("````text\n") and block.endswith("\n````")


def test_report_lists_ok_and_failed_sections_and_the_run_exits_non_zero(tmp_path, monkeypatch, capsys):
    """A failing script and a script whose data cannot be fetched are reported; the others still run."""
    scripts = [
        run_all.Script("sec99_missing", "11.99 Missing", ()),
        run_all.Script("sec02_convexity", "11.2 Convexity", ()),
        run_all.Script("sec98_needs_data", "11.98 Needs data", ("airfoil",)),
    ]
    monkeypatch.setattr(run_all, "discover", lambda: scripts)
    monkeypatch.setattr(run_all, "DATA_FETCH", [sys.executable, "-c", "import sys; sys.exit('no airfoil here')"])
    status = run_all.main(["--out", str(tmp_path), "--quick"])
    assert status == 1
    report = (tmp_path / "report.md").read_text()
    assert "| 11.99 Missing | `sec99_missing.py` | FAILED |" in report
    assert "No module named chapters.ch11.sec99_missing" in report
    assert "| 11.2 Convexity | `sec02_convexity.py` | ok |" in report
    assert "| 11.98 Needs data | `sec98_needs_data.py` | FAILED |" in report
    assert "data airfoil unavailable" in report and "no airfoil here" in report
    assert "Mode: quick." in report and "1 ok, 2 failed" in report
    assert "failed: sec99_missing, sec98_needs_data" in capsys.readouterr().err


def test_report_has_printed_lines_figures_times_and_versions(tmp_path):
    status = run_all.main(["--out", str(tmp_path), "--only", "sec03_gd"])
    assert status == 0
    report = (tmp_path / "report.md").read_text()
    assert "## 11.3 Gradient Descent" in report
    assert "```text\nepoch 10, x: 0.060466\nepoch 10, x: 3.486784\n" in report
    assert re.search(r"`chapters/ch11/sec03_gd\.py`: ok; wall time \d+\.\d s\.", report)
    links = re.findall(r"!\[([^\]]+)\]\(([^)]+)\)", report)
    assert len(links) == 8 and links[0] == ("Gradient descent on x^2, learning rate 0.2", "sec03_gd/01_gd_x2_lr0.2.png")
    assert all((tmp_path / path).is_file() for _, path in links)
    assert "Command: `python -m chapters.ch11.run_all --out" in report
    for name in ("Python", "numpy", "matplotlib"):
        assert re.search(rf"- {name}: \d+\.\d+", report)
    assert f"- minigrad: {mg.__version__}" in report


def test_unknown_only_name_is_refused_with_the_known_names(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_all.main(["--out", str(tmp_path), "--only", "sec77_nope"])
    assert "no script named sec77_nope" in capsys.readouterr().err
