"""Checkpoints of a training run: everything it needs to continue exactly where it stopped (model, optimizer,
scheduler, the generator that shuffles the data, the History), saved through ``minigrad.save`` (atomic, no pickle).

A checkpoint carries the ``config`` of the run that made it (a dict of plain values: epochs, batch size, data,
seed, ...). A run only ever resumes from a checkpoint of its own config, and never overwrites a checkpoint of
another config or one it cannot read: it stops with an error naming the file, and the file is kept. Name the file
by the config (``checkpoint_name``) and runs of different settings never meet.
"""
import hashlib
import json
import os

from ..random import get_generator
from ..serialization import load, save


class CheckpointMismatch(ValueError):
    """The file holds a checkpoint this run cannot use (other settings, or unreadable); it is left untouched."""


def checkpoint_name(label, config):
    """``<label>-<8 hex digits of the config>.npz``: one file per run and settings."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{label}-{digest}.npz"


def _scheduler_state(scheduler):
    if scheduler is None:
        return None
    if hasattr(scheduler, "state_dict"):
        return scheduler.state_dict()
    return dict(vars(scheduler))  # a plain schedule object (the book's) whose attributes are numbers


def save_checkpoint(path, config, epochs_done, net, trainer, scheduler, history):
    """Write the run's whole state after ``epochs_done`` epochs, atomically (a crash leaves the previous file)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    save({"config": config, "epochs_done": epochs_done, "model": net.state_dict(), "optimizer": trainer.state_dict(),
          "scheduler": _scheduler_state(scheduler), "rng": get_generator().bit_generator.state,
          "history": history.state_dict()}, path)


def read_checkpoint(path, config):
    """The state saved in ``path`` if it was made with ``config``; None when there is no file. Raises
    CheckpointMismatch, naming the file, when the file is unreadable or holds other settings."""
    if not os.path.exists(path):
        return None
    try:
        state = load(path)
        saved_config = state["config"]
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise CheckpointMismatch(f"{path} is not a checkpoint this run can read ({error}); it is kept as it is: "
                                 "move it away to start afresh") from error
    if saved_config != config:
        raise CheckpointMismatch(f"{path} holds a run with other settings ({saved_config}, this run: {config}); "
                                 "it is kept as it is: use another file for this run")
    return state


def restore_checkpoint(state, net, trainer, scheduler, history):
    """Load a state from ``read_checkpoint`` into the run's objects; return the number of epochs it had done."""
    net.load_state_dict(state["model"])
    trainer.load_state_dict(state["optimizer"])
    if hasattr(scheduler, "load_state_dict"):
        scheduler.load_state_dict(state["scheduler"])
    elif scheduler is not None:
        vars(scheduler).update(state["scheduler"])
    history.load_state_dict(state["history"])
    get_generator().bit_generator.state = state["rng"]  # the next epoch shuffles as it would have
    return state["epochs_done"]
