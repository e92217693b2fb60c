"""t(), bmm, the squeeze/unsqueeze node names and number / tensor, against PyTorch and central differences."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.gradcheck import gradcheck

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests; install torch==2.13.0")


def pair(shape, seed=0, dtype="float64"):
    values = np.random.default_rng(seed).uniform(0.5, 2.0, shape).astype(dtype)
    return (mg.tensor(values, requires_grad=True),
            torch.tensor(values, requires_grad=True))


def edges(node):
    """The names below ``node``, as nested lists (None for an input that needs no gradient)."""
    return [None if n is None else (n.name().replace("torch::autograd::", ""), i, edges(n))
            for n, i in node.next_functions]


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (1, 3), (3, 0)])
def test_t_transposes_a_matrix_and_leaves_vectors_and_0d_tensors_as_pytorch(shape):
    ours, theirs = pair(shape)
    out, expected = ours.t(), theirs.t()
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    assert out.shape == tuple(expected.shape) and out.grad_fn.name() == expected.grad_fn.name() == "TBackward0"
    assert edges(out.grad_fn) == edges(expected.grad_fn)
    assert mg.t(ours).shape == tuple(torch.t(theirs).shape)
    if ours.numel():
        assert gradcheck(lambda x: (x.t() * mg.tensor(np.arange(x.numel()).reshape(x.t().shape) + 1.0)).sum(),
                         (ours,))


def test_t_refuses_more_than_two_dimensions_as_pytorch():
    with pytest.raises(RuntimeError, match="<= 2 dimensions, but self is 3D"):
        mg.zeros(2, 3, 4).t()
    with pytest.raises(RuntimeError, match="<= 2 dimensions, but self is 3D"):
        torch.zeros(2, 3, 4).t()


@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 4), (2, 4, 5)), ((1, 1, 1), (1, 1, 3)), ((0, 3, 4), (0, 4, 2)),
                                              ((2, 3, 0), (2, 0, 5))])
def test_bmm_values_gradients_and_node_are_pytorchs(a_shape, b_shape):
    (a, ta), (b, tb) = pair(a_shape, 1), pair(b_shape, 2)
    out, expected = mg.bmm(a, b), torch.bmm(ta, tb)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-14, atol=0)
    assert out.shape == tuple(expected.shape)
    if out.numel():
        assert out.grad_fn.name() == expected.grad_fn.name() == "BmmBackward0"
        assert edges(out.grad_fn) == edges(expected.grad_fn)
        weights = np.random.default_rng(3).normal(size=out.shape)
        (out * mg.tensor(weights)).sum().backward()
        (expected * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-13)
        np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-13)
        assert gradcheck(lambda x, y: (x.bmm(y) * mg.tensor(weights)).sum(), (a.detach().requires_grad_(),
                                                                                b.detach().requires_grad_()))


def test_bmm_of_float32_is_pytorchs_within_rounding_and_integers_stay_integers():
    (a, ta), (b, tb) = pair((3, 4, 5), 4, "float32"), pair((3, 5, 2), 5, "float32")
    np.testing.assert_allclose(a.bmm(b).detach().numpy(), ta.bmm(tb).detach().numpy(), rtol=2e-6)
    ints = np.arange(24).reshape(2, 3, 4)
    out = mg.bmm(mg.tensor(ints), mg.tensor(ints.transpose(0, 2, 1).copy()))
    expected = torch.bmm(torch.tensor(ints), torch.tensor(ints.transpose(0, 2, 1).copy()))
    assert out.dtype == mg.int64 and out.tolist() == expected.tolist()


@pytest.mark.parametrize("a_shape, b_shape, message", [
    ((3, 4), (4, 5), "batch1 must be a 3D tensor"),
    ((2, 3, 4), (2, 4, 5, 1), "batch2 must be a 3D tensor"),
    ((2, 3, 4), (3, 4, 5), r"first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[3, 4\]"),
    ((2, 3, 4), (1, 4, 5), r"first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[1, 4\]"),
    ((2, 3, 4), (2, 5, 5), r"first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[2, 5\]")])
def test_bmm_refuses_what_pytorch_refuses(a_shape, b_shape, message):
    with pytest.raises(RuntimeError, match=message):
        torch.bmm(torch.zeros(a_shape), torch.zeros(b_shape))
    with pytest.raises(RuntimeError, match=message):
        mg.bmm(mg.zeros(*a_shape), mg.zeros(*b_shape))


def test_bmm_refuses_two_dtypes_as_pytorch():
    with pytest.raises(RuntimeError):
        torch.bmm(torch.zeros(2, 3, 4), torch.zeros(2, 4, 5, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="same dtype, got float32 and float64"):
        mg.bmm(mg.zeros(2, 3, 4), mg.zeros(2, 4, 5, dtype=mg.float64))


# call form -> PyTorch's node; each on a (2, 1, 3) tensor
SQUEEZES = {
    "squeeze()": lambda x: x.squeeze(),
    "squeeze(dim)": lambda x: x.squeeze(1),
    "squeeze(dim of size 2)": lambda x: x.squeeze(0),
    "squeeze(negative dim)": lambda x: x.squeeze(-2),
    "squeeze(tuple)": lambda x: x.squeeze((0, 1)),
    "squeeze(list)": lambda x: x.squeeze([1]),
    "function squeeze(dim)": lambda x: (mg if isinstance(x, mg.Tensor) else torch).squeeze(x, 1),
    "unsqueeze": lambda x: x.unsqueeze(0),
    "unsqueeze(-1)": lambda x: x.unsqueeze(-1),
}


@pytest.mark.parametrize("form", sorted(SQUEEZES))
def test_squeeze_and_unsqueeze_nodes_are_named_by_call_form_as_pytorchs(form):
    ours, theirs = pair((2, 1, 3))
    out, expected = SQUEEZES[form](ours), SQUEEZES[form](theirs)
    assert out.shape == tuple(expected.shape)
    assert out.grad_fn.name() == expected.grad_fn.name()
    assert edges(out.grad_fn) == edges(expected.grad_fn)
    assert gradcheck(lambda x: (SQUEEZES[form](x) * mg.tensor(np.arange(6.0).reshape(out.shape))).sum(), (ours,))


def test_squeeze_of_a_0d_tensor_is_pytorchs():
    ours, theirs = pair(())
    for call in (lambda x: x.squeeze(), lambda x: x.squeeze(0), lambda x: x.unsqueeze(0)):
        out, expected = call(ours), call(theirs)
        assert out.shape == tuple(expected.shape) and out.grad_fn.name() == expected.grad_fn.name()


def test_number_over_a_tensor_is_reciprocal_times_the_number_bit_for_bit_as_pytorch():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.uniform(-10, 10, 40000), np.exp(rng.uniform(-80, 80, 40000)),
                             [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 3e38]]).astype(np.float32)
    with np.errstate(all="ignore"):
        for number in (3, 3.0, 0.1, -7.3, 1e30, 2.0, 1):
            ours = (number / mg.tensor(values)).numpy()
            theirs = (number / torch.tensor(values)).numpy()
            np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))
        assert ((3 / values) != (3 / torch.tensor(values)).numpy()).sum() > 1000    # one division would differ
        doubles = values.astype(np.float64) * np.pi
        np.testing.assert_array_equal((0.3 / mg.tensor(doubles)).numpy().view(np.uint64),
                                      (0.3 / torch.tensor(doubles)).numpy().view(np.uint64))


def test_number_over_a_tensor_has_pytorchs_graph_dtype_and_gradient_bits():
    values = np.random.default_rng(8).uniform(0.3, 3.0, 5000).astype(np.float32)
    x, tx = mg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    y, ty = 3.3 / x, 3.3 / tx
    assert y.grad_fn.name() == ty.grad_fn.name() == "MulBackward0"
    assert edges(y.grad_fn) == edges(ty.grad_fn)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy().view(np.uint32), tx.grad.numpy().view(np.uint32))
    for number in (3, 2.5):
        ours, theirs = number / mg.tensor([1, 2, 4, 0]), number / torch.tensor([1, 2, 4, 0])
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") and ours.tolist() == theirs.tolist()


def test_number_over_a_tensor_gradient_and_second_derivative_by_central_differences():
    x = mg.tensor(np.random.default_rng(9).uniform(0.5, 2.0, 4), requires_grad=True)
    assert gradcheck(lambda t: (3.7 / t).sum(), (x,))
    assert gradcheck(lambda t: t.reciprocal().sum(), (x,))
    assert mg.gradgradcheck(lambda t: (3.7 / t).sum(), (x,))
