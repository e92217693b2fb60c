"""The one progress display of minigrad: a self-overwriting status line per running training run.

A ``Progress`` sends its status text to one of three places, chosen when it is made:

* a terminal: the line is drawn on stderr (``\\r``, overwritten in place, cleared at the end);
* a parent process: when the environment names a pipe in ``MINIGRAD_PROGRESS_FD`` (the chapter report and the
  11.11 script's worker processes set it up), each change is one JSON line ``{"label": ..., "text": ...}`` on it,
  and the parent's ``ProgressBoard`` draws the lines of all its children as one;
* nowhere, when stderr is a file or a pipe: reports and logs stay clean.
"""
import json
import os
import sys
import threading
import time

PROGRESS_FD = "MINIGRAD_PROGRESS_FD"


def format_seconds(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


class TerminalLine:
    """One line on a terminal stream, rewritten in place."""

    def __init__(self, stream):
        self.stream, self.width = stream, 0

    def write(self, text):
        self.stream.write("\r" + text.ljust(self.width) + ("\r" if not text else ""))
        self.stream.flush()
        self.width = len(text)


class _ParentPipe:
    """JSON lines to the parent process's ProgressBoard."""

    def __init__(self, fd, label):
        self.stream, self.label = os.fdopen(fd, "w", buffering=1, closefd=False), label

    def write(self, text):
        try:
            self.stream.write(json.dumps({"label": self.label, "text": text}) + "\n")
        except (BrokenPipeError, OSError):   # the parent went away: progress is not worth failing for
            pass


def _sink(label, stream):
    if stream is None and os.environ.get(PROGRESS_FD, "").isdigit():
        try:
            return _ParentPipe(int(os.environ[PROGRESS_FD]), label)
        except OSError:   # a stale variable naming no open pipe: show nothing rather than fail the run
            return None
    stream = sys.stderr if stream is None else stream
    return TerminalLine(stream) if hasattr(stream, "isatty") and stream.isatty() else None


class Progress:
    """Status of one run: epoch, minibatch, images/s and the time left in the run, shown at most every ``every``
    seconds. ``update`` is cheap when nothing is shown (one clock read)."""

    def __init__(self, label, num_epochs, num_batches, first_epoch=0, stream=None, every=0.5, enabled=True):
        self.sink = _sink(label, stream) if enabled else None
        self.label, self.num_epochs, self.num_batches, self.every = label, num_epochs, num_batches, every
        self.started = self.last_shown = time.perf_counter()
        self.first_batch = first_epoch * num_batches
        self.images = 0

    def update(self, epoch, batch, images):
        """``batch`` (1-based) of ``epoch`` (0-based) has been trained on ``images`` more images."""
        self.images += images
        now = time.perf_counter()
        if self.sink is None or now - self.last_shown < self.every:
            return
        self.last_shown = now
        elapsed = now - self.started
        text = f"epoch {epoch + 1}/{self.num_epochs}, batch {batch}"
        if self.num_batches:
            done = epoch * self.num_batches + batch - self.first_batch  # minibatches trained in this process
            left = (self.num_epochs - epoch) * self.num_batches - batch
            text += f"/{self.num_batches}, {self.images / elapsed:,.0f} images/s, "
            text += f"{format_seconds(elapsed / max(done, 1) * left)} left"
        else:
            text += f", {self.images / elapsed:,.0f} images/s"
        self.sink.write(text if isinstance(self.sink, _ParentPipe) else f"{self.label}: {text}")

    def clear(self):
        if self.sink is not None:
            self.sink.write("")


class ProgressBoard:
    """A parent's view of its children's progress: reads their JSON lines from a pipe (``fd_for_child`` is passed
    to them as ``MINIGRAD_PROGRESS_FD``) and shows the latest status of every run as one line, either on its own
    terminal or, when it is itself a child, up to its parent. ``print`` writes ordinary lines around it."""

    def __init__(self, stream=None, label="runs"):
        self.stream = sys.stdout if stream is None else stream
        self.sink = _sink(label, self.stream if not os.environ.get(PROGRESS_FD, "").isdigit() else None)
        self.status = {}
        self.lock = threading.Lock()
        read_fd, self.fd_for_child = os.pipe()
        os.set_inheritable(self.fd_for_child, True)
        self.reader = threading.Thread(target=self._read, args=(read_fd,), daemon=True)
        self.reader.start()

    def child_env(self, env):
        return dict(env, **{PROGRESS_FD: str(self.fd_for_child)})

    def _read(self, fd):
        with os.fdopen(fd, "r") as pipe:
            for line in pipe:
                try:
                    message = json.loads(line)
                    label, text = str(message["label"]), str(message["text"])
                except (ValueError, KeyError, TypeError):
                    continue
                with self.lock:
                    if text:
                        self.status[label] = text
                    else:
                        self.status.pop(label, None)
                    self._draw()

    def _draw(self):
        if self.sink is not None:
            self.sink.write(" | ".join(f"{label}: {text}" for label, text in self.status.items()))

    def print(self, text):
        """Print a line of ordinary output, keeping the status line below it."""
        with self.lock:
            if isinstance(self.sink, TerminalLine) and self.sink.width:
                self.sink.write("")
            print(text, file=self.stream, flush=True)
            if isinstance(self.sink, TerminalLine) and self.status:
                self._draw()

    def close(self):
        """Stop listening (after the children have exited) and clear the line."""
        os.close(self.fd_for_child)
        self.reader.join(timeout=5)
        with self.lock:
            self.status.clear()
            if self.sink is not None:
                self.sink.write("")
