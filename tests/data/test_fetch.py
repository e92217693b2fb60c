import dataclasses
import gzip
import hashlib
import os
import subprocess
import sys

import pytest

from minigrad.data import fetch
from minigrad.data.cache import Dataset, RemoteFile

REPO_ROOT = fetch.REPO_ROOT
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
        tuple(RemoteFile(name, "https://example.invalid/" + name, "sha256", hashlib.sha256(data).hexdigest())
              for name, data in CONTENTS.items()),
        system_dirs=(str(system),), hint="Hint: install the toy package.")
    monkeypatch.setattr(fetch, "FASHION_MNIST", dataset)

    def serve_from_tmp():
        served = dataclasses.replace(dataset, files=tuple(
            dataclasses.replace(f, url=(server / f.name).as_uri()) for f in dataset.files))
        monkeypatch.setattr(fetch, "FASHION_MNIST", served)

    def install_into_system():
        system.mkdir(exist_ok=True)
        for name in CONTENTS:
            (system / name).write_bytes((server / name).read_bytes())

    return dataclasses.make_dataclass("Toy", ["system", "cache", "serve_from_tmp", "install_into_system"])(
        system, tmp_path / "xdg-cache" / "minigrad" / "toy", serve_from_tmp, install_into_system)


def fake_apt(toy, returncode=0):
    commands = []

    def run(command, env):
        commands.append(command)
        assert env["DEBIAN_FRONTEND"] == "noninteractive"
        if command[:2] == ["apt-get", "install"] and returncode == 0:
            toy.install_into_system()
        return subprocess.CompletedProcess(command, returncode)

    return run, commands


def test_found_is_reported_with_its_place(toy, capsys):
    toy.install_into_system()
    assert fetch.fetch_fashion_mnist(apt_available=lambda: pytest.fail("apt must not be asked"))
    assert f"Toy set: {toy.system} (system; hashes checked)" in capsys.readouterr().out


def test_a_wrong_file_is_reported(toy, capsys):
    toy.install_into_system()
    (toy.system / "test.gz").write_bytes(gzip.compress(b"something else"))
    assert not fetch.fetch_fashion_mnist(apt_available=lambda: False)
    out = capsys.readouterr().out
    assert "test.gz: sha256 of the contents is" in out and "but a file is wrong" in out


def test_missing_as_root_on_debian_installs_the_package(toy, capsys):
    run, commands = fake_apt(toy)
    assert fetch.fetch_fashion_mnist(apt_available=lambda: True, run=run)
    assert commands == [["apt-get", "update"], ["apt-get", "install", "-y", "dataset-fashion-mnist"]]
    out = capsys.readouterr().out
    assert "installing the Debian package dataset-fashion-mnist" in out
    assert f"{toy.system} (system; hashes checked)" in out


def test_failed_apt_falls_back_to_the_download(toy, capsys):
    toy.serve_from_tmp()
    run, commands = fake_apt(toy, returncode=100)
    assert fetch.fetch_fashion_mnist(apt_available=lambda: True, run=run)
    assert commands == [["apt-get", "update"]]
    assert sorted(p.name for p in toy.cache.iterdir()) == sorted(CONTENTS)
    out = capsys.readouterr().out
    assert "`apt-get update` failed" in out and f"{toy.cache} (downloaded; hashes checked)" in out


def test_missing_without_apt_or_network_says_what_to_do(toy, capsys):
    assert not fetch.fetch_fashion_mnist(apt_available=lambda: False)
    out = capsys.readouterr().out
    assert "Toy set not found" in out and "no network in the tests" in out and "Hint: install the toy" in out
    assert not toy.cache.exists()


def test_airfoil_is_copied_from_shared_data_into_the_cache(shared_data_dir, tmp_path, capsys):
    assert fetch.fetch_airfoil(shared_dir=shared_data_dir)
    cached = tmp_path / "xdg-cache" / "minigrad" / "airfoil" / "airfoil_self_noise.dat"
    assert cached.read_bytes() == (shared_data_dir / "airfoil_self_noise.dat").read_bytes()
    assert f"copied {shared_data_dir / 'airfoil_self_noise.dat'} to {cached}" in capsys.readouterr().out
    assert fetch.fetch_airfoil(shared_dir=tmp_path / "nowhere")
    assert f"{cached.parent} (user cache; hashes checked)" in capsys.readouterr().out


def test_a_wrong_shared_airfoil_is_not_copied(tmp_path, capsys):
    bad = tmp_path / "shared"
    bad.mkdir()
    (bad / "airfoil_self_noise.dat").write_bytes(b"800\t0\t0.3048\t71.3\t0.00266337\t126.201\r\n")
    assert not fetch.fetch_airfoil(shared_dir=bad)
    out = capsys.readouterr().out
    assert "is wrong" in out and "sha1 of the contents" in out and "Airfoil self-noise not found" in out
    assert not (tmp_path / "xdg-cache" / "minigrad" / "airfoil").exists()


def test_main_exit_status(shared_data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fetch, "shared_data_dir", lambda: None)
    assert fetch.main(["--only", "airfoil"]) == 1
    assert "Missing: airfoil" in capsys.readouterr().out
    monkeypatch.setenv("MINIGRAD_DATA", str(shared_data_dir))
    assert fetch.main(["--only", "airfoil"]) == 0
    with pytest.raises(SystemExit) as info:
        fetch.main(["--only", "mnist"])
    assert info.value.code == 2


def test_module_runs_as_a_command(shared_data_dir, tmp_path):
    env = dict(os.environ, MINIGRAD_DATA=str(shared_data_dir), XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "minigrad.data.fetch", "--only", "airfoil"], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Airfoil self-noise: {shared_data_dir} (MINIGRAD_DATA; hashes checked)" in result.stdout
