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
"""
import io
import json
import os
import zipfile

import numpy as np

from .fileio import atomic_write
from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

STRUCTURE_MEMBER = "structure.json"
FORMAT = "minigrad-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, corrupt, or not written by `save`."""


def save(obj, path):
    """Write `obj` to `path` (one .npz file, written atomically)."""
    arrays = {}
    structure = _describe(obj, "", arrays)
    header = json.dumps({"format": FORMAT, "version": VERSION, "structure": structure}, indent=1)
    with atomic_write(path) as f:
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, array in arrays.items():
                with archive.open(name + ".npy", mode="w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
            archive.writestr(STRUCTURE_MEMBER, header)


def _describe(obj, where, arrays):
    """The JSON description of `obj`, found at path `where`; its arrays go into `arrays` under unique names."""
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
                "items": [_describe(item, f"{where}/{i}", arrays) for i, item in enumerate(obj)]}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not _is_plain_key(key):
                raise TypeError(f"cannot save the dict at '{where or '/'}': its key {key!r} is a "
                                f"{type(key).__name__}; keys must be str, int, float, bool, None or tuples of them")
            items.append([_describe(key, "", {}), _describe(value, f"{where}/{key}", arrays)])
        return {"type": "dict", "items": items}
    raise TypeError(f"cannot save the {type(obj).__name__} at '{where or '/'}': save handles dicts, lists, tuples, "
                    "arrays, Tensors, numbers, strings, bools and None")


def _is_plain_key(key):
    if isinstance(key, tuple):
        return all(_is_plain_key(k) for k in key)
    return key is None or isinstance(key, (str, int, float))


def load(path):
    """Read what `save` wrote to `path`. Arrays come back as numpy arrays (Tensors too), in their saved dtype.

    Raises FileNotFoundError if there is no such file, CheckpointError (a ValueError) naming the file if it is
    truncated, corrupt or not a minigrad checkpoint."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read(STRUCTURE_MEMBER).decode("utf-8"))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise CheckpointError("it has no minigrad checkpoint description")
            if header.get("version") != VERSION:
                raise CheckpointError(f"its format version is {header.get('version')!r}; this minigrad reads "
                                      f"version {VERSION}")
            arrays = {}
            for member in archive.namelist():
                if member.endswith(".npy"):
                    data = archive.read(member)       # zipfile checks the member's CRC-32 as it reads
                    arrays[member[:-len(".npy")]] = np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
        return _rebuild(header["structure"], arrays)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError, EOFError, OSError,
            UnicodeDecodeError, json.JSONDecodeError) as err:
        if isinstance(err, CheckpointError):
            reason = err.args[0]
        else:
            reason = (f"{type(err).__name__}: {err} (the file is truncated, corrupt, or not written by "
                      "minigrad.save)")
        raise CheckpointError(f"cannot load checkpoint {path}: {reason}") from err


def _rebuild(node, arrays):
    kind = node["type"]
    if kind == "none":
        return None
    if kind in ("bool", "int", "str"):
        return node["value"]
    if kind == "float":
        return float.fromhex(node["value"])
    if kind == "array":
        return arrays[node["name"]]
    if kind == "scalar":
        return arrays[node["name"]][()]
    if kind == "list":
        return [_rebuild(item, arrays) for item in node["items"]]
    if kind == "tuple":
        return tuple(_rebuild(item, arrays) for item in node["items"])
    if kind == "dict":
        return {_rebuild(key, arrays): _rebuild(value, arrays) for key, value in node["items"]}
    raise CheckpointError(f"unknown entry type {kind!r} in its description")
