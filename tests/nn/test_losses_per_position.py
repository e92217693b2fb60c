"""cross_entropy and nll_loss on (classes,) and (N, classes, d1, ...) inputs, and the gradient of a probability
target, against torch.nn.functional."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F

torch = pytest.importorskip("torch")
rng = np.random.default_rng(5)
WEIGHT = np.array([1.0, 2.0, 0.5, 1.5])

# name: (input shape, target: "labels" or "probabilities", keyword arguments)
CASES = {
    "labels per pixel": ((2, 4, 3, 2), "labels", {}),
    "labels per pixel, weighted, ignored": ((2, 4, 3), "labels", dict(weight=WEIGHT, ignore_index=1)),
    "labels per pixel, smoothed": ((2, 4, 5), "labels", dict(label_smoothing=0.2)),
    "probabilities per position": ((3, 4, 2), "probabilities", dict(weight=WEIGHT, label_smoothing=0.1)),
    "one sample of labels": ((4,), "labels", {}),
    "one sample of probabilities": ((4,), "probabilities", {}),
    "rows of probabilities": ((3, 4), "probabilities", {}),
}


def target_for(shape, kind):
    """Integer labels, one per position, or any non-negative weights of the input's shape."""
    if kind == "probabilities":
        return rng.random(shape)
    classes, positions = (shape[0], ()) if len(shape) == 1 else (shape[1], (shape[0],) + shape[2:])
    return rng.integers(0, classes, positions)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_cross_entropy_per_position_matches_torch(name, reduction):
    shape, kind, kwargs = CASES[name]
    z, t = rng.standard_normal(shape), target_for(shape, kind)
    grads = kind == "probabilities"
    ours_z, theirs_z = mg.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    ours_t, theirs_t = mg.tensor(t, requires_grad=grads), torch.tensor(t, requires_grad=grads)
    weight = kwargs.get("weight")
    options = {k: v for k, v in kwargs.items() if k != "weight"}
    ours = F.cross_entropy(ours_z, ours_t, None if weight is None else mg.tensor(weight), reduction=reduction,
                           **options)
    theirs = torch.nn.functional.cross_entropy(theirs_z, theirs_t, None if weight is None else torch.tensor(weight),
                                               reduction=reduction, **options)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    (ours ** 2).sum().backward()
    (theirs ** 2).sum().backward()
    np.testing.assert_allclose(ours_z.grad.numpy(), theirs_z.grad.numpy(), rtol=1e-12, atol=1e-14)
    if grads:
        np.testing.assert_allclose(ours_t.grad.numpy(), theirs_t.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_nll_loss_per_position_matches_torch(reduction):
    log_probs, labels = rng.standard_normal((2, 4, 3, 2)), rng.integers(0, 4, (2, 3, 2))
    ours_x, theirs_x = mg.tensor(log_probs, requires_grad=True), torch.tensor(log_probs, requires_grad=True)
    ours = F.nll_loss(ours_x, mg.tensor(labels), mg.tensor(WEIGHT), ignore_index=2, reduction=reduction)
    theirs = torch.nn.functional.nll_loss(theirs_x, torch.tensor(labels), torch.tensor(WEIGHT), ignore_index=2,
                                          reduction=reduction)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-12)


def test_a_0d_input_is_refused():
    with pytest.raises(ValueError, match="0-d"):
        F.cross_entropy(mg.tensor(1.0), mg.tensor(0))
