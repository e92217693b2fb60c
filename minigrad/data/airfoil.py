"""NASA airfoil self-noise (Brooks, Pope & Marcolini 1989; UCI data set 291, CC BY 4.0), the data of d2l 11.5-11.10.

1503 rows, 6 tab-separated columns: frequency (Hz), angle of attack (deg), chord length (m), free-stream
velocity (m/s), suction-side displacement thickness (m), scaled sound pressure level (dB, the target).
The file is the one d2l downloads; its sha1 is d2l's ``DATA_HUB['airfoil']`` hash, checked on every load (60 KB).
Where it is looked for: see ``minigrad.data.lookup``; how it is downloaded: ``minigrad.data.download``.
"""
import io

import numpy as np

from .contents import read_verified
from .download import locate_or_download
from .errors import DataFileError
from .loader import DataLoader
from .lookup import Dataset, RemoteFile

AIRFOIL_FILE = RemoteFile("airfoil_self_noise.dat",
                          "http://d2l-data.s3-accelerate.amazonaws.com/airfoil_self_noise.dat",
                          "sha1", "76e5be1548fd8222e5074cf0faae75edff8cf93f", 59984)

AIRFOIL = Dataset(
    name="airfoil",
    title="Airfoil self-noise",
    files=(AIRFOIL_FILE,),
    subdirs=("airfoil",),
    hint=("To get it: run `make data`, or put airfoil_self_noise.dat (d2l's copy, sha1 "
          f"{AIRFOIL_FILE.digest}) in a folder and pass root=<folder> or add the folder to MINIGRAD_DATA."),
)

AIRFOIL_SHAPE = (1503, 6)


def parse_airfoil(data, source="<bytes>"):
    """The (1503, 6) float64 array of the file's text; a wrong shape or a non-number raises DataFileError."""
    try:
        table = np.genfromtxt(io.BytesIO(data), delimiter="\t", dtype=np.float64, ndmin=2)
    except ValueError as err:
        raise DataFileError(source, f"not a table of tab-separated numbers ({err})") from None
    if table.shape != AIRFOIL_SHAPE:
        raise DataFileError(source, f"expected {AIRFOIL_SHAPE[0]} rows of {AIRFOIL_SHAPE[1]} numbers, "
                                    f"got shape {table.shape}")
    bad = np.argwhere(np.isnan(table))
    if len(bad):
        row, col = bad[0]
        raise DataFileError(source, f"{len(bad)} fields are not numbers, the first in line {row + 1}, "
                                    f"column {col + 1}")
    return table


def load_airfoil(root=None):
    """The raw airfoil table, float64 of shape (1503, 6), the target in the last column.

    With ``root`` the file is read from that folder or DataNotFoundError names it; without, it is looked up
    (``minigrad.data.lookup``) and downloaded when it is nowhere."""
    located = locate_or_download(AIRFOIL, root)
    path = located.paths[AIRFOIL_FILE.name]
    return parse_airfoil(read_verified(path, AIRFOIL_FILE), str(path))


def get_data_ch11(batch_size=10, n=1500, root=None, generator=None):
    """d2l's ``get_data_ch11``: ``(data_iter, feature_dim)`` over the standardised airfoil data.

    As in the book, in float32: every column is standardised with the mean and population std of all 1503
    rows, then the first ``n`` rows are kept; the loader yields (X (B, 5), y (B,)) float32 Tensors and shuffles
    anew every epoch (with ``generator``, default minigrad's global generator). ``feature_dim`` is 5.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= AIRFOIL_SHAPE[0]:
        raise ValueError(f"get_data_ch11: n must be an int from 1 to {AIRFOIL_SHAPE[0]}, got {n!r}")
    data = load_airfoil(root).astype(np.float32)
    data = (data - data.mean(axis=0)) / data.std(axis=0)
    data_iter = DataLoader((data[:n, :-1], data[:n, -1]), batch_size, shuffle=True, generator=generator)
    return data_iter, data.shape[1] - 1
