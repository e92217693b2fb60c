"""IDX files (the format of MNIST and Fashion-MNIST), read with numpy.

An IDX file is a 4-byte magic number -- two zero bytes, a type code, the number of dimensions -- then one
big-endian uint32 per dimension, then the values, big-endian, in C order. The files are usually gzipped; gzip is
recognised by its own magic bytes (1f 8b), not by the file name.

Every way a file can be wrong (bad gzip, wrong magic, short data, trailing bytes) raises ``DataFileError``
naming the file and the problem, so that a truncated download is reported as such rather than surfacing later
as a reshape error.
"""
import gzip
import os
import zlib

import numpy as np

GZIP_MAGIC = b"\x1f\x8b"

# IDX type code -> numpy dtype (all big-endian in the file).
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class DataFileError(ValueError):
    """A data file exists but its contents are wrong (corrupt, truncated, not the expected file)."""

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def read_bytes(path):
    """The file's bytes, gunzipped when the file starts with the gzip magic; bad gzip -> DataFileError."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise DataFileError(path, f"not a valid gzip file ({type(err).__name__}: {err}); "
                                  "it is probably truncated or corrupt") from None


def parse_idx(data, source="<bytes>"):
    """Parse IDX bytes into an array of the file's shape (a read-only view of ``data`` for 1-byte types).

    ``source`` names the file in error messages.
    """
    if len(data) < 4:
        raise DataFileError(source, f"too short for an IDX header ({len(data)} bytes, need at least 4)")
    zero0, zero1, type_code, ndim = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0:
        raise DataFileError(source, f"wrong magic number 0x{bytes(data[:4]).hex()}: an IDX file starts with "
                                    "two zero bytes (e.g. 0x00000803 for images, 0x00000801 for labels)")
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02x}" for code in IDX_DTYPES)
        raise DataFileError(source, f"unknown IDX type code 0x{type_code:02x} in magic number "
                                    f"0x{bytes(data[:4]).hex()} (known: {known})")
    if ndim == 0:
        raise DataFileError(source, f"magic number 0x{bytes(data[:4]).hex()} declares 0 dimensions")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise DataFileError(source, f"header declares {ndim} dimensions, which needs {header_len} header "
                                    f"bytes, but the file has only {len(data)} bytes")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[type_code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header_len
    if actual < expected:
        raise DataFileError(source, f"short data: shape {shape} of {dtype.name} needs {expected} bytes after "
                                    f"the header, the file has {actual} (truncated?)")
    if actual > expected:
        raise DataFileError(source, f"{actual - expected} trailing bytes after the {expected} bytes of data "
                                    f"for shape {shape}")
    values = np.frombuffer(data, dtype=dtype, offset=header_len).reshape(shape)
    return values if values.dtype.isnative else values.astype(values.dtype.newbyteorder("="))


def read_idx(path):
    """Read an IDX file (gzipped or raw) into a writable numpy array of its shape and type (native byte order)."""
    array = parse_idx(read_bytes(path), os.fspath(path))
    return array if array.flags.writeable else array.copy()
