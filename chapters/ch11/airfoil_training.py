"""11.5-11.10's airfoil training as the chapter scripts run it: the book's ``d2l.train_ch11`` and
``d2l.train_concise_ch11`` (``minigrad.d2l``, one implementation), with the two things a script adds:

* quick mode (``--quick`` / ``QUICK=1``, parsed by ``common.start``) runs half the epochs (at least one) on all the
  data: the same curves, cut short (a subset of the rows would not do: gradient descent at the book's learning
  rate 1 diverges on the first 300 rows);
* the loss curve is saved as a numbered, titled figure of the running section (``common.save_figure``), named
  after the update rule and its settings unless ``name`` / ``title`` say otherwise.

Both print the book's line ``loss: 0.243, 0.020 sec/epoch`` and return ``(cumulative training times, losses)`` at
the evaluation points (every 200 examples), from which 11.5 draws its loss-against-time comparison.
"""
from chapters.ch11 import common
from minigrad import d2l

LOSS_YLIM = (0.22, 0.35)   # the book's Animator limits for every airfoil loss curve


def epochs_to_run(num_epochs):
    """``num_epochs``, or half of it (at least 1) in quick mode."""
    settings = common.current_settings()
    return max(1, num_epochs // 2) if settings is not None and settings.quick else num_epochs


def describe(trainer, hyperparams):
    """A file-name part and a title part for a run, e.g. ('sgd_momentum_lr0.02_momentum0.5',
    'sgd_momentum, lr 0.02, momentum 0.5'). The step counter 't' of Adam and Yogi is not a setting."""
    name = getattr(trainer, "__name__", type(trainer).__name__)
    settings = [(key, value) for key, value in hyperparams.items() if key != "t"]
    file_part = "_".join([name] + [f"{key}{value}" for key, value in settings])
    title_part = ", ".join([name] + [f"{key} {value}" for key, value in settings])
    return file_part, title_part


def _loss_figure(num_epochs):
    """The book's loss-curve Animator, kept off pyplot: the script saves it itself."""
    return d2l.Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=list(LOSS_YLIM), path=False)


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2, *, name=None, title=None):
    """``d2l.train_ch11`` with quick mode and the figure saved; returns (cumulative times, losses)."""
    num_epochs = epochs_to_run(num_epochs)
    file_part, title_part = describe(trainer_fn, hyperparams)
    animator = _loss_figure(num_epochs)
    times, losses = d2l.train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs,
                                   animator=animator)
    common.save_figure(animator.fig, name or f"train_{file_part}", title or f"From scratch: {title_part}")
    return times, losses


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4, *, name=None, title=None):
    """``d2l.train_concise_ch11`` with quick mode and the figure saved; returns the losses."""
    num_epochs = epochs_to_run(num_epochs)
    file_part, title_part = describe(trainer_fn, hyperparams)
    animator = _loss_figure(num_epochs)
    d2l.train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs, animator=animator)
    common.save_figure(animator.fig, name or f"concise_{file_part}",
                       title or f"Concise: minigrad.optim.{title_part}")
    return animator.Y[0]
