"""A data file's contents, read as a stream: gunzipped when the file is gzipped (recognised by its magic bytes 1f 8b,
not by its name), never more than a limit, hashed as they go.

Data files are untrusted input: a 1 MB ``.gz`` can expand to gigabytes. So nothing is gunzipped whole: the contents
come out in pieces of at most CHUNK_BYTES, and reading stops with a DataFileError naming the file as soon as they
pass the size the caller knows the file must have (for the known data sets, their recorded sizes).
"""
import hashlib
import os
import zlib

from ..fileio import open_regular
from .errors import DataFileError

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 1 << 20
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def iter_contents(stream, source, limit=None):
    """The contents of the binary ``stream`` in pieces, gunzipped if it starts with the gzip magic.

    ``source`` names the file in errors; more than ``limit`` bytes of contents raise DataFileError."""
    first = stream.read(CHUNK_BYTES)
    gzipped = first.startswith(GZIP_MAGIC)
    pieces = _gunzip(first, stream, source) if gzipped else _raw(first, stream)
    produced = 0
    for piece in pieces:
        produced += len(piece)
        if limit is not None and produced > limit:
            raise DataFileError(source, f"its contents{' after gunzipping' if gzipped else ''} are larger than "
                                        f"the {limit} bytes expected: it is not the expected file")
        yield piece


def _raw(first, stream):
    piece = first
    while piece:
        yield piece
        piece = stream.read(CHUNK_BYTES)


def _gunzip(pending, stream, source):
    """Gunzip a stream of one or more gzip members (zero padding after a member is allowed, as gzip does)."""
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    output_full = False         # the last call stopped at CHUNK_BYTES: zlib may hold more output for no new input
    while True:
        if not pending and not output_full:
            pending = stream.read(CHUNK_BYTES)
            if not pending:
                break
        if decompressor.eof:
            pending = pending.lstrip(b"\0")
            if not pending:
                continue
            if not pending.startswith(GZIP_MAGIC[:len(pending)]):
                raise DataFileError(source, "not a valid gzip file: bytes that are not gzip data follow its end")
            decompressor = zlib.decompressobj(_GZIP_WBITS)
        try:
            piece = decompressor.decompress(pending, CHUNK_BYTES)
        except zlib.error as err:
            raise DataFileError(source, f"not a valid gzip file ({err}); it is probably truncated or "
                                        "corrupt") from None
        output_full = len(piece) == CHUNK_BYTES and not decompressor.eof
        pending = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
        if piece:
            yield piece
    if not decompressor.eof:
        raise DataFileError(source, "not a valid gzip file (it ends before its end-of-stream marker); it is "
                                    "probably truncated or corrupt")


def verified_contents(stream, remote, source, keep=True):
    """Check that ``stream``'s contents are ``remote``'s (its size when known, then their hash) and return them
    (a bytearray; None with ``keep=False``). Anything else raises DataFileError naming ``source``."""
    digest = hashlib.new(remote.algorithm)
    data = bytearray() if keep else None
    size = 0
    for piece in iter_contents(stream, source, limit=remote.size):
        digest.update(piece)
        size += len(piece)
        if keep:
            data += piece
    if remote.size is not None and size != remote.size:
        raise DataFileError(source, f"its contents are {size} bytes, {remote.name} has {remote.size}: the file "
                                    "is truncated or not the official file; delete it so that it is fetched again")
    actual = digest.hexdigest()
    if actual != remote.digest:
        raise DataFileError(source, f"{remote.algorithm} of the contents is {actual}, expected {remote.digest} "
                                    f"for {remote.name}: the file is corrupt, truncated or not the official "
                                    "file; delete it so that it is fetched again")
    return data


def read_verified(path, remote):
    """The contents of the file at ``path`` after checking that they are ``remote``'s (DataFileError naming the
    file otherwise; NotARegularFileError for a FIFO or device)."""
    with open_regular(path) as stream:
        return verified_contents(stream, remote, os.fspath(path))
