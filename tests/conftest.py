import os

os.environ.setdefault("MPLBACKEND", "Agg")   # figures are files; tests never open a window

# The airfoil data lives beside the repository in ../shared/data (CI clones the repo with shared/ next to it): the
# one place the tests know of it. It joins the folders the loaders search (MINIGRAD_DATA, a search path).
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SHARED_DATA = os.path.normpath(os.path.join(_REPO, "..", "shared", "data"))
if os.path.isdir(_SHARED_DATA):
    _path = [p for p in os.environ.get("MINIGRAD_DATA", "").split(os.pathsep) if p]
    os.environ["MINIGRAD_DATA"] = os.pathsep.join(_path + [_SHARED_DATA] if _SHARED_DATA not in _path else _path)
