"""11.1 Optimization and Deep Learning

Risk versus empirical risk, a local and the global minimum, saddle points in one and two dimensions,
and the vanishing gradient of tanh (its gradient at 4 taken by minigrad's autograd).
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from minigrad.plot import annotate, new_axes, plot

settings = common.start(__file__)  # --out, --quick; instant already, so quick mode changes nothing here


# 11.1.1 Goal of optimization: the empirical risk g (a noisy version of f, as a training set gives)
# can have its minimum somewhere else than the risk f.
def f(x):
    return x * mg.cos(np.pi * x)


def g(x):
    return f(x) + 0.2 * mg.cos(5 * np.pi * x)


x = mg.arange(0.5, 1.5, 0.01, dtype=mg.float64)
axes = plot(x, [f(x), g(x)], "x", "risk", legend=["risk f", "empirical risk g"], figsize=(4.5, 2.5))
annotate(axes, "min of\nempirical risk", (1.0, -1.2), (0.5, -1.1))
annotate(axes, "min of risk", (1.1, -1.05), (0.95, -0.5))
common.save_figure(axes, "risk", "Risk and empirical risk")

# 11.1.2 Optimization challenges in deep learning.
# Local minima: x * cos(pi x) on [-1, 2].
x = mg.arange(-1.0, 2.0, 0.01, dtype=mg.float64)
axes = plot(x, [f(x)], "x", "f(x)", figsize=(4.5, 2.5))
annotate(axes, "local minimum", (-0.3, -0.25), (-0.77, -1.0))
annotate(axes, "global minimum", (1.1, -0.95), (0.6, 0.8))
common.save_figure(axes, "local_global_minimum", "Local and global minimum of x cos(pi x)")

# Saddle points: x^3 has zero first and second derivative at 0 without being a minimum there.
x = mg.arange(-2.0, 2.0, 0.01, dtype=mg.float64)
axes = plot(x, [x ** 3], "x", "f(x)", figsize=(4.5, 2.5))
annotate(axes, "saddle point", (0, -0.2), (-0.52, -5.0))
common.save_figure(axes, "saddle_x3", "Saddle point of x^3")

# In two dimensions, x^2 - y^2 is a minimum along x and a maximum along y at (0, 0).
x, y = mg.meshgrid(mg.linspace(-1.0, 1.0, 101), mg.linspace(-1.0, 1.0, 101), indexing="ij")
z = x ** 2 - y ** 2
axes = new_axes(figsize=(4.5, 3.5), projection="3d")
axes.plot_wireframe(x, y, z, rstride=10, cstride=10)   # matplotlib reads Tensors through __array__
axes.plot([0], [0], [0], "rx")
ticks = [-1, 0, 1]
axes.set_xticks(ticks)
axes.set_yticks(ticks)
axes.set_zticks(ticks)
axes.set_xlabel("x")
axes.set_ylabel("y")
common.save_figure(axes, "saddle_3d", "Saddle point of x^2 - y^2")

# Vanishing gradients: starting at x = 4, tanh barely changes; f'(x) = 1 - tanh^2(x) is nearly 0.
x = mg.arange(-2.0, 5.0, 0.01, dtype=mg.float64)
axes = plot(x, [mg.tanh(x)], "x", "f(x)", figsize=(4.5, 2.5))
annotate(axes, "vanishing gradient", (4, 1), (2, 0.0))
common.save_figure(axes, "vanishing_gradient", "Vanishing gradient of tanh")

tanh_grad = common.gradient(mg.tanh)
print(f"f'(4) = {tanh_grad(4.0):.4f}  (autograd; the book's 1 - tanh^2(4) = {1 - np.tanh(4.0) ** 2:.4f})")
