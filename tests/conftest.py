import os

os.environ.setdefault("MPLBACKEND", "Agg")   # figures are files; tests never open a window

# The airfoil data lives beside the repository in ../shared/data (CI clones the repo with shared/ next to it).
_SHARED_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data")
if "MINIGRAD_DATA" not in os.environ and os.path.isdir(_SHARED_DATA):
    os.environ["MINIGRAD_DATA"] = os.path.normpath(_SHARED_DATA)
