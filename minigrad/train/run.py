"""``TrainingRun``: what a training loop delegates so that the loop itself stays the book's loop.

    run = TrainingRun("constant", checkpoint="ckpt/constant.npz", config={...}, resume=True)
    animator = run.animator(xlabel="epoch", xlim=[0, num_epochs], legend=[...])   # a History, d2l Animator's shape
    for epoch in run.epochs(num_epochs, net, trainer, scheduler):                  # resumes after a checkpoint
        for i, (X, y) in enumerate(run.progress(train_iter)):                      # the live status line
            ...
        run.end_epoch(train_loss, train_acc, test_acc)                            # record, check, save
    train_loss, train_acc, test_acc = run.final

A run resumed from the checkpoint of a finished run trains no epoch at all; ``run.final`` still holds its closing
numbers.
"""
import math
import time

from .checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from .history import BOOK_LEGEND, History
from .progress import Progress


def _keep_freed_memory():
    """Ask nn to keep freed memory in the process (its malloc tuning; a third of a LeNet step's time otherwise goes
    to page faults). Guarded: an nn without the switch keeps whatever it does at import."""
    try:
        from ..nn import _memory
    except ImportError:
        return False
    switch = getattr(_memory, "keep_freed_memory", None)
    return bool(switch()) if callable(switch) else False


class TrainingRun:
    """The epochs, progress line, history and checkpoints of one training run (see the module docstring).

    checkpoint: a path; the whole state is saved there after every epoch (``end_epoch``). resume: continue from
    that file when it holds a run of the same ``config``. A file of other settings, or one that cannot be read, is
    never overwritten: the run stops with CheckpointMismatch naming it."""

    def __init__(self, label="train", checkpoint=None, config=None, resume=False, progress=True):
        self.label, self.checkpoint, self.config, self.resume = label, checkpoint, config, resume
        self.history = History(legend=BOOK_LEGEND)
        self.show_progress = progress
        self._display = self._objects = None
        self._epoch = self._lr = self._started = None

    def animator(self, xlabel="epoch", xlim=None, legend=BOOK_LEGEND):
        """The run's History with these axes (d2l's ``Animator(xlabel=..., xlim=..., legend=...)``)."""
        if list(legend) != self.history.legend:
            self.history = History(xlabel, xlim, legend)
        self.history.xlabel, self.history.xlim = xlabel, xlim
        return self.history

    def epochs(self, num_epochs, net, trainer, scheduler=None):
        """The epochs still to train (0-based), after restoring a checkpoint when resuming."""
        _keep_freed_memory()
        self._objects = (net, trainer, scheduler)
        first_epoch = 0
        if self.checkpoint is not None:
            state = read_checkpoint(self.checkpoint, self.config)   # refuses a file of other settings, either way
            if state is not None and self.resume:
                first_epoch = restore_checkpoint(state, net, trainer, scheduler, self.history)
        self._num_epochs, self._first_epoch = num_epochs, first_epoch
        self._display = None
        try:
            for epoch in range(first_epoch, num_epochs):
                self._epoch, self._lr, self._started = epoch, trainer.param_groups[0]["lr"], time.perf_counter()
                yield epoch
        finally:
            if self._display is not None:
                self._display.clear()

    def progress(self, batches):
        """Yield the minibatches of ``batches`` unchanged, keeping the status line up to date."""
        if self._display is None:
            num_batches = len(batches) if hasattr(batches, "__len__") else 0   # 0: unknown, no time left shown
            self._display = Progress(self.label, self._num_epochs, num_batches, self._first_epoch,
                                     enabled=self.show_progress)
        for batch, (X, y) in enumerate(batches, start=1):
            yield X, y
            self._display.update(self._epoch, batch, len(y))

    def end_epoch(self, train_loss, train_acc, test_acc):
        """Record the finished epoch and save the checkpoint; a NaN or infinite train loss stops the run instead
        (the checkpoint of the epoch before is kept)."""
        if not math.isfinite(train_loss):
            raise FloatingPointError(
                f"{self.label}: the train loss became {train_loss} in epoch {self._epoch + 1} (lr {self._lr}); "
                "stopping instead of training on garbage (this epoch is not saved). Lower the learning rate or "
                "check the data.")
        self.history.epochs.append({"epoch": self._epoch + 1, "lr": self._lr, "train_loss": train_loss,
                                    "train_acc": train_acc, "test_acc": test_acc,
                                    "seconds": time.perf_counter() - self._started})
        if self.checkpoint is not None:
            save_checkpoint(self.checkpoint, self.config, self._epoch + 1, *self._objects, self.history)

    @property
    def final(self):
        """(train loss, train acc, test acc) of the last epoch, also for a run resumed when already finished."""
        if not self.history.epochs:
            raise RuntimeError(f"{self.label}: no epoch has been trained")
        last = self.history.final
        return last["train_loss"], last["train_acc"], last["test_acc"]
