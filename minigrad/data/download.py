"""Getting a data set that is nowhere on disk: one small download-and-verify path into the user cache.

A download is streamed into a hidden temporary file beside its destination (``minigrad.fileio.atomic_write``) while
its gunzipped contents are hashed as they arrive; the file is renamed into place only when the byte count, the
size of the contents and their hash are right. A failed, truncated, oversized or wrong download leaves nothing
behind (and a download killed outright leaves a temporary file that the next download of that file removes).
"""
import sys
import urllib.request
from pathlib import Path

from ..fileio import atomic_write
from .contents import CHUNK_BYTES, verified_contents
from .errors import DataFileError, DataNotFoundError
from .lookup import Located, dataset_cache_dir, files_in, locate, not_found_message

DOWNLOAD_TIMEOUT_SECONDS = 60


class _Recording:
    """A reader over ``response`` that writes every byte it reads into ``out`` and refuses more than ``limit``."""

    def __init__(self, response, out, limit, source):
        self.response, self.out, self.limit, self.source = response, out, limit, source
        self.received = 0

    def read(self, size=CHUNK_BYTES):
        chunk = self.response.read(size)
        self.received += len(chunk)
        if self.limit is not None and self.received > self.limit:
            raise DataFileError(self.source, f"the download is larger than {self.limit} bytes, more than the "
                                             "expected file can take")
        self.out.write(chunk)
        return chunk


def download(remote, dest_dir, urlopen=None):
    """Download ``remote.url`` into ``dest_dir/remote.name``, checked and atomically; returns the path.

    ``urlopen`` defaults to ``urllib.request.urlopen`` (looked up at call time, so tests can replace it).
    Raises OSError (urllib.error.URLError, a full disk, ...) when the download fails and DataFileError when the
    received bytes are short of the announced length, too many, not valid gzip, or not the file's contents."""
    urlopen = urlopen or urllib.request.urlopen
    dest_dir = Path(dest_dir)
    final = dest_dir / remote.name
    print(f"minigrad: downloading {remote.url} -> {final}", file=sys.stderr)
    created = [folder for folder in (dest_dir, *dest_dir.parents) if not folder.exists()]
    dest_dir.mkdir(parents=True, exist_ok=True)
    try:
        with urlopen(remote.url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response, atomic_write(final) as out:
            announced = response.headers.get("Content-Length")
            recording = _Recording(response, out, remote.max_download_bytes, remote.url)
            try:
                verified_contents(recording, remote, remote.url, keep=False)
            except DataFileError:
                _check_length(recording.received, announced, remote.url)
                raise
            _check_length(recording.received, announced, remote.url)
    except BaseException:
        for folder in created:              # innermost first; a folder another file landed in stays
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    return final


def _check_length(received, announced, url):
    if announced is not None and received != int(announced):
        raise DataFileError(url, f"download truncated: received {received} of {announced} bytes")


def locate_or_download(dataset, root=None, urlopen=None):
    """Where the data set is; downloads the missing files into the user cache when it is nowhere.

    An explicit ``root`` is used or refused (DataNotFoundError naming it), never downloaded into. Otherwise
    raises DataNotFoundError listing the places looked at, the download error, and what to do."""
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
        raise DataNotFoundError(not_found_message(dataset, root, f"Downloading it failed: {err}")) from None
    return Located(cache_dir, "downloaded", files_in(cache_dir, dataset))
