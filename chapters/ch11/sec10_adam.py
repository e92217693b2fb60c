"""11.10 Adam

Adam from scratch and with minigrad.optim.Adam on the airfoil data at learning rate 0.01, then Yogi
from scratch, with the book's eps (1e-6 for Adam, 1e-3 for Yogi) and its step counter t.
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


# 11.10.2 Implementation: leaky averages v of the gradients and s of their squares, both corrected for
# their start at 0; the step counter t lives in hyperparams and goes up by one per update of all parameters.
def init_adam_states(feature_dim):
    v_w, v_b = mg.zeros((feature_dim, 1)), mg.zeros(1)
    s_w, s_b = mg.zeros((feature_dim, 1)), mg.zeros(1)
    return ((v_w, s_w), (v_b, s_b))


def adam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-6
    for p, (v, s) in zip(params, states):
        with mg.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * mg.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
            s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
            p[:] -= hyperparams["lr"] * v_bias_corr / (mg.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams["t"] += 1


data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
train_ch11(adam, init_adam_states(feature_dim), {"lr": 0.01, "t": 1}, data_iter, feature_dim)

# Concise implementation (the class's eps is 1e-8).
trainer = optim.Adam
train_concise_ch11(trainer, {"lr": 0.01}, data_iter)


# 11.10.3 Yogi: s moves by (1 - beta2) g^2 towards g^2, however far it is from it, so it cannot forget
# past gradients too fast when g^2 varies a lot.
def yogi(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-3
    for p, (v, s) in zip(params, states):
        with mg.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = s + (1 - beta2) * mg.sign(mg.square(p.grad) - s) * mg.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
            s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
            p[:] -= hyperparams["lr"] * v_bias_corr / (mg.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams["t"] += 1


data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
train_ch11(yogi, init_adam_states(feature_dim), {"lr": 0.01, "t": 1}, data_iter, feature_dim)
