"""Tour 4: gradients that are Tensors: second derivatives, a Hessian, a Hessian-vector product, Newton's method.

Newton's method is the one of section 11.3, built from those second derivatives.

With ``create_graph=True`` the backward rules run with recording on: they are written with Tensor ops, so the
gradient they return has a graph of its own and can be differentiated again. Nothing else is needed.
"""
import math

import numpy as np

import minigrad as mg
from chapters.tour import common

settings = common.start(__file__, "tour")

# 1. f(x) = x^3 sin(x): first and second derivative by autograd, against closed forms.
x = mg.tensor(1.3, dtype=np.float64, requires_grad=True)
x.name = "x"
f = x ** 3 * mg.sin(x)
d1, = mg.grad(f, x, create_graph=True)
print(f"the first derivative is itself a graph of {len(mg.autograd.topological_order([d1]))} tensors; figure: "
      f"{common.draw(d1, 'graph_of_the_derivative').name}")
d2, = mg.grad(d1, x, create_graph=True)
d3, = mg.grad(d2, x)
v = 1.3
common.check("f'(1.3) of x^3 sin x", d1.item(), 3 * v**2 * math.sin(v) + v**3 * math.cos(v), "closed form")
common.check("f''(1.3)", d2.item(), 6 * v * math.sin(v) + 6 * v**2 * math.cos(v) - v**3 * math.sin(v), "closed form")
common.check("f'''(1.3)", d3.item(), 6 * math.sin(v) + 18 * v * math.cos(v) - 9 * v**2 * math.sin(v)
             - v**3 * math.cos(v), "closed form")

# 2. A Hessian, row by row: differentiate each entry of the gradient once more.
def g(p):
    return p[0] ** 2 * p[1] + mg.exp(p[0] * p[1]) if isinstance(p, mg.Tensor) else \
        p[0] ** 2 * p[1] + np.exp(p[0] * p[1])


point = np.array([0.4, -0.7])
p = mg.tensor(point, requires_grad=True)
grad_p, = mg.grad(g(p), p, create_graph=True)
hessian = np.stack([mg.grad(grad_p[i], p, retain_graph=True)[0]._array for i in range(2)])
u, w = point
e = math.exp(u * w)
closed = np.array([[2 * w + w * w * e, 2 * u + e + u * w * e], [2 * u + e + u * w * e, u * u * e]])
common.check("Hessian of x1^2 x2 + exp(x1 x2) at (0.4, -0.7)", hessian, closed, "closed form")
common.check("its symmetry (H - H^T)", hessian - hessian.T, np.zeros((2, 2)), "exact symmetry of second derivatives",
             atol=1e-12)

# 3. A Hessian-vector product without the Hessian: the gradient of <grad g, v>.
direction = np.array([1.5, -2.0])
hvp, = mg.grad((grad_p * mg.tensor(direction)).sum(), p)
common.check("H v by one more backward", hvp._array, closed @ direction, "closed-form H times v")
torch = common.torch_or_none()
if torch is not None:
    _, torch_hvp = torch.autograd.functional.hvp(lambda q: q[0] ** 2 * q[1] + torch.exp(q[0] * q[1]),
                                                 torch.tensor(point), torch.tensor(direction))
    common.check("H v by one more backward", hvp._array, torch_hvp.numpy(), "torch.autograd.functional.hvp",
                 rtol=1e-12)

# 4. Newton's method of 11.3 on f(x) = x cos(c x), c = 0.15 pi, from x = 10 with learning rate 1.
c = 0.15 * math.pi


def newton(eta, steps=10):
    x = 10.0
    for _ in range(steps):
        t = mg.tensor(x, dtype=np.float64, requires_grad=True)
        slope, = mg.grad(t * mg.cos(c * t), t, create_graph=True)
        curvature, = mg.grad(slope, t)
        x -= eta * slope.item() / curvature.item()
    return x


def newton_closed_form(eta, steps=10):
    x = 10.0
    for _ in range(steps):
        x -= eta * (math.cos(c * x) - c * x * math.sin(c * x)) / (-2 * c * math.sin(c * x)
                                                                    - c * c * x * math.cos(c * x))
    return x


for eta in (1.0, 0.5):
    common.check(f"Newton on x cos(0.15 pi x), lr {eta}, x after 10 steps", newton(eta), newton_closed_form(eta),
                 "the same iteration with hand-written f' and f''", rtol=1e-12)
final = newton(1.0)
common.check("f' at that point (Newton converged to a stationary point)",
             math.cos(c * final) - c * final * math.sin(c * final), 0.0, "closed-form f'", atol=1e-9)
print(f"the book prints x: tensor(26.8341) for lr 1 and tensor(7.2699) for lr 0.5; here {final:.4f} and "
      f"{newton(0.5):.4f}")
