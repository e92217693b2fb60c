"""minigrad.set_num_threads: large products and copies split over minigrad's own threads, with the same bits as one
thread (the probe refuses any split that would change them), PyTorch's errors, and LeNet training unchanged."""
import os
import threading

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim, threads


@pytest.fixture
def two_threads():
    mg.set_num_threads(2)
    yield
    mg.set_num_threads(1)


@pytest.mark.parametrize("value, message", [(0, "set_num_threads expects a positive integer"),
                                            (-3, "set_num_threads expects a positive integer"),
                                            (1.5, "set_num_threads expects an int, but got float"),
                                            ("2", "set_num_threads expects an int, but got str")])
def test_bad_thread_counts_get_pytorchs_errors_and_change_nothing(value, message):
    before = mg.get_num_threads()
    with pytest.raises(RuntimeError, match=message):
        mg.set_num_threads(value)
    assert mg.get_num_threads() == before


def test_the_errors_are_the_ones_torch_raises():
    torch = pytest.importorskip("torch")
    for value in (0, 1.5, "2"):
        with pytest.raises(RuntimeError) as theirs:
            torch.set_num_threads(value)
        with pytest.raises(RuntimeError) as ours:
            mg.set_num_threads(value)
        assert str(ours.value) == str(theirs.value)


def test_get_num_threads_reports_the_count_set(two_threads):
    assert mg.get_num_threads() == 2


SHAPES = [  # (rows of a, inner, columns of b, transpose a, transpose b): LeNet's convolutions first
    (6, 25, 200704, False, False), (16, 150, 25600, False, False), (150, 16, 25600, True, False),
    (150, 25600, 16, False, True), (25, 200704, 6, False, True), (300, 300, 300, False, False),
    (97, 513, 1031, True, True)]


@pytest.mark.parametrize("m, k, n, transpose_a, transpose_b", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_products_on_two_threads_equal_the_one_thread_product_bit_for_bit(two_threads, m, k, n, transpose_a,
                                                                            transpose_b, dtype):
    generator = np.random.default_rng(m * n + k)
    a = generator.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = generator.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    a, b = (a.T if transpose_a else a), (b.T if transpose_b else b)
    assert np.array_equal(threads.matmul(a, b), a @ b)


def test_the_convolution_products_really_are_split(two_threads):
    generator = np.random.default_rng(0)
    a, b = generator.standard_normal((16, 150), dtype=np.float32), generator.standard_normal((150, 25600),
                                                                                            dtype=np.float32)
    threads.matmul(a, b)
    assert threads._plan(a, b) is not None


def test_a_split_that_would_change_the_bits_is_refused(two_threads, monkeypatch):
    """A kernel that rounds differently for a narrow block is simulated: its blocks come out one ulp off."""
    block_for_real = threads._product_block

    def off_by_one_ulp(a, b, out, axis, lo, hi, contiguous=False):
        block_for_real(a, b, out, axis, lo, hi, contiguous)
        part = out[:, lo:hi] if axis == 1 else out[lo:hi]
        part[...] = np.nextafter(part, np.inf)
    monkeypatch.setattr(threads, "_product_block", off_by_one_ulp)
    monkeypatch.setattr(threads, "_plans", {})
    monkeypatch.setattr(threads, "_exact", {})
    generator = np.random.default_rng(1)
    a, b = generator.standard_normal((40, 300), dtype=np.float32), generator.standard_normal((300, 4000),
                                                                                           dtype=np.float32)
    assert threads._plan(a, b) is None
    assert not threads.exact_in_blocks(a, b, 1, [0, 2000, 4000])
    assert np.array_equal(threads.matmul(a, b), a @ b)


def test_run_blocks_covers_the_range_once_on_both_threads(two_threads):
    seen, names = [], set()

    def work(lo, hi):
        seen.extend(range(lo, hi))
        names.add(threading.current_thread().name)
    threads.run_blocks(work, 1000)
    assert sorted(seen) == list(range(1000))
    assert len(names) == 2


def test_a_block_that_splits_again_runs_its_work_in_its_own_thread(two_threads):
    inner = []
    threads.run_blocks(lambda lo, hi: threads.run_blocks(lambda a, b: inner.append((a, b)), 10), 2)
    assert sorted(inner) == [(0, 10), (0, 10)]


def test_an_error_in_a_block_reaches_the_caller(two_threads):
    def work(lo, hi):
        if lo > 0:
            raise ValueError("block failed")
    with pytest.raises(ValueError, match="block failed"):
        threads.run_blocks(work, 100)


def lenet_after_steps(steps=3, batch=64):
    generator = np.random.default_rng(5)
    images = mg.tensor(generator.random((batch, 1, 28, 28), dtype=np.float32))
    labels = mg.tensor(generator.integers(0, 10, batch))
    net = nn.lenet(generator=np.random.default_rng(0))
    trainer, loss = optim.SGD(net.parameters(), lr=0.3), nn.CrossEntropyLoss()
    for _ in range(steps):
        trainer.zero_grad()
        loss(net(images), labels).backward()
        trainer.step()
    return [p.detach().numpy().copy() for p in net.parameters()]


def test_lenet_trains_to_the_same_bits_on_one_and_two_threads():
    mg.set_num_threads(1)
    one = lenet_after_steps()
    mg.set_num_threads(2)
    try:
        two = lenet_after_steps()
    finally:
        mg.set_num_threads(1)
    assert all(np.array_equal(p, q) for p, q in zip(one, two))
    assert any(plan is not None for plan in threads._plans.values())   # the test saw real splits


@pytest.mark.parametrize("channels, size, out_channels, padding", [(1, 28, 6, 2), (6, 14, 16, 0)])
@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.parametrize("keep_cols", [True, False])
def test_the_row_by_row_convolution_product_equals_the_one_product(channels, size, out_channels, padding, count,
                                                                   keep_cols):
    """LeNet's two convolutions at batch 256: the copy-and-multiply by output rows (keeping the im2col matrix, or
    with one row-sized buffer per thread as under no_grad) against im2col, then one product."""
    from minigrad.nn.functional.conv import _im2col, _im2col_product
    from minigrad.nn.functional.layout import padded_batch_last
    generator = np.random.default_rng(channels)
    x = generator.standard_normal((256, channels, size, size), dtype=np.float32)
    w = generator.standard_normal((out_channels, channels * 25), dtype=np.float32)
    padded = padded_batch_last(x, (padding, padding))
    out_hw = (size + 2 * padding - 4,) * 2
    mg.set_num_threads(count)
    try:
        cols, product = _im2col_product(w, padded, (5, 5), (1, 1), out_hw, keep_cols)
    finally:
        mg.set_num_threads(1)
    plain_cols = _im2col(padded, (5, 5), (1, 1), out_hw)
    assert np.array_equal(cols, plain_cols) if keep_cols else cols is None
    assert np.array_equal(product, w @ plain_cols)


def test_a_convolution_under_no_grad_gives_the_recorded_output_bit_for_bit():
    x = mg.tensor(np.random.default_rng(3).standard_normal((64, 1, 28, 28), dtype=np.float32))
    conv = nn.Conv2d(1, 6, kernel_size=5, padding=2)
    recorded = conv(x)
    with mg.no_grad():
        unrecorded = conv(x)
    assert recorded.grad_fn.cols is not None and unrecorded.grad_fn is None
    assert np.array_equal(recorded.detach().numpy(), unrecorded.numpy())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_gets_threads_of_its_own_instead_of_waiting_forever(two_threads):
    """A fork copies the pool but not its threads: work handed to the copy would never run."""
    threads.run_blocks(lambda lo, hi: None, 100)                      # the parent's pool exists before the fork
    pid = os.fork()
    if pid == 0:                                                      # the child: exit 0 only if the work ran
        done = []
        timer = threading.Timer(20, os._exit, (3,))                   # a hang becomes exit status 3
        timer.start()
        threads.run_blocks(lambda lo, hi: done.append((lo, hi)), 100)
        os._exit(0 if sorted(done) == [(0, 50), (50, 100)] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
