"""Item, slice, mask and fancy assignment and in-place ops, as PyTorch: allowed, recorded, or refused, never a
silently wrong gradient. Indexing in PyTorch's order where it differs from numpy's."""
import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")

rng = np.random.default_rng(5)


def both(values, requires_grad=False):
    array = np.array(values, dtype=np.float64)
    return mg.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad)


def close(ours, theirs):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-14, atol=1e-14)


def test_assignment_of_items_slices_masks_and_index_arrays():
    values = rng.uniform(-1, 1, (3, 4))
    for index, value in [((1, 2), 7.0), ((slice(None), 1), [1.0, 2.0, 3.0]), (slice(None), 0.5),
                         ([0, 2], 5.0), ((0, [1, 3]), [8.0, 9.0]), (Ellipsis, values[0])]:
        x, t = both(values)
        x[index] = value
        t[index] = torch.tensor(value, dtype=torch.float64)
        close(x, t)
    x, t = both(values)
    x[x > 0] = 0
    t[t > 0] = 0
    close(x, t)


def test_the_books_from_scratch_updates_under_no_grad():
    p, tp = both([1.0, -2.0], requires_grad=True)
    v, tv = both([0.0, 0.0])
    for param, velocity, lib in ((p, v, mg), (tp, tv, torch)):
        (param * param).sum().backward()
        with lib.no_grad():
            velocity[:] = 0.9 * velocity + param.grad
            param[:] -= 0.1 * velocity
        param.grad.data.zero_()
    close(p, tp)
    close(v, tv)
    assert p.grad.tolist() == [0.0, 0.0] and p.is_leaf and p.requires_grad


def test_a_leaf_that_requires_grad_is_refused_outside_no_grad():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    for change in (lambda: w.__setitem__(0, 5.0), lambda: w.add_(1.0), lambda: w.zero_(), lambda: w.mul_(2)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad.*no_grad"):
            change()
    assert w.tolist() == [1.0, 2.0]


def test_assignment_into_a_graph_tensor_is_recorded_as_pytorch_records_it():
    xs, ys = both(rng.uniform(-1, 1, (3, 4)), True), both(rng.uniform(-1, 1, 4), True)
    ws = both(rng.uniform(-1, 1, (3, 4)))
    results = []
    for (x, y, w) in ((xs[0], ys[0], ws[0]), (xs[1], ys[1], ws[1])):
        h = x * 2
        h[1] = y * 3               # the row's old values get no gradient; y gets the row's
        h[:, 0] += 1.0             # through getitem, an in-place add, and setitem
        (h * w).sum().backward()
        results.append((h, x.grad, y.grad))
    for ours, theirs in zip(*results):
        close(ours, theirs)
    assert results[0][0].grad_fn.name() == results[1][0].grad_fn.name().rsplit("::", 1)[-1] == "CopySlices"


def test_assignment_of_a_value_that_requires_grad_into_a_plain_tensor():
    (y, ty), (w, tw) = both([1.0, 2.0], True), both([3.0, 4.0, 5.0])
    v, tv = mg.zeros(3, dtype=mg.float64), torch.zeros(3, dtype=torch.float64)
    v[1:] = y * y
    tv[1:] = ty * ty
    assert not v.is_leaf and v.requires_grad
    (v * w).sum().backward()
    (tv * tw).sum().backward()
    close(y.grad, ty.grad)


def test_in_place_ops_on_graph_tensors_are_recorded():
    (x, tx), (o, to) = both([1.0, -2.0, 3.0], True), both([0.5, 0.25, 2.0])
    results = []
    for a, b in ((x, o), (tx, to)):
        h = a * 1.5
        h.mul_(b).add_(b, alpha=2).sub_(1.0)
        h.div_(b + 1)
        (h * h).sum().backward()
        results.append((h, a.grad))
    for ours, theirs in zip(*results):
        close(ours, theirs)


def test_in_place_ops_on_plain_tensors_and_copy():
    x, t = both([1.0, 2.0, 3.0])
    for a, lib in ((x, mg), (t, torch)):
        a.add_(lib.tensor([1.0, 1.0, 1.0], dtype=lib.float64), alpha=0.5).mul_(3).sub_(2, alpha=2)
        a[0:2].copy_(lib.tensor([7.0, 8.0]))
    close(x, t)
    assert x.zero_().tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(TypeError):
        mg.tensor([1, 2]).add_(0.5)          # an int tensor cannot hold the float result, as in PyTorch


def test_values_saved_for_backward_then_changed_in_place():
    # changed under no_grad: no snapshot of the old values was kept, so backward refuses (as PyTorch)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    v = mg.tensor([3.0, 4.0])
    y = (x * v).sum()
    v.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*MulBackward0"):
        y.backward()
    # changed while recorded: the ops before the change use the old values (PyTorch refuses this one)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = (h * h).sum()
    h[0] = 5.0
    y.backward()
    assert x.grad.tolist() == [8.0, 16.0]


INDICES = [(0, slice(None), [1, 2]), (slice(None), 0, [1, 2]), (Ellipsis, 1, [0, 3]), ([0, 1], slice(None), 2),
           (1, slice(1, 3), [[0], [4]]), ((slice(None), [0, 2], 1))]


@pytest.mark.parametrize("case", range(len(INDICES)))
def test_indexing_follows_pytorchs_order_reading_writing_and_in_the_gradient(case):
    index = INDICES[case]
    torch_index = tuple(torch.tensor(i) if isinstance(i, list) else i for i in index)
    values = rng.uniform(-1, 1, (2, 3, 5))
    (x, tx) = both(values, True)
    out, ref = x[index], tx[torch_index]
    close(out, ref)
    weights = rng.uniform(size=tuple(ref.shape))
    (out * weights).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    close(x.grad, tx.grad)
    y, ty = both(values)
    y[index] = weights
    ty[torch_index] = torch.tensor(weights)
    close(y, ty)
