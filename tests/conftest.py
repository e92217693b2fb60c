import inspect
import os
import re

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")   # figures are files; tests never open a window

# The airfoil data lives beside the repository in ../shared/data (CI clones the repo with shared/ next to it): the
# one place the tests know of it. It joins the folders the loaders search (MINIGRAD_DATA, a search path).
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SHARED_DATA = os.path.normpath(os.path.join(_REPO, "..", "shared", "data"))
if os.path.isdir(_SHARED_DATA):
    _path = [p for p in os.environ.get("MINIGRAD_DATA", "").split(os.pathsep) if p]
    os.environ["MINIGRAD_DATA"] = os.pathsep.join(_path + [_SHARED_DATA] if _SHARED_DATA not in _path else _path)


# ---- markers: run a part of the suite (`pytest -m torch`, `-m "not data"`, `-m "not slow"`) ----------------------
_USES_TORCH = re.compile(r"\btorch\.|importorskip\(.torch")
_DATA_WORDS = ("fashion", "airfoil", "get_data_ch11", "load_data", "lenet_batches")


def pytest_configure(config):
    config.addinivalue_line("markers", "torch: compares with PyTorch (skipped where torch is not installed)")
    config.addinivalue_line("markers", "data: reads Fashion-MNIST or the airfoil data (skipped where they are absent)")
    config.addinivalue_line("markers", "slow: runs a chapter or tour script end to end (tests/chapters/)")


def _source(item):
    try:
        return inspect.getsource(item.function)
    except (OSError, TypeError, AttributeError):
        return ""


def pytest_collection_modifyitems(config, items):
    """Mark each test by what it uses: its own source and fixtures, and a module-level ``torch`` import."""
    for item in items:
        source, fixtures = _source(item), " ".join(getattr(item, "fixturenames", ()))
        if "torch" in vars(item.module) or _USES_TORCH.search(source) or "torch" in fixtures:
            item.add_marker(pytest.mark.torch)
        if any(word in source or word in fixtures for word in _DATA_WORDS):
            item.add_marker(pytest.mark.data)
        if "tests/chapters/" in item.nodeid:
            item.add_marker(pytest.mark.slow)
