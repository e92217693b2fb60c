"""Run section 2.5 "Automatic Differentiation" and write ``<out>/report.md`` (what ``make chapter-2`` calls).

    python -m chapters.ch02.run_all --out out/ch02 [--quick]

The same runner as the tour's (``chapters/tour/run_all.py``), over ``chapters/ch02/secNN_*.py``.
"""
import sys

from chapters.tour.run_all import main as run_chapter


def main(argv=None):
    return run_chapter(argv, chapter="ch02", pattern="sec[0-9][0-9]_*.py",
                       heading="Chapter 2.5: Automatic Differentiation, run on minigrad")


if __name__ == "__main__":
    sys.exit(main())
