import os

os.environ.setdefault("MPLBACKEND", "Agg")   # figures are files; tests never open a window
