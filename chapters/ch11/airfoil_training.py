"""The training machinery that d2l 11.5-11.10 share: linear regression on the airfoil data.

* ``train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2)`` trains from scratch:
  w ~ N(0, 0.01^2), b = 0, the loss (y_hat - y)^2 / 2 averaged over the minibatch, gradients by
  ``loss.backward()`` and the update by the section's own ``trainer_fn(params, states, hyperparams)``.
* ``train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4)`` does the same with
  ``nn.Sequential(nn.Linear(5, 1))``, ``nn.MSELoss(reduction='none')`` and a ``minigrad.optim`` class.

Both evaluate the loss on the whole data set after every 200 examples, keep the evaluations out of the
training time, print the book's line ``loss: 0.243, 0.020 sec/epoch``, save the loss curve as a figure
of the running section (``common.save_figure``) and return ``(cumulative times, losses)`` at the
evaluation points, from which 11.5 draws its loss-against-time comparison.

In quick mode (``--quick`` / ``QUICK=1``, parsed by ``common.start``) both run half the epochs (at least
one) on all the data: the same curves, cut short. (A subset of the rows would not do: gradient descent at
the book's learning rate 1 diverges on the first 300 rows.)

One difference from the book, on purpose: the book prints ``timer.avg()``, the mean time between two
evaluations (200 examples), and calls it sec/epoch; here sec/epoch is the training time of all epochs
divided by their number, which is what the words say. Both are machine-dependent and never compared.
"""
import numpy as np

import minigrad as mg
from chapters.ch11 import common
from minigrad import nn
from minigrad.plot import plot
from minigrad.train import Timer

EVALUATE_EVERY = 200       # examples between two evaluations of the full-data loss, as the book
LOSS_YLIM = (0.22, 0.35)   # the book's Animator limits for every airfoil loss curve


def epochs_to_run(num_epochs):
    """``num_epochs``, or half of it (at least 1) in quick mode."""
    settings = common.current_settings()
    return max(1, num_epochs // 2) if settings is not None and settings.quick else num_epochs


def linreg(X, w, b):
    """The linear regression model X w + b."""
    return X @ w + b


def squared_loss(y_hat, y):
    """(y_hat - y)^2 / 2 per example; y is reshaped to y_hat's shape, as the book does."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    """The mean loss over every example of ``data_iter``'s data set, computed in one batch without a graph.

    The book loops over the (shuffling) loader in minibatches; the mean is the same, and one batch is cheap
    enough to do after every 200 examples even for batch size 1.
    """
    features, labels = data_iter.dataset.arrays
    with mg.no_grad():
        out = net(mg.Tensor(features))
        values = loss(out, mg.Tensor(labels).reshape(out.shape))._array
    return float(values.sum(dtype=np.float64) / values.size)


def describe(trainer, hyperparams):
    """A file-name part and a title part for a run, e.g. ('sgd_momentum_lr0.02_momentum0.5',
    'sgd_momentum, lr 0.02, momentum 0.5'). The step counter 't' of Adam and Yogi is not a setting."""
    name = getattr(trainer, "__name__", type(trainer).__name__)
    settings = [(key, value) for key, value in hyperparams.items() if key != "t"]
    file_part = "_".join([name] + [f"{key}{value}" for key, value in settings])
    title_part = ", ".join([name] + [f"{key} {value}" for key, value in settings])
    return file_part, title_part


def _finish(epochs, losses, timer, num_epochs, examples, name, title):
    """Print the book's line, save the loss curve and return (cumulative training times, losses)."""
    if not losses:
        raise ValueError(f"no loss was evaluated: it is evaluated after every {EVALUATE_EVERY} examples, and the "
                         f"{examples} examples of {num_epochs} epochs never reached a multiple of {EVALUATE_EVERY}")
    print(f"loss: {losses[-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    axes = plot(epochs, losses, "epoch", "loss", xlim=[0, num_epochs], ylim=list(LOSS_YLIM))
    common.save_figure(axes, name, title)
    return timer.cumsum(), losses


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2, *, name=None, title=None):
    """Train linear regression from scratch with the update rule ``trainer_fn``; see the module docstring.

    ``name`` and ``title`` name the saved loss curve (default: from ``trainer_fn`` and ``hyperparams``).
    """
    num_epochs = epochs_to_run(num_epochs)
    file_part, title_part = describe(trainer_fn, hyperparams)
    name = name or f"train_{file_part}"
    title = title or f"From scratch: {title_part}"
    # Initialization
    w = mg.normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = mg.zeros(1, requires_grad=True)

    def net(X):
        return linreg(X, w, b)

    loss = squared_loss
    # Train
    epochs, losses = [], []
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            n += X.shape[0]
            if n % EVALUATE_EVERY == 0:
                timer.stop()
                epochs.append(n / X.shape[0] / len(data_iter))
                losses.append(evaluate_loss(net, data_iter, loss))
                timer.start()
    return _finish(epochs, losses, timer, num_epochs, n, name, title)


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4, *, name=None, title=None):
    """Train ``nn.Sequential(nn.Linear(5, 1))`` with the optimizer class ``trainer_fn``; see the module docstring.

    As in the book, only the weight is re-drawn from N(0, 0.01^2); the bias keeps the layer's default
    (PyTorch's) initialization, and the reported loss is MSELoss halved, to compare with ``squared_loss``.
    """
    num_epochs = epochs_to_run(num_epochs)
    file_part, title_part = describe(trainer_fn, hyperparams)
    name = name or f"concise_{file_part}"
    title = title or f"Concise: minigrad.optim.{title_part}"
    # Initialization
    net = nn.Sequential(nn.Linear(5, 1))

    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    net.apply(init_weights)

    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")
    epochs, losses = [], []
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)
            l.mean().backward()
            optimizer.step()
            n += X.shape[0]
            if n % EVALUATE_EVERY == 0:
                timer.stop()
                # MSELoss computes the squared error without the 1/2 of squared_loss
                epochs.append(n / X.shape[0] / len(data_iter))
                losses.append(evaluate_loss(net, data_iter, loss) / 2)
                timer.start()
    return _finish(epochs, losses, timer, num_epochs, n, name, title)
