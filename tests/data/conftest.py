"""Fixtures for the data tests: an empty private cache, no network, and where the real data sets are."""
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# Where the real airfoil file is: the MINIGRAD_DATA of the session (tests/conftest.py, the Makefile or CI set it),
# read before the fixture below empties it for each test.
SESSION_DATA_PATH = [Path(p) for p in os.environ.get("MINIGRAD_DATA", "").split(os.pathsep) if p]
FASHION_MNIST_SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                       "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(autouse=True)
def isolated_data_env(tmp_path, monkeypatch):
    """Each test gets an empty user cache, no $MINIGRAD_DATA, and no network (file:// URLs still work)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("MINIGRAD_DATA", raising=False)
    real_urlopen = urllib.request.urlopen

    def offline_urlopen(url, *args, **kwargs):
        if str(url).startswith("file:"):
            return real_urlopen(url, *args, **kwargs)
        raise urllib.error.URLError(f"no network in the tests (asked for {url})")

    monkeypatch.setattr(urllib.request, "urlopen", offline_urlopen)


@pytest.fixture
def airfoil_dir():
    """A folder of the session's MINIGRAD_DATA holding the airfoil file; the test is skipped when there is none."""
    for folder in SESSION_DATA_PATH:
        if (folder / "airfoil_self_noise.dat").is_file():
            return folder
    pytest.skip("no airfoil_self_noise.dat in MINIGRAD_DATA (make data, or a shared/data folder beside the "
                "repository, sets it)")


@pytest.fixture(scope="session")
def fashion_mnist_dir():
    """Debian's Fashion-MNIST folder; the test is skipped when the package dataset-fashion-mnist is absent."""
    if not all((FASHION_MNIST_SYSTEM_DIR / name).is_file() for name in FASHION_MNIST_FILES):
        pytest.skip(f"Fashion-MNIST is not in {FASHION_MNIST_SYSTEM_DIR} "
                    "(apt-get install dataset-fashion-mnist, or make data)")
    return FASHION_MNIST_SYSTEM_DIR
