import gzip
import struct
import tracemalloc

import numpy as np
import pytest

from minigrad.data.idx import DataFileError, read_idx
from minigrad.fileio import NotARegularFileError


def idx_bytes(array, type_code=0x08, big_endian_dtype=">u1"):
    """IDX bytes built by hand from the format's definition (header with struct, data big-endian)."""
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array, dtype=big_endian_dtype).tobytes()


def write(path, data, gz=False):
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_reads_images_and_labels(tmp_path, gz):
    images = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5) * 4
    labels = np.array([7, 0, 255], dtype=np.uint8)
    got_images = read_idx(write(tmp_path / "images", idx_bytes(images), gz))
    got_labels = read_idx(write(tmp_path / "labels", idx_bytes(labels), gz))
    assert got_images.dtype == np.uint8 and got_images.shape == (3, 4, 5)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.flags.writeable  # the result is the caller's to change, not a view of the file's bytes


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    labels = np.array([1, 2, 3], dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(write(tmp_path / "labels.raw", idx_bytes(labels), gz=True)), labels)
    np.testing.assert_array_equal(read_idx(write(tmp_path / "labels.gz", idx_bytes(labels))), labels)


def test_big_endian_int32_and_float64_types(tmp_path):
    ints = np.array([[1, -2], [70000, 2**31 - 1]])
    got = read_idx(write(tmp_path / "ints", idx_bytes(ints, 0x0C, ">i4")))
    assert got.dtype == np.int32 and got.dtype.isnative
    np.testing.assert_array_equal(got, ints)
    floats = np.array([0.5, -1e300, 3.25])
    np.testing.assert_array_equal(read_idx(write(tmp_path / "floats", idx_bytes(floats, 0x0E, ">f8"))), floats)


def corrupt_cases():
    good = idx_bytes(np.zeros((2, 3, 3), dtype=np.uint8))
    return {
        "bad gzip": (gzip.compress(good)[:-20], "not a valid gzip file"),
        "gzip garbage": (b"\x1f\x8b" + b"garbage" * 5, "not a valid gzip file"),
        "empty": (b"", "too short for an IDX header"),
        "wrong magic": (b"\x01\x02" + good[2:], "wrong magic number 0x01020803"),
        "unknown type": (good[:2] + b"\x07" + good[3:], "unknown IDX type code 0x07"),
        "no dimensions": (good[:3] + b"\x00", "declares 0 dimensions"),
        "header cut": (good[:10], "header declares 3 dimensions, which needs 16 header bytes"),
        "short data": (good[:-1], "short data: shape (2, 3, 3) of uint8 needs 18 bytes"),
        "trailing bytes": (good + b"\x00\x00", "2 trailing bytes"),
    }


@pytest.mark.parametrize("case", list(corrupt_cases()))
def test_corrupt_files_name_the_file_and_the_problem(tmp_path, case):
    data, problem = corrupt_cases()[case]
    path = write(tmp_path / f"{case.replace(' ', '-')}.idx", data)
    with pytest.raises(DataFileError) as info:
        read_idx(path)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert str(path) in message and problem in message, message


def test_truncated_gzip_of_a_real_size_file(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, size=(50, 28, 28), dtype=np.uint8)
    data = gzip.compress(idx_bytes(images))
    path = write(tmp_path / "cut.gz", data[: len(data) // 2])
    with pytest.raises(DataFileError, match="not a valid gzip file.*truncated or corrupt"):
        read_idx(path)


def test_a_small_gzip_that_expands_far_beyond_its_header_is_refused_in_bounded_memory(tmp_path):
    header = idx_bytes(np.zeros((2, 2), dtype=np.uint8))
    path = tmp_path / "bomb.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:     # a 2x2 image followed by 64 MB of zeros
        f.write(header)
        for _ in range(64):
            f.write(bytes(1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(DataFileError, match=r"bomb\.gz: at least \d+ trailing bytes after the 4 bytes"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_several_gzip_members_and_zero_padding_are_read_as_gzip_does(tmp_path):
    labels = np.arange(100, dtype=np.uint8)
    data = idx_bytes(labels)
    path = write(tmp_path / "members.gz", gzip.compress(data[:30]) + gzip.compress(data[30:]) + bytes(7))
    assert gzip.decompress(path.read_bytes()) == data                 # what gzip itself reads
    np.testing.assert_array_equal(read_idx(path), labels)
    write(path, gzip.compress(data) + b"junk")
    with pytest.raises(DataFileError, match=r"members\.gz: not a valid gzip file: bytes that are not gzip data"):
        read_idx(path)


def test_errors_of_the_file_itself_name_it(tmp_path):
    for path, error in ((tmp_path / "missing.idx", FileNotFoundError), (tmp_path, NotARegularFileError)):
        with pytest.raises(error, match=str(path)):
            read_idx(path)
