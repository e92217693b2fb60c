"""Beyond the book: three of Adam's successors from scratch, in 11.10's style

Adamax, NAdam and RAdam each change one line of Adam (11.10), and written the way the book writes adam(params,
states, hyperparams) the changed line is all there is to read: Adamax replaces the root mean square of the
gradients by their largest recent size, NAdam takes the momentum's step one step ahead (Nesterov), RAdam takes
plain momentum steps until the estimate of the squared gradients holds enough of them to be trusted. Each runs on
the airfoil data beside its minigrad.optim class (tests/chapters/test_from_scratch_vs_optim.py checks that the two
take the same steps).

The other optimizers beyond the book are not written out here, as they would teach less: ASGD with PyTorch's defaults
is SGD with a slowly decaying lr (its averaging of the iterates starts at step t0 = 10^6), Rprop is a full-batch
method (on minibatches its sign-only steps do worst of all on the airfoil data, see beyond_optimizer_choice.py), and
LBFGS's two-loop recursion and line search are minigrad/optim/lbfgs.py, with their formulas.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import math

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.airfoil_training import train_ch11, train_concise_ch11
from minigrad import d2l, optim

DATA_SETS = ("airfoil",)


def init_adam_states(feature_dim):
    """Two states per parameter, as 11.10's Adam: the leaky averages of the gradients and of a size of them."""
    v_w, v_b = mg.zeros((feature_dim, 1)), mg.zeros(1)
    s_w, s_b = mg.zeros((feature_dim, 1)), mg.zeros(1)
    return ((v_w, s_w), (v_b, s_b))


# Adamax (Kingma & Ba 2015, section 7): u is the largest |g| of the recent past, each past one shrunk by beta2
# per step: an infinity norm where Adam keeps a mean square. It starts at |g|, not at 0, so only v needs the
# bias correction.
def adamax(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for p, (v, u) in zip(params, states):
        with mg.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            u[:] = mg.maximum(beta2 * u, mg.abs(p.grad) + eps)
            p[:] -= hyperparams["lr"] / (1 - beta1 ** hyperparams["t"]) * v / u
        p.grad.data.zero_()
    hyperparams["t"] += 1


# NAdam (Dozat 2016): the step is the gradient's share now plus the momentum's share one step ahead, with a
# momentum mu_t that warms up from beta1 / 2 to beta1; mu_product (the product of the mu's so far) plays the part
# of Adam's 1 - beta1^t.
def nadam(params, states, hyperparams):
    beta1, beta2, eps, psi = 0.9, 0.999, 1e-8, 0.004
    t, lr = hyperparams["t"], hyperparams["lr"]
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
    hyperparams["mu_product"] *= mu
    mu_product = hyperparams["mu_product"]
    for p, (v, s) in zip(params, states):
        with mg.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * mg.square(p.grad)
            denom = mg.sqrt(s / (1 - beta2 ** t)) + eps
            p[:] -= lr * (1 - mu) / (1 - mu_product) * p.grad / denom
            p[:] -= lr * mu_next / (1 - mu_product * mu_next) * v / denom
        p.grad.data.zero_()
    hyperparams["t"] += 1


# RAdam (Liu et al. 2020): rho_t estimates how many squared gradients s holds; while it is 5 or less, s varies
# too much to divide by, and the step is momentum's alone; after that, Adam's step times a rectification r_t that
# grows towards 1.
def radam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    t, lr = hyperparams["t"], hyperparams["lr"]
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
    for p, (v, s) in zip(params, states):
        with mg.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * mg.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** t)
            if rho_t > 5:
                r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                p[:] -= lr * v_bias_corr * r_t * math.sqrt(1 - beta2 ** t) / (mg.sqrt(s) + eps)
            else:
                p[:] -= lr * v_bias_corr
        p.grad.data.zero_()
    hyperparams["t"] += 1


# name: (update function, its extra hyperparameters, the class, the lr on the airfoil data: the best of the
# sweep of beyond_optimizer_choice.py)
RULES = {"Adamax": (adamax, {}, optim.Adamax, 0.03),
         "NAdam": (nadam, {"mu_product": 1.0}, optim.NAdam, 0.01),
         "RAdam": (radam, {}, optim.RAdam, 0.03)}


def main(argv=None):
    common.start(__file__, argv)
    mg.manual_seed(0)
    data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
    for name, (update, extra, trainer, lr) in RULES.items():
        print(f"{name}, lr {lr}: from scratch, then minigrad.optim.{name}")
        train_ch11(update, init_adam_states(feature_dim), {"lr": lr, "t": 1, **extra}, data_iter, feature_dim,
                   name=f"train_{name.lower()}_lr{lr}", title=f"From scratch: {name}, lr {lr}")
        train_concise_ch11(trainer, {"lr": lr}, data_iter)


if __name__ == "__main__":
    main()
