"""11.2 Convexity

Convex and nonconvex functions with a chord (three panels), a check of the definition and of the
second-derivative criterion (second derivatives by minigrad's autograd), and a convex function whose
local minimum is its global minimum.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from minigrad.plot import new_axes_grid, plot

settings = common.start(__file__)  # --out, --quick; instant already, so quick mode changes nothing here


# 11.2.1 Convex functions: f is convex when every chord lies on or above its graph,
#   lambda f(a) + (1 - lambda) f(b) >= f(lambda a + (1 - lambda) b)  for all lambda in [0, 1].
def f(x):
    return 0.5 * x ** 2  # convex


def g(x):
    return mg.cos(np.pi * x)  # nonconvex


def h(x):
    return mg.exp(0.5 * x)  # convex


x = mg.arange(-2, 2, 0.01, dtype=mg.float64)
segment = mg.tensor([-1.5, 1.0], dtype=mg.float64)
for ax, func in zip(new_axes_grid(1, 3, figsize=(9, 3)), [f, g, h]):
    plot([x, segment], [func(x), func(segment)], "x", "f(x)", axes=ax)
    ax.set_title({f: "0.5 x^2 (convex)", g: "cos(pi x) (nonconvex)", h: "exp(0.5 x) (convex)"}[func])
common.save_figure(ax, "convex_nonconvex", "Convex and nonconvex functions with a chord")


def chord_gap(func, a, b, lambdas):
    """min over lambda of chord - graph on [a, b]; negative means the chord dips below the graph."""
    lambdas = mg.tensor(lambdas, dtype=mg.float64)
    chord = lambdas * func(mg.tensor(a, dtype=mg.float64)) + (1 - lambdas) * func(mg.tensor(b, dtype=mg.float64))
    graph = func(lambdas * a + (1 - lambdas) * b)
    return (chord - graph).numpy().min()


lambdas = np.linspace(0.0, 1.0, 101)
grid = np.linspace(-2.0, 2.0, 41)
for name, func in [("0.5 x^2", f), ("cos(pi x)", g), ("exp(0.5 x)", h)]:
    gap = chord_gap(func, -1.5, 1.0, lambdas)
    f_hess = common.second_derivative(func)  # f'' by autograd: convex on an interval iff f'' >= 0 there
    lowest_curvature = min(f_hess(point) for point in grid)
    print(f"{name:>10}: chord above graph on [-1.5, 1]: {gap >= -1e-12!s:5}  (min gap {gap:+.4f}); "
          f"f'' >= 0 on [-2, 2]: {lowest_curvature >= 0!s:5}  (min f'' {lowest_curvature:+.4f})")


# 11.2.2 Properties: local minima of convex functions are global minima, e.g. (x - 1)^2 at x = 1.
def f(x):
    return (x - 1) ** 2


axes = plot([x, segment], [f(x), f(segment)], "x", "f(x)")
common.save_figure(axes, "local_minimum_is_global", "The local minimum of (x - 1)^2 is global")
