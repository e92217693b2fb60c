"""run_all with --jobs: scripts run side by side, their lines still come in section order, as they are printed."""
import os
import re
import time

import pytest

from chapters.ch11 import run_all


def fake_scripts(monkeypatch, delays):
    """Scripts whose 'run' prints two lines, the first script slowest; records when each line was handed on."""
    scripts = [run_all.Script(f"sec{90 + i}_fake", f"11.{90 + i} Fake", ()) for i in range(len(delays))]
    started = {}

    def fake_run_script(script, out_dir, quick, env, timeout, on_line=print, pass_fds=()):
        started[script.name] = time.perf_counter()
        index = scripts.index(script)
        on_line(f"{script.name} first")
        time.sleep(delays[index])
        on_line(f"{script.name} second")
        return run_all.Outcome(script, True, delays[index], f"{script.name} first\n{script.name} second\n", "")

    monkeypatch.setattr(run_all, "run_script", fake_run_script)
    return scripts, started


def printed_lines(capsys):
    return [line.strip() for line in capsys.readouterr().out.splitlines()]


def test_two_jobs_overlap_but_print_in_section_order(monkeypatch, capsys, tmp_path):
    scripts, started = fake_scripts(monkeypatch, [0.6, 0.0, 0.0])
    outcomes = run_all.run_in_order(scripts, tmp_path, True, 2, 60)
    assert [o.script.name for o in outcomes] == [s.name for s in scripts]
    lines = [line for line in printed_lines(capsys) if "fake" in line and not line.startswith("->")]
    assert lines == ["11.90 Fake (sec90_fake.py) ...", "sec90_fake first", "sec90_fake second",
                     "11.91 Fake (sec91_fake.py) ...", "sec91_fake first", "sec91_fake second",
                     "11.92 Fake (sec92_fake.py) ...", "sec92_fake first", "sec92_fake second"]
    assert started["sec91_fake"] - started["sec90_fake"] < 0.5, "the second script did not wait for the first"


def test_a_script_that_reads_another_ones_results_starts_after_it_ends(monkeypatch, capsys, tmp_path):
    """beyond_warm_restarts reads 11.11's checkpoints (WAITS_FOR): with spare jobs it still waits for 11.11."""
    scripts, started = fake_scripts(monkeypatch, [0.4, 0.0, 0.0])
    monkeypatch.setattr(run_all, "WAITS_FOR", {"sec92_fake": "sec90_fake"})
    run_all.run_in_order(scripts, tmp_path, True, 3, 60)
    assert started["sec91_fake"] - started["sec90_fake"] < 0.3, "a script with no dependency waited"
    assert started["sec92_fake"] - started["sec90_fake"] >= 0.4, "the dependent script started too early"


def test_one_job_runs_one_script_at_a_time(monkeypatch, capsys, tmp_path):
    scripts, started = fake_scripts(monkeypatch, [0.3, 0.0])
    run_all.run_in_order(scripts, tmp_path, True, 1, 60)
    assert started["sec91_fake"] - started["sec90_fake"] >= 0.3


def test_with_two_jobs_11_11_trains_a_process_per_run(monkeypatch, tmp_path):
    """With --jobs 2, 11.11 gets JOBS=5 (see PARALLEL_RUNS), every other script JOBS=2; with --jobs 1 all get 1."""
    scripts = [run_all.Script(name, name, ()) for name in ("sec10_adam", "sec11_lr_scheduler")]
    given = {}

    def fake_run_script(script, out_dir, quick, env, timeout, on_line=print, pass_fds=()):
        given[jobs, script.name] = env["JOBS"]
        return run_all.Outcome(script, True, 0.0, "", "")

    monkeypatch.setattr(run_all, "run_script", fake_run_script)
    for jobs in (1, 2):
        run_all.run_in_order(scripts, tmp_path, True, jobs, 60)
    assert given == {(1, "sec10_adam"): "1", (1, "sec11_lr_scheduler"): "1",
                     (2, "sec10_adam"): "2", (2, "sec11_lr_scheduler"): "5"}


def test_lines_are_shown_as_they_are_printed(tmp_path, monkeypatch):
    """A real child: its first line reaches the caller while it is still running."""
    script = run_all.Script("sec99_slow", "11.99 Slow", ())
    seen = []
    monkeypatch.setattr(run_all, "REPO_ROOT", tmp_path)
    package = tmp_path / "chapters" / "ch11"
    package.mkdir(parents=True)
    (tmp_path / "chapters" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "sec99_slow.py").write_text("import time\nprint('early', flush=True)\ntime.sleep(1.5)\nprint('late')\n")
    env = run_all.child_environment(True)
    env["PYTHONPATH"] = str(tmp_path)
    started = time.perf_counter()
    outcome = run_all.run_script(script, tmp_path, True, env, 60, lambda line: seen.append(
        (line, time.perf_counter() - started)))
    assert outcome.ok and outcome.stdout == "early\nlate\n"
    assert [line for line, _ in seen] == ["early", "late"]
    assert seen[1][1] - seen[0][1] > 1.0, seen


def test_jobs_2_prints_the_lines_of_jobs_1(tmp_path, capsys):
    def run(jobs):
        assert run_all.main(["--out", str(tmp_path / str(jobs)), "--quick", "--jobs", str(jobs),
                             "--only", "sec01_optimization_intro", "sec02_convexity"]) == 0
        text = capsys.readouterr().out
        assert "\r" not in text, "no progress line when stdout is not a terminal"
        return [re.sub(r"\(\d+\.\d s,", "(", line) for line in text.splitlines() if not line.startswith("report:")]
    assert run(2) == run(1)


def test_jobs_must_be_positive(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        run_all.main(["--out", str(tmp_path), "--jobs", "0"])
    assert exit.value.code == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def _alive(pid):
    """Whether process ``pid`` still runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to see whether a process still runs")
def test_a_timeout_kills_the_scripts_workers_too(tmp_path, monkeypatch):
    """11.11 trains in worker processes of its own: a timeout must not leave them running."""
    script = run_all.Script("sec98_workers", "11.98 Workers", ())
    monkeypatch.setattr(run_all, "REPO_ROOT", tmp_path)
    package = tmp_path / "chapters" / "ch11"
    package.mkdir(parents=True)
    (tmp_path / "chapters" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    pid_file = tmp_path / "worker.pid"
    (package / "sec98_workers.py").write_text(
        "import subprocess, sys, time\n"
        "worker = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(worker.pid))\n"
        "print('started', flush=True)\n"
        "worker.wait()\n")
    env = run_all.child_environment(True)
    env["PYTHONPATH"] = str(tmp_path)
    outcome = run_all.run_script(script, tmp_path, True, env, 3, lambda line: None)
    assert not outcome.ok and outcome.error == "timed out after 3 s" and outcome.stdout == "started\n"
    worker = int(pid_file.read_text())
    deadline = time.perf_counter() + 5
    while _alive(worker) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not _alive(worker), "the script's worker process outlived the timeout"
    assert not run_all.RUNNING


def test_the_scripts_that_wait_are_real_and_sort_after_every_script_that_does_not():
    """A waiting script holds a --jobs slot: placed last, it never keeps another script from running beside 11.11."""
    names = [script.name for script in run_all.discover()]
    assert set(run_all.WAITS_FOR) | set(run_all.WAITS_FOR.values()) <= set(names)
    first_waiting = min(names.index(name) for name in run_all.WAITS_FOR)
    assert all(name in run_all.WAITS_FOR for name in names[first_waiting:])
