"""11.7 Adagrad

Adagrad on 0.1 x1^2 + 2 x2^2 at learning rates 0.4 and 2 (the 2-D traces print the book's numbers), then
Adagrad from scratch and with minigrad.optim.Adagrad on the airfoil data at learning rate 0.1.
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

DATA_SETS = ("airfoil",)

settings = common.start(__file__)
mg.manual_seed(0)


# 11.7.3 The algorithm: s accumulates the squared gradients, so each coordinate's step shrinks with them.
def adagrad_2d(x1, x2, s1, s2, f_grad):
    eps = 1e-6
    g1, g2 = f_grad(x1, x2)
    s1 += g1 ** 2
    s2 += g2 ** 2
    x1 -= eta / math.sqrt(s1 + eps) * g1
    x2 -= eta / math.sqrt(s2 + eps) * g2
    return x1, x2, s1, s2


def f_2d(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2


f_2d_grad = common.gradient(f_2d)  # the book's (0.2 x1, 4 x2), by autograd

eta = 0.4
show_trace_2d(f_2d, d2l.train_2d(adagrad_2d, f_grad=f_2d_grad), "adagrad_2d_eta0.4",
              "Adagrad on 0.1 x1^2 + 2 x2^2, eta 0.4")
# The learning rate decays so fast that a larger one, 2, does much better.
eta = 2
show_trace_2d(f_2d, d2l.train_2d(adagrad_2d, f_grad=f_2d_grad), "adagrad_2d_eta2",
              "Adagrad on 0.1 x1^2 + 2 x2^2, eta 2")


# 11.7.4 Implementation from scratch: the state s has the shape of its parameter.
def init_adagrad_states(feature_dim):
    s_w = mg.zeros((feature_dim, 1))
    s_b = mg.zeros(1)
    return (s_w, s_b)


def adagrad(params, states, hyperparams):
    eps = 1e-6
    for p, s in zip(params, states):
        with mg.no_grad():
            s[:] += mg.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / mg.sqrt(s + eps)
        p.grad.data.zero_()


# A larger learning rate than minibatch SGD's.
data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
train_ch11(adagrad, init_adagrad_states(feature_dim), {"lr": 0.1}, data_iter, feature_dim)

# 11.7.5 Concise implementation.
trainer = optim.Adagrad
train_concise_ch11(trainer, {"lr": 0.1}, data_iter)
