"""11.3 Gradient Descent

One-dimensional gradient descent on x^2 with learning rates 0.2, 0.05 and 1.1; a poor local minimum
of x cos(cx); gradient descent on x1^2 + 2 x2^2; Newton's method on cosh(cx), on x cos(cx) where it
goes wrong, and with learning rate 0.5. Gradients and Hessians come from minigrad's autograd, in
float64; the printed numbers equal the book's.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.common import show_trace_2d
from minigrad import d2l
from minigrad.plot import plot

settings = common.start(__file__)  # --out, --quick; instant already, so quick mode changes nothing here


def as_tensor(x):
    return mg.tensor(x, dtype=mg.float64)


# 11.3.1 One-dimensional gradient descent on f(x) = x^2.
def f(x):  # Objective function
    return x ** 2


f_grad = common.gradient(f)  # f'(x) by autograd; the book writes it by hand as 2x


def gd(eta, f_grad):
    x = 10.0
    results = [x]
    for i in range(10):
        x -= eta * f_grad(x)
        results.append(float(x))
    print(f"epoch 10, x: {x:f}")
    return results


def show_trace(results, f, name, title):
    """Plot f around the trace and the iterates on it; save the figure and the trace."""
    n = max(abs(min(results)), abs(max(results)))
    f_line = mg.arange(-n, n, 0.01, dtype=mg.float64)
    axes = plot([f_line, results], [f(f_line), f(as_tensor(results))], "x", "f(x)", fmts=["-", "-o"])
    common.save_trace(name, results)
    common.save_figure(axes, name, title)


results = gd(0.2, f_grad)
show_trace(results, f, "gd_x2_lr0.2", "Gradient descent on x^2, learning rate 0.2")

# 11.3.1.1 Learning rate: too small (0.05) makes slow progress, too large (1.1) diverges.
show_trace(gd(0.05, f_grad), f, "gd_x2_lr0.05", "Gradient descent on x^2, learning rate 0.05")
show_trace(gd(1.1, f_grad), f, "gd_x2_lr1.1", "Gradient descent on x^2, learning rate 1.1")

# 11.3.1.2 Local minima: an (unrealistically) high learning rate leads to a poor local minimum.
c = 0.15 * np.pi


def f(x):  # Objective function
    return x * mg.cos(c * x)


f_grad = common.gradient(f)
show_trace(gd(2, f_grad), f, "gd_xcos_lr2", "Gradient descent on x cos(cx), learning rate 2")


# 11.3.2 Multivariate gradient descent on f(x) = x1^2 + 2 x2^2 from (-5, -2).
def f_2d(x1, x2):  # Objective function
    return x1 ** 2 + 2 * x2 ** 2


f_2d_grad = common.gradient(f_2d)  # the book's (2 x1, 4 x2)


def gd_2d(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    return (x1 - eta * g1, x2 - eta * g2, 0, 0)


eta = 0.1
show_trace_2d(f_2d, d2l.train_2d(gd_2d, f_grad=f_2d_grad), "gd_2d", "Gradient descent on x1^2 + 2 x2^2")


# 11.3.3.1 Newton's method: x <- x - eta f'(x) / f''(x), with f'' the Hessian in one dimension, taken by
# autograd: common.second_derivative differentiates f' (built with create_graph=True) once more.
def book_scalar(value):
    """A float the way the book's PyTorch run prints a scalar tensor: 4 decimals, or '0.' when whole."""
    return f"{value:.0f}." if float(value).is_integer() else f"{value:.4f}"


def newton(eta=1):
    x = 10.0
    results = [x]
    for i in range(10):
        x -= eta * f_grad(x) / f_hess(x)
        results.append(float(x))
    print("epoch 10, x:", book_scalar(x))
    return results


c = 0.5


def f(x):  # Objective function
    return mg.cosh(c * x)


f_grad, f_hess = common.gradient(f), common.second_derivative(f)
show_trace(newton(), f, "newton_cosh", "Newton's method on cosh(cx)")

# A nonconvex function: where f'' < 0, Newton's method climbs instead of descending.
c = 0.15 * np.pi


def f(x):  # Objective function
    return x * mg.cos(c * x)


f_grad, f_hess = common.gradient(f), common.second_derivative(f)
show_trace(newton(), f, "newton_xcos", "Newton's method on x cos(cx)")

# Reintroducing a learning rate fixes it.
show_trace(newton(0.5), f, "newton_xcos_lr0.5", "Newton's method on x cos(cx), learning rate 0.5")

# The book writes f' and f'' of x cos(cx) by hand; autograd agrees with them.
points = np.linspace(-20.0, 20.0, 81)
book_grad = np.cos(c * points) - c * points * np.sin(c * points)
book_hess = -2 * c * np.sin(c * points) - points * c ** 2 * np.cos(c * points)
grad_error = np.max(np.abs([f_grad(p) for p in points] - book_grad))
hess_error = np.max(np.abs([f_hess(p) for p in points] - book_hess))
print(f"check: autograd f' and f'' of x cos(cx) equal the book's formulas on [-20, 20] to 1e-12: "
      f"{bool(grad_error <= 1e-12 and hess_error <= 1e-12)}")
