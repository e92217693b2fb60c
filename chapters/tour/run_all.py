"""Run every script of the guided tour in order and write ``<out>/report.md`` (what ``make tour`` calls).

    python -m chapters.tour.run_all --out out/tour [--quick]

The scripts are ``chapters/tour/partN_*.py``; each runs in its own process and writes into ``<out>/<name>/``. The
report gives per script its title, every line it printed (each claim with the independent computation it was
checked against), its figures and backward films, and its wall time. ``chapters.ch02.run_all`` is the same runner
for section 2.5. The pieces that do not depend on the chapter are chapter 11's (``chapters/ch11/run_all.py``).
"""
import argparse
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

from chapters.ch11.run_all import (
    Outcome,
    child_environment,
    fence,
    figure_title,
    last_error_line,
    read_script,
    versions,
    write_atomically,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_script(chapter, script, out_dir, quick, env, timeout):
    command = [sys.executable, "-m", f"chapters.{chapter}.{script.name}", "--out", str(out_dir)]
    if quick:
        command.append("--quick")
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        ok, stdout, stderr = completed.returncode == 0, completed.stdout, completed.stderr
        error = "" if ok else last_error_line(stderr) or f"exit status {completed.returncode}"
    except subprocess.TimeoutExpired as expired:
        ok, stdout, stderr, error = False, str(expired.stdout or ""), str(expired.stderr or ""), \
            f"timed out after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    folder = out_dir / script.name
    figures = [(path.relative_to(out_dir).as_posix(), figure_title(path))
               for path in sorted([*folder.glob("[0-9][0-9]_*.png"), *folder.glob("*.gif")])] \
        if folder.is_dir() else []
    return Outcome(script, ok, seconds, stdout, stderr, error, figures)


def render_report(chapter, heading, outcomes, command, quick, total_seconds):
    failed = [o for o in outcomes if not o.ok]
    lines = [f"# {heading}", "", f"Mode: {'quick' if quick else 'full'}. {len(outcomes)} scripts, "
             f"{len(outcomes) - len(failed)} ok, {len(failed)} failed; total wall time {total_seconds:.1f} s.",
             "", "| script | title | status | wall time |", "| --- | --- | --- | --- |"]
    lines += [f"| `{o.script.name}.py` | {o.script.title} | {'ok' if o.ok else 'FAILED'} | {o.seconds:.1f} s |"
              for o in outcomes]
    for o in outcomes:
        status = "ok" if o.ok else f"**FAILED**: {o.error}"
        lines += ["", f"## {o.script.title}", "", f"`chapters/{chapter}/{o.script.name}.py`: {status}; "
                  f"wall time {o.seconds:.1f} s.", "", "Printed:", "",
                  fence(o.stdout) if o.stdout.strip() else "(nothing)"]
        if o.stderr.strip():
            lines += ["", "Error output:" if not o.ok else "Warnings (stderr):", "", fence(o.stderr)]
        lines += [item for path, title in o.figures for item in ("", f"![{title}]({path})")]
    lines += ["", "## How this report was made", "", f"Command: `{command}`", "",
              f"Machine: {platform.platform()}, {os.cpu_count()} CPUs.", ""]
    lines += [f"- {name}: {version}" for name, version in versions().items()]
    return "\n".join(lines) + "\n"


def main(argv=None, chapter="tour", pattern="part[0-9]_*.py", heading="A guided tour of minigrad's engine"):
    chapter_dir = REPO_ROOT / "chapters" / chapter
    parser = argparse.ArgumentParser(prog=f"python -m chapters.{chapter}.run_all", description=heading)
    parser.add_argument("--out", default=os.environ.get("MINIGRAD_OUT") or str(Path("out") / chapter),
                        help=f"output folder for figures and report.md (env MINIGRAD_OUT; default out/{chapter})")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("QUICK", "").strip().lower() not in ("", "0", "false", "no", "off"),
                        help="run every script in quick mode (env QUICK=1)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a script may run (default 1800)")
    args = parser.parse_args(argv)
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    env = child_environment(args.quick)
    command = shlex.join(["python", "-m", f"chapters.{chapter}.run_all", *(sys.argv[1:] if argv is None else argv)])
    outcomes, started = [], time.perf_counter()
    for path in sorted(chapter_dir.glob(pattern)):
        script = read_script(path)
        print(f"{script.title} ({script.name}.py) ...", flush=True)
        outcome = run_script(chapter, script, out_dir, args.quick, env, args.timeout)
        outcomes.append(outcome)
        for line in outcome.stdout.rstrip().splitlines():
            print(f"    {line}")
        print(f"    -> {'ok' if outcome.ok else 'FAILED: ' + outcome.error} ({outcome.seconds:.1f} s, "
              f"{len(outcome.figures)} figures)", flush=True)
    report = out_dir / "report.md"
    write_atomically(report, render_report(chapter, heading, outcomes, command, args.quick,
                                           time.perf_counter() - started))
    print(f"report: {report}")
    failed = [o.script.name for o in outcomes if not o.ok]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
