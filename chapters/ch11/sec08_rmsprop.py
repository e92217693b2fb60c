"""11.8 RMSProp

The weights (1 - gamma) gamma^t of past squared gradients for gamma = 0.95, 0.9, 0.8, 0.7; RMSProp on
0.1 x1^2 + 2 x2^2 at (eta, gamma) = (0.4, 0.9) (the trace prints the book's numbers); RMSProp from
scratch and with minigrad.optim.RMSprop on the airfoil data.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import math

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.airfoil_training import train_ch11, train_concise_ch11
from chapters.ch11.common import show_trace_2d
from minigrad import d2l, optim
from minigrad.plot import plot

DATA_SETS = ("airfoil",)

settings = common.start(__file__)
mg.manual_seed(0)

# 11.8.1 The algorithm: s is a leaky average of the squared gradients; the gradient from t steps back
# weighs (1 - gamma) gamma^t, and the weights sum to 1.
gammas = [0.95, 0.9, 0.8, 0.7]
x = mg.arange(40, dtype=mg.float64)
axes = plot(x, [(1 - gamma) * gamma ** x for gamma in gammas], "time",
            legend=[f"gamma = {gamma:.2f}" for gamma in gammas], fmts=["-"])
common.save_figure(axes, "leaky_average_weights", "Weights (1 - gamma) gamma^t of past squared gradients")


# 11.8.2 Implementation from scratch, first on the 2-D problem of Adagrad.
def rmsprop_2d(x1, x2, s1, s2, f_grad):
    eps = 1e-6
    g1, g2 = f_grad(x1, x2)
    s1 = gamma * s1 + (1 - gamma) * g1 ** 2
    s2 = gamma * s2 + (1 - gamma) * g2 ** 2
    x1 -= eta / math.sqrt(s1 + eps) * g1
    x2 -= eta / math.sqrt(s2 + eps) * g2
    return x1, x2, s1, s2


def f_2d(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2


f_2d_grad = common.gradient(f_2d)  # the book's (0.2 x1, 4 x2), by autograd

eta, gamma = 0.4, 0.9
show_trace_2d(f_2d, d2l.train_2d(rmsprop_2d, f_grad=f_2d_grad), "rmsprop_2d_eta0.4_gamma0.9",
              "RMSProp on 0.1 x1^2 + 2 x2^2, eta 0.4, gamma 0.9")


# Then for the airfoil regression.
def init_rmsprop_states(feature_dim):
    s_w = mg.zeros((feature_dim, 1))
    s_b = mg.zeros(1)
    return (s_w, s_b)


def rmsprop(params, states, hyperparams):
    gamma, eps = hyperparams["gamma"], 1e-6
    for p, s in zip(params, states):
        with mg.no_grad():
            s[:] = gamma * s + (1 - gamma) * mg.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / mg.sqrt(s + eps)
        p.grad.data.zero_()


# gamma = 0.9 averages over about 1 / (1 - 0.9) = 10 past squared gradients.
data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
train_ch11(rmsprop, init_rmsprop_states(feature_dim), {"lr": 0.01, "gamma": 0.9}, data_iter, feature_dim)

# 11.8.3 Concise implementation: the class calls gamma 'alpha'.
trainer = optim.RMSprop
train_concise_ch11(trainer, {"lr": 0.01, "alpha": 0.9}, data_iter)
