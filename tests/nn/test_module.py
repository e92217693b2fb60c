"""Module bookkeeping, layers, initialisation and state dicts."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.act = nn.Tanh()
        self.out = nn.Linear(4, 2, bias=False)
        self.scale = nn.Parameter(np.ones(2, dtype=np.float32))

    def forward(self, x):
        return self.out(self.act(self.hidden(x))) * self.scale


def test_parameters_are_found_by_attribute_assignment():
    net = TwoLayers()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["scale", "hidden.weight", "hidden.bias", "out.weight"]
    assert [p.shape for p in net.parameters()] == [(2,), (4, 3), (4,), (2, 4)]
    assert [type(m).__name__ for m in net.children()] == ["Linear", "Tanh", "Linear"]
    assert len(list(net.modules())) == 4
    assert all(p.requires_grad for p in net.parameters())


def test_a_shared_layer_is_listed_once():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(net.parameters())) == 2


def test_train_eval_and_zero_grad():
    net = TwoLayers()
    assert net.training and net.hidden.training
    net.eval()
    assert not net.training and not net.hidden.training and not net.act.training
    net.train()
    assert net.out.training
    net(mg.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_assigning_before_init_is_a_clear_error():
    class Forgetful(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)
    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Forgetful()


def test_state_dict_round_trip_reproduces_outputs_exactly(tmp_path):
    mg.manual_seed(1)
    net = nn.lenet()
    x = mg.randn(4, 1, 28, 28)
    expected = net(x).detach().numpy().copy()
    state = net.state_dict()
    assert list(state) == [name for name, _ in net.named_parameters()]
    assert all(isinstance(v, np.ndarray) for v in state.values())
    state["0.weight"][...] = 0          # a copy: changing it leaves the model alone
    assert np.array_equal(net(x).detach().numpy(), expected)

    path = tmp_path / "lenet.npz"
    mg.save(net.state_dict(), path)
    other = nn.lenet(generator=np.random.default_rng(99))
    assert not np.array_equal(other(x).detach().numpy(), expected)
    other.load_state_dict(mg.load(path))
    assert np.array_equal(other(x).detach().numpy(), expected)


def test_load_state_dict_checks_everything_before_changing_anything():
    net = TwoLayers()
    before = net.state_dict()
    bad = dict(before)
    bad["out.weight"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"out.weight has shape \(2, 4\)"):
        net.load_state_dict({**bad, "hidden.weight": np.zeros((4, 3))})
    assert all(np.array_equal(before[k], v) for k, v in net.state_dict().items())
    with pytest.raises(KeyError, match="missing \\['scale'\\]"):
        net.load_state_dict({k: v for k, v in before.items() if k != "scale"})
    with pytest.raises(KeyError, match="unexpected \\['extra'\\]"):
        net.load_state_dict({**before, "extra": np.zeros(1)})
    missing, unexpected = net.load_state_dict({"scale": np.full(2, 3.0)}, strict=False)
    assert "hidden.weight" in missing and unexpected == []
    assert net.scale.dtype == np.float32 and np.array_equal(net.scale.detach().numpy(), [3, 3])


def test_repr_lists_layers_and_parameter_shapes():
    text = repr(nn.lenet())
    assert "(0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))  [weight (6, 1, 5, 5), bias (6,)]" \
        in text
    assert "(2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)" in text
    assert "(7): Linear(in_features=400, out_features=120, bias=True)  [weight (120, 400), bias (120,)]" in text
    assert text.endswith("[61,706 parameters]")


def test_sequential_indexing_and_iteration():
    net = nn.lenet()
    assert len(net) == 12 and isinstance(net[0], nn.Conv2d) and isinstance(net[-1], nn.Linear)
    assert len(net[:6]) == 6 and net[:6](mg.randn(2, 1, 28, 28)).shape == (2, 16, 5, 5)
    assert [type(m).__name__ for m in net][6] == "Flatten"
    with pytest.raises(TypeError, match="Modules"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_double_makes_a_whole_network_gradcheckable():
    mg.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                        nn.Linear(8, 3)).double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    x = mg.randn(2, 1, 4, 4, dtype=np.float64)
    values = [p._array.copy() for p in net.parameters()]
    assert mg.gradcheck(lambda *leaves: _loss_with_parameters(net, leaves, x), values)
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters())


def _loss_with_parameters(net, leaves, x):
    """The loss with each parameter swapped for a gradcheck leaf (so that gradcheck can perturb it)."""
    owners = [(m, name) for m in net.modules() for name, p in m._parameters.items() if p is not None]
    originals = [m._parameters[name] for m, name in owners]
    try:
        for (m, name), leaf in zip(owners, leaves):
            m._parameters[name] = leaf
        return nn.CrossEntropyLoss()(net(x), np.array([0, 2]))
    finally:
        for (m, name), p in zip(owners, originals):
            m._parameters[name] = p


def test_default_init_matches_pytorch_bounds_and_is_seeded():
    mg.manual_seed(0)
    a = nn.Conv2d(6, 16, 5)
    mg.manual_seed(0)
    b = nn.Conv2d(6, 16, 5)
    assert np.array_equal(a.weight.detach().numpy(), b.weight.detach().numpy()) and a.weight.dtype == np.float32
    bound = 1 / math.sqrt(6 * 25)
    for p in (a.weight, a.bias):
        assert np.abs(p.detach().numpy()).max() <= bound
    # 2400 draws of U(-b, b): mean 0 and variance b^2/3, within a few standard errors
    w = a.weight.detach().numpy().astype(np.float64)
    assert abs(w.mean()) < 4 * bound / math.sqrt(3 * w.size)
    assert abs(w.var() / (bound ** 2 / 3) - 1) < 0.1
    lin = nn.Linear(400, 120, generator=np.random.default_rng(5))
    assert np.abs(lin.weight.detach().numpy()).max() <= 1 / 20 and np.abs(lin.weight.detach().numpy()).max() > 0.9 / 20
    assert np.abs(lin.bias.detach().numpy()).max() <= 1 / 20


def test_default_init_bounds_equal_pytorchs():
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")
    torch.manual_seed(0)
    for ours, theirs in [(nn.Conv2d(3, 8, (3, 5)), torch.nn.Conv2d(3, 8, (3, 5))),
                         (nn.Linear(50, 7), torch.nn.Linear(50, 7))]:
        for mine, reference in [(ours.weight, theirs.weight), (ours.bias, theirs.bias)]:
            # the largest |value| of a few hundred uniform draws sits just below the bound: compare the bounds
            assert np.abs(mine.detach().numpy()).max() <= np.abs(reference.detach().numpy()).max() * 1.25 + 1e-3
            assert np.abs(reference.detach().numpy()).max() <= np.abs(mine.detach().numpy()).max() * 1.25 + 1e-3


def test_init_functions():
    t = mg.zeros(200, 300)
    init.xavier_uniform_(t, generator=np.random.default_rng(0))
    bound = math.sqrt(6 / 500)
    assert np.abs(t.detach().numpy()).max() <= bound and np.abs(t.detach().numpy()).max() > 0.99 * bound
    init.normal_(t, mean=1.0, std=0.01, generator=np.random.default_rng(0))
    assert abs(t.detach().numpy().mean() - 1) < 1e-3 and abs(t.detach().numpy().std() - 0.01) < 1e-3
    init.zeros_(t)
    assert not t.detach().numpy().any() and t.dtype == np.float32
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(mg.zeros(3))
    with pytest.raises(ValueError, match="std"):
        init.normal_(t, std=-1)


def test_layer_errors_are_clear():
    with pytest.raises(ValueError, match="last dimension must be 400"):
        nn.Linear(400, 10)(mg.randn(2, 399))
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="reduction"):
        nn.CrossEntropyLoss(reduction="avg")
    with pytest.raises(TypeError, match="floating point"):
        nn.Linear(2, 2, dtype=np.int64)


def test_import_leaves_malloc_alone_and_keep_freed_memory_tunes_it():
    """Importing minigrad must not retune the process's malloc; nn.keep_freed_memory() does, on glibc."""
    import subprocess
    import sys
    if not sys.platform.startswith("linux"):
        pytest.skip("resident size is read from /proc")
    script = """
import numpy as np
import minigrad
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096
def freed_back():   # does freeing 20 MB give it back to the OS?
    block = np.ones(5_000_000, dtype=np.float32)
    before = rss()
    del block
    return before - rss() > 15e6
print(freed_back(), minigrad.nn.keep_freed_memory(), freed_back())
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "True", "import minigrad changed how malloc gives memory back"
    if out[1] == "True":
        assert out[2] == "False", "keep_freed_memory() said it tuned malloc, but freed memory still goes back"


def test_buffers_are_saved_loaded_and_listed_but_not_trained():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.register_buffer("seen", mg.zeros(2))
            self.register_buffer("unused", None)

    net = Counter()
    assert [name for name, _ in net.named_buffers()] == ["seen"]
    assert "seen" not in [name for name, _ in net.named_parameters()]
    net.seen = mg.ones(2)                            # assigning a Tensor replaces the buffer
    assert list(net.state_dict()) == ["fc.weight", "fc.bias", "seen"]
    other = Counter()
    other.load_state_dict(net.state_dict())
    np.testing.assert_array_equal(other.seen.numpy(), [1.0, 1.0])
    with pytest.raises(TypeError, match="Tensor or None"):
        net.register_buffer("bad", np.zeros(2))
    del net.seen
    assert list(net.named_buffers()) == []


@pytest.mark.parametrize("bad", [None, [("weight", np.zeros((2, 3)))], "weights.npz"])
def test_load_state_dict_of_something_else_than_a_dict_says_what_it_expected(bad):
    layer = nn.Linear(3, 2)
    before = layer.weight.detach().numpy().copy()
    with pytest.raises(TypeError, match="expected a dict of name -> array"):
        layer.load_state_dict(bad)
    assert np.array_equal(layer.weight.detach().numpy(), before)
