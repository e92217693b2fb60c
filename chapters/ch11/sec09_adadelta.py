"""11.9 Adadelta

Adadelta, which has no learning rate, from scratch (rho = 0.9) and with minigrad.optim.Adadelta on the
airfoil data.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.airfoil_training import train_ch11, train_concise_ch11
from minigrad import d2l, optim

DATA_SETS = ("airfoil",)

settings = common.start(__file__)
mg.manual_seed(0)


# 11.9.2 Implementation: two states per parameter, the leaky averages s of the squared gradients and
# delta of the squared updates; the rescaled gradient sqrt(delta + eps) / sqrt(s + eps) * g is the step.
def init_adadelta_states(feature_dim):
    s_w, s_b = mg.zeros((feature_dim, 1)), mg.zeros(1)
    delta_w, delta_b = mg.zeros((feature_dim, 1)), mg.zeros(1)
    return ((s_w, delta_w), (s_b, delta_b))


def adadelta(params, states, hyperparams):
    rho, eps = hyperparams["rho"], 1e-5
    for p, (s, delta) in zip(params, states):
        with mg.no_grad():
            s[:] = rho * s + (1 - rho) * mg.square(p.grad)
            g = (mg.sqrt(delta + eps) / mg.sqrt(s + eps)) * p.grad
            p[:] -= g
            delta[:] = rho * delta + (1 - rho) * g * g
        p.grad.data.zero_()


# rho = 0.9 amounts to a half-life of 10 updates.
data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
train_ch11(adadelta, init_adadelta_states(feature_dim), {"rho": 0.9}, data_iter, feature_dim)

# Concise implementation (the class's defaults: lr 1.0, eps 1e-6).
trainer = optim.Adadelta
train_concise_ch11(trainer, {"rho": 0.9}, data_iter)
