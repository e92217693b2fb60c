"""Run every chapter-11 script in order and write ``<out>/report.md`` (what ``make chapter-11`` calls).

    python -m chapters.ch11.run_all --out out/ch11 [--quick]

The scripts are ``chapters/ch11/secNN_*.py`` in section order, then ``extra_*.py``. Each runs in its
own process as ``python -m chapters.ch11.<name> --out <out> [--quick]`` and writes its figures into
``<out>/<name>/``. The report gives, per script, its title (the first line of its docstring), the
exact lines it printed, its figures and its wall time; at the end the command line and the versions.

Data: a script that needs a data set says so with a module-level ``DATA_SETS = ("airfoil", ...)``.
Before the first such script runs, ``python -m minigrad.data.fetch`` (what ``make data`` runs) locates
or downloads the data, once. If that fails, the scripts that need data are reported as failed with its
message and the others still run: a missing data set never blocks the sections that need none.

A script that fails is reported as failed, with its error; the rest still run, and the exit status
is 1 if anything failed.

Each script's lines are shown as it prints them, and on a terminal a live line below them shows the progress of
the training runs (run, epoch, images/s, time left); the report gets the clean text. ``--jobs N`` (or ``JOBS=N``)
runs up to N scripts at a time and, for N > 1, trains each of 11.11's five runs in a worker process of its own (see
``PARALLEL_RUNS``); the output and the report still come in section order, with the same lines as a serial run.
"""
import argparse
import ast
import contextlib
import os
import platform
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from chapters.ch11.common import env_flag
from minigrad.fileio import write_atomically
from minigrad.train import ProgressBoard

CHAPTER_DIR = Path(__file__).resolve().parent
REPO_ROOT = CHAPTER_DIR.parents[1]
DEFAULT_OUT = Path("out") / "ch11"
DATA_FETCH = [sys.executable, "-m", "minigrad.data.fetch"]
# Scripts whose independent training runs go to worker processes (their JOBS): with --jobs > 1 each run gets a
# process of its own. 11.11's five runs of ~5 CPU-minutes in two processes would leave one process training the
# last run alone while the other core idles (or waits for the next script); five processes, and the scripts
# running beside them, are shared out over the cores by the operating system until the last run ends. Each run
# trains with one BLAS thread whatever the process count, so the numbers are those of the serial run.
PARALLEL_RUNS = {"sec11_lr_scheduler": 5}
# Scripts that read another script's results start after it ends, so that they print the same lines under any
# --jobs: beyond_warm_restarts compares its runs with the per-epoch history in 11.11's checkpoints. It sorts last
# (a waiting script holds one of the --jobs slots), so every other script runs beside 11.11.
WAITS_FOR = {"beyond_warm_restarts": "sec11_lr_scheduler"}
RUNNING = set()     # the scripts' processes now running, each the leader of its own process group


@dataclass
class Script:
    name: str
    title: str
    data_sets: tuple


@dataclass
class Outcome:
    script: Script
    ok: bool
    seconds: float
    stdout: str
    stderr: str
    error: str = ""
    figures: list = field(default_factory=list)  # (path relative to the out folder, title)


def discover(chapter_dir=CHAPTER_DIR):
    """The scripts to run: ``secNN_*.py`` in section order, then ``extra_*.py`` and ``beyond_*.py`` by name."""
    paths = [path for pattern in ("sec[0-9][0-9]_*.py", "extra_*.py", "beyond_*.py")
             for path in sorted(chapter_dir.glob(pattern))]
    return [read_script(path) for path in paths]


def read_script(path):
    """Title and data needs of a script, read from its source without running it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstring = ast.get_docstring(tree) or ""
    title = docstring.strip().splitlines()[0] if docstring.strip() else path.stem
    data_sets = ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DATA_SETS" for t in node.targets):
            data_sets = tuple(ast.literal_eval(node.value))
    return Script(name=path.stem, title=title, data_sets=data_sets)


def child_environment(quick, jobs=1):
    """The environment for a script: headless matplotlib, QUICK matching the --quick flag, JOBS for 11.11."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1", JOBS=str(jobs))
    env.pop("QUICK", None)
    if quick:
        env["QUICK"] = "1"
    return env


def fetch_data(env):
    """Run ``python -m minigrad.data.fetch``; return an error message, or "" when the data is there."""
    completed = subprocess.run(DATA_FETCH, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if completed.returncode == 0:
        return ""
    output = (completed.stdout + completed.stderr).strip()
    return f"`{' '.join(DATA_FETCH[1:])}` failed (exit {completed.returncode}):\n{output}"


def figure_title(path):
    """The title a script stored in the PNG (``Title`` text chunk), or the file name without number."""
    try:
        from PIL import Image
        with Image.open(path) as image:
            title = image.text.get("Title", "")
    except Exception:  # an unreadable image still gets embedded; the reader will see it is broken
        title = ""
    return title or path.stem.split("_", 1)[-1]


def run_script(script, out_dir, quick, env, timeout, on_line=print, pass_fds=()):
    """Run one script, handing each line it prints to ``on_line`` as it comes; return its Outcome.

    The script runs in a process group of its own, and a timeout kills the whole group: 11.11's worker processes
    go with it instead of training on, unseen, after the report is written."""
    command = [sys.executable, "-m", f"chapters.ch11.{script.name}", "--out", str(out_dir)]
    if quick:
        command.append("--quick")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, pass_fds=pass_fds, start_new_session=True)
    RUNNING.add(process)
    stderr = []
    reader = threading.Thread(target=lambda: stderr.append(process.stderr.read()), daemon=True)
    reader.start()
    timed_out = threading.Event()
    watchdog = threading.Timer(timeout, kill_group, (process, timed_out))
    watchdog.start()
    stdout = []
    for line in process.stdout:
        stdout.append(line)
        on_line(line.rstrip("\n"))
    process.wait()
    watchdog.cancel()
    RUNNING.discard(process)
    reader.join()
    seconds = time.perf_counter() - started
    ok = process.returncode == 0 and not timed_out.is_set()
    stdout, stderr = "".join(stdout), "".join(stderr)
    if timed_out.is_set():
        error = f"timed out after {timeout:.0f} s"
    else:
        error = "" if ok else last_error_line(stderr) or f"exit status {process.returncode}"
    section_dir = out_dir / script.name
    figures = [(path.relative_to(out_dir).as_posix(), figure_title(path))
               for path in sorted(section_dir.glob("[0-9][0-9]_*.png"))] if section_dir.is_dir() else []
    return Outcome(script, ok, seconds, stdout, stderr, error, figures)


def kill_group(process, timed_out=None):
    """Kill ``process`` and every process it started (its process group); set ``timed_out`` if given."""
    if timed_out is not None:
        timed_out.set()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:      # the group is already gone
        pass


def last_error_line(stderr):
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def versions():
    """Python, numpy, matplotlib and minigrad versions (read in this process)."""
    found = {"Python": platform.python_version()}
    for module in ("numpy", "matplotlib", "minigrad"):
        try:
            imported = __import__(module)
            found[module] = getattr(imported, "__version__", None) or package_version(module)
        except Exception as error:  # the report should still be written when an import is broken
            found[module] = f"not importable ({type(error).__name__}: {error})"
    return found


def package_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return "unknown (not installed as a package)"


def fence(text):
    """A fenced block that survives backticks inside ``text``."""
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


def render_report(outcomes, command, quick, total_seconds):
    failed = [o for o in outcomes if not o.ok]
    lines = ["# Chapter 11: Optimization Algorithms, run on minigrad", ""]
    lines.append(f"Mode: {'quick' if quick else 'full'}. {len(outcomes)} scripts, "
                 f"{len(outcomes) - len(failed)} ok, {len(failed)} failed; "
                 f"total wall time {total_seconds:.1f} s.")
    lines += ["", "| section | script | status | wall time |", "| --- | --- | --- | --- |"]
    for o in outcomes:
        lines.append(f"| {o.script.title} | `{o.script.name}.py` | {'ok' if o.ok else 'FAILED'} | "
                     f"{o.seconds:.1f} s |")
    for o in outcomes:
        lines += ["", f"## {o.script.title}", ""]
        status = "ok" if o.ok else f"**FAILED**: {o.error}"
        lines.append(f"`chapters/ch11/{o.script.name}.py`: {status}; wall time {o.seconds:.1f} s.")
        lines += ["", "Printed:", "", fence(o.stdout) if o.stdout.strip() else "(nothing)"]
        if o.stderr.strip():
            lines += ["", "Error output:" if not o.ok else "Warnings (stderr):", "", fence(o.stderr)]
        for relative_path, title in o.figures:
            lines += ["", f"![{title}]({relative_path})"]
    lines += ["", "## How this report was made", ""]
    lines.append(f"Command: `{command}`")
    lines.append("")
    lines.append(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs.")
    lines.append("")
    lines += [f"- {name}: {version}" for name, version in versions().items()]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def killing_running_scripts_on_error(pool):
    """On Ctrl-C (or any error) start no more scripts and kill those still running, with their workers: in process
    groups of their own, they do not get the terminal's interrupt."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list(RUNNING):
            kill_group(process)
        raise


def run_in_order(scripts, out_dir, quick, jobs, timeout):
    """Run the scripts, up to ``jobs`` at a time, showing each one's lines in section order as they are printed.

    The data sets are located (or fetched) once, first, if any script needs them; when that fails, the scripts
    that need data are reported as failed with its message and the others still run."""
    board = ProgressBoard(stream=sys.stdout)
    env = board.child_env(child_environment(quick, jobs))
    data_error = fetch_data(env) if any(s.data_sets for s in scripts) else ""
    lines = {script.name: queue.Queue() for script in scripts}
    finished = {script.name: threading.Event() for script in scripts}

    def run(script):
        if WAITS_FOR.get(script.name) in finished:
            finished[WAITS_FOR[script.name]].wait()
        try:
            return run_now(script)
        finally:
            finished[script.name].set()

    def run_now(script):
        if script.data_sets and data_error:
            outcome = Outcome(script, False, 0.0, "", "", f"data {', '.join(script.data_sets)} unavailable: "
                                                          f"{data_error}")
        else:
            own_env = dict(env, JOBS=str(PARALLEL_RUNS.get(script.name, jobs) if jobs > 1 else 1))
            outcome = run_script(script, out_dir, quick, own_env, timeout, lines[script.name].put,
                                 (board.fd_for_child,))
        lines[script.name].put(None)
        return outcome

    outcomes = []
    with ThreadPoolExecutor(max_workers=jobs) as pool, killing_running_scripts_on_error(pool):
        futures = [pool.submit(run, script) for script in scripts]
        for script, future in zip(scripts, futures):
            board.print(f"{script.title} ({script.name}.py) ...")
            for line in iter(lines[script.name].get, None):
                board.print(f"    {line}")
            outcome = future.result()
            outcomes.append(outcome)
            board.print(f"    -> {'ok' if outcome.ok else 'FAILED: ' + outcome.error} ({outcome.seconds:.1f} s, "
                        f"{len(outcome.figures)} figures)")
    board.close()
    return outcomes


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m chapters.ch11.run_all", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.environ.get("MINIGRAD_OUT") or str(DEFAULT_OUT),
                        help=f"output folder for figures and report.md (env MINIGRAD_OUT; default {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        default=env_flag("QUICK"),
                        help="run every script in quick mode (env QUICK=1)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts (e.g. sec03_gd)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 1),
                        help="scripts run at a time (env JOBS; default 1); above 1, 11.11 trains its runs in parallel")
    parser.add_argument("--timeout", type=float, default=4 * 3600.0,
                        help="seconds a script may run (default 4 hours: 11.11 on a busy 2-core machine)")
    args = parser.parse_args(argv)

    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    scripts = discover()
    if args.only:
        unknown = sorted(set(args.only) - {s.name for s in scripts})
        if unknown:
            parser.error(f"--only: no script named {', '.join(unknown)} in {CHAPTER_DIR} "
                         f"(have: {', '.join(s.name for s in scripts)})")
        scripts = [s for s in scripts if s.name in args.only]
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    command = shlex.join(["python", "-m", "chapters.ch11.run_all", *(sys.argv[1:] if argv is None else argv)])

    started = time.perf_counter()
    outcomes = run_in_order(scripts, out_dir, args.quick, args.jobs, args.timeout)
    total_seconds = time.perf_counter() - started

    report = out_dir / "report.md"
    write_atomically(report, render_report(outcomes, command, args.quick, total_seconds))
    failed = [o.script.name for o in outcomes if not o.ok]
    print(f"report: {report}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
