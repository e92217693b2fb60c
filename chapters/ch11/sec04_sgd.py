"""11.4 Stochastic Gradient Descent

Gradient descent on x1^2 + 2 x2^2 with noisy gradients (standard normal noise from a seeded
generator), with a constant, an exponentially decaying and a polynomially decaying learning rate.
The numbers differ from the book's (other noise) but fall in the spread of the book's own builds.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import math

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.common import show_trace_2d
from minigrad import d2l

settings = common.start(__file__)  # --out, --quick; instant already, so quick mode changes nothing here
mg.manual_seed(0)


def f(x1, x2):  # Objective function
    return x1 ** 2 + 2 * x2 ** 2


f_grad = common.gradient(f)  # the book's (2 x1, 4 x2), by autograd


# 11.4.1 Stochastic gradient updates: the gradient plus zero-mean, unit-variance noise stands in for
# the gradient of one random example; lr() scales the learning rate at each step.
def sgd(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    # Simulate noisy gradient
    g1 += mg.normal(0.0, 1.0, (1,)).item()
    g2 += mg.normal(0.0, 1.0, (1,)).item()
    eta_t = eta * lr()
    return (x1 - eta_t * g1, x2 - eta_t * g2, 0, 0)


def constant_lr():
    return 1


eta = 0.1
lr = constant_lr  # Constant learning rate
show_trace_2d(f, d2l.train_2d(sgd, steps=50, f_grad=f_grad), "sgd_constant_lr", "SGD, constant learning rate")


# 11.4.2 Dynamic learning rate. Exponential decay: eta(t) = eta_0 exp(-0.1 t).
def exponential_lr():
    # Global variable that is defined outside this function and updated inside
    global t
    t += 1
    return math.exp(-0.1 * t)


t = 1
lr = exponential_lr
show_trace_2d(f, d2l.train_2d(sgd, steps=1000, f_grad=f_grad), "sgd_exponential_lr",
              "SGD, exponentially decaying learning rate")
# Why it stalls far from (0, 0): the steps it may still take add up to less than 1.
print(f"sum of the 1000 exponentially decaying learning rates: "
      f"{sum(eta * math.exp(-0.1 * step) for step in range(2, 1002)):.4f}")


# Polynomial decay: eta(t) = eta_0 (1 + 0.1 t)^(-1/2).
def polynomial_lr():
    # Global variable that is defined outside this function and updated inside
    global t
    t += 1
    return (1 + 0.1 * t) ** (-0.5)


t = 1
lr = polynomial_lr
show_trace_2d(f, d2l.train_2d(sgd, steps=50, f_grad=f_grad), "sgd_polynomial_lr",
              "SGD, polynomially decaying learning rate")
