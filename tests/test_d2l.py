"""minigrad.d2l, the book's helper library on minigrad: each helper's behaviour, checked against closed forms,
hand-made data and (where it has the same thing) PyTorch."""
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from matplotlib import pyplot as plt
from PIL import Image

import minigrad as mg
from minigrad import d2l, optim
from minigrad.data import DataFileError, DataNotFoundError
from minigrad.utils.data import DataLoader, Dataset


@pytest.fixture(autouse=True)
def fresh_cache_and_figures(tmp_path, monkeypatch):
    """An empty user cache, no $MINIGRAD_DATA, Animator PNGs in tmp_path, every pyplot figure closed afterwards.
    (The download tests serve files by file:// URLs or find them locally: none reaches the network.)"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv(d2l.FIGURE_DIR_VARIABLE, str(tmp_path / "figures"))
    monkeypatch.delenv("MINIGRAD_DATA", raising=False)
    yield
    plt.close("all")


# ---- running sums and time ---------------------------------------------------------------------------------------

def test_accumulator_sums_each_slot_and_takes_tensors():
    metric = d2l.Accumulator(3)
    metric.add(mg.tensor(1.5) * 2, 1, 10)
    metric.add(0.25, mg.tensor([2.0]), 20)
    assert [metric[0], metric[1], metric[2]] == [3.25, 3.0, 30.0]
    metric.reset()
    assert metric[0:3] == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="3 sums was given 2 values"):
        metric.add(1, 2)


def test_timer_records_intervals_between_start_and_stop(monkeypatch):
    clock = iter([10.0, 10.5, 11.0, 13.0])   # started at 10, stopped at 10.5, restarted at 11, stopped at 13
    monkeypatch.setattr("minigrad.train.metrics.time.perf_counter", lambda: next(clock))
    timer = d2l.Timer()
    assert timer.stop() == 0.5
    timer.start()
    assert timer.stop() == 2.0
    assert (timer.sum(), timer.avg(), timer.cumsum()) == (2.5, 1.25, [0.5, 2.5])


def test_accuracy_counts_rows_whose_largest_score_is_the_label():
    scores = mg.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert d2l.accuracy(scores, mg.tensor([1, 1, 1])) == 2.0
    assert d2l.accuracy(mg.tensor([2, 0]), mg.tensor([2, 1])) == 1.0   # already predicted classes


# ---- 11.3's two-dimensional traces --------------------------------------------------------------------------------

def test_train_2d_gradient_descent_follows_the_closed_form(capsys):
    eta = 0.1   # on x1^2 + 2 x2^2: x1_t = -5 (1 - 2 eta)^t, x2_t = -2 (1 - 4 eta)^t

    def gd_2d(x1, x2, s1, s2, f_grad):
        g1, g2 = f_grad(x1, x2)
        return x1 - eta * g1, x2 - eta * g2, 0, 0

    results = d2l.train_2d(gd_2d, f_grad=lambda x1, x2: (2 * x1, 4 * x2))
    t = np.arange(21)
    np.testing.assert_allclose(results, np.stack([-5 * 0.8 ** t, -2 * 0.6 ** t], axis=1), rtol=1e-12)
    assert capsys.readouterr().out == "epoch 20, x1: -0.057646, x2: -0.000073\n"   # the book's 11.3 line


def test_train_2d_without_f_grad_prints_the_books_format_and_returns_every_point(capsys):
    def halve(x1, x2, s1, s2):
        return x1 / 2, x2 / 2, s1, s2

    assert d2l.train_2d(halve, steps=3) == [(-5.0, -2.0), (-2.5, -1.0), (-1.25, -0.5), (-0.625, -0.25)]
    assert capsys.readouterr().out == "epoch 3, x1: -0.625000, x2: -0.250000\n"


def test_train_2d_keeps_state_between_steps_and_the_sign_of_zero(capsys):
    seen = []

    def trainer(x1, x2, s1, s2, f_grad):
        seen.append((s1, f_grad))
        return -0.0, -1e-9, s1 + 1, s2

    d2l.train_2d(trainer, steps=2, f_grad="grad")
    assert seen == [(0.0, "grad"), (1.0, "grad")]
    assert capsys.readouterr().out == "epoch 2, x1: -0.000000, x2: -0.000000\n"


def test_show_trace_2d_draws_the_points_and_contours_on_the_current_axes():
    results = [(-5.0, -2.0), (-2.5, -1.0), (0.0, 0.0)]
    seen = []

    def f(x1, x2):
        seen.append((x1.dtype, tuple(x1.shape)))
        return x1 ** 2 + 2 * x2 ** 2

    plt.figure()
    d2l.show_trace_2d(f, results)
    axes = plt.gca()
    (line,) = axes.get_lines()
    np.testing.assert_array_equal(line.get_xydata(), results)
    assert seen == [(np.float32, (65, 40))]   # the book's grid: arange(-5.5, 1, 0.1) x arange(-3, 1, 0.1)
    assert axes.collections and (axes.get_xlabel(), axes.get_ylabel()) == ("x1", "x2")


# ---- figures ------------------------------------------------------------------------------------------------------

def test_plot_draws_on_pyplots_current_axes_after_clearing_them():
    plt.figure()
    plt.plot([0, 1], [5, 5])                          # left from an earlier cell: cleared, as the book does
    x = mg.arange(0, 3, 1.0)
    assert d2l.plot(x, [x * 2, x ** 2], "x", "f(x)", legend=["2x", "x^2"]) is None
    axes = plt.gca()
    assert [line.get_ydata().tolist() for line in axes.get_lines()] == [[0, 2, 4], [0, 1, 4]]
    assert [line.get_linestyle() for line in axes.get_lines()] == ["-", "--"]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["2x", "x^2"]
    assert axes.get_xlabel() == "x" and plt.rcParams["figure.figsize"] == [3.5, 2.5]


def test_set_figsize_sets_pyplots_default():
    d2l.set_figsize((6, 3))
    assert plt.figure().get_size_inches().tolist() == [6.0, 3.0]
    d2l.set_figsize()


def test_animator_keeps_a_png_up_to_date_and_prints_nothing(tmp_path, capsys):
    animator = d2l.Animator(xlabel="epoch", xlim=[0, 3], legend=["train loss", "test acc"])
    animator.add(1, (0.9, None))
    (png,) = (tmp_path / "figures").glob("animator_*.png")
    first = png.read_bytes()
    animator.add([2, 2], [mg.tensor(0.5), 0.75])
    assert png.read_bytes() != first
    assert animator.X == [[1, 2], [2]] and animator.Y == [[0.9, 0.5], [0.75]]
    with Image.open(png) as image:
        assert image.format == "PNG"
    captured = capsys.readouterr()
    assert captured.out == "" and f"kept up to date in {png}" in captured.err and "Figure" not in captured.err
    assert [t.get_text() for t in animator.axes[0].get_legend().get_texts()] == ["train loss", "test acc"]


def test_animator_shows_a_window_only_with_a_window_backend(monkeypatch):
    pauses = []
    monkeypatch.setattr(plt, "pause", pauses.append)
    animator = d2l.Animator()
    animator.add(1, 0.5)                                 # the tests' backend is Agg: files only
    monkeypatch.setattr(plt, "get_backend", lambda: "TkAgg")
    animator.add(2, 0.25)
    assert len(pauses) == 1


def test_animator_with_path_false_stays_off_pyplot_and_writes_nothing(tmp_path):
    before = plt.get_fignums()
    animator = d2l.Animator(ylim=[0, 1], path=False)
    animator.add(1, 0.5)
    assert plt.get_fignums() == before and not (tmp_path / "figures").exists()
    assert animator.axes[0].get_ylim() == (0.0, 1.0)


# ---- data ---------------------------------------------------------------------------------------------------------

def served(tmp_path, content, name="table.dat"):
    """A file:// URL serving ``content`` and the sha1 of ``content``."""
    folder = tmp_path / "server"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return (folder / name).as_uri(), hashlib.sha1(content).hexdigest()


def test_download_fetches_into_the_cache_then_finds_it_offline(tmp_path):
    url, sha1 = served(tmp_path, b"1\t2\n")
    path = d2l.download(url, folder=str(tmp_path / "absent"), sha1_hash=sha1)
    assert path == str(tmp_path / "xdg-cache" / "minigrad" / "table" / "table.dat")
    os.remove(tmp_path / "server" / "table.dat")          # the "server" is gone: the cached copy is found
    assert d2l.download(url, folder=str(tmp_path / "absent"), sha1_hash=sha1) == path


def test_download_looks_in_folder_first_and_refuses_a_wrong_file(tmp_path):
    local = tmp_path / "data"
    local.mkdir()
    (local / "table.dat").write_bytes(b"1\t2\n")
    url = "http://example.invalid/table.dat"
    assert d2l.download(url, str(local), hashlib.sha1(b"1\t2\n").hexdigest()) == str(local / "table.dat")
    with pytest.raises(DataFileError, match=r"table\.dat.*sha1 of the contents is"):
        d2l.download(url, str(local), hashlib.sha1(b"other").hexdigest())
    assert (local / "table.dat").read_bytes() == b"1\t2\n"   # refused, not replaced


def test_download_keeps_nothing_whose_hash_is_wrong(tmp_path):
    url, _ = served(tmp_path, b"tampered")
    with pytest.raises(DataNotFoundError, match="sha1 of the contents is"):
        d2l.download(url, str(tmp_path / "absent"), hashlib.sha1(b"genuine").hexdigest())
    assert not list((tmp_path / "xdg-cache").rglob("*.dat"))


def test_download_names_in_data_hub_and_refusals():
    assert d2l.DATA_HUB["airfoil"] == (d2l.DATA_URL + "airfoil_self_noise.dat",
                                       "76e5be1548fd8222e5074cf0faae75edff8cf93f")
    with pytest.raises(KeyError, match="neither a URL nor a name in DATA_HUB"):
        d2l.download("airfoils")
    with pytest.raises(ValueError, match="no sha1_hash"):
        d2l.download("http://example.invalid/x.dat")


def test_download_airfoil_by_name_finds_it_where_minigrad_data_keeps_it(tmp_path):
    shared = [p / "shared" / "data" / "airfoil_self_noise.dat" for p in Path(__file__).resolve().parents]
    shared = [path for path in shared if path.is_file()]
    if not shared:
        pytest.skip("no shared/data/airfoil_self_noise.dat beside the repository")
    cached = tmp_path / "xdg-cache" / "minigrad" / "airfoil" / "airfoil_self_noise.dat"   # minigrad.data's cache
    cached.parent.mkdir(parents=True)
    cached.write_bytes(shared[0].read_bytes())
    assert d2l.download("airfoil", folder=str(tmp_path / "absent")) == str(cached)


def test_load_array_batches_in_order_or_shuffled_by_the_seed():
    X, y = mg.arange(10.0).reshape(5, 2), mg.tensor([0, 1, 2, 3, 4])
    batches = list(d2l.load_array((X, y), 2, is_train=False))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    np.testing.assert_array_equal(batches[1][0].numpy(), [[4, 5], [6, 7]])
    mg.manual_seed(3)
    first = [b[1].tolist() for b in d2l.load_array((X, y), 2)]
    mg.manual_seed(3)
    assert [b[1].tolist() for b in d2l.load_array((X, y), 2)] == first
    assert sorted(sum(first, [])) == [0, 1, 2, 3, 4] and len(first) == 3


# ---- linear regression, losses, the airfoil trainers ------------------------------------------------------------

def test_linreg_and_squared_loss_against_their_formulas():
    X = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    w, b = mg.tensor([[0.5], [-1.0]]), mg.tensor([0.25])
    y_hat = d2l.linreg(X, w, b)
    np.testing.assert_allclose(y_hat.numpy(), [[-1.25], [-2.25]])
    np.testing.assert_allclose(d2l.squared_loss(y_hat, mg.tensor([-1.0, 0.0])).numpy(), [[0.03125], [2.53125]])


class Rows(Dataset):
    """A dataset that is not in memory as arrays: evaluate_loss must loop over its loader."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __getitem__(self, i):
        return self.X[i], self.y[i]

    def __len__(self):
        return len(self.X)


def test_evaluate_loss_is_the_mean_over_all_examples_whichever_the_loader():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((23, 3)).astype(np.float32), rng.standard_normal(23).astype(np.float32)
    w = mg.tensor(rng.standard_normal((3, 1)).astype(np.float32))
    expected = np.mean((X.astype(np.float64) @ w.numpy() - y[:, None]) ** 2 / 2)
    net = lambda X: X @ w   # noqa: E731
    in_memory = d2l.load_array((mg.tensor(X), mg.tensor(y)), 4)
    one_by_one = DataLoader(Rows(mg.tensor(X), mg.tensor(y)), 4, shuffle=True)
    assert d2l.evaluate_loss(net, in_memory, d2l.squared_loss) == pytest.approx(expected, rel=1e-6)
    assert d2l.evaluate_loss(net, one_by_one, d2l.squared_loss) == pytest.approx(expected, rel=1e-6)


def linear_data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 5)).astype(np.float32)
    y = (X @ np.arange(1, 6, dtype=np.float32) * 0.1 + 0.05 * rng.standard_normal(n)).astype(np.float32)
    return d2l.load_array((mg.tensor(X), mg.tensor(y)), 10)


def test_train_ch11_learns_and_draws_the_books_animator(tmp_path, capsys):
    def sgd(params, states, hyperparams):
        with mg.no_grad():
            for p in params:
                p -= hyperparams["lr"] * p.grad
                p.grad.zero_()

    mg.manual_seed(0)
    times, losses = d2l.train_ch11(sgd, None, {"lr": 0.1}, linear_data(), 5)
    assert len(losses) == len(times) == 4   # 800 examples: evaluated after every 200
    assert losses == sorted(losses, reverse=True) and losses[-1] < 0.01
    assert capsys.readouterr().out.startswith(f"loss: {losses[-1]:.3f}, ")
    assert list((tmp_path / "figures").glob("animator_*.png"))


def test_train_concise_ch11_returns_nothing_and_can_draw_elsewhere(tmp_path, capsys):
    animator = d2l.Animator(path=False)
    mg.manual_seed(0)
    assert d2l.train_concise_ch11(optim.SGD, {"lr": 0.05}, linear_data(), 2, animator=animator) is None
    assert len(animator.Y[0]) == 4 and animator.Y[0][-1] < 0.01
    assert capsys.readouterr().out.startswith(f"loss: {animator.Y[0][-1]:.3f}, ")
    assert not (tmp_path / "figures").exists()


def test_a_run_that_never_evaluates_says_why():
    with pytest.raises(ValueError, match="never reached a multiple of 200"):
        d2l.train_concise_ch11(optim.SGD, {"lr": 0.05}, linear_data(n=150), 1, animator=d2l.Animator(path=False))


def test_load_data_fashion_mnist_gives_the_books_batches():
    system = Path("/usr/share/datasets/fashion-mnist")
    if not (system / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip(f"Fashion-MNIST is not in {system}")
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=256)
    X, y = next(iter(test_iter))
    assert tuple(X.shape) == (256, 1, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    assert 0 <= X.numpy().min() and X.numpy().max() <= 1
    assert y.tolist()[:5] == [9, 2, 1, 1, 6]           # the test set's first labels, in file order
    assert len(train_iter) == 235 and len(test_iter) == 40


def test_get_data_ch11_standardises_the_airfoil_rows(monkeypatch):
    shared = [p / "shared" / "data" for p in Path(__file__).resolve().parents
              if (p / "shared" / "data" / "airfoil_self_noise.dat").is_file()]
    if not shared:
        pytest.skip("no shared/data/airfoil_self_noise.dat beside the repository")
    monkeypatch.setenv("MINIGRAD_DATA", str(shared[0]))
    data_iter, feature_dim = d2l.get_data_ch11(batch_size=10, n=1500)
    X, y = next(iter(data_iter))
    assert feature_dim == 5 and tuple(X.shape) == (10, 5) and tuple(y.shape) == (10,)
    assert len(data_iter) == 150
    rows = np.concatenate([np.column_stack([X.numpy(), y.numpy()]) for X, y in data_iter])
    np.testing.assert_allclose(rows.mean(axis=0), 0, atol=0.01)   # 1500 of the 1503 rows standardised together
    np.testing.assert_allclose(rows.std(axis=0), 1, atol=0.01)
