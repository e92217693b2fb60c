"""The functions issue 16 added to nn.functional, against torch.nn.functional (values and input gradients, float32
and float64, edge values included) and against central differences in float64 (first and second order)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck
from minigrad.nn import functional as F

rng = np.random.default_rng(16)

# name, f(functional_module, x): minigrad's F and torch.nn.functional share names and signatures
ELEMENTWISE = [
    ("gelu", lambda f, x: f.gelu(x)),
    ("gelu_tanh", lambda f, x: f.gelu(x, approximate="tanh")),
    ("silu", lambda f, x: f.silu(x)),
    ("softplus", lambda f, x: f.softplus(x)),
    ("softplus_beta_threshold", lambda f, x: f.softplus(x, beta=2.0, threshold=3.0)),
    ("elu", lambda f, x: f.elu(x, alpha=0.7)),
    ("leaky_relu", lambda f, x: f.leaky_relu(x, negative_slope=0.2)),
    ("hardtanh", lambda f, x: f.hardtanh(x)),
    ("hardtanh_bounds", lambda f, x: f.hardtanh(x, min_val=-0.5, max_val=2.0)),
    ("relu6", lambda f, x: f.relu6(x)),
    ("logsigmoid", lambda f, x: f.logsigmoid(x)),
    ("log_softmax_last", lambda f, x: f.log_softmax(x, dim=-1)),
    ("log_softmax_0", lambda f, x: f.log_softmax(x, dim=0)),
    ("softmax_1", lambda f, x: f.softmax(x, dim=1)),
    ("normalize", lambda f, x: f.normalize(x)),
    ("normalize_p1_dim0", lambda f, x: f.normalize(x, p=1.0, dim=0)),
    ("normalize_p3_eps", lambda f, x: f.normalize(x, p=3.0, dim=-1, eps=0.5)),
    ("layer_norm", lambda f, x: f.layer_norm(x, (5,))),
    ("layer_norm_2d", lambda f, x: f.layer_norm(x, (4, 5), eps=1e-3)),
    ("normalize_p0", lambda f, x: f.normalize(x, p=0.0, dim=1)),
    ("celu", lambda f, x: f.celu(x, alpha=0.5)),
    ("selu", lambda f, x: f.selu(x)),
    ("hardsigmoid", lambda f, x: f.hardsigmoid(x)),
    ("hardswish", lambda f, x: f.hardswish(x)),
    ("softsign", lambda f, x: f.softsign(x)),
    ("mish", lambda f, x: f.mish(x)),
    ("softmin_1", lambda f, x: f.softmin(x, dim=1)),
    ("pad", lambda f, x: f.pad(x, (1, 2))),
    ("pad_two_dims_value", lambda f, x: f.pad(x, (0, 1, 2, 0), value=-1.5)),
    ("pad_crop", lambda f, x: f.pad(x, (-1, 2, 1, -2))),
    ("pad_reflect", lambda f, x: f.pad(x, (2, 4), mode="reflect")),
    ("pad_replicate_2d", lambda f, x: f.pad(x, (1, 7, 3, 0), mode="replicate")),     # wider than the input
    ("pad_circular_2d", lambda f, x: f.pad(x, (2, 5, 0, 1), mode="circular")),
    ("pad_reflect_and_crop", lambda f, x: f.pad(x, (2, -1, -1, 3), mode="reflect")),
]


def edge_input(dtype):
    """(3, 4, 5) with exact zeros, a zero vector along the last axis, large and tiny values."""
    x = rng.standard_normal((3, 4, 5)) * 3
    x[0, 0, :3] = [0.0, 30.0, -30.0]
    x[1, 2, :] = 0.0
    x[2, 1, :2] = [1e-9, -1e-9]
    return x.astype(dtype)


@pytest.mark.parametrize("dtype, rtol, atol", [(np.float32, 2e-5, 1e-6), (np.float64, 1e-12, 1e-14)])
@pytest.mark.parametrize("name, fn", ELEMENTWISE, ids=[name for name, _ in ELEMENTWISE])
def test_values_and_gradients_match_torch(name, fn, dtype, rtol, atol):
    torch = pytest.importorskip("torch")
    x = edge_input(dtype)
    ours_x = mg.tensor(x, requires_grad=True)
    ours = fn(F, ours_x)
    theirs_x = torch.tensor(x, requires_grad=True)
    theirs = fn(torch.nn.functional, theirs_x)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)
    weights = rng.uniform(0.5, 1.5, ours.shape).astype(dtype)
    (ours * mg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    if name == "hardsigmoid":       # PyTorch's float64 gradient is float32's 1/6 (0.16666667163): ours is 1/6
        rtol = max(rtol, 1e-7)
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name, fn", ELEMENTWISE, ids=[name for name, _ in ELEMENTWISE])
def test_central_differences_first_and_second_order(name, fn):
    x = rng.standard_normal((2, 4, 5))          # no exact zeros: the kinks of elu and leaky_relu are not sampled
    assert gradcheck(lambda t: fn(F, t), [x])
    if not any(k in name for k in ("leaky", "pad", "hard")):    # piecewise linear: no second derivative to speak of
        assert gradgradcheck(lambda t: fn(F, t), [x])


def test_layer_norm_weight_and_bias_gradients_match_torch():
    torch = pytest.importorskip("torch")
    x, w, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(4)
    assert gradcheck(lambda x_, w_, b_: F.layer_norm(x_, (4,), w_, b_), [x, w, b])
    ours = [mg.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    (F.layer_norm(ours[0], (4,), ours[1], ours[2]) ** 3).sum().backward()
    (torch.nn.functional.layer_norm(theirs[0], (4,), theirs[1], theirs[2]) ** 3).sum().backward()
    for a, b_ in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b_.grad.numpy(), rtol=1e-12, atol=1e-13)


def test_gelu_of_large_inputs_and_softplus_past_threshold_stay_finite():
    x = mg.tensor(np.array([-1e4, -50.0, 50.0, 1e4]), requires_grad=True)
    F.softplus(x).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    np.testing.assert_array_equal(F.gelu(x).detach().numpy()[[0, 3]], [0.0, 1e4])


def test_bad_arguments_are_named():
    x = mg.randn(2, 3)
    for call, message in [(lambda: F.gelu(x, approximate="erf"), "approximate"),
                          (lambda: F.pad(x, (1,)), "even number"),
                          (lambda: F.pad(x, (1, 1), mode="wrap"), "constant"),
                          (lambda: F.pad(x, (3, 0), mode="reflect"), "up to 2"),
                          (lambda: F.pad(x, (-2, -2)), "crop more"),
                          (lambda: F.layer_norm(x, (2,)), "normalized_shape"),
                          (lambda: F.dropout(x, p=1.5), "probability")]:
        with pytest.raises(ValueError, match=message):
            call()


def test_hardtanh_and_relu6_at_their_bounds_and_as_modules_match_torch():
    """Exactly on a bound the gradient is 0 (PyTorch's rule), just inside it is 1; the modules say their settings;
    LogSigmoid as a module."""
    torch = pytest.importorskip("torch")
    x = np.array([-2.0, -1.0, -0.999, 0.0, 0.5, 1.0, 6.0, 5.999, 7.0], dtype=np.float32)
    for ours_fn, theirs_fn in [(mg.nn.Hardtanh(), torch.nn.Hardtanh()), (mg.nn.ReLU6(), torch.nn.ReLU6()),
                               (mg.nn.Hardtanh(-0.5, 2.0), torch.nn.Hardtanh(-0.5, 2.0))]:
        ours_x, theirs_x = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours, theirs = ours_fn(ours_x), theirs_fn(theirs_x)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
        np.testing.assert_array_equal(ours_x.grad.numpy(), theirs_x.grad.numpy())
    assert repr(mg.nn.Hardtanh(-0.5, 2.0)) == "Hardtanh(min_val=-0.5, max_val=2.0)"
    np.testing.assert_allclose(mg.nn.LogSigmoid()(mg.tensor(x)).numpy(), torch.nn.LogSigmoid()(torch.tensor(x)),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="min_val"):
        F.hardtanh(mg.tensor(x), min_val=2.0, max_val=1.0)


def test_hardsigmoid_and_hardswish_on_their_bounds_match_torch():
    """At exactly -3 and 3 PyTorch's gradients are those of the outer pieces: hardsigmoid's 0 at both, hardswish's
    0 and 1."""
    torch = pytest.importorskip("torch")
    x = np.array([-4.0, -3.0, -2.999, 0.0, 2.999, 3.0, 4.0])
    for name in ("hardsigmoid", "hardswish"):
        ours_x, theirs_x = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours, theirs = getattr(F, name)(ours_x), getattr(torch.nn.functional, name)(theirs_x)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-15)
        np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-7)    # float32's 1/6
