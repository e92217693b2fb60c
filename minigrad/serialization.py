"""Checkpoints: `save(obj, path)` and `load(path)` for nested dicts, lists and tuples of numpy arrays, Tensors (saved
as their arrays) and Python numbers, strings, bools and None, e.g.

    minigrad.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                   "scheduler": scheduler.state_dict(), "epoch": k}, "checkpoint.npz")

The file is an ordinary .npz (a zip of .npy files, readable with np.load): each array is stored under the path that
leads to it ("optimizer/state/0/exp_avg"), and the member "structure.json" describes the nesting, the types of
keys and the Python values, so that load returns exactly what was saved (ints stay ints, tuples stay tuples, floats
keep every bit). Nothing is pickled, so loading a file cannot run code.

The file is written atomically: to a temporary file in the same folder, flushed and fsync'ed, then renamed over
`path`; a save interrupted at any point leaves the previous file intact.

`load` treats the file as untrusted: it accepts only what `save` writes (stored, unencrypted members named
`*.npy` plus "structure.json", every array referenced once), checks each array's declared shape against the bytes
that are really there before reading it, and refuses a description nested deeper than MAX_DEPTH or with entries
of the wrong types, always with a CheckpointError naming the file. A checkpoint never costs more memory than its
size on disk.
"""
import json
import os
import zipfile

import numpy as np

from .fileio import atomic_write, open_regular
from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

STRUCTURE_MEMBER = "structure.json"
FORMAT = "minigrad-checkpoint"
VERSION = 1
MAX_DEPTH = 100                       # levels of nested containers; real checkpoints use about five
MAX_STRUCTURE_BYTES = 64 << 20        # the JSON description; a few KB for a model, optimizer and scheduler


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupt, or not written by `save`."""


def save(obj, path):
    """Write `obj` to `path` (one .npz file, written atomically)."""
    arrays = {}
    structure = _describe(obj, "", arrays, 0)
    header = json.dumps({"format": FORMAT, "version": VERSION, "structure": structure}, indent=1)
    with atomic_write(path) as f:
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, array in arrays.items():
                with archive.open(name + ".npy", mode="w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
            archive.writestr(STRUCTURE_MEMBER, header)


def _describe(obj, where, arrays, depth):
    """The JSON description of `obj`, found at path `where`; its arrays go into `arrays` under unique names."""
    if depth > MAX_DEPTH:
        raise ValueError(f"cannot save the object at '{where}': it is nested deeper than {MAX_DEPTH} levels")
    if obj is None:
        return {"type": "none"}
    if isinstance(obj, bool):
        return {"type": "bool", "value": obj}
    if isinstance(obj, int):
        return {"type": "int", "value": obj}
    if isinstance(obj, float):
        return {"type": "float", "value": float.hex(obj)}
    if isinstance(obj, str):
        return {"type": "str", "value": obj}
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        array = np.asarray(obj._array if isinstance(obj, Tensor) else obj)
        if array.dtype.hasobject:
            raise TypeError(f"cannot save the array at '{where or '/'}': its dtype is object, which would need "
                            "pickle")
        name = where.strip("/") or "array"
        while name in arrays:
            name += "+"
        arrays[name] = array
        return {"type": "scalar" if isinstance(obj, np.generic) else "array", "name": name}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__,
                "items": [_describe(item, f"{where}/{i}", arrays, depth + 1) for i, item in enumerate(obj)]}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not _is_plain_key(key):
                raise TypeError(f"cannot save the dict at '{where or '/'}': its key {key!r} is a "
                                f"{type(key).__name__}; keys must be str, int, float, bool, None or tuples of them")
            _check_key_text(key, where)
            items.append([_describe(key, "", {}, 0), _describe(value, f"{where}/{key}", arrays, depth + 1)])
        return {"type": "dict", "items": items}
    raise TypeError(f"cannot save the {type(obj).__name__} at '{where or '/'}': save handles dicts, lists, tuples, "
                    "arrays, Tensors, numbers, strings, bools and None")


def _check_key_text(key, where):
    """A str key becomes part of a zip member name: it must be UTF-8 without NUL (zip names end at a NUL, so two
    keys that differ after it would collide and the file could not be loaded)."""
    if not isinstance(key, str):
        return
    if "\0" in key:
        raise ValueError(f"cannot save the dict at '{where or '/'}': its key {key!r} contains a NUL character, "
                         "which a file name inside the checkpoint cannot hold")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"cannot save the dict at '{where or '/'}': its key {key!r} is not valid Unicode "
                         f"({err.reason})") from None


def _is_plain_key(key):
    if isinstance(key, tuple):
        return all(_is_plain_key(k) for k in key)
    return key is None or isinstance(key, (str, int, float))


def load(path):
    """Read what `save` wrote to `path`. Arrays come back as numpy arrays (Tensors too), in their saved dtype.

    Raises FileNotFoundError if there is no such file, CheckpointError (a ValueError) naming the file if it is
    truncated, corrupt, not a minigrad checkpoint, or holds what `save` never writes (see the module's doc)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with open_regular(path) as stream, zipfile.ZipFile(stream) as archive:
            size = os.fstat(stream.fileno()).st_size
            members = _check_members(archive, size)
            header = _read_header(archive, members.pop(STRUCTURE_MEMBER))
            arrays = {name[:-len(".npy")]: _read_array(archive, info) for name, info in members.items()}
        unused = set(arrays)
        obj = _rebuild(header["structure"], arrays, unused, 0)
        if unused:
            raise CheckpointError(f"it holds arrays its description never uses: {sorted(unused)[:5]}")
        return obj
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError, EOFError, OSError,
            UnicodeDecodeError, RecursionError, NotImplementedError) as err:    # the last: zip features
        if isinstance(err, CheckpointError):
            reason = err.args[0]
        elif isinstance(err, RecursionError):
            reason = f"its description is nested too deeply (save writes at most {MAX_DEPTH} levels)"
        else:
            reason = (f"{type(err).__name__}: {err} (the file is truncated, corrupt, or not written by "
                      "minigrad.save)")
        raise CheckpointError(f"cannot load checkpoint {path}: {reason}") from err


def _check_members(archive, file_size):
    """``{name: ZipInfo}`` after refusing anything `save` does not write: compressed or encrypted members, other
    names, duplicates, and declared sizes that the file cannot hold."""
    members = {}
    for info in archive.infolist():
        name = info.filename
        if name != STRUCTURE_MEMBER and not name.endswith(".npy"):
            raise CheckpointError(f"it has a member {name!r}, which minigrad.save never writes")
        if name in members:
            raise CheckpointError(f"it has two members named {name!r}")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise CheckpointError(f"its member {name!r} is compressed or encrypted; minigrad.save stores "
                                  "members as they are")
        if info.file_size != info.compress_size or info.header_offset + info.file_size > file_size:
            raise CheckpointError(f"its member {name!r} declares {info.file_size} bytes, more than the "
                                  f"{file_size}-byte file holds")
        members[name] = info
    if STRUCTURE_MEMBER not in members:
        raise CheckpointError("it has no minigrad checkpoint description")
    return members


def _read_header(archive, info):
    if info.file_size > MAX_STRUCTURE_BYTES:
        raise CheckpointError(f"its description declares {info.file_size} bytes (at most "
                              f"{MAX_STRUCTURE_BYTES} are accepted)")
    header = json.loads(archive.read(info).decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError("it has no minigrad checkpoint description")
    if header.get("version") != VERSION:
        raise CheckpointError(f"its format version is {header.get('version')!r}; this minigrad reads "
                              f"version {VERSION}")
    return header


def _read_array(archive, info):
    """One member's array, after checking that its declared shape and dtype match the bytes really there."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version not in ((1, 0), (2, 0)):
            raise CheckpointError(f"its array {info.filename!r} has .npy format version {version}, which "
                                  "minigrad.save does not write")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, dtype = read_header(member)
        declared = dtype.itemsize
        for n in shape:
            declared *= n
        present = info.file_size - member.tell()
    if dtype.hasobject or declared != present:
        raise CheckpointError(f"its array {info.filename!r} declares shape {shape} of {dtype} "
                              f"({declared} bytes) but holds {present} bytes")
    with archive.open(info) as member:       # zipfile checks the member's CRC-32 as it reads
        return np.lib.format.read_array(member, allow_pickle=False)


_VALUE_TYPES = {"bool": bool, "int": int, "str": str, "float": str}


def _rebuild(node, arrays, unused, depth):
    """The object a description node stands for, checking each node's shape and types as it goes."""
    if depth > MAX_DEPTH:
        raise CheckpointError(f"its description is nested deeper than {MAX_DEPTH} levels")
    kind = node.get("type") if isinstance(node, dict) else None
    if kind == "none":
        return None
    if kind in _VALUE_TYPES:
        value = node.get("value")
        if type(value) is not _VALUE_TYPES[kind]:
            raise CheckpointError(f"an entry of type {kind!r} holds a {type(value).__name__}")
        return float.fromhex(value) if kind == "float" else value
    if kind in ("array", "scalar"):
        name = node.get("name")
        if name not in unused:
            raise CheckpointError(f"its description refers to a missing or reused array {name!r}")
        unused.discard(name)
        array = arrays[name]
        if kind == "scalar" and array.ndim != 0:
            raise CheckpointError(f"its scalar {name!r} has shape {array.shape}")
        return array[()] if kind == "scalar" else array
    items = node.get("items") if kind in ("list", "tuple", "dict") else None
    if not isinstance(items, list):
        raise CheckpointError(f"its description has an entry it cannot read: {str(node)[:80]}")
    if kind != "dict":
        rebuilt = [_rebuild(item, arrays, unused, depth + 1) for item in items]
        return rebuilt if kind == "list" else tuple(rebuilt)
    result = {}
    for pair in items:
        if not isinstance(pair, list) or len(pair) != 2:
            raise CheckpointError("a dict entry of its description is not a [key, value] pair")
        key = _rebuild(pair[0], arrays, unused, depth + 1)
        if not _is_plain_key(key):
            raise CheckpointError(f"a dict key of its description is a {type(key).__name__}")
        result[key] = _rebuild(pair[1], arrays, unused, depth + 1)
    return result
