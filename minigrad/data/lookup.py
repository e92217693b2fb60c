"""What a data set is (its files, their hashes and sizes) and where it is found on disk.

Lookup order (the first folder that holds *all* of the data set's files wins):

1. ``root``, the loader's argument: when given, it is the only place looked at. It holds the data set (directly
   or in one of its usual subfolders, e.g. ``fashion-mnist/`` or torchvision's ``FashionMNIST/raw/``) or the
   loader raises DataNotFoundError naming it; nothing else is searched and nothing is downloaded;
2. the folders of ``$MINIGRAD_DATA``, a search path like ``$PATH`` (folders separated by ``os.pathsep``), each
   with the data set's usual subfolders. The Makefile and CI set it (e.g. to a shared copy of the data);
3. the user cache, ``$XDG_CACHE_HOME/minigrad/<data set>`` (default ``~/.cache/minigrad/<data set>``);
4. the data set's system folders (e.g. ``/usr/share/datasets/fashion-mnist``, where Debian's package puts it);

and only then a download into the user cache (``minigrad.data.download``).
"""
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import DataNotFoundError

ENV_VAR = "MINIGRAD_DATA"


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: its name, where to download it, and the hash and size of its (gunzipped)
    contents. The size, when known, bounds what reading or downloading the file may cost; without it (a file
    named only by its hash, as d2l's ``DATA_HUB`` does) only the hash is checked."""

    name: str
    url: str
    algorithm: str
    digest: str
    size: int = None

    @property
    def accepted_names(self):
        """File names that count as this file: ``x.gz`` may also lie uncompressed as ``x``."""
        if self.name.endswith(".gz"):
            return (self.name, self.name[:-3])
        return (self.name,)

    @property
    def max_download_bytes(self):
        """The most a download of it may take (None when its size is unknown): its contents, or their gzip, which
        stores incompressible data with 5 bytes per 16 KB block and a header of at most a few hundred bytes."""
        return None if self.size is None else self.size + self.size // 1000 + 65536


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


def data_path():
    """The folders of ``$MINIGRAD_DATA`` (empty entries ignored)."""
    return [Path(os.path.expanduser(entry)) for entry in os.environ.get(ENV_VAR, "").split(os.pathsep) if entry]


def search_dirs(dataset, root=None):
    """The folders looked at, in order, as ``(origin, folder)`` pairs: only ``root``'s when it is given."""
    bases = [("root", Path(os.path.expanduser(os.fspath(root))))] if root is not None else \
        [(ENV_VAR, folder) for folder in data_path()]
    places = []
    for origin, base in bases:
        places.append((origin, base))
        places.extend((origin, base / sub) for sub in dataset.subdirs)
    if root is None:
        places.append(("user cache", dataset_cache_dir(dataset)))
        places.extend(("system", Path(d)) for d in dataset.system_dirs)
    return places


def files_in(directory, dataset):
    """``{name: path}`` for the data set's files present in ``directory`` (possibly only some of them)."""
    found = {}
    for remote in dataset.files:
        for candidate in remote.accepted_names:
            path = directory / candidate
            if os.path.lexists(path):         # a FIFO or broken link is found here and refused when read
                found[remote.name] = path
                break
    return found


def locate(dataset, root=None):
    """The first folder in lookup order holding every file of the data set; None when there is none, except
    that an explicit ``root`` without the data set raises DataNotFoundError naming it."""
    for origin, directory in search_dirs(dataset, root):
        found = files_in(directory, dataset)
        if len(found) == len(dataset.files):
            return Located(directory, origin, found)
    if root is not None:
        raise DataNotFoundError(not_found_message(
            dataset, root, f"The root= given, {root}, does not hold it: pass the folder that holds its files, "
                           "or no root to use the usual places."))
    return None


def not_found_message(dataset, root, reason):
    lines = [f"{dataset.title} not found. Looked in:"]
    for origin, directory in search_dirs(dataset, root):
        present = files_in(directory, dataset)
        state = "missing" if not present else "incomplete, has only " + ", ".join(sorted(present))
        lines.append(f"  {directory} ({origin}): {state}")
    lines.append(reason)
    if dataset.hint:
        lines.append(dataset.hint)
    return "\n".join(lines)
