import dataclasses
import errno
import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from minigrad.data import fetch
from minigrad.data.lookup import Dataset, RemoteFile

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENTS = {"train.gz": b"train bytes " * 100, "test.gz": b"test bytes " * 10}


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """fetch's Fashion-MNIST replaced by a small data set with a system folder and a file:// server in tmp."""
    server = tmp_path / "server"
    server.mkdir()
    for name, data in CONTENTS.items():
        (server / name).write_bytes(gzip.compress(data))
    system = tmp_path / "system"
    dataset = Dataset(
        "toy", "Toy set",
        tuple(RemoteFile(name, "https://example.invalid/" + name, "sha256", hashlib.sha256(data).hexdigest(),
                         len(data)) for name, data in CONTENTS.items()),
        system_dirs=(str(system),), hint="Hint: install the toy package.")
    monkeypatch.setitem(fetch.DATASETS, "fashion-mnist", dataset)

    def serve_from_tmp():
        served = dataclasses.replace(dataset, files=tuple(
            dataclasses.replace(f, url=(server / f.name).as_uri()) for f in dataset.files))
        monkeypatch.setitem(fetch.DATASETS, "fashion-mnist", served)

    def install_into_system():
        system.mkdir(exist_ok=True)
        for name in CONTENTS:
            (system / name).write_bytes((server / name).read_bytes())

    return dataclasses.make_dataclass("Toy", ["system", "cache", "serve_from_tmp", "install_into_system"])(
        system, tmp_path / "xdg-cache" / "minigrad" / "toy", serve_from_tmp, install_into_system)


def test_found_is_reported_with_its_place(toy, capsys):
    toy.install_into_system()
    assert fetch.main(["--only", "fashion-mnist"]) == 0
    assert f"Toy set: {toy.system} (system; hashes checked)" in capsys.readouterr().out


def test_a_wrong_file_is_reported(toy, capsys):
    toy.install_into_system()
    (toy.system / "test.gz").write_bytes(gzip.compress(b"something" * 10))
    assert fetch.main(["--only", "fashion-mnist"]) == 1
    out = capsys.readouterr().out
    assert "test.gz: its contents are 90 bytes, test.gz has 110" in out and "but a file is wrong" in out


def test_missing_is_downloaded_into_the_cache(toy, capsys):
    toy.serve_from_tmp()
    assert fetch.main(["--only", "fashion-mnist"]) == 0
    assert sorted(p.name for p in toy.cache.iterdir()) == sorted(CONTENTS)
    assert f"Toy set: {toy.cache} (downloaded; hashes checked)" in capsys.readouterr().out


def test_missing_without_network_says_what_to_do(toy, capsys):
    assert fetch.main(["--only", "fashion-mnist"]) == 1
    out = capsys.readouterr().out
    assert "Toy set not found" in out and "no network in the tests" in out and "Hint: install the toy" in out
    assert "Missing: fashion-mnist" in out
    assert not toy.cache.exists()


def test_a_full_disk_is_reported_naming_the_file(toy, capsys, monkeypatch):
    toy.serve_from_tmp()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    assert fetch.main(["--only", "fashion-mnist"]) == 1
    out = capsys.readouterr().out
    assert f"No space left on device: '{toy.cache / 'train.gz'}'" in out
    assert not toy.cache.exists()


def test_a_read_only_cache_is_reported_naming_it(toy, capsys, monkeypatch):
    """As root a chmod'ed folder stays writable, so the read-only file system is simulated where files are made."""
    toy.serve_from_tmp()
    toy.cache.mkdir(parents=True)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and str(toy.cache) in os.fspath(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert fetch.main(["--only", "fashion-mnist"]) == 1
    out = capsys.readouterr().out
    assert f"Read-only file system: '{toy.cache / 'train.gz'}'" in out and ".tmp" not in out


def test_a_cache_that_cannot_be_created_gets_the_tools_own_message(airfoil_dir, tmp_path):
    (tmp_path / "not-a-folder").write_bytes(b"")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "not-a-folder"), MINIGRAD_DATA="")
    result = subprocess.run([sys.executable, "-m", "minigrad.data.fetch", "--only", "airfoil"], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert str(tmp_path / "not-a-folder") in result.stdout + result.stderr


def test_main_exit_status(airfoil_dir, monkeypatch, capsys):
    assert fetch.main(["--only", "airfoil"]) == 1
    assert "Missing: airfoil" in capsys.readouterr().out
    monkeypatch.setenv("MINIGRAD_DATA", str(airfoil_dir))
    assert fetch.main(["--only", "airfoil"]) == 0
    with pytest.raises(SystemExit) as info:
        fetch.main(["--only", "mnist"])
    assert info.value.code == 2


def test_module_runs_as_a_command(airfoil_dir, tmp_path):
    env = dict(os.environ, MINIGRAD_DATA=str(airfoil_dir), XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "minigrad.data.fetch", "--only", "airfoil"], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Airfoil self-noise: {airfoil_dir} (MINIGRAD_DATA; hashes checked)" in result.stdout


def test_the_installed_package_knows_nothing_of_the_repository_ci_or_apt():
    package = REPO_ROOT / "minigrad"
    for source in package.rglob("*.py"):
        text = source.read_text()
        for knowledge in ("apt-get", "shared/data", '"shared"', "parents[2]", ".ci/"):
            assert knowledge not in text, f"{source.relative_to(REPO_ROOT)} mentions {knowledge}"
