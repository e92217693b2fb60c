"""Independent training runs in parallel processes: ``run_in_workers(module, argv, jobs)``.

Each worker is ``python -m <module> <argv> --worker i/<jobs>``, started with one BLAS thread (two processes with
one thread each do more LeNet steps on two cores than one process with two threads: the small matrix products gain
little from a second thread). The module decides which runs worker ``i`` trains (typically every ``jobs``-th run,
starting at ``i``) and saves each as a checkpoint; the parent then reads the finished checkpoints in the book's
order, so what it prints does not depend on the number of workers. The workers' progress lines are relayed through
a ``ProgressBoard``; their printed output is discarded (the parent prints), their errors are kept.

Why one thread also in a single process: OpenBLAS's single-precision products give different last bits with one
and with two threads (measured: 11 of LeNet's 14 product shapes), so a run's numbers depend on the thread count.
A program that wants ``--jobs 2`` to print what ``--jobs 1`` prints runs every training with one BLAS thread
(``ONE_THREAD``, set before numpy is imported). Its workers also get one minigrad thread each
(``MINIGRAD_NUM_THREADS=1``): they already fill the cores, and ``minigrad.set_num_threads`` changes no number.
"""
import os
import subprocess
import sys

from .progress import ProgressBoard

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "MINIGRAD_NUM_THREADS": "1"}


def parse_worker(text):
    """``"i/n"`` (as given to ``--worker``) -> (i, n), checked."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--worker expects INDEX/COUNT such as 0/2, got {text!r}") from None
    if not 0 <= index < count:
        raise ValueError(f"--worker {text}: INDEX must be in 0..COUNT-1")
    return index, count


def run_in_workers(module, argv, jobs, cwd=None):
    """Run ``jobs`` workers of ``module`` to completion; raise RuntimeError with a failed worker's error output."""
    board = ProgressBoard(stream=sys.stderr)
    env = board.child_env(dict(os.environ, **ONE_THREAD))
    workers = [subprocess.Popen([sys.executable, "-m", module, *argv, "--worker", f"{i}/{jobs}"], cwd=cwd,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                pass_fds=(board.fd_for_child,))
               for i in range(jobs)]
    errors = [worker.communicate()[1] for worker in workers]
    board.close()
    failed = [(i, worker.returncode, error) for i, (worker, error) in enumerate(zip(workers, errors))
              if worker.returncode != 0]
    if failed:
        index, code, error = failed[0]
        raise RuntimeError(f"worker {index}/{jobs} of {module} failed (exit {code}):\n{error.strip()}")

