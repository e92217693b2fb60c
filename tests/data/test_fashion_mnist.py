import dataclasses
import gzip
import hashlib

import numpy as np
import pytest

import minigrad
from minigrad.data import DataFileError, fashion_mnist_arrays, load_fashion_mnist, read_idx, resize_images, text_labels
from minigrad.data import fashion_mnist as fm

# From shared/data/README.md: sha256 of the decompressed IDX files (the same for the official and Debian's .gz).
README_DECOMPRESSED_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


def test_text_labels():
    assert text_labels([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) == [
        "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]
    assert text_labels(np.array([[9], [0]], dtype=np.int64)) == ["ankle boot", "t-shirt"]
    assert text_labels(minigrad.tensor([3, 8])) == ["dress", "bag"]
    for bad in ([10], [-1], [1.5]):
        with pytest.raises(ValueError, match=r"label .* is not a Fashion-MNIST class index \(0 to 9\)"):
            text_labels(bad)


def test_bilinear_resize_by_hand():
    image = np.array([[[[0.0, 1.0]]]], dtype=np.float32)  # (1, 1, 1, 2)
    # half-pixel centres of 4 outputs over 2 inputs: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    np.testing.assert_allclose(resize_images(image, 4)[0, 0, 0], [0, 0.25, 0.75, 1])
    constant = np.full((2, 1, 28, 28), 0.3, dtype=np.float32)
    out = resize_images(constant, 40)
    assert out.shape == (2, 1, 40, 40) and out.dtype == np.float32
    np.testing.assert_allclose(out, 0.3, rtol=1e-6)
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="size must be a positive int"):
            resize_images(constant, bad)


@pytest.mark.parametrize("size", [14, 40, 56])
def test_resize_matches_torch_interpolate(size):
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for bilinear resizing")
    images = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    expected = torch.nn.functional.interpolate(torch.from_numpy(images), size=(size, size), mode="bilinear",
                                               align_corners=False).numpy()
    np.testing.assert_allclose(resize_images(images, size), expected, atol=2e-6)


# ---- the real files (skipped when the Debian package is not installed) -----------------------------------

@pytest.fixture(scope="module")
def arrays(fashion_mnist_dir):
    """The four arrays, loaded once for the module (from the system folder, passed as root)."""
    return fashion_mnist_arrays(root=fashion_mnist_dir)


def test_decompressed_hashes_match_the_readme(fashion_mnist_dir):
    for name, digest in README_DECOMPRESSED_SHA256.items():
        assert hashlib.sha256(gzip.decompress((fashion_mnist_dir / name).read_bytes())).hexdigest() == digest
    assert {f.name: f.digest for f in fm.FASHION_MNIST.files} == README_DECOMPRESSED_SHA256


def test_idx_headers_of_the_real_files(fashion_mnist_dir):
    labels = read_idx(fashion_mnist_dir / "t10k-labels-idx1-ubyte.gz")
    assert labels.shape == (10000,) and labels.dtype == np.uint8


def test_arrays_shapes_dtypes_ranges_and_classes(fashion_mnist_dir, arrays):
    train_x, train_y, test_x, test_y = arrays
    assert train_x.shape == (60000, 1, 28, 28) and test_x.shape == (10000, 1, 28, 28)
    assert train_x.dtype == test_x.dtype == np.float32
    assert train_y.shape == (60000,) and test_y.shape == (10000,)
    assert train_y.dtype == test_y.dtype == np.int64
    assert train_x.min() == 0 and train_x.max() == 1 and test_x.min() == 0 and test_x.max() == 1
    np.testing.assert_array_equal(np.bincount(train_y, minlength=10), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(test_y, minlength=10), [1000] * 10)
    # pixel values are the bytes / 255, computed in float32 (torchvision's ToTensor)
    raw = read_idx(fashion_mnist_dir / "t10k-images-idx3-ubyte.gz")
    np.testing.assert_array_equal(test_x[:, 0], raw.astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(test_y, read_idx(fashion_mnist_dir / "t10k-labels-idx1-ubyte.gz"))


def test_iterators_like_d2l(arrays):
    train_iter, test_iter = load_fashion_mnist(256, generator=np.random.default_rng(0))
    assert (len(train_iter), len(test_iter)) == (235, 40)  # 60000 / 256 and 10000 / 256, rounded up
    _, _, test_x, test_y = arrays
    X, y = next(iter(test_iter))
    assert X.shape == (256, 1, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(X._array, test_x[:256])  # the test set keeps its order
    np.testing.assert_array_equal(y._array, test_y[:256])
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 28, 28)
    assert not np.array_equal(y._array, next(iter(train_iter))[1]._array)  # the training set is reshuffled


def test_resize_option(arrays):
    train_iter, test_iter = load_fashion_mnist(32, resize=14)
    X, _ = next(iter(test_iter))
    assert X.shape == (32, 1, 14, 14) and X.dtype == np.float32
    _, _, test_x, _ = arrays
    np.testing.assert_allclose(X._array, resize_images(test_x[:32], 14))
    with pytest.raises(ValueError, match="size must be a positive int"):
        load_fashion_mnist(32, resize=-3)


def test_a_wrong_file_in_root_is_reported(fashion_mnist_dir, tmp_path):
    for name in README_DECOMPRESSED_SHA256:
        (tmp_path / name).symlink_to(fashion_mnist_dir / name)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    labels = read_idx(fashion_mnist_dir / "t10k-labels-idx1-ubyte.gz")
    labels[0] = (labels[0] + 1) % 10  # a valid IDX file, one label changed
    header = bytes([0, 0, 8, 1]) + len(labels).to_bytes(4, "big")
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(header + labels.tobytes()))
    with pytest.raises(DataFileError, match=r"t10k-labels-idx1-ubyte\.gz: sha256 of the contents is"):
        fashion_mnist_arrays(root=tmp_path)


def test_download_path_with_file_urls(fashion_mnist_dir, tmp_path, monkeypatch):
    served = dataclasses.replace(
        fm.FASHION_MNIST, system_dirs=(),
        files=tuple(dataclasses.replace(f, url=(fashion_mnist_dir / f.name).as_uri()) for f in fm.FASHION_MNIST.files))
    monkeypatch.setattr(fm, "FASHION_MNIST", served)
    _, train_y, test_x, _ = fashion_mnist_arrays()
    cache_dir = tmp_path / "xdg-cache" / "minigrad" / "fashion-mnist"
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted(README_DECOMPRESSED_SHA256)
    assert train_y.shape == (60000,) and test_x.shape == (10000, 1, 28, 28)
