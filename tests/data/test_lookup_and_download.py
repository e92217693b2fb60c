import gzip
import hashlib
import io
import os
import stat
import tracemalloc

import pytest

from minigrad.data import lookup
from minigrad.data.contents import read_verified
from minigrad.data.download import download, locate_or_download
from minigrad.data.errors import DataFileError, DataNotFoundError
from minigrad.data.lookup import Dataset, RemoteFile, locate

FILE_NAMES = ("a.gz", "b.dat")


def toy_dataset(system_dir=None, url_base="file:///nonexistent/", contents=None):
    """A two-file data set; hashes are of ``contents`` (default: placeholders) after gunzipping."""
    contents = contents or {name: b"" for name in FILE_NAMES}
    files = tuple(RemoteFile(name, url_base + name, "sha256", hashlib.sha256(contents[name]).hexdigest(),
                             len(contents[name])) for name in FILE_NAMES)
    return Dataset("toy", "Toy data", files, subdirs=("toy", "Toy/raw"),
                   system_dirs=(str(system_dir),) if system_dir else (), hint="Hint: make toy data.")


def fill(directory, names=FILE_NAMES):
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / name).write_bytes(b"x")
    return directory


def listing(directory):
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


# ---- where a data set is found --------------------------------------------------------------------------

def test_lookup_order_root_env_cache_system(tmp_path, monkeypatch):
    root, env, system = fill(tmp_path / "root"), fill(tmp_path / "env"), fill(tmp_path / "system")
    cache_dir = fill(tmp_path / "xdg-cache" / "minigrad" / "toy")
    monkeypatch.setenv("MINIGRAD_DATA", str(env))
    dataset = toy_dataset(system)

    found = locate(dataset, root)
    assert (found.directory, found.origin) == (root, "root")
    assert found.paths == {name: root / name for name in FILE_NAMES}
    assert locate(dataset).directory == env
    monkeypatch.delenv("MINIGRAD_DATA")
    assert (locate(dataset).directory, locate(dataset).origin) == (cache_dir, "user cache")
    (cache_dir / "a.gz").unlink()  # an incomplete folder does not count
    assert (locate(dataset).directory, locate(dataset).origin) == (system, "system")
    (system / "b.dat").unlink()
    assert locate(dataset) is None


def test_root_beats_env_and_env_beats_system(tmp_path, monkeypatch):
    root, env, system = fill(tmp_path / "root"), fill(tmp_path / "env"), fill(tmp_path / "system")
    monkeypatch.setenv("MINIGRAD_DATA", str(env))
    assert locate(toy_dataset(system), root).directory == root
    assert locate(toy_dataset(system)).directory == env


def test_cache_honours_xdg_and_defaults_to_home(tmp_path, monkeypatch):
    assert lookup.user_cache_dir() == tmp_path / "xdg-cache" / "minigrad"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert lookup.user_cache_dir() == tmp_path / "home" / ".cache" / "minigrad"


def test_subfolders_and_uncompressed_names_are_found(tmp_path):
    fill(tmp_path / "root" / "Toy" / "raw", names=("a", "b.dat"))  # a.gz may lie decompressed as a
    found = locate(toy_dataset(), tmp_path / "root")
    assert found.directory == tmp_path / "root" / "Toy" / "raw"
    assert found.paths["a.gz"].name == "a"


def test_read_verified_names_the_file_with_the_wrong_hash(tmp_path):
    good = b"the right contents"
    remote = RemoteFile("f.gz", "file:///x", "sha256", hashlib.sha256(good).hexdigest(), len(good))
    (tmp_path / "f.gz").write_bytes(gzip.compress(good))
    assert read_verified(tmp_path / "f.gz", remote) == good  # the hash is of the gunzipped bytes
    (tmp_path / "f.gz").write_bytes(gzip.compress(b"the wrong contents"))   # the same size
    with pytest.raises(DataFileError, match=r"f\.gz: sha256 of the contents is [0-9a-f]{64}, expected"):
        read_verified(tmp_path / "f.gz", remote)


# ---- downloads -----------------------------------------------------------------------------------------

@pytest.fixture
def server(tmp_path):
    """A folder served through file:// URLs, with a gzipped and a plain file."""
    folder = tmp_path / "server"
    folder.mkdir()
    contents = {"a.gz": b"A" * 5000 + bytes(range(256)), "b.dat": b"1\t2\r\n3\t4\r\n"}
    (folder / "a.gz").write_bytes(gzip.compress(contents["a.gz"]))
    (folder / "b.dat").write_bytes(contents["b.dat"])
    return folder, contents


def test_download_lands_checked_and_whole(tmp_path, server):
    folder, contents = server
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents=contents)
    dest = tmp_path / "dest"
    path = download(dataset.files[0], dest)
    assert path == dest / "a.gz"
    assert path.read_bytes() == (folder / "a.gz").read_bytes()
    assert listing(dest) == ["a.gz"]  # no temporary file left
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask()


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_download_with_wrong_hash_leaves_nothing(tmp_path, server):
    folder, contents = server
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents={**contents, "b.dat": b"9\t9\r\n9\t9\r\n"})
    dest = tmp_path / "dest"
    with pytest.raises(DataFileError, match=r"b\.dat: sha256 of the contents is .* not the official file"):
        download(dataset.files[1], dest)
    assert listing(dest) == []
    existing = fill(tmp_path / "existing", names=("keep",))
    with pytest.raises(DataFileError):
        download(dataset.files[1], existing)
    assert listing(existing) == ["keep"]  # only our temporary file is removed


def test_truncated_gzip_download_leaves_nothing(tmp_path, server):
    folder, contents = server
    data = (folder / "a.gz").read_bytes()
    (folder / "a.gz").write_bytes(data[: len(data) // 2])
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents=contents)
    with pytest.raises(DataFileError, match=r"a\.gz: not a valid gzip file"):
        download(dataset.files[0], tmp_path / "dest")
    assert listing(tmp_path / "dest") == []


class FakeResponse(io.BytesIO):
    def __init__(self, body, content_length):
        super().__init__(body)
        self.headers = {"Content-Length": str(content_length)}


def test_download_shorter_than_announced_leaves_nothing(tmp_path):
    body = b"1\t2\r\n"
    remote = RemoteFile("b.dat", "http://example.invalid/b.dat", "sha256", hashlib.sha256(body).hexdigest(), 5)
    with pytest.raises(DataFileError, match=r"download truncated: received 5 of 9 bytes"):
        download(remote, tmp_path / "dest", urlopen=lambda url, timeout: FakeResponse(body, 9))
    assert listing(tmp_path / "dest") == []
    download(remote, tmp_path / "dest", urlopen=lambda url, timeout: FakeResponse(body, 5))
    assert listing(tmp_path / "dest") == ["b.dat"]


def test_connection_dropped_mid_download_leaves_nothing(tmp_path):
    class DroppingResponse(FakeResponse):
        def read(self, size=-1):
            if self.tell():
                raise ConnectionResetError("connection reset by peer")
            return super().read(3)

    remote = RemoteFile("b.dat", "http://example.invalid/b.dat", "sha256", "0" * 64, 6)
    with pytest.raises(ConnectionResetError):
        download(remote, tmp_path / "dest", urlopen=lambda url, timeout: DroppingResponse(b"123456", 6))
    assert listing(tmp_path / "dest") == []


def test_locate_or_download_fills_the_user_cache(tmp_path, server):
    folder, contents = server
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents=contents)
    located = locate_or_download(dataset)
    cache_dir = tmp_path / "xdg-cache" / "minigrad" / "toy"
    assert (located.directory, located.origin) == (cache_dir, "downloaded")
    assert listing(cache_dir) == ["a.gz", "b.dat"]
    assert read_verified(located.paths["a.gz"], dataset.files[0]) == contents["a.gz"]
    assert locate(dataset).origin == "user cache"


def test_only_missing_files_are_downloaded(tmp_path, server):
    folder, contents = server
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents=contents)
    cache_dir = tmp_path / "xdg-cache" / "minigrad" / "toy"
    download(dataset.files[0], cache_dir)
    asked = []

    def counting_urlopen(url, timeout):
        asked.append(url)
        body = (folder / url.rsplit("/", 1)[1]).read_bytes()
        return FakeResponse(body, len(body))

    locate_or_download(dataset, urlopen=counting_urlopen)
    assert asked == [dataset.files[1].url]


def test_nowhere_and_no_download_says_where_it_looked_and_what_to_do(tmp_path, monkeypatch):
    partial = fill(tmp_path / "system", names=("b.dat",))
    monkeypatch.setenv("MINIGRAD_DATA", os.pathsep.join([str(tmp_path / "env"), "", str(tmp_path / "env2")]))
    dataset = toy_dataset(partial, url_base="https://example.invalid/")
    with pytest.raises(DataNotFoundError) as info:
        locate_or_download(dataset)
    message = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    for folder in ("env", "env/toy", "env/Toy/raw", "env2", "env2/toy", "xdg-cache/minigrad/toy"):
        assert f"{tmp_path / folder} (" in message
    assert f"{partial} (system): incomplete, has only b.dat" in message
    assert "no network in the tests" in message and "Hint: make toy data." in message
    assert not (tmp_path / "xdg-cache" / "minigrad" / "toy").exists()


def test_an_explicit_root_is_used_or_refused_naming_it(tmp_path, monkeypatch, server):
    folder, contents = server
    env = fill(tmp_path / "env")
    monkeypatch.setenv("MINIGRAD_DATA", str(env))
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents=contents)
    root = fill(tmp_path / "root", names=("a.gz",))              # incomplete: must not fall back to env
    for call in (lambda: locate(dataset, root), lambda: locate_or_download(dataset, root)):
        with pytest.raises(DataNotFoundError) as info:
            call()
        message = str(info.value)
        assert f"The root= given, {root}, does not hold it" in message
        assert f"{root} (root): incomplete, has only a.gz" in message and str(env) not in message
    assert not (tmp_path / "xdg-cache").exists()                 # and nothing was downloaded
    assert locate(dataset, env).directory == env


def test_a_file_larger_than_its_known_size_is_refused_without_reading_it_all(tmp_path):
    contents = b"A" * 1000
    remote = RemoteFile("f.gz", "file:///x", "sha256", hashlib.sha256(contents).hexdigest(), len(contents))
    bomb = tmp_path / "f.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as f:     # 64 MB of zeros in about 300 KB
        for _ in range(64):
            f.write(bytes(1 << 20))
    assert bomb.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(DataFileError, match=r"f\.gz: its contents after gunzipping are larger than the 1000"):
            read_verified(bomb, remote)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20                                 # pieces of 1 MB, not the 64 MB
    (tmp_path / "f.gz").write_bytes(contents[:-1])
    with pytest.raises(DataFileError, match=r"f\.gz: its contents are 999 bytes, f\.gz has 1000"):
        read_verified(bomb, remote)


def test_a_download_larger_than_the_file_can_be_is_refused(tmp_path):
    remote = RemoteFile("b.dat", "http://example.invalid/b.dat", "sha256", "0" * 64, 10)
    endless = FakeResponse(bytes(remote.max_download_bytes + 1), remote.max_download_bytes + 1)
    with pytest.raises(DataFileError, match=r"b\.dat: .*larger than"):
        download(remote, tmp_path / "dest", urlopen=lambda url, timeout: endless)
    assert listing(tmp_path / "dest") == []


def test_a_file_known_only_by_its_hash_is_checked_by_its_hash(tmp_path, server):
    folder, contents = server
    remote = RemoteFile("b.dat", (folder / "b.dat").as_uri(), "sha256", hashlib.sha256(contents["b.dat"]).hexdigest())
    path = download(remote, tmp_path / "dest")
    assert read_verified(path, remote) == contents["b.dat"]
    wrong = RemoteFile("b.dat", remote.url, "sha256", hashlib.sha256(b"other").hexdigest())
    with pytest.raises(DataFileError, match=r"b\.dat: sha256 of the contents is"):
        read_verified(path, wrong)


def test_a_killed_downloads_leftover_is_removed_by_the_next_download_of_that_file(tmp_path, server):
    folder, contents = server
    dataset = toy_dataset(url_base=folder.as_uri() + "/", contents=contents)
    dest = fill(tmp_path / "dest", names=(".a.gz.0badf00d.tmp", ".b.dat.0badf00d.tmp"))   # no live writer
    download(dataset.files[0], dest)
    assert listing(dest) == [".b.dat.0badf00d.tmp", "a.gz"]      # only the leftover of the same file
    download(dataset.files[1], dest)
    assert listing(dest) == ["a.gz", "b.dat"]
