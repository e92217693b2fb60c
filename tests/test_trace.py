"""minigrad.autograd.trace: backward recorded step by step, checked against closed forms, central differences and
PyTorch's own intermediate gradients; it never touches .grad."""
import numpy as np
import pytest

import minigrad as mg


def scalar(value, name):
    t = mg.tensor(value, dtype=np.float64, requires_grad=True)
    t.name = name
    return t


def test_x_times_x_plus_x_sums_three_contributions_at_x():
    x = scalar(3.0, "x")
    y = x * x + x
    walk = mg.autograd.trace(y)
    assert x.grad is None                       # nothing accumulated
    sums = walk.sums()
    assert [walk.label(step.node) for step in sums] == ["x"]
    received = sorted(float(c.value) for c in sums[0].received)
    assert received == [1.0, 3.0, 3.0]          # from the add (1) and from each input slot of the mul (x each)
    assert sorted(c.slot for c in sums[0].received) == [0, 1, 1]
    assert float(walk.gradient(x)) == 2 * 3.0 + 1   # d(x^2 + x)/dx = 2x + 1
    y.backward()                                # the graph was kept, and backward agrees
    assert float(walk.gradient(x)) == x.grad.item()
    table = str(walk)
    assert "sum of 3" in table
    assert "x: 1 (from add#2, input 1) + 3 (from mul#1, input 0) + 3 (from mul#1, input 1) = 7" in table


def test_visit_order_is_reverse_topological_and_every_node_once():
    x = scalar(0.7, "x")
    y = mg.sin(x) * mg.exp(x) + x * x
    walk = mg.autograd.trace(y)
    visited = [step.node for step in walk.steps]
    assert visited[0] is y and visited[-1] is x
    assert len({id(n) for n in visited}) == len(visited)
    position = {id(n): k for k, n in enumerate(visited)}
    for node in visited:           # a node is processed only after every op that uses it
        for parent in node._parents:
            if parent.requires_grad:
                assert position[id(parent)] > position[id(node)]
    assert {s.number for s in walk.steps} == set(range(1, len(visited) + 1))


def test_leaf_gradients_match_central_differences():
    values = np.array([0.3, -1.2, 2.0])
    x = mg.tensor(values, requires_grad=True)
    f = lambda v: (v * mg.cos(np.pi * v)).sum() if isinstance(v, mg.Tensor) else np.sum(v * np.cos(np.pi * v))
    walk = mg.autograd.trace(f(x))
    h = 1e-6
    numeric = [(f(values + h * e) - f(values - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(walk.gradient(x), numeric, rtol=1e-7, atol=1e-8)
    assert len(walk.step_of(x).received) == 2     # x feeds two muls: fan-out


def test_every_intermediate_gradient_matches_pytorch():
    torch = pytest.importorskip("torch")
    values = np.array([[0.5, -1.0], [2.0, 0.25]])
    x = mg.tensor(values, requires_grad=True)
    a = x * x
    b = mg.tanh(a) + x
    c = (b @ x).sum()
    walk = mg.autograd.trace(c)
    tx = torch.tensor(values, requires_grad=True)
    ta = tx * tx
    tb = torch.tanh(ta) + tx
    tc = (tb @ tx).sum()
    for t in (ta, tb):
        t.retain_grad()
    tc.backward()
    for mine, theirs in ((x, tx), (a, ta), (b, tb)):
        np.testing.assert_allclose(walk.gradient(mine), theirs.grad.numpy(), rtol=1e-12)
    # what each rule sends: the mul a = x * x sends g * x to both slots
    sent = walk.step_of(a).sent
    np.testing.assert_allclose(sent[0].value, ta.grad.numpy() * values, rtol=1e-12)
    np.testing.assert_allclose(sent[1].value, ta.grad.numpy() * values, rtol=1e-12)


def test_non_scalar_output_takes_a_seed_and_inputs_without_grad_receive_nothing():
    x = mg.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    c = mg.tensor([10.0, 20.0], dtype=np.float64)
    y = x * c
    with pytest.raises(RuntimeError, match="gradient argument"):
        mg.autograd.trace(y)
    walk = mg.autograd.trace(y, mg.tensor([1.0, -1.0], dtype=np.float64))
    np.testing.assert_allclose(walk.gradient(x), [10.0, -20.0])
    assert walk.steps[0].sent[1].value is None and walk.steps[0].sent[1].receiver is c
    assert walk.gradient(c) is None


def test_a_released_graph_is_refused_clearly():
    x = scalar(2.0, "x")
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="already released"):
        mg.autograd.trace(y)
