"""The helper library of *Dive into Deep Learning* (``from d2l import torch as d2l``), written on minigrad.

With ``import minigrad as torch`` and ``from minigrad import d2l`` in place of the book's two imports, the code of
chapter 11 and of section 2.5 runs as printed. Every name here has the book's arguments and defaults; the bodies
are minigrad's own. What differs, and why:

* Figures. In Jupyter, ``plot`` and ``Animator`` draw as in the book. In a terminal, ``Animator`` keeps a PNG up to
  date after every ``add`` (it says where, once, on stderr) and, when matplotlib has a window backend, shows the
  figure in a window too; ``plot`` and ``show_trace_2d`` draw on pyplot's current figure, as the book's do.
* Data. ``download`` looks for a file before fetching it (the ``folder`` argument, ``$MINIGRAD_DATA``, the user
  cache, the system folders: see ``minigrad.data.cache``), downloads only into the user cache and refuses a file
  whose sha1 is not the recorded one instead of fetching it again over it.
* Devices. minigrad runs on the CPU: ``try_gpu()`` is the CPU.
"""
import os
import sys
from pathlib import Path

import numpy as np
from matplotlib import pyplot as plt

from . import data as _data
from . import nn
from .autograd import no_grad
from .creation import tensor, zeros
from .data.airfoil import AIRFOIL, AIRFOIL_FILE
from .data.contents import read_verified
from .data.download import locate_or_download
from .data.errors import DataNotFoundError
from .data.lookup import Dataset as _DataSet
from .data.lookup import RemoteFile, locate
from .device import check as check_device
from .device import device
from .plot import new_axes_grid, save_figure, set_axes
from .plot import plot as _plot_series
from .random import normal
from .tensor import Tensor
from .train import Accumulator, Timer, accuracy, evaluate_accuracy
from .utils.data import DataLoader, TensorDataset

__all__ = ["Accumulator", "Animator", "DATA_HUB", "DATA_URL", "Timer", "accuracy", "download",
           "evaluate_accuracy_gpu", "evaluate_loss", "get_data_ch11", "linreg", "load_array",
           "load_data_fashion_mnist", "plot", "plt", "set_axes", "set_figsize", "show_trace_2d", "squared_loss",
           "train_2d", "train_ch11", "train_concise_ch11", "try_gpu", "use_svg_display"]

DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"
DATA_HUB = {"airfoil": (AIRFOIL_FILE.url, AIRFOIL_FILE.digest)}   # DATA_URL + 'airfoil_self_noise.dat', its sha1
_DATA_SETS = {AIRFOIL_FILE.url: AIRFOIL}   # files minigrad.data knows: looked for where its loaders look
FIGURE_DIR_VARIABLE = "MINIGRAD_FIGURES"   # where Animator keeps its PNGs in a terminal (default: d2l_figures)


# ---- figures ----------------------------------------------------------------------------------------------------

def _in_notebook():
    """True inside a Jupyter kernel (IPython is only looked at if something already imported it)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _has_window():
    """True when pyplot's backend draws in a window (Tk, Qt, GTK, macOS, ...), not into files only."""
    from matplotlib.backends import BackendFilter, backend_registry
    return plt.get_backend().lower() in backend_registry.list_builtin(BackendFilter.INTERACTIVE)


def use_svg_display():
    """Jupyter shows figures as SVG; elsewhere there is nothing to switch."""
    if _in_notebook():
        from matplotlib_inline import backend_inline
        backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize=(3.5, 2.5)):
    """The size, in inches, of the figures pyplot makes from now on."""
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def plot(X, Y=None, xlabel=None, ylabel=None, legend=[], xlim=None, ylim=None, xscale="linear",
         yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=(3.5, 2.5), axes=None):
    """Draw one or several series on ``axes``, by default pyplot's current axes, cleared first (as the book).

    The series rules (one x-series shared by all y-series, ``Y`` omitted means x = 0, 1, ...) are
    ``minigrad.plot.plot``'s. Returns nothing, as the book's: a notebook cell ending in ``d2l.plot(...)`` shows the
    figure, not a repr.
    """
    set_figsize(figsize)
    if axes is None:
        axes = plt.gca()
    axes.cla()
    _plot_series(X, Y, xlabel, ylabel, legend, xlim, ylim, xscale, yscale, fmts, figsize, axes)


class Animator:
    """A figure that grows point by point while a model trains (``add(x, ys)``).

    ``path`` (keyword only, not in the book): where a terminal run keeps the PNG, by default
    ``$MINIGRAD_FIGURES/animator_N.png`` (``d2l_figures/`` when unset). ``path=False`` is for programs that save
    the figure themselves: the figure then stays off pyplot, nothing is written and no window opens.
    """

    _count = 0

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
                 yscale="linear", fmts=("-", "m--", "g-.", "r:"), nrows=1, ncols=1, figsize=(3.5, 2.5), *,
                 path=None):
        legend = [] if legend is None else legend
        if path is False:
            self.axes = new_axes_grid(nrows, ncols, figsize)
            self.fig = self.axes[0].figure
        else:
            use_svg_display()
            self.fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
            self.axes = [ax for row in axes for ax in row]
        self.config_axes = lambda: set_axes(self.axes[0], xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
        self.X, self.Y, self.fmts = None, None, fmts
        self.path = path if path is False else self._png_path(path)

    @classmethod
    def _png_path(cls, path):
        if path is not None:
            return Path(path)
        cls._count += 1
        return Path(os.environ.get(FIGURE_DIR_VARIABLE) or "d2l_figures") / f"animator_{cls._count}.png"

    def add(self, x, y):
        """Append one point to each curve (``None`` skips a curve) and redraw."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(float(b))
        self.axes[0].cla()
        for x_values, y_values, fmt in zip(self.X, self.Y, self.fmts):
            self.axes[0].plot(x_values, y_values, fmt)
        self.config_axes()
        self._show()

    def _show(self):
        if self.path is False:
            return
        if _in_notebook():
            from IPython import display
            display.display(self.fig)
            display.clear_output(wait=True)
            return
        if not self.path.exists():
            print(f"Animator: the figure is kept up to date in {self.path}", file=sys.stderr)
        save_figure(self.fig, self.path)
        if _has_window():
            plt.pause(0.001)


# ---- devices ----------------------------------------------------------------------------------------------------

def try_gpu(i=0):
    """The book's "GPU i if there is one, else the CPU": with minigrad, always the CPU."""
    return device("cpu")


# ---- data -------------------------------------------------------------------------------------------------------

def download(url, folder="../data", sha1_hash=None):
    """The path of a data file, found or downloaded, its sha1 checked; ``url`` may be a key of ``DATA_HUB``.

    Offline first: ``folder``, ``$MINIGRAD_DATA``, the user cache and the system folders are looked in before the
    network; a download goes into the user cache, atomically, and is kept only if its sha1 is ``sha1_hash``. A
    file found with another sha1 is refused (``DataFileError`` naming it), never silently replaced.
    """
    if "://" not in url:
        if url not in DATA_HUB:
            raise KeyError(f"download: {url!r} is neither a URL nor a name in DATA_HUB ({', '.join(DATA_HUB)})")
        url, sha1_hash = DATA_HUB[url]
    if not sha1_hash:
        raise ValueError(f"download: no sha1_hash for {url}; minigrad only keeps files it can check")
    name = url.rsplit("/", 1)[-1]
    remote = RemoteFile(name, url, "sha1", sha1_hash)
    data_set = _DATA_SETS.get(url) or _DataSet(name=Path(name).stem, title=name, files=(remote,))
    try:    # the book's folder is where it would download to: look there first, then in minigrad's usual places
        located = locate(data_set, root=folder)
    except DataNotFoundError:
        located = locate_or_download(data_set)
    path = located.paths[name]
    read_verified(path, remote)
    return str(path)


def load_array(data_arrays, batch_size, is_train=True):
    """A DataLoader over ``TensorDataset(*data_arrays)``, shuffled every epoch when ``is_train``."""
    return DataLoader(TensorDataset(*data_arrays), batch_size, shuffle=is_train)


def load_data_fashion_mnist(batch_size, resize=None):
    """Fashion-MNIST as (train_iter, test_iter), batches of (B, 1, 28, 28) images in [0, 1] and int64 labels."""
    return _data.load_fashion_mnist(batch_size, resize=resize)


def get_data_ch11(batch_size=10, n=1500):
    """(data_iter, 5): the first ``n`` rows of the standardised airfoil data (float32), shuffled every epoch."""
    return _data.get_data_ch11(batch_size, n)


# ---- models, losses, evaluation -----------------------------------------------------------------------------------

def linreg(X, w, b):
    """The linear regression model X w + b."""
    return X @ w + b


def squared_loss(y_hat, y):
    """(y_hat - y)^2 / 2 per example, ``y`` reshaped to ``y_hat``'s shape."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def _in_memory_arrays(data_iter):
    """The whole data set's arrays when the loader holds them in memory, else None."""
    dataset = getattr(data_iter, "dataset", None)
    if isinstance(dataset, TensorDataset):
        return [t.detach().numpy() for t in dataset.tensors]
    if isinstance(dataset, _data.ArrayDataset):
        return list(dataset.arrays)
    return None


def evaluate_loss(net, data_iter, loss):
    """The mean of ``loss``'s per-example values over the data set of ``data_iter``, without building a graph.

    A loader over in-memory arrays is evaluated in one batch: the same mean as the book's loop over minibatches,
    and cheap enough for the chapter's evaluations every 200 examples even at batch size 1.
    """
    total = count = 0.0
    with no_grad():
        arrays = _in_memory_arrays(data_iter)
        for X, y in [tuple(Tensor(a) for a in arrays)] if arrays is not None else data_iter:
            out = net(X)
            values = loss(out, y.reshape(out.shape)).numpy()
            total += float(values.sum(dtype=np.float64))
            count += values.size
    return total / count


def evaluate_accuracy_gpu(net, data_iter, device=None):
    """The fraction of examples of ``data_iter`` that ``net`` classifies right, in eval mode, on the CPU."""
    check_device(device)   # refuses anything but the CPU, with minigrad's message
    return evaluate_accuracy(net, data_iter)


# ---- 11.3: two-dimensional traces ----------------------------------------------------------------------------------

def train_2d(trainer, steps=20, f_grad=None):
    """Run ``trainer(x1, x2, s1, s2[, f_grad]) -> (x1, x2, s1, s2)`` ``steps`` times from (-5, -2).

    ``s1`` and ``s2`` carry the state of momentum, AdaGrad and RMSProp. Prints the book's line for the last point
    and returns every point, the start included, as float pairs.
    """
    x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
    results = [(x1, x2)]
    for step in range(steps):
        if f_grad:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        results.append((float(x1), float(x2)))
    print(f"epoch {step + 1}, x1: {float(x1):f}, x2: {float(x2):f}")
    return results


def show_trace_2d(f, results, *, axes=None):
    """Draw the points of ``train_2d`` over the contour lines of ``f(x1, x2)``.

    ``f`` gets two float32 Tensors (a grid over [-5.5, 1] x [-3, 1]). ``axes`` (keyword only, not in the book):
    where to draw, by default pyplot's current axes.
    """
    if axes is None:
        set_figsize()
        axes = plt.gca()
    axes.plot(*zip(*results), "-o", color="#ff7f0e")
    x1, x2 = np.meshgrid(np.arange(-5.5, 1.0, 0.1, dtype=np.float32),
                         np.arange(-3.0, 1.0, 0.1, dtype=np.float32), indexing="ij")
    with no_grad():
        heights = f(tensor(x1), tensor(x2))
    axes.contour(x1, x2, np.asarray(heights), colors="#1f77b4")
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")


# ---- 11.5-11.10: linear regression on the airfoil data ----------------------------------------------------------

def _loss_animator(num_epochs):
    return Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=[0.22, 0.35])


def _train_airfoil(step, evaluate, data_iter, num_epochs, animator):
    """The loop both trainers share: ``step(X, y)`` per minibatch, ``evaluate()`` after every 200 examples (out of
    the timed training), then the book's line. Returns the timer."""
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % 200 == 0:
                timer.stop()
                animator.add(n / X.shape[0] / len(data_iter), (evaluate(),))
                timer.start()
    if not animator.Y:
        raise ValueError(f"no loss was evaluated: it is evaluated after every 200 examples, and the {n} examples "
                         f"of {num_epochs} epochs never reached a multiple of 200")
    print(f"loss: {animator.Y[0][-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    return timer


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2, *, animator=None):
    """Linear regression from scratch, updated by ``trainer_fn(params, states, hyperparams)`` after each
    ``loss.backward()``; w ~ N(0, 0.01^2), b = 0. Returns (cumulative training times, losses) at the evaluations.

    ``animator`` (keyword only, not in the book): an Animator to draw the loss curve on instead of the book's.
    """
    w = normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = zeros((1), requires_grad=True)
    net, loss = lambda X: linreg(X, w, b), squared_loss
    animator = animator or _loss_animator(num_epochs)

    def step(X, y):
        l = loss(net(X), y).mean()
        l.backward()
        trainer_fn([w, b], states, hyperparams)

    timer = _train_airfoil(step, lambda: evaluate_loss(net, data_iter, loss), data_iter, num_epochs, animator)
    return timer.cumsum(), animator.Y[0]


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4, *, animator=None):
    """``nn.Sequential(nn.Linear(5, 1))`` trained by the optimizer class ``trainer_fn(params, **hyperparams)``.

    Only the weight is re-drawn from N(0, 0.01^2) (the bias keeps PyTorch's default), and the loss drawn is
    MSELoss halved, to compare with ``squared_loss``. Returns nothing, as the book's.
    """
    net = nn.Sequential(nn.Linear(5, 1))

    def init_weights(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.01)

    net.apply(init_weights)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")
    animator = animator or _loss_animator(num_epochs)

    def step(X, y):
        optimizer.zero_grad()
        out = net(X)
        loss(out, y.reshape(out.shape)).mean().backward()
        optimizer.step()

    _train_airfoil(step, lambda: evaluate_loss(net, data_iter, loss) / 2, data_iter, num_epochs, animator)
