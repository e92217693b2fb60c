"""Set the thread count of numpy's BLAS inside a running process (what threadpoolctl does, for the one case here).

OpenBLAS reads OPENBLAS_NUM_THREADS once, when numpy loads it; afterwards only its own ``openblas_set_num_threads``
changes the count. numpy's wheels bundle OpenBLAS under a prefixed name (``scipy_openblas_set_num_threads64_``), so
the function is looked up by its known names in the BLAS libraries already mapped into this process.
"""
import ctypes
from collections import namedtuple

import numpy as np  # noqa: F401  (loads the BLAS library this module looks for)

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
            "openblas_set_num_threads", "MKL_Set_Num_Threads")
BlasLibrary = namedtuple("BlasLibrary", "name path set_threads")


def _mapped_libraries():
    """Paths of the shared libraries mapped into this process whose name says BLAS (Linux only)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return []
    return sorted(path for path in paths if "blas" in path.lower() or "mkl" in path.lower())


def blas_library():
    """The BLAS library numpy uses, with a function that sets its thread count; None when it cannot be found."""
    for path in _mapped_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                return BlasLibrary(path.rsplit("/", 1)[-1], path, setter)
    return None


def set_blas_threads(count):
    """Set numpy's BLAS to ``count`` threads; False when this process's BLAS cannot be switched."""
    library = blas_library()
    if library is None:
        return False
    library.set_threads(int(count))
    return True
