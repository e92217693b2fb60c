"""Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; MIT licence): 60,000 training and 10,000 test images, 28x28, 10 classes.

Where the files are looked for: see ``minigrad.data.lookup``; how they are downloaded: ``minigrad.data.download``.
The system folder is where Debian's package ``dataset-fashion-mnist`` puts it (``/usr/share/datasets/fashion-mnist``).

Hashes: each file is identified by the sha256 of its *decompressed* IDX bytes, which is the same for the official
``.gz`` files and for Debian's recompressed ones. The hash is checked on every load, not only after a download:
measured side by side on this project's shared 2-core machine, the sha256 of the 47 MB of decompressed training
images costs about a tenth of gunzipping them (0.03-0.08 s against 0.25-0.8 s, depending on the load of the
machine), so a cheaper size-and-header check would save little and would miss corruption inside the data.
Nothing else is cached: a whole load (gunzip, hash, uint8 -> float32) takes 0.4-1 s on that machine, next
to minutes of training; keeping a decompressed copy would save about 0.3 s per load for 47 MB more on disk.
"""
import numpy as np

from .contents import read_verified
from .download import locate_or_download
from .idx import parse_idx
from .loader import DataLoader
from .lookup import Dataset, RemoteFile

BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

FASHION_MNIST = Dataset(
    name="fashion-mnist",
    title="Fashion-MNIST",
    files=tuple(RemoteFile(name, BASE_URL + name, "sha256", digest, size) for name, digest, size in (
        ("train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47040016),
        ("train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60008),
        ("t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7840016),
        ("t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10008),
    )),
    subdirs=("fashion-mnist", "FashionMNIST/raw"),
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    hint=("To get it: run `make data`, or install it where your system keeps data sets (on Debian/Ubuntu the "
          "package dataset-fashion-mnist), or put the four .gz files (or their decompressed IDX files) in a "
          "folder and pass root=<folder> or add the folder to MINIGRAD_DATA."),
)

TEXT_LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot")


def text_labels(indices):
    """The class names of integer labels (a list, array or Tensor of ints), as d2l's ``get_fashion_mnist_labels``."""
    if hasattr(indices, "numpy"):
        indices = indices.numpy()
    names = []
    for index in np.asarray(indices).ravel().tolist():
        if index != int(index) or not 0 <= index < len(TEXT_LABELS):
            raise ValueError(f"text_labels: label {index!r} is not a Fashion-MNIST class index (0 to 9)")
        names.append(TEXT_LABELS[int(index)])
    return names


def _read(located, name):
    path = located.paths[name]
    remote = next(r for r in FASHION_MNIST.files if r.name == name)
    return parse_idx(read_verified(path, remote), str(path))


def _images(located, name):
    """(N, 1, 28, 28) float32 in [0, 1]: uint8 / 255 computed in float32, as torchvision's ToTensor does."""
    pixels = _read(located, name)
    return np.divide(pixels, np.float32(255), dtype=np.float32)[:, None, :, :]


def fashion_mnist_arrays(root=None):
    """``(train_images, train_labels, test_images, test_labels)`` as numpy arrays.

    Images are float32 in [0, 1] of shape (N, 1, 28, 28), labels int64 of shape (N,). The files are found (or
    downloaded) as described in ``minigrad.data.lookup``; a file with the wrong hash raises DataFileError.
    """
    located = locate_or_download(FASHION_MNIST, root)
    return (_images(located, "train-images-idx3-ubyte.gz"),
            _read(located, "train-labels-idx1-ubyte.gz").astype(np.int64),
            _images(located, "t10k-images-idx3-ubyte.gz"),
            _read(located, "t10k-labels-idx1-ubyte.gz").astype(np.int64))


def resize_images(images, size):
    """Resize (N, C, H, W) images to (N, C, size, size) by bilinear interpolation.

    Half-pixel centres with edges clamped and no antialiasing: the same as
    ``torch.nn.functional.interpolate(mode='bilinear', align_corners=False)``. d2l's torchvision ``Resize`` works
    on 8-bit PIL images, so its pixels are rounded to multiples of 1/255 (and it antialiases when shrinking);
    for enlarging, values here differ from d2l's by at most about 1/255.
    """
    _check_size(size)
    height, width = images.shape[-2:]
    rows = _bilinear_matrix(height, size, images.dtype)
    cols = _bilinear_matrix(width, size, images.dtype)
    return rows @ images @ cols.T


def _check_size(size):
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"resize: size must be a positive int, got {size!r}")


def _bilinear_matrix(n_in, n_out, dtype):
    """(n_out, n_in) matrix whose rows hold the two interpolation weights of each output pixel."""
    centres = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
    centres = np.clip(centres, 0, n_in - 1)
    left = np.floor(centres).astype(np.int64)
    right = np.minimum(left + 1, n_in - 1)
    frac = centres - left
    matrix = np.zeros((n_out, n_in), dtype=np.float64)
    np.add.at(matrix, (np.arange(n_out), left), 1 - frac)
    np.add.at(matrix, (np.arange(n_out), right), frac)
    return matrix.astype(dtype)


def load_fashion_mnist(batch_size, root=None, resize=None, generator=None):
    """``(train_iter, test_iter)`` DataLoaders over Fashion-MNIST, as d2l's ``load_data_fashion_mnist``.

    The training loader shuffles anew every epoch (with ``generator``, default minigrad's global generator);
    the test loader keeps the file order. Batches are (X float32 (B, 1, 28, 28), y int64 (B,)) Tensors;
    with ``resize=r`` X is resized per batch to (B, 1, r, r) by ``resize_images``.
    """
    transform = None
    if resize is not None:
        _check_size(resize)

        def transform(images, labels):
            return resize_images(images, resize), labels
    train_x, train_y, test_x, test_y = fashion_mnist_arrays(root)
    return (DataLoader((train_x, train_y), batch_size, shuffle=True, generator=generator, transform=transform),
            DataLoader((test_x, test_y), batch_size, shuffle=False, transform=transform))
