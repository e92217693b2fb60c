"""atomic_write and open_regular: whole files or none, no leftovers of dead writers, the umask left alone, errors
that name the file, and no hang on a FIFO."""
import errno
import fcntl
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.fileio import NotARegularFileError, atomic_write, open_regular, write_atomically

REPO_ROOT = Path(__file__).resolve().parents[1]


def temporaries(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp"))


# ---- leftovers of dead writers -----------------------------------------------------------------------------

SAVE_LOOP = textwrap.dedent("""
    import sys
    import numpy as np
    import minigrad as mg
    weights = np.arange(4_000_000, dtype=np.float32)       # 16 MB: each save takes a while
    while True:
        mg.save({"w": weights}, sys.argv[1])
""")


def kill_mid_save(path):
    """Start a process that saves to ``path`` in a loop and kill -9 it while its temporary file exists."""
    process = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, str(path)], cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 60
        while not any(name.startswith("." + path.name) for name in os.listdir(path.parent)):
            assert process.poll() is None, "the saving process died on its own"
            assert time.monotonic() < deadline, "the saving process never started a save"
            time.sleep(0.002)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def test_the_next_save_removes_what_killed_saves_left_behind(tmp_path):
    path = tmp_path / "checkpoint.npz"
    left_behind = 0
    for _ in range(6):
        kill_mid_save(path)
        left_behind = max(left_behind, len(temporaries(tmp_path)))
        if left_behind and path.exists():
            break
    assert left_behind >= 1, "no kill landed mid-save: the test proved nothing"
    mg.save({"w": np.ones(3)}, path)
    assert temporaries(tmp_path) == []
    np.testing.assert_array_equal(mg.load(path)["w"], np.ones(3))


def test_a_live_writers_file_and_other_paths_leftovers_are_left_alone(tmp_path):
    path = tmp_path / "a.npz"
    live = tmp_path / ".a.npz.0123abcd.tmp"
    others = [tmp_path / ".b.npz.0123abcd.tmp", tmp_path / ".a.npz.x.0123abcd.tmp", tmp_path / ".a.npz.tmp"]
    for other in others:
        other.write_bytes(b"not ours")
    with open(live, "wb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)            # a writer in the middle of its save
        write_atomically(path, b"1")
        assert live.exists()
    write_atomically(path, b"2")                     # its writer is gone now: the next write removes it
    assert not live.exists() and path.read_bytes() == b"2"
    assert all(other.exists() for other in others)


def run_in_threads(work, count=4):
    """Run ``work(k)`` in ``count`` threads at once; raise the first error any of them met."""
    errors = []

    def guarded(k):
        try:
            work(k)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_concurrent_writers_of_one_path_never_remove_each_others_files(tmp_path):
    path = tmp_path / "shared.txt"

    def writer(k):
        for i in range(40):
            write_atomically(path, f"{k} {i}\n" * 1000)

    run_in_threads(writer)
    assert temporaries(tmp_path) == []
    assert len(set(path.read_text().splitlines())) == 1      # one writer's whole text


# ---- permissions -------------------------------------------------------------------------------------------

@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def test_permissions_never_touch_the_umask_and_hold_under_threads(tmp_path, umask_027, monkeypatch):
    monkeypatch.setattr(os, "umask", lambda *args: pytest.fail("atomic_write changed the process umask"))
    existing = tmp_path / "existing"
    existing.write_bytes(b"old")
    existing.chmod(0o604)

    def writer(k):
        for i in range(25):
            write_atomically(tmp_path / f"new-{k}-{i}", b"x")
            write_atomically(existing, b"new")

    run_in_threads(writer)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.glob("new-*")}
    assert modes == {0o640}                                   # 0o666 less the umask 0o027
    assert stat.S_IMODE(existing.stat().st_mode) == 0o604     # an existing file keeps its own


# ---- errors that name the file -----------------------------------------------------------------------------

def test_a_missing_folder_is_named(tmp_path):
    target = tmp_path / "no" / "such" / "checkpoint.npz"
    with pytest.raises(FileNotFoundError) as info:
        mg.save({"w": np.ones(2)}, target)
    assert str(target.parent) in str(info.value) and ".tmp" not in str(info.value)
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="no such folder"):
        write_atomically(tmp_path / "file" / "x", b"")
    for folder in (str(tmp_path) + os.sep, ""):
        with pytest.raises(IsADirectoryError, match="a file name, not a folder"):
            write_atomically(folder, b"")
    assert sorted(os.listdir(tmp_path)) == ["file"]


def test_a_full_disk_names_the_file_and_leaves_nothing(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "report.md"
    with pytest.raises(OSError) as info:
        write_atomically(target, "text")
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
    assert "No space left on device" in str(info.value) and str(target) in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_encoding_leaves_nothing(tmp_path):
    with pytest.raises(LookupError):
        with atomic_write(tmp_path / "f.txt", "w", encoding="no-such-encoding"):
            pass
    assert list(tmp_path.iterdir()) == []


def test_an_error_inside_the_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(target) as f:
            f.write(b"half")
            raise KeyboardInterrupt
    assert target.read_bytes() == b"old" and temporaries(tmp_path) == []


# ---- FIFOs and devices -------------------------------------------------------------------------------------

def refused_without_hanging(call, fifo, error=OSError):
    """Run ``call()`` in a thread; it must raise ``error`` within seconds. A reader left blocked on the FIFO is
    released before failing, so that a hang fails the test instead of stopping the suite."""
    outcome = []

    def target():
        try:
            outcome.append(call())
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=5)
    if thread.is_alive():
        with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
        thread.join(timeout=5)
        pytest.fail(f"{call} blocked on the FIFO {fifo}")
    assert isinstance(outcome[0], error), outcome[0]
    return outcome[0]


def test_fifos_and_devices_are_refused_for_reading_and_writing(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    err = refused_without_hanging(lambda: open_regular(fifo), fifo, NotARegularFileError)
    assert str(fifo) in str(err) and "FIFO" in str(err)
    with pytest.raises(NotARegularFileError, match="character device"):
        open_regular("/dev/zero")
    with pytest.raises(NotARegularFileError, match="folder"):
        open_regular(tmp_path)
    for target in (fifo, Path("/dev/null")):
        with pytest.raises(NotARegularFileError, match=str(target)):
            write_atomically(target, b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    with open_regular(__file__) as f:
        assert f.read(3) == b'"""'



def test_a_fifo_given_as_checkpoint_or_data_path_is_refused_instead_of_hanging(tmp_path):
    from minigrad.data import load_airfoil, read_idx
    from minigrad.serialization import CheckpointError
    fifo = tmp_path / "airfoil_self_noise.dat"
    os.mkfifo(fifo)
    err = refused_without_hanging(lambda: mg.load(fifo), fifo, CheckpointError)
    assert str(fifo) in str(err) and "FIFO" in str(err)
    err = refused_without_hanging(lambda: read_idx(fifo), fifo, NotARegularFileError)
    assert str(fifo) in str(err)
    err = refused_without_hanging(lambda: load_airfoil(root=tmp_path), fifo, NotARegularFileError)
    assert str(fifo) in str(err)
