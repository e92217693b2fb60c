"""minigrad's own threads: ``set_num_threads(n)`` and ``get_num_threads()``, PyTorch's names, and the same numbers
for every n.

numpy's BLAS cannot give that: OpenBLAS shares one product out between its threads, and the last bits of a float32
product differ between one and two threads (11 of LeNet's 14 product shapes), so a run's numbers would depend on
the core count. With ``set_num_threads(n)``, n > 1, BLAS keeps one thread per call and minigrad splits its large ops
itself into n blocks that run side by side (numpy releases the GIL inside them):

- ``matmul(a, b)``: a product in blocks of output columns (or rows). Each output element is still one BLAS dot
  product over the whole inner dimension, but OpenBLAS picks its kernels by block size, and a narrow block can take
  a kernel whose sums round differently. So a split is used only after a probe of that shape, layout and plan
  (random numbers; a kernel is chosen by sizes and strides, never by values) gave the same bits as the whole product.
- ``run_blocks(work, length)``: any work that splits into independent ranges of one axis (copies, sums over
  another axis), whose numbers cannot depend on the split.
- ``exact_in_blocks(a, b, axis, edges)``: the probe itself, for code that makes a product block by block on its
  own (the convolution's forward pass, one output row at a time).

Measured on the project's 2-core machine (``python benchmarks/lenet_bench.py``): see the README's speed section.
"""
import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_PRODUCT_WORK = 1 << 22       # multiply-adds: below ~4 million a split saves less than the threads cost
_MIN_BLOCK_LENGTH = 16           # no block narrower than this many columns or rows
_UNITS = (48, 24, 16, 8)         # block edges tried at multiples of these, widest first (OpenBLAS's kernel widths)


class _State(threading.local):
    """While a block runs (in any thread) its work never splits again: a nested split would queue behind the
    blocks already waiting on the pool."""
    nested = False


_count = 1
_pool = _pool_pid = None
_plans = {}
_exact = {}
_state = _State()
_probe_lock = threading.Lock()


def get_num_threads():
    """The number of threads minigrad's large ops use (1 until ``set_num_threads``; PyTorch's default differs)."""
    return _count


def set_num_threads(n):
    """Use ``n`` threads for large products and copies, and set numpy's BLAS to one thread per call: every result
    is then bit-identical for every ``n``. (Before the first call BLAS keeps the thread count its environment
    variable gave it, OPENBLAS_NUM_THREADS.) Errors are PyTorch's."""
    global _count, _pool, _pool_pid
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    n = int(n)
    library = blas_library()
    if library is not None:
        library[1](1)
    if n != _count:
        if _pool is not None and _pool_pid == os.getpid():
            _pool.shutdown(wait=True)
        _pool, _pool_pid, _count = None, None, n


def _workers():
    """The pool of the other ``_count - 1`` threads, made when first needed, and made anew in a forked child: a
    fork copies the pool but none of its threads, so work handed to the copy would wait forever."""
    global _pool, _pool_pid
    if _pool_pid != os.getpid():
        _pool, _pool_pid = ThreadPoolExecutor(_count - 1, thread_name_prefix="minigrad"), os.getpid()
    return _pool


def run_blocks(work, length):
    """Call ``work(start, stop)`` for ``get_num_threads()`` contiguous ranges covering ``range(length)``, side by
    side; one call ``work(0, length)`` when one thread is set or a range would be empty."""
    bounds = _bounds(length) if _count > 1 and not _state.nested else None
    if bounds is None:
        work(0, length)
    else:
        _run_ranges(work, bounds)


def matmul(a, b):
    """``a @ b`` for 2-D arrays, split over minigrad's threads when a probe showed the split gives the same bits."""
    if _count == 1 or _state.nested or a.ndim != 2 or b.ndim != 2 or a.size * b.shape[1] < MIN_PRODUCT_WORK:
        return a @ b
    plan = _plan(a, b)
    if plan is None:
        return a @ b
    axis, bounds = plan
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
    _run_product(a, b, out, axis, bounds)
    return out


def _nested(work, lo, hi):
    _state.nested = True
    try:
        work(lo, hi)
    finally:
        _state.nested = False


def _bounds(length, unit=1, min_length=1):
    """Edges of ``get_num_threads()`` ranges over ``range(length)``, inner edges at multiples of ``unit``; None when
    a range would be shorter than ``min_length``."""
    units = length // unit
    edges = [unit * (units * i // _count) for i in range(_count)] + [length]
    if min(hi - lo for lo, hi in zip(edges, edges[1:])) < max(min_length, 1):
        return None
    return edges


def _run_ranges(work, bounds):
    """``work(lo, hi)`` for consecutive edges: the first range in this thread, the others on the pool."""
    pool = _workers()
    futures = [pool.submit(_nested, work, lo, hi) for lo, hi in zip(bounds[1:-1], bounds[2:])]
    try:
        _nested(work, bounds[0], bounds[1])
    finally:
        for future in futures:
            future.result()


def _run_product(a, b, out, axis, bounds):
    _run_ranges(lambda lo, hi: _product_block(a, b, out, axis, lo, hi), bounds)


def _product_block(a, b, out, axis, lo, hi, contiguous=False):
    """Output columns (axis 1) or rows (axis 0) lo:hi of ``a @ b``, written into ``out``; ``contiguous``: from a
    copy of b's columns."""
    if axis == 1:
        np.matmul(a, np.ascontiguousarray(b[:, lo:hi]) if contiguous else b[:, lo:hi], out=out[:, lo:hi])
    else:
        np.matmul(a[lo:hi], b, out=out[lo:hi])


def _layout(x):
    return "C" if x.flags.c_contiguous else "F" if x.flags.f_contiguous else "strided"


def exact_in_blocks(a, b, axis, edges, contiguous=False):
    """Whether ``a @ b`` made block by block (output columns, axis 1, or rows, axis 0, between consecutive
    ``edges``) has the whole product's bits: probed once per shape, layout and edges, on random operands of the
    same layout (a kernel is chosen by sizes and strides, never by values). Only a's and b's shapes, layouts and
    dtypes are read. ``contiguous``: each block of b's columns is first copied into an array of its own."""
    key = (a.shape, _layout(a), b.shape, _layout(b), a.dtype, b.dtype, axis, tuple(edges), contiguous)
    with _probe_lock:
        if key not in _exact:
            generator = np.random.default_rng(0)
            pa, pb = _random_like(a, generator), _random_like(b, generator)
            whole, split = pa @ pb, np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
            for lo, hi in zip(edges, edges[1:]):
                _product_block(pa, pb, split, axis, lo, hi, contiguous)
            _exact[key] = bool(np.array_equal(split, whole))
        return _exact[key]


def _plan(a, b):
    """(axis, edges) of an exact split of ``a @ b`` over the threads, or None: candidate edges at multiples of each
    unit along either output side, the most even first; the first that ``exact_in_blocks`` passes. Once per shape."""
    key = (a.shape, _layout(a), b.shape, _layout(b), a.dtype, b.dtype, _count)
    if key not in _plans:
        sides = {0: a.shape[0], 1: b.shape[1]}
        candidates = {(axis, tuple(bounds)) for axis in (0, 1) for unit in _UNITS
                      if (bounds := _bounds(sides[axis], unit, _MIN_BLOCK_LENGTH)) is not None}
        ordered = sorted(candidates, key=lambda plan: (_longest_block(plan), -plan[0]))
        _plans[key] = next(((axis, list(bounds)) for axis, bounds in ordered
                            if exact_in_blocks(a, b, axis, bounds)), None)
    return _plans[key]


def _longest_block(plan):
    """The work of a plan's longest block, as a share of the whole: what the split's wall time follows."""
    axis, bounds = plan
    return max(hi - lo for lo, hi in zip(bounds, bounds[1:])) / bounds[-1]


def _random_like(x, generator):
    probe = np.empty_like(x)          # keeps x's memory order (a transposed operand stays transposed)
    probe[...] = generator.standard_normal(x.shape)
    return probe


def blas_library():
    """(file name, function setting its thread count) of numpy's OpenBLAS or MKL, found among the libraries this
    process has mapped; None for another BLAS (its own environment variable decides) or off Linux."""
    for path in _mapped_blas_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _BLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                return path.rsplit("/", 1)[-1], setter
    return None


_BLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                 "openblas_set_num_threads64_", "openblas_set_num_threads", "MKL_Set_Num_Threads")


def _mapped_blas_libraries():
    """Paths of the shared libraries mapped into this process whose name says BLAS (Linux; elsewhere none)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return []
    return sorted(path for path in paths if "blas" in path.lower() or "mkl" in path.lower())
