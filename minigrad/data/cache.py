"""Finding a data set on disk, downloading it when it is nowhere, and checking that its files are the right ones.

Lookup order for a data set (the first folder that holds *all* of its files wins):

1. ``root``, the argument of the loader, when given;
2. ``$MINIGRAD_DATA``, when set;
3. the user cache, ``$XDG_CACHE_HOME/minigrad/<data set>`` (default ``~/.cache/minigrad/<data set>``);
4. the data set's system folders (e.g. ``/usr/share/datasets/fashion-mnist`` from Debian's package);

and only then a download into the user cache. In ``root`` and ``$MINIGRAD_DATA`` the files may lie directly in
the folder or in one of the data set's usual subfolders (e.g. ``fashion-mnist/`` or torchvision's
``FashionMNIST/raw/``).

Every file is identified by the hash of its *contents after gunzipping* (for a file that is not gzipped, of its
bytes). That one rule holds for both the official ``.gz`` files and Debian's recompressed ones, and for
uncompressed copies. A download is streamed into a temporary file in the destination folder, checked, fsynced
and only then renamed into place (``os.replace``); a failed, truncated or wrong download leaves nothing behind.
"""
import hashlib
import os
import shutil
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..fileio import atomic_write
from .idx import DataFileError, read_bytes

ENV_VAR = "MINIGRAD_DATA"
DOWNLOAD_TIMEOUT_SECONDS = 60
CHUNK_BYTES = 1 << 20


class DataNotFoundError(FileNotFoundError):
    """A data set is in none of the places looked at, and downloading it failed."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: its name, where to download it, and the hash of its (gunzipped) contents."""

    name: str
    url: str
    algorithm: str
    digest: str

    @property
    def accepted_names(self):
        """File names that count as this file: ``x.gz`` may also lie uncompressed as ``x``."""
        if self.name.endswith(".gz"):
            return (self.name, self.name[:-3])
        return (self.name,)


@dataclass(frozen=True)
class Dataset:
    """A data set's files, where systems install it, and what to tell a user who has none of it."""

    name: str
    title: str
    files: tuple
    subdirs: tuple = ()
    system_dirs: tuple = ()
    hint: str = ""


@dataclass(frozen=True)
class Located:
    """Where a data set was found: the folder, what kind of place it is, and the path of each file by name."""

    directory: Path
    origin: str
    paths: dict


def user_cache_dir():
    """``$XDG_CACHE_HOME/minigrad``, or ``~/.cache/minigrad`` when XDG_CACHE_HOME is unset or empty."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "minigrad"


def dataset_cache_dir(dataset):
    return user_cache_dir() / dataset.name


def search_dirs(dataset, root=None):
    """The folders looked at, in order, as ``(origin, folder)`` pairs."""
    places = []
    for origin, base in (("root", root), (ENV_VAR, os.environ.get(ENV_VAR) or None)):
        if base is not None:
            base = Path(os.path.expanduser(os.fspath(base)))
            places.append((origin, base))
            places.extend((origin, base / sub) for sub in dataset.subdirs)
    places.append(("user cache", dataset_cache_dir(dataset)))
    places.extend(("system", Path(d)) for d in dataset.system_dirs)
    return places


def files_in(directory, dataset):
    """``{name: path}`` for the data set's files present in ``directory`` (possibly only some of them)."""
    found = {}
    for remote in dataset.files:
        for candidate in remote.accepted_names:
            path = directory / candidate
            if path.is_file():
                found[remote.name] = path
                break
    return found


def locate(dataset, root=None):
    """The first folder in lookup order holding every file of the data set, or None."""
    for origin, directory in search_dirs(dataset, root):
        found = files_in(directory, dataset)
        if len(found) == len(dataset.files):
            return Located(directory, origin, found)
    return None


def check_contents(data, remote, source):
    """Raise DataFileError naming ``source`` unless ``data`` (gunzipped bytes) has the recorded hash."""
    actual = hashlib.new(remote.algorithm, data).hexdigest()
    if actual != remote.digest:
        raise DataFileError(source, f"{remote.algorithm} of the contents is {actual}, expected {remote.digest} "
                                    f"for {remote.name}: the file is corrupt, truncated or not the official "
                                    "file; delete it so that it is fetched again")


def read_verified(path, remote):
    """The file's gunzipped bytes after checking their hash (DataFileError naming the file otherwise)."""
    data = read_bytes(path)
    check_contents(data, remote, path)
    return data


def _install_atomically(write_into, remote, dest_dir, source):
    """Let ``write_into(file)`` fill a temporary file in ``dest_dir``, check it, then rename it to its name.

    On any failure (including KeyboardInterrupt) the temporary file is removed, a folder made for it too, and the
    error propagates.
    """
    dest_dir = Path(dest_dir)
    created_dir = not dest_dir.exists()
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / remote.name
    try:
        with atomic_write(final) as tmp:
            write_into(tmp)
            tmp.flush()
            try:
                data = read_bytes(tmp.name)
            except DataFileError as err:
                raise DataFileError(source, err.problem) from None
            check_contents(data, remote, source)
    except BaseException:
        if created_dir:
            _remove_if_empty(dest_dir)
        raise
    return final


def _remove_if_empty(directory):
    try:
        directory.rmdir()
    except OSError:  # not empty: another file landed there meanwhile
        pass


def download(remote, dest_dir, urlopen=None):
    """Download ``remote.url`` into ``dest_dir/remote.name``, checked and atomically; returns the path.

    ``urlopen`` defaults to ``urllib.request.urlopen`` (looked up at call time, so tests can replace it).

    Raises OSError (urllib.error.URLError, ...) when the download fails and DataFileError when the received
    bytes are short of the announced length, not valid gzip, or have the wrong hash.
    """
    urlopen = urlopen or urllib.request.urlopen

    def write_into(tmp):
        with urlopen(remote.url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            announced = response.headers.get("Content-Length")
            received = 0
            while chunk := response.read(CHUNK_BYTES):
                tmp.write(chunk)
                received += len(chunk)
        if announced is not None and received != int(announced):
            raise DataFileError(remote.url, f"download truncated: received {received} of {announced} bytes")

    print(f"minigrad: downloading {remote.url} -> {Path(dest_dir) / remote.name}", file=sys.stderr)
    return _install_atomically(write_into, remote, dest_dir, remote.url)


def copy_verified(source_path, remote, dest_dir):
    """Copy a local file into ``dest_dir/remote.name``, checked and atomically; returns the new path."""
    def write_into(tmp):
        with open(source_path, "rb") as src:
            shutil.copyfileobj(src, tmp, CHUNK_BYTES)

    return _install_atomically(write_into, remote, dest_dir, source_path)


def locate_or_download(dataset, root=None, urlopen=None):
    """Where the data set is; downloads the missing files into the user cache when it is nowhere.

    Raises DataNotFoundError listing the places looked at, the download error, and what to do.
    """
    located = locate(dataset, root)
    if located is not None:
        return located
    cache_dir = dataset_cache_dir(dataset)
    present = files_in(cache_dir, dataset)
    try:
        for remote in dataset.files:
            if remote.name not in present:
                download(remote, cache_dir, urlopen)
    except (OSError, DataFileError) as err:
        raise DataNotFoundError(not_found_message(dataset, root, err)) from None
    return Located(cache_dir, "downloaded", files_in(cache_dir, dataset))


def not_found_message(dataset, root, download_error):
    lines = [f"{dataset.title} not found. Looked in:"]
    for origin, directory in search_dirs(dataset, root):
        present = files_in(directory, dataset)
        state = "missing" if not present else "incomplete, has only " + ", ".join(sorted(present))
        lines.append(f"  {directory} ({origin}): {state}")
    lines.append(f"Downloading it failed: {download_error}")
    if dataset.hint:
        lines.append(dataset.hint)
    return "\n".join(lines)
