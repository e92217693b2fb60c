"""Training a classifier: d2l's general loop (``train``), the tools around it, and ``TrainingRun``, which holds what
a book-shaped loop delegates (epochs and resume, progress line, history, checkpoints).

| module | what it holds |
| --- | --- |
| ``metrics`` | ``Timer``, ``Accumulator``, ``accuracy``, ``evaluate_accuracy`` |
| ``history`` | ``History``: the curves (d2l Animator's ``add``) and one summary per epoch; draws a PNG |
| ``progress`` | ``Progress``, the one status line (terminal, or a parent's ``ProgressBoard``) |
| ``checkpoint`` | saving and restoring a run's whole state; never overwriting a checkpoint of other settings |
| ``run`` | ``TrainingRun`` |
| ``loop`` | ``train``, d2l's ``train_ch6`` with loss, optimizer and scheduler as arguments |
"""
from .checkpoint import CheckpointMismatch, checkpoint_name
from .history import History
from .loop import train
from .metrics import Accumulator, Timer, accuracy, evaluate_accuracy
from .progress import Progress, ProgressBoard, format_seconds
from .run import TrainingRun

__all__ = ["Accumulator", "CheckpointMismatch", "History", "Progress", "ProgressBoard", "Timer", "TrainingRun",
           "accuracy", "checkpoint_name", "evaluate_accuracy", "format_seconds", "train"]
