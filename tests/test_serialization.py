"""minigrad.save / minigrad.load: round trips, atomic writes, and truncated or corrupt files."""
import io
import json
import math
import os
import random
import zipfile

import numpy as np
import pytest

import minigrad
from minigrad import optim
from minigrad.serialization import CheckpointError, load, save


def test_round_trip_keeps_every_value_and_type(tmp_path):
    obj = {
        "model": {"conv1.weight": np.arange(24, dtype=np.float32).reshape(2, 3, 4), "fc.bias": np.zeros(0)},
        "tensor": minigrad.Tensor(np.array([1.5, -2.0])),
        "ints": np.array([1, 2, 3], dtype=np.int64),
        "flags": np.array([True, False]),
        "numpy_scalar": np.float32(0.1),
        "epoch": 7,
        "big_int": 2 ** 70,
        "lr": 0.1 + 0.2,                        # a float with every bit significant
        "inf": math.inf, "-inf": -math.inf, "nan": math.nan,
        "name": "Adam ✓", "on": True, "nothing": None,
        "betas": (0.9, 0.999), "milestones": [10, 30], "empty": {}, "nested": [[], (), [{"a": (1, [2.5])}]],
        3: "int key", 2.5: "float key", (1, "a"): "tuple key", None: "None key",
    }
    save(obj, tmp_path / "all.npz")
    back = load(tmp_path / "all.npz")
    assert set(back) == set(obj)
    for key in ("model", "ints", "flags"):
        for a, b in ([(back[key], obj[key])] if key != "model" else zip(back[key].values(), obj[key].values())):
            assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    assert isinstance(back["tensor"], np.ndarray) and np.array_equal(back["tensor"], [1.5, -2.0])
    assert type(back["numpy_scalar"]) is np.float32 and back["numpy_scalar"] == np.float32(0.1)
    assert back["lr"] == 0.1 + 0.2 and back["lr"] != 0.3
    assert back["inf"] == math.inf and back["-inf"] == -math.inf and math.isnan(back["nan"])
    for key in ("epoch", "big_int", "name", "on", "nothing", "betas", "milestones", "empty", "nested",
                3, 2.5, (1, "a"), None):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key]), key
    assert type(back["nested"][2][0]["a"]) is tuple


def test_file_is_a_plain_npz_with_readable_names(tmp_path):
    save({"model": {"w": np.ones(2)}, "optimizer": {"state": {0: {"exp_avg": np.zeros(3)}}}}, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["model/w", "optimizer/state/0/exp_avg", "structure.json"]
        np.testing.assert_array_equal(archive["model/w"], [1.0, 1.0])


def test_optimizer_checkpoint_round_trip(tmp_path):
    p = minigrad.Tensor(np.ones(3))
    opt = optim.Adam([p], lr=0.01, amsgrad=True)
    p.grad = minigrad.Tensor(np.full(3, 0.5))
    opt.step()
    save({"optimizer": opt.state_dict(), "epoch": 1}, tmp_path / "ckpt.npz")
    back = load(tmp_path / "ckpt.npz")["optimizer"]
    assert back["param_groups"] == opt.state_dict()["param_groups"]
    assert back["state"][0]["step"] == 1
    np.testing.assert_array_equal(back["state"][0]["max_exp_avg_sq"], opt.state[p]["max_exp_avg_sq"])


def test_what_cannot_be_saved(tmp_path):
    with pytest.raises(TypeError, match="'/a/0'.*object"):
        save({"a": [np.array([{}, 1], dtype=object)]}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="function at '/f'"):
        save({"f": lambda t: t}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="key .*ndarray|key .*frozenset"):
        save({frozenset([1]): 1}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []           # nothing half-written


def test_save_replaces_atomically_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": np.zeros(3)}, path)
    save({"w": np.ones(3)}, path)
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    np.testing.assert_array_equal(load(path)["w"], np.ones(3))


def test_a_crash_mid_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"w": np.zeros(1000)}, path)
    before = path.read_bytes()

    written = []
    real_write_array = np.lib.format.write_array

    def crash_after_first_array(member, array, **kwargs):
        if written:
            raise KeyboardInterrupt("simulated crash in the middle of writing the archive")
        written.append(array)
        real_write_array(member, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", crash_after_first_array)
    with pytest.raises(KeyboardInterrupt):
        save({"a": np.ones(1000), "b": np.ones(1000)}, path)
    assert written, "the simulated crash came before anything was written"
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    monkeypatch.undo()
    np.testing.assert_array_equal(load(path)["w"], np.zeros(1000))


def test_a_crash_between_writing_and_renaming_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"w": np.zeros(3)}, path)

    def power_cut(*args):
        raise OSError("simulated failure of the rename")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="simulated"):
        save({"w": np.ones(3)}, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    np.testing.assert_array_equal(load(path)["w"], np.zeros(3))


def test_truncated_file_raises_an_error_naming_it(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": np.arange(1000.0), "epoch": 3}, path)
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 10, 0):
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match="ckpt.npz"):
            load(path)


def test_corrupt_array_bytes_are_detected(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": np.arange(1000.0)}, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF                # flip bits inside the stored array
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"ckpt.npz.*(CRC|corrupt)"):
        load(path)


def test_files_that_are_not_minigrad_checkpoints(tmp_path):
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.zeros(2))
    with pytest.raises(CheckpointError, match="plain.npz"):
        load(plain)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(CheckpointError, match="notes.txt"):
        load(text)
    future = tmp_path / "future.npz"
    with zipfile.ZipFile(future, "w") as archive:
        archive.writestr("structure.json", '{"format": "minigrad-checkpoint", "version": 99, "structure": {}}')
    with pytest.raises(CheckpointError, match="future.npz.*version is 99"):
        load(future)
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        load(tmp_path / "missing.npz")


# ---- keys save cannot write faithfully ---------------------------------------------------------------------

def test_keys_with_nul_or_broken_unicode_are_refused_at_save_naming_them(tmp_path):
    with pytest.raises(ValueError, match=r"'/model'.*'w\\x00a'.*NUL"):
        save({"model": {"w\0a": np.zeros(2), "w\0b": np.ones(2)}}, tmp_path / "x.npz")
    with pytest.raises(ValueError, match=r"'\\ud800'.*not valid Unicode"):
        save({"\ud800": 1}, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []
    save({"w/a": np.zeros(2), "w": {"a": np.ones(2)}}, tmp_path / "ok.npz")      # the same path twice is fine
    back = load(tmp_path / "ok.npz")
    np.testing.assert_array_equal(back["w/a"], np.zeros(2))
    np.testing.assert_array_equal(back["w"]["a"], np.ones(2))


def test_structures_deeper_than_the_limit_are_refused_by_save(tmp_path):
    from minigrad.serialization import MAX_DEPTH
    deep = 0
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(ValueError, match=f"deeper than {MAX_DEPTH}"):
        save(deep, tmp_path / "x.npz")
    save(deep[0], tmp_path / "x.npz")
    assert load(tmp_path / "x.npz") == deep[0]


# ---- hostile files: refused with the file's name, never costing more than their size ------------------------

def craft(path, structure, members=(), compression=zipfile.ZIP_STORED, header=None):
    """A zip that looks like a checkpoint: ``members`` are (name, bytes) pairs, ``structure`` the description."""
    header = header if header is not None else json.dumps({"format": "minigrad-checkpoint", "version": 1,
                                                           "structure": structure})
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
        archive.writestr("structure.json", header)
    return path


def npy(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


def test_compressed_members_that_save_never_writes_are_refused(tmp_path):
    zeros = npy(np.zeros(1 << 20, dtype=np.uint8))          # 1 MB that deflates to about 1 KB
    path = craft(tmp_path / "bomb.npz", {"type": "array", "name": "w"}, [("w.npy", zeros)], zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 10_000
    with pytest.raises(CheckpointError, match=r"bomb\.npz.*'w\.npy' is compressed"):
        load(path)


def test_declared_sizes_larger_than_the_file_are_refused_before_reading(tmp_path):
    huge = bytearray(npy(np.zeros(4, dtype=np.float64)))
    header_end = huge.index(b"\n") + 1
    fake = np.lib.format.header_data_from_array_1_0(np.zeros(4))
    fake["shape"] = (1 << 40,)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, fake)
    path = craft(tmp_path / "absurd.npz", {"type": "array", "name": "w"},
                 [("w.npy", buffer.getvalue() + bytes(huge[header_end:]))])
    with pytest.raises(CheckpointError, match=r"absurd\.npz.*declares shape \(1099511627776,\)"):
        load(path)
    good = craft(tmp_path / "liar.npz", {"type": "none"})
    data = bytearray(good.read_bytes())
    central = data.rindex(b"PK\x01\x02")                     # the description's central directory entry
    data[central + 24:central + 28] = (1 << 31).to_bytes(4, "little")   # its uncompressed size: 2 GB
    data[central + 20:central + 24] = (1 << 31).to_bytes(4, "little")   # and its stored size
    good.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"liar\.npz.*declares 2147483648 bytes"):
        load(good)


def test_deep_or_ill_typed_descriptions_are_refused_with_the_files_name(tmp_path):
    bad = {
        "deep-json": '{"format": "minigrad-checkpoint", "version": 1, "structure": ' + "[" * 100_000
                     + "]" * 100_000 + "}",
        "deep-nodes": None,
        "int-holds-str": {"type": "int", "value": "7"},
        "int-holds-bool": {"type": "int", "value": True},
        "not-a-node": [1, 2],
        "unknown-type": {"type": "set", "items": []},
        "list-key": {"type": "dict", "items": [[{"type": "list", "items": []}, {"type": "none"}]]},
        "bad-pair": {"type": "dict", "items": [[{"type": "int", "value": 1}]]},
        "missing-array": {"type": "array", "name": "nowhere"},
        "bad-float": {"type": "float", "value": "0x1.zz"},
    }
    node = {"type": "none"}
    for _ in range(150):
        node = {"type": "list", "items": [node]}
    bad["deep-nodes"] = node
    for name, structure in bad.items():
        path = tmp_path / f"{name}.npz"
        if name == "deep-json":
            craft(path, None, header=structure)
        else:
            craft(path, structure)
        with pytest.raises(CheckpointError, match=f"{name}\\.npz"):
            load(path)


def test_members_and_arrays_save_never_writes_are_refused(tmp_path):
    one = npy(np.ones(2))
    cases = {
        "extra-member": ({"type": "none"}, [("notes.txt", b"hi")], "'notes.txt'"),
        "unused-array": ({"type": "none"}, [("w.npy", one)], "never uses"),
        "reused-array": ({"type": "list", "items": [{"type": "array", "name": "w"}] * 2}, [("w.npy", one)],
                         "reused array 'w'"),
        "object-array": ({"type": "array", "name": "w"},
                         [("w.npy", npy(np.array([None, 1], dtype=object)))], "object"),
    }
    for name, (structure, members, reason) in cases.items():
        path = craft(tmp_path / f"{name}.npz", structure, members)
        with pytest.raises(CheckpointError, match=f"{name}\\.npz.*{reason}"):
            load(path)


def test_zip_features_save_never_uses_are_refused(tmp_path):
    path = tmp_path / "strong.npz"
    save({"w": np.ones(2)}, path)
    data = bytearray(path.read_bytes())
    data[data.index(b"PK\x01\x02") + 8] |= 0x40      # the first member claims "strong encryption"
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"strong\.npz"):
        load(path)


def test_random_damage_gives_the_right_data_or_a_checkpoint_error_never_another_exception(tmp_path):
    path = tmp_path / "ckpt.npz"
    original = {"model": {"w": np.arange(6.0).reshape(2, 3), "b": np.float32(1.5)}, "epoch": 3,
                "history": [0.5, (1, "a")], "keys": {(1, 2): None}}
    save(original, path)
    good = path.read_bytes()
    rng = random.Random(0)
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.7:
                data[i] = rng.randrange(256)
            elif choice < 0.85:
                del data[i:i + rng.randint(1, 50)]
            else:
                data[i:i] = rng.randbytes(rng.randint(1, 20))
        path.write_bytes(bytes(data))
        try:
            back = load(path)
        except CheckpointError as err:
            assert str(path) in str(err)
            continue
        np.testing.assert_array_equal(back["model"]["w"], original["model"]["w"])   # the CRC caught the rest
        assert back["epoch"] == 3 and back["history"] == [0.5, (1, "a")]
