"""Files that are either whole or absent: every file minigrad writes (checkpoints, data, figures, reports) goes
through ``atomic_write``, so an interrupted run never leaves a half-written file behind."""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None):
    """``with atomic_write(path) as f:`` writes ``f`` (its ``f.name`` is the temporary file); ``path`` is replaced
    only when the block completes.

    The data go to a temporary file beside ``path``, are flushed and fsync'ed, and the temporary file is renamed over
    ``path`` (atomic on POSIX and Windows). On any error, Ctrl-C included, the temporary file is removed and ``path``
    is untouched. ``mode`` is ``"wb"`` or ``"w"`` (text, with ``encoding``, default UTF-8)."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    os.close(fd)
    try:
        with open(temporary, mode, encoding=(encoding or "utf-8") if mode == "w" else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, _permissions_for(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _permissions_for(path):
    """Keep an existing file's permissions; give a new one the usual 0o666 less the umask (mkstemp's are 0o600)."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder):
    """Make the rename itself durable (where the platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
