"""Section 2.5 in quick mode: the book's printed lines digit for digit (PyTorch's print format), and after each
experiment its graph and its backward trace; ``python -m chapters.ch02.run_all`` writes the report.

BOOK_LINES are the outputs of the book's PyTorch build (d2l-ai/d2l-pytorch-colab, chapter_preliminaries/autograd),
in order."""
import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BOOK_LINES = [
    "tensor([0., 1., 2., 3.])",
    "tensor(28., grad_fn=<MulBackward0>)",
    "tensor([ 0.,  4.,  8., 12.])",
    "tensor([True, True, True, True])",
    "tensor([1., 1., 1., 1.])",
    "tensor([0., 2., 4., 6.])",
    "tensor([True, True, True, True])",
    "tensor([True, True, True, True])",
    "tensor(True)",
]
GRAPHS = ["y_is_2_x_dot_x", "y_is_x_sum", "y_is_x_times_x", "z_is_u_times_x", "y_sum_still_has_its_graph",
          "d_is_f_of_a"]


def test_section_2_5_through_the_runner(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("MINIGRAD_OUT", None)
    completed = subprocess.run([sys.executable, "-m", "chapters.ch02.run_all", "--out", str(tmp_path), "--quick"],
                               cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = (tmp_path / "report.md").read_text()
    assert report.startswith("# Chapter 2.5: Automatic Differentiation, run on minigrad")
    assert "1 scripts, 1 ok, 0 failed" in report
    printed = report.split("Printed:", 1)[1].split("\n")
    tensor_lines = [line for line in printed if line.startswith("tensor(")]
    assert tensor_lines == BOOK_LINES

    folder = tmp_path / "sec05_autograd"
    names = sorted(p.name for p in folder.glob("[0-9][0-9]_*.png"))
    assert names == [f"{k:02d}_{name}.png" for k, name in enumerate(GRAPHS, start=1)]
    for name in names:
        assert f"sec05_autograd/{name}" in report
    assert (folder / "backward_y_is_2_x_dot_x.gif").exists()

    text = "\n".join(printed)
    # y = 2 x.x: the mul sends 2 to the dot, whose rule sends 2x = [0, 2, 4, 6] to each of its two slots (both x),
    # summed at x into 4x
    assert re.search(r"x: \[0, 2, 4, 6\] \(from \w+#2, input 0\) \+ \[0, 2, 4, 6\] \(from \w+#2, input 1\) = "
                     r"\[0, 4, 8, 12\]", text)
    assert "DotBackward0" in text and "MulBackward0" in text
    # detaching: u is an input without grad; the mul sends nothing to it and u * x's gradient at x is u
    assert "-> u (detached) (input 0): -" in text
