"""Files that are either whole or absent, and reads that cannot hang.

Every file minigrad writes (checkpoints, data, figures, reports) goes through ``atomic_write``: an interrupted run
never leaves a half-written file in place of the old one, and the hidden temporary file a killed writer leaves
behind (``.NAME.XXXXXXXX.tmp``) is removed by the next write to the same ``NAME``, and by nothing else. Every file
minigrad reads from a path a user gives goes through ``open_regular``, which refuses FIFOs and devices (reading one
would block forever or never end).
"""
import codecs
import contextlib
import errno
import os
import re
import secrets
import stat

try:
    import fcntl
except ImportError:         # Windows: no advisory locks, so leftovers are not cleaned up there
    fcntl = None

__all__ = ["NotARegularFileError", "atomic_write", "open_regular", "write_atomically"]

# Errors of a write that concern the file being written, not the code writing it: they get the file's name.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)}
_TEMPORARY_NAME = "[a-z0-9_]{8}\\.tmp"     # what atomic_write (and tempfile.mkstemp before it) appends


class NotARegularFileError(OSError):
    """A path that names a FIFO, a device, a socket or a folder where minigrad expects a regular file."""


def _kind(mode):
    for test, name in ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def _refuse_special(path, mode):
    raise NotARegularFileError(errno.EINVAL, f"not a regular file but a {_kind(mode)} (minigrad reads and writes "
                                             "only regular files)", path)


def open_regular(path):
    """``open(path, "rb")`` for a regular file only; a FIFO, device or folder raises NotARegularFileError.

    The file is opened without blocking (so a FIFO with no writer cannot hang us) and checked with ``fstat`` on the
    opened descriptor, so the check and the read concern the same file."""
    path = os.fspath(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            _refuse_special(path, mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _with_name(err, path):
    """The same OSError, naming ``path`` (the file being written) instead of a hidden temporary file or nothing."""
    return type(err)(err.errno, err.strerror or str(err), os.fspath(path))


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None):
    """``with atomic_write(path) as f:`` writes ``f`` (``f.name`` is the temporary file); ``path`` is replaced only
    when the block completes.

    The data go to a hidden temporary file beside ``path``, are flushed and fsync'ed, and the temporary file is
    renamed over ``path`` (atomic on POSIX). On any error, Ctrl-C included, the temporary file is removed and
    ``path`` is untouched. A new file gets the usual permissions (0o666 less the umask, applied by the kernel; the
    umask is never changed); an existing file keeps its own. ``mode`` is ``"wb"`` or ``"w"`` (text, with
    ``encoding``, default UTF-8). Errors name ``path``: a missing folder, no permission, a full disk."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', got {mode!r}")
    encoding = codecs.lookup(encoding or "utf-8").name if mode == "w" else None   # before any file exists
    path = os.fspath(path)
    if not os.path.basename(path):
        raise IsADirectoryError(errno.EISDIR, "atomic_write needs a file name, not a folder", path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        missing = not os.path.exists(folder)
        raise (FileNotFoundError if missing else NotADirectoryError)(
            errno.ENOENT if missing else errno.ENOTDIR, f"cannot write {path}: no such folder", folder)
    existing_mode = _existing_permissions(path)
    temporary, fd = _create_locked_temporary(path, folder)
    stream = open(temporary, mode, encoding=encoding if mode == "w" else None,
                  opener=lambda name, flags: fd)       # the locked descriptor, under its name (``f.name``)
    try:
        try:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
            if existing_mode is not None:
                os.chmod(temporary, existing_mode)
            if fcntl is None:
                stream.close()          # Windows cannot rename an open file; without locks nothing needs it open
            os.replace(temporary, path)
        except OSError as err:
            if err.filename is None and err.errno in _WRITE_ERRNOS or err.filename == temporary:
                raise _with_name(err, path) from err
            raise
    except BaseException:
        stream.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    stream.close()                      # the lock is held until the temporary name is gone
    _fsync_folder(folder)


def write_atomically(path, data):
    """Write ``data`` (str, as UTF-8 text, or bytes) to ``path`` through ``atomic_write``."""
    with atomic_write(path, "w" if isinstance(data, str) else "wb") as stream:
        stream.write(data)


def _existing_permissions(path):
    """The permission bits of the file at ``path``, None when there is none; a folder, FIFO or device is refused
    (replacing ``/dev/null`` or a FIFO a reader waits on with a regular file would be a surprise)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(mode):
        _refuse_special(path, mode)
    return stat.S_IMODE(mode)


def _create_locked_temporary(path, folder):
    """A new ``.NAME.XXXXXXXX.tmp`` beside ``path``, created 0o666 less the umask and locked (``flock``) for as long
    as it exists, so that ``_remove_dead_leftovers`` can tell a live writer's file from a dead one's."""
    prefix = "." + os.path.basename(path) + "."
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = os.path.join(folder, prefix + secrets.token_hex(4) + ".tmp")
        try:
            fd = os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as err:
            raise _with_name(err, path) from err
        if fcntl is None:
            break
        fcntl.flock(fd, fcntl.LOCK_EX)     # waits only while a cleaner looks at it, if one found it unlocked
        if _same_file(temporary, fd):
            break
        os.close(fd)                       # a cleaner took it for a leftover before we locked it: take another
    _remove_dead_leftovers(folder, prefix, temporary)
    return temporary, fd


def _same_file(name, fd):
    try:
        here, opened = os.stat(name, follow_symlinks=False), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (opened.st_dev, opened.st_ino)


def _remove_dead_leftovers(folder, prefix, own):
    """Remove the temporary files of earlier writes to the same path whose writer is dead.

    A live writer holds its file's lock; the kernel releases it when the writer dies (kill -9 included), so a
    leftover is exactly a temporary file whose lock we can take."""
    if fcntl is None:
        return
    pattern = re.compile(re.escape(prefix) + _TEMPORARY_NAME + r"\Z")
    try:
        names = os.listdir(folder)
    except OSError:                        # a folder we may write in but not list: leave it as it is
        return
    for name in names:
        candidate = os.path.join(folder, name)
        if candidate == own or not pattern.match(name):
            continue
        try:
            fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(candidate, fd):
                    os.unlink(candidate)
        except OSError:                    # locked: its writer is alive; or gone meanwhile
            pass
        finally:
            os.close(fd)


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
