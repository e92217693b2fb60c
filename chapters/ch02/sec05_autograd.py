"""2.5 Automatic Differentiation

Every experiment of the book's section 2.5, on minigrad: the gradient of y = 2 x.x, resetting gradients, backward of
a non-scalar, detaching, and gradients through Python control flow. The lines the book prints come out digit for
digit in PyTorch's format; after each experiment come its graph (a figure) and its backward trace (a table: the
order of the walk, the gradient arriving at each node, what each rule sends, where contributions are summed).
The trace is taken just before the experiment's own ``backward()``, which releases the graph.

    python -m chapters.ch02.sec05_autograd [--out out/ch02] [--quick]
"""
import numpy as np

import minigrad as mg
from chapters.tour import common

settings = common.start(__file__, "ch02")


def show(output, name, gradient=None):
    """The graph and the backward trace of ``output``, before its backward runs."""
    walk = mg.autograd.trace(output, gradient)
    print(walk)
    print(f"graph: {common.draw(output, name).name}")
    return walk


print("## 2.5.1 A Simple Function")
x = mg.arange(4.0)
print(x)
x.requires_grad_(True)
x.name = "x"
assert x.grad is None            # the gradient is None until a backward pass reaches x
y = 2 * mg.dot(x, x)
print(y)
walk = show(y, "y_is_2_x_dot_x")
files = common.film(walk, "backward_y_is_2_x_dot_x")
print(f"backward film: {len(files) - 1} frames and {files[-1].rsplit('/', 1)[-1]}")
y.backward()
print(x.grad)
print(x.grad == 4 * x)
assert np.array_equal(walk.gradient(x), x.grad.numpy())     # the trace predicted what backward accumulated

x.grad.zero_()
y = x.sum()
show(y, "y_is_x_sum")
y.backward()
print(x.grad)

print("## 2.5.2 Backward for Non-Scalar Variables")
x.grad.zero_()
y = x * x
show(y, "y_is_x_times_x", mg.ones(len(y)))
y.backward(gradient=mg.ones(len(y)))
print(x.grad)

print("## 2.5.3 Detaching Computation")
x.grad.zero_()
y = x * x
u = y.detach()
u.name = "u (detached)"
z = u * x
show(z.sum(), "z_is_u_times_x")
z.sum().backward()
print(x.grad == u)

x.grad.zero_()
show(y.sum(), "y_sum_still_has_its_graph")
y.sum().backward()
print(x.grad == 2 * x)

print("## 2.5.4 Gradients and Python Control Flow")


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


mg.manual_seed(0)
a = mg.randn(size=(), requires_grad=True)
a.name = "a"
d = f(a)
walk = show(d, "d_is_f_of_a")
d.backward()
print(a.grad == d / a)
