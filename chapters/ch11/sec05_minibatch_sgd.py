"""11.5 Minibatch Stochastic Gradient Descent

A 256x256 matrix product one element, one column, all at once and 64 columns at a time, in numpy and
through minigrad Tensors, printed as GFLOP/s (machine-dependent); then linear regression on the airfoil
data by gradient descent (batch 1500), SGD (batch 1) and minibatches of 100 and 10, their losses against
time on a log axis, and the same training with minigrad.optim.SGD.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from chapters.ch11.airfoil_training import train_ch11, train_concise_ch11
from minigrad import d2l, optim
from minigrad.plot import plot

DATA_SETS = ("airfoil",)

settings = common.start(__file__)
mg.manual_seed(0)
# Quick mode times the element-by-element product on 32 of the 256 rows (and train_ch11 halves the epochs).
element_rows = 32 if settings.quick else 256


# 11.5.1 Vectorization and caches: A = BC computed in four ways. A product of two 256x256 matrices is
# 2 * 256^3 floating point operations (a multiply and an add per term); GFLOP/s = that / seconds / 1e9.
# (The book divides 2 by the seconds, a constant left from an older 1024x1024 version.)
def gigaflops(seconds, rows=256):
    return 2 * rows * 256 * 256 / seconds / 1e9


def time_products(name, B, C, A, dot, mv, mm, repeats=5):
    """Time the four ways of computing A = BC with the library's ``dot``, ``mv`` and ``mm``, writing into A.

    The element-by-element product runs once (it takes long enough to time); the three fast ones run
    ``repeats`` times and the fastest counts, so that one hiccup of a shared machine does not decide.
    """
    def element_wise():  # Compute A = BC one element at a time
        for i in range(element_rows):
            for j in range(256):
                A[i, j] = dot(B[i, :], C[:, j])

    def column_wise():  # Compute A = BC one column at a time
        for j in range(256):
            A[:, j] = mv(B, C[:, j])

    def full():  # Compute A = BC in one go
        A[:] = mm(B, C)

    def block_wise():  # Compute A = BC in minibatches of 64 columns
        for j in range(0, 256, 64):
            A[:, j:j + 64] = mm(B, C[:, j:j + 64])

    seconds = []
    for compute, runs in ((element_wise, 1), (column_wise, repeats), (full, repeats), (block_wise, repeats)):
        timer = d2l.Timer()
        for _ in range(runs):
            timer.start()
            compute()
            timer.stop()
        seconds.append(min(timer.times))
    element, column, full_product, block = seconds
    print(f"{name}: performance in Gigaflops: element {gigaflops(element, element_rows):.3f}, "
          f"column {gigaflops(column):.3f}, full {gigaflops(full_product):.3f}")
    print(f"{name}: performance in Gigaflops: block {gigaflops(block):.3f}")


B = np.random.default_rng(0).standard_normal((256, 256)).astype(np.float32)
C = np.random.default_rng(1).standard_normal((256, 256)).astype(np.float32)


time_products("numpy", B, C, np.zeros((256, 256), dtype=np.float32), np.dot, np.dot, np.matmul)
time_products("minigrad", mg.tensor(B), mg.tensor(C), mg.zeros((256, 256)), mg.dot, mg.mv, mg.mm)


# 11.5.4 Implementation from scratch: the update rule takes states (unused here) and hyperparams, so
# that the later sections can pass their own update rules to the same training function.
def sgd(params, states, hyperparams):
    for p in params:
        p.data.sub_(hyperparams["lr"] * p.grad)
        p.grad.data.zero_()


def train_sgd(lr, batch_size, num_epochs=2):
    data_iter, feature_dim = d2l.get_data_ch11(batch_size)
    return train_ch11(sgd, None, {"lr": lr}, data_iter, feature_dim, num_epochs,
                      name=f"train_sgd_batch{batch_size}",
                      title=f"Minibatch SGD from scratch: batch size {batch_size}, lr {lr}")


# Gradient descent: the whole data set (1500) is one batch, one update per epoch.
gd_res = train_sgd(1, 1500, 10)
# Stochastic gradient descent: batch size 1, 1500 updates per epoch.
sgd_res = train_sgd(0.005, 1)
# Minibatch SGD with batch size 100, then 10.
mini1_res = train_sgd(.4, 100)
mini2_res = train_sgd(.05, 10)

# Loss against time. The book fixes the time axis to [0.01, 10] s, which suits its machine; here the axis
# spans the runs' own times, so that no curve falls off it (minigrad's gradient descent is that fast).
legend = ["gd", "sgd", "batch size=100", "batch size=10"]
runs = [gd_res, sgd_res, mini1_res, mini2_res]
first_time = min(times[0] for times, _ in runs)
last_time = max(times[-1] for times, _ in runs)
axes = plot(*list(map(list, zip(*runs))), "time (sec)", "loss", xlim=[first_time / 2, last_time * 2],
            legend=legend, figsize=(6, 3))
axes.set_xscale("log")
for label, (times, losses) in zip(legend, runs):
    common.save_trace(f"loss_vs_time_{label.replace(' ', '').replace('=', '')}", list(zip(times, losses)))
common.save_figure(axes, "loss_vs_time", "Loss against training time: GD, SGD and minibatch SGD")


def time_to_reach(run, target=0.25):
    """Training seconds until the evaluated loss first is at most ``target``."""
    for seconds, loss in zip(*run):
        if loss <= target:
            return f"{seconds:.3f} s"
    return "not reached"


print("time to reach loss 0.25: " + ", ".join(f"{label} {time_to_reach(run)}" for label, run in zip(legend, runs)))


# 11.5.5 Concise implementation: the same training with nn.Linear, MSELoss and minigrad.optim.SGD.
data_iter, _ = d2l.get_data_ch11(10)
trainer = optim.SGD
train_concise_ch11(trainer, {"lr": 0.01}, data_iter)
