"""``python -m minigrad.data.fetch`` (what ``make data`` runs): find the chapter's data sets, or download them, and
say where.

Each data set is looked up where the loaders look (``minigrad.data.lookup``: ``$MINIGRAD_DATA``, the user cache,
the system folders) and downloaded into the user cache when it is nowhere; every file found is checked against
its hash. Installing a system package or pointing at a shared copy is the Makefile's or CI's business: they set
``MINIGRAD_DATA`` or install the files before calling this. Exit status 0 when every data set asked for is there;
1 otherwise, with this tool's own message (never a traceback) naming what failed and where.
"""
import argparse
import sys

from .airfoil import AIRFOIL
from .contents import read_verified
from .download import locate_or_download
from .errors import DataFileError, DataNotFoundError
from .fashion_mnist import FASHION_MNIST
from .lookup import dataset_cache_dir, locate

PROG = "python -m minigrad.data.fetch"
DATASETS = {"fashion-mnist": FASHION_MNIST, "airfoil": AIRFOIL}


def verify(located, dataset):
    """Check every file's hash; True when all match (a mismatch or an unreadable file is printed)."""
    for remote in dataset.files:
        try:
            read_verified(located.paths[remote.name], remote)
        except (DataFileError, OSError) as err:
            print(f"  {err}")
            return False
    return True


def fetch(dataset):
    """Find or download ``dataset``, check it, say where it is; True when it is there and right."""
    located = locate(dataset)
    if located is None:
        print(f"{dataset.title}: not found; downloading it into {dataset_cache_dir(dataset)}")
        try:
            located = locate_or_download(dataset)
        except DataNotFoundError as err:
            print(err)
            return False
    if not verify(located, dataset):
        print(f"{dataset.title}: found in {located.directory} ({located.origin}) but a file is wrong (above)")
        return False
    print(f"{dataset.title}: {located.directory} ({located.origin}; hashes checked)")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(DATASETS), help="fetch only this data set")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(DATASETS)
    try:
        failed = [name for name in names if not fetch(DATASETS[name])]
    except OSError as err:          # e.g. a cache folder that cannot be created or read
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing half-written was left in place", file=sys.stderr)
        return 130
    if failed:
        print(f"Missing: {', '.join(failed)} (see above for what to do).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
