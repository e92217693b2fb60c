"""grad_fn and is_leaf: every op result names its backward node as PyTorch names it."""
import numpy as np
import pytest

import minigrad as mg


def leaf(*shape):
    return np.random.default_rng(0).uniform(0.5, 2.0, shape)


# name: (function applied to minigrad and torch alike, input shapes)
NODES = {
    "add": (lambda a, b: a + b, [(3,), (3,)]),
    "sub": (lambda a, b: a - b, [(3,), (3,)]),
    "mul": (lambda a, b: a * b, [(3,), (3,)]),
    "div": (lambda a, b: a / b, [(3,), (3,)]),
    "pow scalar": (lambda a: a ** 2.5, [(3,)]),
    "pow tensor": (lambda a, b: a ** b, [(3,), (3,)]),
    "neg": (lambda a: -a, [(3,)]),
    "mm": (lambda a, b: a @ b, [(2, 3), (3, 4)]),
    "dot": (lambda a, b: a @ b, [(3,), (3,)]),
    "exp log sqrt": (lambda a: a.exp().log().sqrt(), [(3,)]),
    "sin cos tanh": (lambda a: a.sin().cos().tanh(), [(3,)]),
    "sinh cosh abs": (lambda a: a.sinh().cosh().abs(), [(3,)]),
    "sigmoid relu": (lambda a: a.sigmoid().relu(), [(3,)]),
    "sum": (lambda a: a.sum(), [(2, 3)]),
    "sum dim": (lambda a: a.sum(1), [(2, 3)]),
    "mean": (lambda a: a.mean(), [(2, 3)]),
    "mean dim": (lambda a: a.mean(0), [(2, 3)]),
    "max": (lambda a: a.max(), [(2, 3)]),
    "max dim": (lambda a: a.max(1)[0], [(2, 3)]),
    "min dim": (lambda a: a.min(1).values, [(2, 3)]),
    "amax": (lambda a: a.amax(1), [(2, 3)]),
    "reshape": (lambda a: a.reshape(3, 2), [(2, 3)]),
    "permute": (lambda a: a.permute(1, 0), [(2, 3)]),
    "transpose": (lambda a: a.transpose(0, 1), [(2, 3)]),
    "T": (lambda a: a.T, [(2, 3)]),
    "expand": (lambda a: a.expand(4, 3), [(1, 3)]),
    "select": (lambda a: a[1], [(2, 3)]),
    "slice": (lambda a: a[:, 1:], [(2, 3)]),
    "index": (lambda a: a[[0, 1, 1]], [(2, 3)]),
    "clone": (lambda a: a.clone(), [(2, 3)]),
    "double": (lambda a: a.double(), [(2, 3)]),
    "mT": (lambda a: a.mT, [(4, 2, 3)]),
    "transpose of a batch": (lambda a: a.transpose(1, 2), [(4, 2, 3)]),
    "number ** tensor": (lambda a: 2.0 ** a, [(3,)]),
    "tensor ** number": (lambda a: a ** 2, [(3,)]),
    "number - tensor": (lambda a: 1 - a, [(3,)]),
    "tensor - number": (lambda a: a - 1, [(3,)]),
    "mv": (lambda a, b: a.mv(b), [(2, 3), (3,)]),
}

# a @ b for every pair of dimensions 1-4, batch dimensions broadcast or not (left operand's shape, right's); the
# node's name comes from the last step of PyTorch's computation (see ops/arithmetic.py, _matmul_node_name)
PRODUCTS = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((4, 2, 3), (4, 3, 5)),
            ((4, 2, 3), (1, 3, 5)), ((4, 2, 3), (3, 5)), ((4, 2, 3), (3,)), ((3,), (4, 3, 2)),
            ((5, 4, 2, 3), (4, 3, 2)), ((5, 1, 2, 3), (1, 4, 3, 2)), ((5, 4, 2, 3), (3,)), ((1, 2, 3), (1, 3, 2))]


@pytest.mark.parametrize("name", sorted(NODES))
def test_grad_fn_names_are_pytorchs(name):
    torch = pytest.importorskip("torch")
    fn, shapes = NODES[name]
    ours = fn(*(mg.tensor(leaf(*s), dtype=mg.float32, requires_grad=True) for s in shapes))
    theirs = fn(*(torch.tensor(leaf(*s), dtype=torch.float32, requires_grad=True) for s in shapes))
    assert ours.grad_fn.name() == theirs.grad_fn.name()


@pytest.mark.parametrize("left, right", PRODUCTS)
def test_the_name_of_a_matrix_products_node_is_pytorchs(left, right):
    torch = pytest.importorskip("torch")
    ours = mg.tensor(leaf(*left), requires_grad=True) @ mg.tensor(leaf(*right), requires_grad=True)
    theirs = torch.tensor(leaf(*left), requires_grad=True) @ torch.tensor(leaf(*right), requires_grad=True)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


def test_next_functions_are_pytorchs_edges_and_end_in_one_accumulate_grad_per_leaf():
    torch = pytest.importorskip("torch")

    def edges(node):
        """The graph below ``node``: (name, output index, the edges below) for each edge, None for no node."""
        return [(n.name().replace("torch::autograd::", ""), index, edges(n)) if n is not None else (None, index)
                for n, index in node.next_functions]

    graphs = {}
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0])                                   # needs no gradient: (None, 0)
        y = ((x * w).exp() - x.sum() * lib.dot(x, x)).sum()
        before = edges(y.grad_fn)
        exp, product = y.grad_fn.next_functions[0][0].next_functions
        from_exp = exp[0].next_functions[0][0].next_functions[0][0]
        from_sum = product[0].next_functions[0][0].next_functions[0][0]
        assert from_exp.variable is x and from_sum is from_exp      # one AccumulateGrad node for every use of x
        assert from_exp.next_functions == ()
        y.backward()
        graphs[lib.__name__] = before, edges(y.grad_fn)             # the edges outlive backward's release
    assert graphs["minigrad"] == graphs["torch"]
    assert "DotBackward0" in str(graphs["torch"]) and "(None, 0)" in str(graphs["torch"])   # a real graph


def test_leaves_have_no_grad_fn_and_results_made_without_grad_are_leaves():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert x.is_leaf and x.grad_fn is None
    y = x * 2
    assert not y.is_leaf and y.grad_fn.name() == "MulBackward0" and y._parents == (x, y._parents[1])
    with mg.no_grad():
        z = x * 2
    assert z.is_leaf and z.grad_fn is None and z._op is None


def test_the_backward_node_keeps_its_name_after_the_graph_is_released():
    x = mg.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    assert y.grad_fn.name() == "MulBackward0" and y._parents == ()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_a_graph_that_used_values_changed_in_place_refuses_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    v = mg.tensor([3.0, 4.0])
    y = (x * v).sum()
    v[0] = 10.0            # v does not require grad: allowed, but y's gradient would need the old v
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*MulBackward0"):
        y.backward()


def test_an_op_written_as_one_closure_still_works():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = mg.Tensor.from_op(x._array * 3, (x,), "triple", lambda g: (g * 3,))
    assert y.grad_fn.name() == "TripleBackward0" and y._op == "triple"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
