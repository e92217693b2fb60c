"""11.6 Momentum

Gradient descent on the ill-conditioned 0.1 x1^2 + 2 x2^2 at learning rates 0.4 and 0.6, momentum at
(eta, beta) = (0.6, 0.5) and (0.6, 0.25), the effective sample weights beta^t, momentum SGD from scratch
on the airfoil data at (lr, momentum) = (0.02, 0.5), (0.01, 0.9), (0.005, 0.9) and with
minigrad.optim.SGD, and the convergence of gradient descent on a scalar quadratic. The 2-D traces
print the book's numbers.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.airfoil_training import train_ch11, train_concise_ch11
from chapters.ch11.common import show_trace_2d
from minigrad import d2l, optim
from minigrad.plot import plot

DATA_SETS = ("airfoil",)

settings = common.start(__file__)
mg.manual_seed(0)


# 11.6.1.2 An ill-conditioned problem: f is very flat in the direction of x1.
def f_2d(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2


f_2d_grad = common.gradient(f_2d)  # the book's (0.2 x1, 4 x2), by autograd


def gd_2d(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    return (x1 - eta * g1, x2 - eta * g2, 0, 0)


eta = 0.4
show_trace_2d(f_2d, d2l.train_2d(gd_2d, f_grad=f_2d_grad), "gd_2d_eta0.4",
              "Gradient descent on 0.1 x1^2 + 2 x2^2, eta 0.4")
# A slightly larger learning rate converges faster in x1 but diverges in x2.
eta = 0.6
show_trace_2d(f_2d, d2l.train_2d(gd_2d, f_grad=f_2d_grad), "gd_2d_eta0.6",
              "Gradient descent on 0.1 x1^2 + 2 x2^2, eta 0.6")


# 11.6.1.3 The momentum method: v <- beta v + g, x <- x - eta v.
def momentum_2d(x1, x2, v1, v2, f_grad):
    g1, g2 = f_grad(x1, x2)
    v1 = beta * v1 + g1
    v2 = beta * v2 + g2
    return x1 - eta * v1, x2 - eta * v2, v1, v2


eta, beta = 0.6, 0.5
show_trace_2d(f_2d, d2l.train_2d(momentum_2d, f_grad=f_2d_grad), "momentum_2d_eta0.6_beta0.5",
              "Momentum on 0.1 x1^2 + 2 x2^2, eta 0.6, beta 0.5")
# Halving the momentum to 0.25 barely converges, but still far better than no momentum.
eta, beta = 0.6, 0.25
show_trace_2d(f_2d, d2l.train_2d(momentum_2d, f_grad=f_2d_grad), "momentum_2d_eta0.6_beta0.25",
              "Momentum on 0.1 x1^2 + 2 x2^2, eta 0.6, beta 0.25")

# 11.6.1.4 Effective sample weight: v_t sums the past gradients with weights beta^tau.
betas = [0.95, 0.9, 0.6, 0]
x = mg.arange(40, dtype=mg.float64)
axes = plot(x, [beta ** x for beta in betas], "time", legend=[f"beta = {beta:.2f}" for beta in betas],
            fmts=["-"])
common.save_figure(axes, "effective_sample_weight", "Weights beta^t of past gradients in the momentum")


# 11.6.2.1 Implementation from scratch: the velocity v is the state, one per parameter.
def init_momentum_states(feature_dim):
    v_w = mg.zeros((feature_dim, 1))
    v_b = mg.zeros(1)
    return (v_w, v_b)


def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        with mg.no_grad():
            v[:] = hyperparams["momentum"] * v + p.grad
            p[:] -= hyperparams["lr"] * v
        p.grad.data.zero_()


def train_momentum(lr, momentum, num_epochs=2):
    train_ch11(sgd_momentum, init_momentum_states(feature_dim), {"lr": lr, "momentum": momentum}, data_iter,
               feature_dim, num_epochs)


data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
train_momentum(0.02, 0.5)
# Momentum 0.9 is an effective sample size of 1 / (1 - 0.9) = 10; a smaller learning rate keeps it stable.
train_momentum(0.01, 0.9)
train_momentum(0.005, 0.9)

# 11.6.2.2 Concise implementation: minigrad.optim.SGD has momentum built in.
trainer = optim.SGD
train_concise_ch11(trainer, {"lr": 0.005, "momentum": 0.9}, data_iter)

# 11.6.3.2 Scalar functions: gradient descent on (lambda / 2) x^2 gives x_t = (1 - eta lambda)^t x_0, which
# converges for 0 < eta lambda < 2.
lambdas = [0.1, 1, 10, 19]
eta = 0.1
t = mg.arange(20, dtype=mg.float64)
axes = plot(t, [(1 - eta * lam) ** t for lam in lambdas], "time",
            legend=[f"lambda = {lam:.2f}" for lam in lambdas], fmts=["-"], figsize=(6, 4))
common.save_figure(axes, "scalar_quadratic_convergence", "Gradient descent on (lambda/2) x^2, eta 0.1: x_t / x_0")
