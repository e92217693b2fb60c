"""IDX files (the format of MNIST and Fashion-MNIST), read with numpy.

An IDX file is a 4-byte magic number -- two zero bytes, a type code, the number of dimensions -- then one
big-endian uint32 per dimension, then the values, big-endian, in C order. The files are usually gzipped; gzip is
recognised by its own magic bytes (1f 8b), not by the file name.

Every way a file can be wrong (not a regular file, bad gzip, wrong magic, short data, trailing bytes) raises an
error naming the file and the problem (``DataFileError`` for wrong contents), so that a truncated download is
reported as such rather than surfacing later as a reshape error. ``read_idx`` streams: it never holds more than
the size the header declares plus a little, however far a hostile ``.gz`` would expand.
"""
import math
import os

import numpy as np

from ..fileio import open_regular
from .contents import CHUNK_BYTES, iter_contents
from .errors import DataFileError

__all__ = ["DataFileError", "parse_idx", "read_idx"]

# IDX type code -> numpy dtype (all big-endian in the file).
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
MAX_HEADER_BYTES = 4 + 4 * 255


def parse_header(data, source):
    """``(shape, dtype, header length)`` from the first bytes of an IDX file (DataFileError naming ``source``)."""
    if len(data) < 4:
        raise DataFileError(source, f"too short for an IDX header ({len(data)} bytes, need at least 4)")
    magic = bytes(data[:4]).hex()
    zero0, zero1, type_code, ndim = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0:
        raise DataFileError(source, f"wrong magic number 0x{magic}: an IDX file starts with two zero bytes "
                                    "(e.g. 0x00000803 for images, 0x00000801 for labels)")
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02x}" for code in IDX_DTYPES)
        raise DataFileError(source, f"unknown IDX type code 0x{type_code:02x} in magic number 0x{magic} "
                                    f"(known: {known})")
    if ndim == 0:
        raise DataFileError(source, f"magic number 0x{magic} declares 0 dimensions")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise DataFileError(source, f"header declares {ndim} dimensions, which needs {header_len} header "
                                    f"bytes, but the file has only {len(data)} bytes")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    return shape, IDX_DTYPES[type_code], header_len


def parse_idx(data, source="<bytes>"):
    """Parse IDX bytes into an array of the file's shape (a view of ``data``; read-only if ``data`` is bytes).

    ``source`` names the file in error messages."""
    shape, dtype, header_len = parse_header(data, source)
    expected = math.prod(shape) * dtype.itemsize
    actual = len(data) - header_len
    if actual < expected:
        raise DataFileError(source, f"short data: shape {shape} of {dtype.name} needs {expected} bytes after "
                                    f"the header, the file has {actual} (truncated?)")
    if actual > expected:
        at_least = "at least " if actual - expected > CHUNK_BYTES else ""
        raise DataFileError(source, f"{at_least}{actual - expected} trailing bytes after the {expected} bytes of "
                                    f"data for shape {shape}")
    values = np.frombuffer(data, dtype=dtype, offset=header_len).reshape(shape)
    return values if values.dtype.isnative else values.astype(values.dtype.newbyteorder("="))


def read_idx(path):
    """Read an IDX file (gzipped or raw) into a writable numpy array of its shape and type (native byte order)."""
    path = os.fspath(path)
    with open_regular(path) as stream:
        pieces = iter_contents(stream, path)
        data = bytearray()
        for piece in pieces:
            data += piece
            if len(data) >= MAX_HEADER_BYTES:
                break
        shape, dtype, header_len = parse_header(data, path)
        enough = header_len + math.prod(shape) * dtype.itemsize + CHUNK_BYTES     # a little more tells trailing
        for piece in pieces:
            data += piece
            if len(data) > enough:
                break
    array = parse_idx(data, path)
    return array if array.flags.writeable else array.copy()
