"""``python -m minigrad.data.fetch`` (``make data``): find the chapter's data sets, or get them, and say where.

Fashion-MNIST: the usual places (see ``minigrad.data.cache``); if it is missing and we are root on a Debian-like
system with apt-get, install the package ``dataset-fashion-mnist`` (after ``apt-get update``); otherwise, or if
that fails, download it into the user cache. Airfoil: the usual places, then ``shared/data`` beside the
repository or one of its parent folders (where CI keeps a copy), which is copied into the user cache so that later loads find it; otherwise a
download. Every file found is checked against its hash. Exit status 0 when every data set asked for is there.
"""
import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .airfoil import AIRFOIL, AIRFOIL_FILE
from .cache import (DataNotFoundError, copy_verified, dataset_cache_dir, locate, locate_or_download,
                    read_verified)
from .fashion_mnist import FASHION_MNIST
from .idx import DataFileError

APT_PACKAGE = "dataset-fashion-mnist"
REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir():
    """The nearest ``shared/data`` beside the repository or one of its parent folders, or None.

    CI clones the repository with ``shared/`` next to it; a git worktree may sit one level deeper.
    """
    for folder in REPO_ROOT.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return None


def can_use_apt():
    """Root on a Debian-like system with apt-get: then the package can be installed here."""
    return (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None
            and Path("/etc/debian_version").exists())


def apt_install(package, run=subprocess.run):
    """``apt-get update`` then ``apt-get install -y package``; True when both succeed."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", package]):
        print("  $ " + " ".join(command), flush=True)
        if run(command, env=env).returncode != 0:
            print(f"  `{' '.join(command)}` failed")
            return False
    return True


def verify(located, dataset):
    """Check every file's hash; True when all match (a mismatch is printed)."""
    for remote in dataset.files:
        try:
            read_verified(located.paths[remote.name], remote)
        except DataFileError as err:
            print(f"  {err}")
            return False
    return True


def report_found(located, dataset):
    if not verify(located, dataset):
        print(f"{dataset.title}: found in {located.directory} ({located.origin}) but a file is wrong (above)")
        return False
    print(f"{dataset.title}: {located.directory} ({located.origin}; hashes checked)")
    return True


def try_download(dataset):
    try:
        located = locate_or_download(dataset)
    except DataNotFoundError as err:
        print(err)
        return False
    return report_found(located, dataset)


def fetch_fashion_mnist(apt_available=can_use_apt, run=subprocess.run):
    located = locate(FASHION_MNIST)
    if located is not None:
        return report_found(located, FASHION_MNIST)
    if apt_available():
        print(f"{FASHION_MNIST.title} not found; installing the Debian package {APT_PACKAGE}:")
        if apt_install(APT_PACKAGE, run):
            located = locate(FASHION_MNIST)
            if located is not None:
                return report_found(located, FASHION_MNIST)
            print(f"  the package is installed but its files are not in {FASHION_MNIST.system_dirs[0]}")
    print(f"{FASHION_MNIST.title}: trying to download it into {dataset_cache_dir(FASHION_MNIST)}")
    return try_download(FASHION_MNIST)


def fetch_airfoil(shared_dir=None):
    located = locate(AIRFOIL)
    if located is not None:
        return report_found(located, AIRFOIL)
    shared_dir = shared_dir or shared_data_dir()
    shared_file = shared_dir / AIRFOIL_FILE.name if shared_dir else None
    if shared_file is not None and shared_file.is_file():
        try:
            copied = copy_verified(shared_file, AIRFOIL_FILE, dataset_cache_dir(AIRFOIL))
        except DataFileError as err:
            print(f"{AIRFOIL.title}: the copy in {shared_file.parent} is wrong: {err}")
        else:
            print(f"{AIRFOIL.title}: copied {shared_file} to {copied} (hash checked)")
            return True
    print(f"{AIRFOIL.title}: trying to download it into {dataset_cache_dir(AIRFOIL)}")
    return try_download(AIRFOIL)


FETCHERS = {"fashion-mnist": fetch_fashion_mnist, "airfoil": fetch_airfoil}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minigrad.data.fetch", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(FETCHERS), help="fetch only this data set")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(FETCHERS)
    failed = [name for name in names if not FETCHERS[name]()]
    if failed:
        print(f"Missing: {', '.join(failed)} (see above for what to do).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
