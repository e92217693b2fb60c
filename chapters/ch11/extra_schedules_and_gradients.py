"""Beyond the book: the notes' learning-rate decays side by side, and the vanishing gradient measured

1. The decays the chapter's notes describe, each from ``minigrad.optim.lr_scheduler`` and starting at lr 0.1, in
   one figure: time-based, step, exponential, polynomial, cosine annealing, cosine with warm restarts, one-cycle,
   warmup then cosine, and ReduceLROnPlateau fed the real validation loss of an MLP trained on Fashion-MNIST (its
   lr cuts come from the data, so they are drawn beside the validation loss that caused them).
2. The vanishing gradient of the notes: a deep network (10 hidden layers of 128 units, PyTorch's default
   initialization) with sigmoid activations, and the very same weights with ReLU, on real Fashion-MNIST batches.
   The per-layer gradient norms show the sigmoid network's gradient shrinking by orders of magnitude on its way
   back to the input (sigmoid'(z) <= 1/4 at every layer), and the ReLU network's staying within a small factor.
"""
if __package__ in (None, ""):  # run as a file: put the repository root on the import path
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

import minigrad as mg
from chapters.ch11 import common
from minigrad import nn, optim
from minigrad.data import DataLoader, fashion_mnist_arrays
from minigrad.optim import lr_scheduler
from minigrad.plot import new_axes_grid, set_axes

DATA_SETS = ("fashion-mnist",)

BASE_LR = 0.1
EPOCHS = 60                       # the x-axis of every decay; also the plateau run's length (quick: 10)
PLATEAU_IMAGES = (3000, 1000)     # (training, validation) images of the plateau run; validation is held out
DEPTH, WIDTH = 10, 128            # the deep network of part 2
GRADIENT_BATCHES = 5              # real minibatches of 256 whose gradient norms are averaged (quick: 1)


# ---- 1. The decays --------------------------------------------------------------------------------------------------
def decays(epochs):
    """{legend: (formula, scheduler)}, one fresh SGD optimizer at lr 0.1 per scheduler."""
    def sgd():
        return optim.SGD([mg.zeros(1, requires_grad=True)], lr=BASE_LR)

    warm = sgd()
    warmup_steps = epochs // 6
    return {
        "time-based": ("lr0 / (1 + 0.1 t)", lr_scheduler.LambdaLR(sgd(), lambda t: 1 / (1 + 0.1 * t))),
        "step": (f"lr0 * 0.5^floor(t / {epochs // 3})",
                 lr_scheduler.StepLR(sgd(), step_size=epochs // 3, gamma=0.5)),
        "exponential": ("lr0 * 0.95^t", lr_scheduler.ExponentialLR(sgd(), gamma=0.95)),
        "polynomial": (f"lr0 * (1 - t/{epochs})^2", lr_scheduler.PolynomialLR(sgd(), total_iters=epochs, power=2.0)),
        "cosine": (f"lr0 (1 + cos(pi t / {epochs})) / 2", lr_scheduler.CosineAnnealingLR(sgd(), T_max=epochs)),
        "cosine, warm restarts": ("cosine over 5, 10, 20, ... epochs, then back to lr0",
                                  lr_scheduler.CosineAnnealingWarmRestarts(sgd(), T_0=5, T_mult=2)),
        "one-cycle": ("up from lr0/25 for 30 %, then cosine down to lr0/25e4",
                      lr_scheduler.OneCycleLR(sgd(), max_lr=BASE_LR, total_steps=epochs)),
        "warmup, then cosine": (f"linear from lr0/100 over {warmup_steps}, then cosine",
                                lr_scheduler.SequentialLR(warm, [
                                    lr_scheduler.LinearLR(warm, start_factor=0.01, total_iters=warmup_steps),
                                    lr_scheduler.CosineAnnealingLR(warm, T_max=epochs - warmup_steps)],
                                    milestones=[warmup_steps])),
    }


def lr_curve(scheduler, epochs):
    """The lr of each of `epochs` epochs: read, then step once per epoch as a training loop would."""
    lrs = []
    for _ in range(epochs):
        lrs.append(scheduler.get_last_lr()[0])
        scheduler.optimizer.step()
        scheduler.step()
    return lrs


def plateau_run(train_iter, val_x, val_y, epochs, patience):
    """An MLP trained with SGD at lr 0.1; ReduceLROnPlateau halves the lr when the validation loss has not
    improved for more than `patience` epochs. Returns the lr of each epoch and the validation loss after it."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    loss = nn.CrossEntropyLoss()
    trainer = optim.SGD(net.parameters(), lr=BASE_LR)
    scheduler = lr_scheduler.ReduceLROnPlateau(trainer, mode="min", factor=0.5, patience=patience)
    lrs, val_losses = [], []
    for _ in range(epochs):
        lrs.append(trainer.param_groups[0]["lr"])
        for X, y in train_iter:
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
        with mg.no_grad():
            val_losses.append(loss(net(val_x), val_y).item())
        scheduler.step(val_losses[-1])
    return lrs, val_losses


# ---- 2. The vanishing gradient ------------------------------------------------------------------------------------
def deep_mlp(activation, depth=DEPTH, width=WIDTH):
    """784 -> depth x (Linear(width), activation) -> 10, PyTorch's default initialization."""
    layers, fan_in = [nn.Flatten()], 784
    for _ in range(depth):
        layers += [nn.Linear(fan_in, width), activation()]
        fan_in = width
    layers.append(nn.Linear(fan_in, 10))
    return nn.Sequential(*layers)


def layer_statistics(net, batches):
    """Per Linear layer (input side first): the Frobenius norm of its weight's gradient, and the mean derivative of
    the activation after it (sigmoid: s(1 - s) <= 1/4; ReLU: the fraction of active units), averaged over batches."""
    loss = nn.CrossEntropyLoss()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    norms = np.zeros(len(linears))
    slopes = np.zeros(len(linears) - 1)
    for X, y in batches:
        net.zero_grad()
        loss(net(X), y).backward()
        norms += [np.linalg.norm(m.weight.grad.numpy()) for m in linears]
        with mg.no_grad():
            h, k = X, 0
            for module in net:
                h = module(h)
                if isinstance(module, nn.Sigmoid):
                    slopes[k] += float(np.mean(h.detach().numpy() * (1 - h.detach().numpy())))
                    k += 1
                elif isinstance(module, nn.ReLU):
                    slopes[k] += float(np.mean(h.detach().numpy() > 0))
                    k += 1
    return norms / len(batches), slopes / len(batches)


def main(argv=None):
    settings = common.start(__file__, argv)
    quick = settings.quick
    epochs = 10 if quick else EPOCHS
    train_x, train_y, _, _ = fashion_mnist_arrays()

    # 1. Every decay of the notes over the same epochs.
    print(f"1. Learning-rate decays over {epochs} epochs, all from lr0 = {BASE_LR} (lr at the start of epoch t)")
    curves = {}
    for name, (formula, scheduler) in decays(epochs).items():
        curves[name] = lr_curve(scheduler, epochs)
    marks = sorted({0, epochs // 6, epochs // 3, epochs // 2, epochs - 1})
    print(f"{'decay':<22} {'formula':<54}" + "".join(f"{'t=' + str(t):>10}" for t in marks))
    for name, (formula, _) in decays(epochs).items():
        print(f"{name:<22} {formula:<54}" + "".join(f"{curves[name][t]:>10.4g}" for t in marks))

    # ReduceLROnPlateau reacts to a measured validation loss, so it needs a real run.
    n_train, n_val = (512, 256) if quick else PLATEAU_IMAGES
    patience = 2 if quick else 3
    mg.manual_seed(0)
    train_iter = DataLoader((train_x[:n_train], train_y[:n_train]), 256, shuffle=True)
    val_x, val_y = mg.Tensor(train_x[-n_val:]), mg.Tensor(train_y[-n_val:])   # held out from the training images
    plateau_lrs, val_losses = plateau_run(train_iter, val_x, val_y, epochs, patience)
    curves["plateau (val loss)"] = plateau_lrs
    cuts = [t for t in range(1, epochs) if plateau_lrs[t] < plateau_lrs[t - 1]]
    best = int(np.argmin(val_losses))
    print(f"{'plateau (val loss)':<22} {'lr * 0.5 after ' + str(patience + 1) + ' epochs without improvement':<54}"
          + "".join(f"{plateau_lrs[t]:>10.4g}" for t in marks))
    print(f"ReduceLROnPlateau(factor=0.5, patience={patience}) on an MLP 784-256-10 trained on {n_train} Fashion-MNIST "
          f"images, validated on {n_val} held-out ones: lowest validation loss {val_losses[best]:.4f} after epoch "
          f"{best + 1}; lr halved at the start of epoch(s) {', '.join(str(t + 1) for t in cuts) or 'none'}.")

    left, right = new_axes_grid(1, 2, figsize=(10, 3.8))
    for name, lrs in curves.items():
        left.plot(range(epochs), lrs, "k-" if name.startswith("plateau") else "-", label=name,
                  linewidth=2.2 if name.startswith("plateau") else 1.3)
    set_axes(left, "epoch", "learning rate", xlim=[0, epochs - 1])
    left.legend(fontsize=7)
    right.plot(range(1, epochs + 1), val_losses, "g-", label="validation loss")
    set_axes(right, "epoch", "validation loss", xlim=[1, epochs])
    twin = right.twinx()
    twin.plot(range(1, epochs + 1), plateau_lrs, "k--", label="lr (ReduceLROnPlateau)")
    twin.set_ylabel("learning rate")
    handles = right.get_lines() + twin.get_lines()
    right.legend(handles, [h.get_label() for h in handles], loc="center right", fontsize=7)
    common.save_figure(left.figure, "decays", "Learning-rate decays from minigrad.optim.lr_scheduler")

    # 2. The same deep network with sigmoid and with ReLU, on the same weights and the same real batches.
    num_batches = 1 if quick else GRADIENT_BATCHES
    batches = list(DataLoader((train_x[:256 * num_batches], train_y[:256 * num_batches]), 256))
    mg.manual_seed(1)
    sigmoid_net = deep_mlp(nn.Sigmoid)
    mg.manual_seed(1)
    relu_net = deep_mlp(nn.ReLU)
    assert all(np.array_equal(a, b) for a, b in zip(sigmoid_net.state_dict().values(),
                                                    relu_net.state_dict().values()))
    sigmoid_norms, sigmoid_slopes = layer_statistics(sigmoid_net, batches)
    relu_norms, relu_slopes = layer_statistics(relu_net, batches)
    print()
    print(f"2. Gradient norm of each layer's weight, ||dL/dW||, at initialization: {DEPTH} hidden layers of {WIDTH}, "
          f"averaged over {num_batches} Fashion-MNIST batch(es) of 256")
    print(f"{'layer':>5} {'sigmoid':>10} {'ReLU':>10}   {'mean sigmoid slope':>18} {'ReLU active':>11}")
    for layer in range(DEPTH + 1):
        slopes = (f"{sigmoid_slopes[layer]:>18.3f} {relu_slopes[layer]:>11.3f}" if layer < DEPTH
                  else f"{'(output layer)':>30}")
        print(f"{layer + 1:>5} {sigmoid_norms[layer]:>10.2e} {relu_norms[layer]:>10.2e}   {slopes}")
    sigmoid_span = sigmoid_norms[-1] / sigmoid_norms[0]
    relu_span = relu_norms[-1] / relu_norms[0]
    print(f"last layer / first layer: sigmoid {sigmoid_span:.1e} (a factor of {sigmoid_span ** (1 / DEPTH):.1f} "
          f"per layer), ReLU {relu_span:.1e} ({relu_span ** (1 / DEPTH):.1f} per layer).")
    print(f"Why: on its way back each sigmoid layer multiplies the gradient by its slope, at most 1/4 (here "
          f"{sigmoid_slopes.mean():.3f} on average); a ReLU unit passes it on unchanged when active (here "
          f"{relu_slopes.mean():.0%} of them) and the rest of ReLU's decline comes from the weights, which PyTorch's "
          f"default initialization draws a little too small to keep the signal's size from layer to layer.")
    print(f"(sigmoid/ReLU gradient at the first layer: {sigmoid_norms[0] / relu_norms[0]:.1e}; "
          f"at the last: {sigmoid_norms[-1] / relu_norms[-1]:.1e})")

    axes = new_axes_grid(1, 1, figsize=(5, 3.2))[0]
    layers = np.arange(1, DEPTH + 2)
    axes.plot(layers, sigmoid_norms, "o-", label="sigmoid")
    axes.plot(layers, relu_norms, "s--", label="ReLU")
    set_axes(axes, "layer (1 = next to the input)", "||dL/dW||", xlim=[1, DEPTH + 1], yscale="log",
             legend=["sigmoid", "ReLU"])
    common.save_figure(axes, "vanishing_gradient", f"Per-layer gradient norms, {DEPTH} hidden layers, same weights")
    return curves, (sigmoid_norms, relu_norms)


if __name__ == "__main__":
    main()
