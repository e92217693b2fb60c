"""The modern LeNet end to end: PyTorch's gradients on the same weights, and overfitting one batch."""
import gzip
import os

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def one_batch(n=256):
    """The first n Fashion-MNIST training images (standardised) and labels; without the data set, n images made
    from ten random class patterns plus noise (so the test never depends on a download)."""
    images = os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz")
    if os.path.exists(images):
        with gzip.open(images) as f:
            x = np.frombuffer(f.read(16 + n * 784), np.uint8, offset=16).reshape(n, 1, 28, 28)
        with gzip.open(os.path.join(FASHION_MNIST, "train-labels-idx1-ubyte.gz")) as f:
            y = np.frombuffer(f.read(8 + n), np.uint8, offset=8).astype(np.int64)
    else:
        rng = np.random.default_rng(0)
        y = rng.integers(0, 10, n)
        x = rng.standard_normal((10, 1, 28, 28))[y] + 0.5 * rng.standard_normal((n, 1, 28, 28))
    x = x.astype(np.float32)
    return (x - x.mean()) / x.std(), y


def test_lenet_shapes():
    net = nn.lenet()
    assert net(mg.randn(3, 1, 28, 28)).shape == (3, 10)
    assert net[:3](mg.randn(3, 1, 28, 28)).shape == (3, 6, 14, 14)
    assert sum(p.numel() for p in net.parameters()) == 61706


def test_lenet_gradients_match_pytorch_on_real_images():
    """Whole windows of zeros after ReLU make max-pool ties common: only first-max routing (PyTorch's) matches."""
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for this test; install torch==2.13.0")
    x, y = one_batch(64)
    net = nn.lenet(generator=np.random.default_rng(1)).double()
    tnn = torch.nn
    reference = tnn.Sequential(
        tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2, 2), tnn.Conv2d(6, 16, 5), tnn.ReLU(),
        tnn.MaxPool2d(2, 2), tnn.Flatten(), tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(),
        tnn.Linear(84, 10)).double()
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in net.state_dict().items()})
    loss = nn.CrossEntropyLoss()(net(mg.tensor(x, dtype=np.float64)), y)
    loss.backward()
    expected = tnn.CrossEntropyLoss()(reference(torch.tensor(x, dtype=torch.float64)), torch.tensor(y))
    expected.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    for (name, p), q in zip(net.named_parameters(), reference.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_lenet_overfits_one_batch():
    """256 images: above 99% training accuracy within 200 Adam steps (about 65 are needed)."""
    x, y = one_batch(256)
    mg.manual_seed(0)
    net = nn.lenet()
    loss = nn.CrossEntropyLoss()
    trainer = optim.Adam(net.parameters(), lr=5e-3)
    X = mg.Tensor(x)
    accuracy = 0.0
    for step in range(200):
        trainer.zero_grad()
        logits = net(X)
        loss(logits, y).backward()
        trainer.step()
        accuracy = (logits.detach().numpy().argmax(axis=1) == y).mean()
        if accuracy > 0.99:
            break
    assert accuracy > 0.99, f"train accuracy {accuracy:.3f} after {step + 1} steps"
