"""Fixtures for the data tests: an empty private cache, no network, and where the real data sets are."""
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
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
def shared_data_dir():
    """``shared/data`` beside the repository (CI clones the repo with ``shared/`` next to it; a git worktree
    may sit one level deeper), holding the airfoil file; the test is skipped when there is none."""
    for folder in REPO_ROOT.parents:
        candidate = folder / "shared" / "data"
        if (candidate / "airfoil_self_noise.dat").is_file():
            return candidate
    pytest.skip(f"no shared/data/airfoil_self_noise.dat beside {REPO_ROOT} or its parent folders")


@pytest.fixture(scope="session")
def fashion_mnist_dir():
    """Debian's Fashion-MNIST folder; the test is skipped when the package dataset-fashion-mnist is absent."""
    if not all((FASHION_MNIST_SYSTEM_DIR / name).is_file() for name in FASHION_MNIST_FILES):
        pytest.skip(f"Fashion-MNIST is not in {FASHION_MNIST_SYSTEM_DIR} "
                    "(apt-get install dataset-fashion-mnist, or make data)")
    return FASHION_MNIST_SYSTEM_DIR
