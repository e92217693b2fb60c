"""F.interpolate against torch.nn.functional.interpolate (values and input gradients, float32 and float64) and
central differences, mode by mode."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck
from minigrad.nn import functional as F

rng = np.random.default_rng(21)

# name: (call with the functional module, input shape)
CASES = {
    "nearest up": (lambda f, x: f.interpolate(x, size=(5, 7)), (2, 1, 3, 4)),
    "nearest down, one size for all": (lambda f, x: f.interpolate(x, size=2), (1, 2, 5, 3)),
    "nearest-exact": (lambda f, x: f.interpolate(x, size=(4, 9), mode="nearest-exact"), (1, 1, 3, 5)),
    "nearest scale factor": (lambda f, x: f.interpolate(x, scale_factor=1.7), (1, 1, 4)),
    "linear": (lambda f, x: f.interpolate(x, size=7, mode="linear"), (2, 2, 4)),
    "linear corners aligned": (lambda f, x: f.interpolate(x, size=3, mode="linear", align_corners=True), (1, 2, 6)),
    "bilinear": (lambda f, x: f.interpolate(x, size=(5, 3), mode="bilinear"), (1, 2, 3, 4)),
    "bilinear scale factor": (lambda f, x: f.interpolate(x, scale_factor=(1.5, 0.6), mode="bilinear"), (1, 1, 4, 5)),
    "bilinear recomputed scale": (lambda f, x: f.interpolate(x, scale_factor=1.5, mode="bilinear",
                                                             recompute_scale_factor=True), (1, 1, 3, 5)),
    "trilinear corners aligned": (lambda f, x: f.interpolate(x, size=(3, 2, 4), mode="trilinear",
                                                             align_corners=True), (1, 1, 2, 3, 3)),
}


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name, dtype, tol):
    torch = pytest.importorskip("torch")
    call, shape = CASES[name]
    x = rng.standard_normal(shape).astype(dtype)
    ours_x, theirs_x = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = call(F, ours_x), call(torch.nn.functional, theirs_x)
    assert ours.shape == tuple(theirs.shape) and ours.dtype == dtype
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)
    weights = rng.uniform(0.5, 1.5, ours.shape).astype(dtype)
    (ours * mg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["nearest up", "bilinear", "trilinear corners aligned"])
def test_central_differences(name):
    call, shape = CASES[name]
    x = rng.standard_normal(shape)
    assert gradcheck(lambda t: call(F, t), [x])
    assert gradgradcheck(lambda t: call(F, t) ** 2, [x])


def test_integer_images_nearest_as_torch_and_linear_refused():
    torch = pytest.importorskip("torch")
    x = rng.integers(0, 255, (1, 2, 3, 4)).astype(np.uint8)
    ours = F.interpolate(mg.tensor(x), size=(5, 6), mode="nearest-exact")
    assert ours.dtype == np.uint8
    np.testing.assert_array_equal(ours.numpy(), torch.nn.functional.interpolate(
        torch.tensor(x), size=(5, 6), mode="nearest-exact").numpy())
    with pytest.raises(NotImplementedError, match="float first"):
        F.interpolate(mg.tensor(x), size=(5, 6), mode="bilinear")


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(size=3, scale_factor=2), ValueError, "exactly one"),
    (dict(size=3, mode="bilinear"), ValueError, "2 spatial"),
    (dict(size=3, mode="nearest", align_corners=True), ValueError, "align_corners"),
    (dict(size=(3, 4)), ValueError, "size"),
    (dict(size=3, mode="bicubic"), NotImplementedError, "bicubic"),
])
def test_bad_arguments_are_named(kwargs, error, words):
    with pytest.raises(error, match=words):
        F.interpolate(mg.zeros(1, 1, 4), **kwargs)
