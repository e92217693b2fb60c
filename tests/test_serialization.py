"""minigrad.save / minigrad.load: round trips, atomic writes, and truncated or corrupt files."""
import math
import os
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
