"""Cross-entropy's options, nll_loss and the binary cross-entropies against torch (values and input gradients, float32
and float64, every reduction) and against central differences in float64."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import gradcheck, gradgradcheck, nn
from minigrad.nn import functional as F

rng = np.random.default_rng(61)
N, C = 6, 4
LABELS = np.array([0, 3, -100, 1, 3, 2])          # one label ignored (PyTorch's default ignore_index)
WEIGHT = np.array([0.5, 2.0, 1.0, 1.5])
PROBABILITIES = rng.dirichlet(np.ones(C), N)

# name, f(functional_module, input, torch_or_minigrad_tensor_maker)
CLASS_LOSSES = [
    ("ignore_index", lambda f, z, T: f.cross_entropy(z, T(LABELS))),
    ("ignore_other_index", lambda f, z, T: f.cross_entropy(z, T(np.where(LABELS < 0, 2, LABELS)), ignore_index=3)),
    ("weight", lambda f, z, T: f.cross_entropy(z, T(LABELS), weight=T(WEIGHT))),
    ("label_smoothing", lambda f, z, T: f.cross_entropy(z, T(LABELS), label_smoothing=0.2)),
    ("smoothing_and_weight", lambda f, z, T: f.cross_entropy(z, T(LABELS), T(WEIGHT), label_smoothing=0.3)),
    ("probabilities", lambda f, z, T: f.cross_entropy(z, T(PROBABILITIES))),
    ("probabilities_smoothing_weight", lambda f, z, T: f.cross_entropy(z, T(PROBABILITIES), T(WEIGHT),
                                                                       label_smoothing=0.1)),
    ("nll", lambda f, z, T: f.nll_loss(f.log_softmax(z, dim=1), T(LABELS))),
    ("nll_weight", lambda f, z, T: f.nll_loss(f.log_softmax(z, dim=1), T(LABELS), weight=T(WEIGHT))),
    ("bce", lambda f, z, T: f.binary_cross_entropy(z.sigmoid(), T(PROBABILITIES))),
    ("bce_weight", lambda f, z, T: f.binary_cross_entropy(z.sigmoid(), T(PROBABILITIES), weight=T(WEIGHT))),
    ("bce_logits", lambda f, z, T: f.binary_cross_entropy_with_logits(z, T(PROBABILITIES))),
    ("bce_logits_pos_weight", lambda f, z, T: f.binary_cross_entropy_with_logits(z, T(PROBABILITIES), T(WEIGHT),
                                                                                pos_weight=T(WEIGHT[::-1].copy()))),
]


def with_reduction(fn, reduction):
    return lambda f, z, T: fn(_Reduced(f, reduction), z, T)


class _Reduced:
    """A functional module whose losses get ``reduction=`` added."""

    def __init__(self, module, reduction):
        self.module, self.reduction = module, reduction

    def __getattr__(self, name):
        fn = getattr(self.module, name)
        if "loss" in name or "entropy" in name:
            return lambda *args, **kwargs: fn(*args, reduction=self.reduction, **kwargs)
        return fn


def make_maker(library, dtype):
    def make(a):
        a = np.asarray(a)
        a = a.astype(dtype) if a.dtype.kind == "f" else a.astype(np.int64)
        return library.tensor(a)
    return make


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype, rtol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("name, fn", CLASS_LOSSES, ids=[name for name, _ in CLASS_LOSSES])
def test_losses_match_torch(name, fn, dtype, rtol, reduction):
    torch = pytest.importorskip("torch")
    z = (rng.standard_normal((N, C)) * 2).astype(dtype)
    z[0, 0] = 0.0                                         # the kink of the naive formulas
    fn = with_reduction(fn, reduction)
    ours_z, theirs_z = mg.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    ours = fn(F, ours_z, make_maker(mg, dtype))
    theirs = fn(torch.nn.functional, theirs_z, make_maker(torch, dtype))
    assert ours.dtype == dtype and ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=rtol / 10)
    weights = rng.uniform(0.5, 1.5, ours.shape).astype(dtype)
    (ours * mg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours_z.grad.numpy(), theirs_z.grad.numpy(), rtol=rtol, atol=rtol / 10)


@pytest.mark.parametrize("name, fn", CLASS_LOSSES, ids=[name for name, _ in CLASS_LOSSES])
def test_losses_central_differences(name, fn):
    z = rng.standard_normal((N, C))
    assert gradcheck(lambda t: fn(F, t, mg.tensor), [z])
    assert gradgradcheck(lambda t: fn(F, t, mg.tensor), [z])


def test_all_labels_ignored_gives_nan_as_torch():
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(F.cross_entropy(mg.randn(2, 3), np.array([-100, -100])).item())


def test_binary_cross_entropy_clamps_its_logs_at_minus_100():
    p = mg.tensor([0.0, 1.0, 0.5], requires_grad=True)
    loss = F.binary_cross_entropy(p, mg.tensor([1.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 100.0, np.log(2)], rtol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0, -1, 2])), ValueError, "label -1 is out of range"),
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0, 1, 2]), label_smoothing=1.5), ValueError, "smoothing"),
    (lambda: F.cross_entropy(mg.randn(3, 4), np.array([0, 1, 2]), weight=np.ones(3)), ValueError, "per class"),
    (lambda: F.nll_loss(mg.randn(3, 4), np.array([0.5, 1, 2])), TypeError, "integer class labels"),
    (lambda: F.binary_cross_entropy(mg.tensor([0.5, 1.5]), mg.tensor([0.0, 1.0])), ValueError, r"\[0, 1\]"),
    (lambda: F.binary_cross_entropy_with_logits(mg.randn(3), mg.randn(3, 1)), ValueError, "differs"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=-0.1), ValueError, "smoothing"),
])
def test_bad_loss_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_loss_modules_pass_their_options():
    torch = pytest.importorskip("torch")
    z, labels = rng.standard_normal((N, C)), np.where(LABELS < 0, 1, LABELS)
    pairs = [(nn.CrossEntropyLoss(weight=mg.tensor(WEIGHT), ignore_index=3, label_smoothing=0.1, reduction="sum"),
              torch.nn.CrossEntropyLoss(weight=torch.tensor(WEIGHT), ignore_index=3, label_smoothing=0.1,
                                        reduction="sum"), labels),
             (nn.NLLLoss(ignore_index=0), torch.nn.NLLLoss(ignore_index=0), labels),
             (nn.BCEWithLogitsLoss(pos_weight=mg.tensor(WEIGHT)),
              torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(WEIGHT)), PROBABILITIES),
             (nn.BCELoss(reduction="none"), torch.nn.BCELoss(reduction="none"), PROBABILITIES)]
    for ours, theirs, target in pairs:
        x = z if not isinstance(ours, nn.BCELoss) else 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(ours(mg.tensor(x), mg.tensor(target)).numpy(),
                                   theirs(torch.tensor(x), torch.tensor(target)).numpy(), rtol=1e-12)
