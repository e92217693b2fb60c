"""The graph walk: accumulation, release, no_grad, higher order, long chains, and the errors bad use gets."""
import numpy as np
import pytest

import minigrad as mg


def leaf(values, dtype=np.float64):
    return mg.tensor(values, dtype=dtype, requires_grad=True)


def test_ten_thousand_op_chain_backpropagates_without_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000, rel=1e-9)


def test_second_derivatives_match_closed_forms_at_twenty_points():
    points = np.random.default_rng(7).uniform(-3, 3, 20)
    for p in points:
        x = leaf(p)
        d1, = mg.grad(x * mg.cos(np.pi * x), x, create_graph=True)
        d2, = mg.grad(d1, x)
        exact = -2 * np.pi * np.sin(np.pi * p) - np.pi ** 2 * p * np.cos(np.pi * p)
        assert abs(d2.item() - exact) <= 1e-8 * max(1.0, abs(exact))

        x = leaf(p)
        d1, = mg.grad(mg.cosh(2 * x), x, create_graph=True)
        d2, = mg.grad(d1, x)
        assert abs(d2.item() - 4 * np.cosh(2 * p)) <= 1e-8 * max(1.0, 4 * np.cosh(2 * p))


def test_hessian_vector_product_of_a_quadratic_form():
    a = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 1.0]])
    v = np.array([1.0, -2.0, 0.5])
    x = leaf([0.3, -0.1, 0.7])
    f = 0.5 * (x @ (mg.Tensor(a) @ x))
    g, = mg.grad(f, x, create_graph=True)
    hv, = mg.grad((g * mg.Tensor(v)).sum(), x)
    np.testing.assert_allclose(hv._array, a @ v, rtol=1e-12)


def test_third_derivative():
    x = leaf(0.4)
    d1, = mg.grad(x ** 4, x, create_graph=True)
    d2, = mg.grad(d1, x, create_graph=True)
    d3, = mg.grad(d2, x)
    assert d3.item() == pytest.approx(24 * 0.4)


def test_backward_accumulates_into_leaves_and_shared_uses_add_up():
    x = leaf([1.0, 2.0])
    (x * x + x).sum().backward()
    np.testing.assert_allclose(x.grad._array, [3.0, 5.0])
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad._array, [6.0, 8.0])


def test_grad_without_create_graph_builds_no_graph():
    x = leaf([1.0, 2.0])
    g, = mg.grad((x ** 3).sum(), x)
    assert not g.requires_grad and g._parents == ()
    (x ** 2).sum().backward()
    assert not x.grad.requires_grad


def test_the_graph_is_released_after_backward_unless_retained():
    x = leaf(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_no_grad_records_nothing_and_restores_the_mode():
    x = leaf(1.0)
    with mg.no_grad():
        y = x * 2
        assert not mg.is_grad_enabled()
        with mg.enable_grad():
            z = x * 2
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y._parents == ()
    assert z.requires_grad


def test_detach_cuts_the_graph():
    x = leaf(3.0)
    y = x * x.detach()
    y.backward()
    assert x.grad.item() == 3.0


def test_grad_of_intermediate_and_unused_inputs():
    x, w = leaf(2.0), leaf(5.0)
    h = x * x
    y = 3 * h
    gh, gx = mg.grad(y, [h, x])
    assert (gh.item(), gx.item()) == (3.0, 12.0)
    with pytest.raises(RuntimeError, match="not used"):
        mg.grad(x * 2, [x, w])
    assert mg.grad(x * 2, [x, w], allow_unused=True)[1] is None


def test_errors_name_the_problem():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"non-scalar output.*\(3,\)"):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(3,\)"):
        (x * 2).backward(mg.tensor([1.0, 1.0], dtype=np.float64))
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.tensor([1.0]).sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.grad((x * 2).sum(), mg.tensor([1.0]))
    with pytest.raises(ValueError, match=r"add: shapes \(3,\) and \(2,\)"):
        x + mg.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"matmul: shapes \(3,\) and \(2, 2\)"):
        x @ mg.ones(2, 2)
    with pytest.raises(ValueError, match=r"reshape.*\(3,\).*\(2, 2\)"):
        x.reshape(2, 2)
    with pytest.raises(TypeError, match="int64"):
        mg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        x -= 1.0
    with pytest.raises(ValueError, match="one element"):
        x.item()


def test_non_scalar_backward_with_gradient_argument():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(mg.tensor([1.0, 0.0, 2.0], dtype=np.float64))
    np.testing.assert_allclose(x.grad._array, [2.0, 0.0, 12.0])


def test_dtypes_default_float32_promote_and_gradients_keep_the_input_dtype():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], dtype=np.float64, requires_grad=True)
    assert a.dtype == np.float32 and mg.tensor([1, 2]).dtype == np.int64
    assert (a * 2.5).dtype == np.float32 and (a * np.float64(2.5)).dtype == np.float32
    c = a * b
    assert c.dtype == np.float64
    c.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_allclose(a.grad._array, [3.0, 4.0])
    assert mg.Tensor(np.zeros(2)).dtype == np.float64       # numpy arrays keep their dtype


def test_inplace_updates_under_no_grad_and_numpy_on_the_left():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    with mg.no_grad():
        w -= 0.5 * w.grad
    np.testing.assert_allclose(w._array, [0.0, 0.0])
    out = np.array([1.0, 2.0]) * w
    assert isinstance(out, mg.Tensor)


def test_repr_names_the_op_and_format_prints_scalars():
    x = leaf(2.0)
    assert "grad_fn=<MulBackward0>" in repr(x * x)
    assert "requires_grad=True" in repr(x)
    assert f"{x:f}" == "2.000000"


def test_graph_table_and_figure(tmp_path):
    x = leaf([1.0, 2.0])
    x.name = "x"
    y = (mg.sin(x) * x).sum()
    table = mg.graph_table(y)
    lines = table.splitlines()
    assert lines[1].split()[1] == "x" and lines[-1].split()[1].startswith("sum")
    assert "sin" in table and "mul" in table
    path = tmp_path / "graph.png"
    mg.draw_graph(y, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    y.backward()     # the viewer kept the graph usable
    np.testing.assert_allclose(x.grad._array, np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]))
