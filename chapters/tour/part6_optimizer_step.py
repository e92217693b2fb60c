"""Tour 6: one optimizer step opened up: SGD's and Adam's state, the bias correction, a scheduler at work.

What SGD with momentum and Adam keep in ``state``, Adam's bias correction, and a scheduler changing
``param_groups``, traced over a few steps.

An optimizer (minigrad/optim/) holds ``param_groups`` (the parameters and their settings, e.g. ``lr``) and ``state``
(per parameter, what the update rule remembers between steps). A scheduler only ever rewrites
``param_groups[k]["lr"]``. We print both after every step of a small least-squares problem and recompute every
number with the update rules written out in numpy (and with torch.optim when PyTorch is installed).
"""
import numpy as np

import minigrad as mg
from chapters.tour import common
from minigrad import nn, optim, plot

settings = common.start(__file__, "tour")
A = np.array([[3.0, 0.5], [0.5, 1.0], [1.0, -1.0]])
target = np.array([1.0, -2.0, 0.5])
start = np.array([2.0, 2.0])
STEPS = 4 if settings.quick else 6


def loss_and_grad(w):
    """loss = |A w - target|^2 / 2 and its gradient A^T (A w - target), in numpy: the independent computation."""
    residual = A @ w - target
    return 0.5 * residual @ residual, A.T @ residual


def run(make_optimizer, make_scheduler):
    """minigrad's optimizer and scheduler for STEPS steps; returns the parameter, states and lrs after each step."""
    w = nn.Parameter(start.copy())
    w.name = "w"
    optimizer = make_optimizer([w])
    scheduler = make_scheduler(optimizer)
    history = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        residual = mg.tensor(A) @ w - mg.tensor(target)
        (0.5 * (residual * residual).sum()).backward()
        lr = optimizer.param_groups[0]["lr"]
        optimizer.step()
        scheduler.step()
        state = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in optimizer.state[w].items()}
        history.append((lr, state, w._array.copy()))
    return history


# SGD with momentum 0.9, lr 0.1 halved every 2 steps (StepLR).
sgd = run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda o: optim.lr_scheduler.StepLR(o, 2, gamma=0.5))
w, buffer = start.copy(), None
print("SGD with momentum: state['momentum_buffer'] b <- 0.9 b + g (b = g at step 1), w <- w - lr b")
for t, (lr, state, w_after) in enumerate(sgd, start=1):
    g = loss_and_grad(w)[1]
    buffer = g if buffer is None else 0.9 * buffer + g
    reference_lr = 0.1 * 0.5 ** ((t - 1) // 2)
    w = w - reference_lr * buffer
    common.check(f"  step {t}: param_groups[0]['lr']", lr, reference_lr, "closed form 0.1 * 0.5^floor((t-1)/2)")
    common.check(f"  step {t}: momentum_buffer", state["momentum_buffer"], buffer, "numpy recursion", rtol=1e-12)
    common.check(f"  step {t}: w", w_after, w, "numpy recursion", rtol=1e-12)

# Adam with its defaults except lr 0.1: state holds step, exp_avg (m) and exp_avg_sq (v), both starting at zero.
adam = run(lambda p: optim.Adam(p, lr=0.1), lambda o: optim.lr_scheduler.MultiStepLR(o, milestones=[3], gamma=0.1))
w, m, v = start.copy(), np.zeros(2), np.zeros(2)
print("Adam: m <- 0.9 m + 0.1 g, v <- 0.999 v + 0.001 g^2, w <- w - lr m_hat / (sqrt(v_hat) + 1e-8)")
for t, (lr, state, w_after) in enumerate(adam, start=1):
    g = loss_and_grad(w)[1]
    m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    reference_lr = 0.1 * (0.1 if t > 3 else 1.0)
    w = w - reference_lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    common.check(f"  step {t}: state['step']", state["step"], t, "counting")
    common.check(f"  step {t}: exp_avg", state["exp_avg"], m, "numpy recursion", rtol=1e-12)
    common.check(f"  step {t}: exp_avg_sq", state["exp_avg_sq"], v, "numpy recursion", rtol=1e-12)
    w_before = start if t == 1 else adam[t - 2][2]
    uncorrected = state["exp_avg"] / np.sqrt(state["exp_avg_sq"])        # the step per unit lr without correction
    common.check(f"  step {t}: step without bias correction / step taken", uncorrected / ((w_before - w_after) / lr),
                 np.full(2, (1 - 0.9 ** t) / (1 - 0.999 ** t) ** 0.5), "closed form (1 - 0.9^t) / sqrt(1 - 0.999^t)",
                 rtol=1e-6)
    common.check(f"  step {t}: lr (MultiStepLR at 3)", lr, reference_lr, "closed form")
    common.check(f"  step {t}: w", w_after, w, "numpy recursion", rtol=1e-10)

torch = common.torch_or_none()
if torch is not None:
    for name, history, make, schedule in (
            ("SGD", sgd, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
             lambda o: torch.optim.lr_scheduler.StepLR(o, 2, gamma=0.5)),
            ("Adam", adam, lambda p: torch.optim.Adam(p, lr=0.1),
             lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[3], gamma=0.1))):
        tw = torch.tensor(start.copy(), requires_grad=True)
        optimizer = make([tw])
        scheduler = schedule(optimizer)
        for _ in range(STEPS):
            optimizer.zero_grad()
            residual = torch.tensor(A) @ tw - torch.tensor(target)
            (0.5 * (residual * residual).sum()).backward()
            optimizer.step()
            scheduler.step()
        common.check(f"{name}: w after {STEPS} steps", history[-1][2], tw.detach().numpy(), "torch.optim", rtol=1e-12)

axes = plot.new_axes((5, 3.5))
grid1, grid2 = np.meshgrid(np.linspace(-1, 2.5, 80), np.linspace(-3, 2.5, 80))
heights = np.array([[loss_and_grad(np.array([a, b]))[0] for a, b in zip(r1, r2)] for r1, r2 in zip(grid1, grid2)])
axes.contour(grid1, grid2, heights, levels=15, colors="#bbbbbb")
for name, history in (("SGD momentum + StepLR", sgd), ("Adam + MultiStepLR", adam)):
    path = np.vstack([start] + [w for _, _, w in history])
    axes.plot(path[:, 0], path[:, 1], "-o", markersize=3, label=name)
axes.set_xlabel("w[0]")
axes.set_ylabel("w[1]")
axes.legend(fontsize=7)
path = plot.save_figure(axes, common.figure_path("optimizer_paths"), title="SGD with momentum and Adam, step by step")
print(f"figure: {path.rsplit('/', 1)[-1]}")
