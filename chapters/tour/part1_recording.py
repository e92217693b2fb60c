"""Tour 1: how an expression records its graph (Tensor, parents, the op's backward), drawn.

Every op in minigrad/ops/ is a Function: ``forward`` computes the value with numpy and, beside it, ``backward(g)``
is the rule. The result keeps the Function as its ``grad_fn`` (``_op`` is its short name, ``_parents`` its inputs);
calling ``grad_fn(g)`` runs the rule. Nothing else is needed for reverse-mode differentiation.
Below we build y = sum(x * cos(pi x)), open each of those fields, call the rules by
hand, and compare what they give with closed forms, central differences and PyTorch.
"""
import numpy as np

import minigrad as mg
from chapters.tour import common

settings = common.start(__file__, "tour")
values = np.array([0.5, 1.0, 2.0, -0.25])

x = mg.tensor(values, dtype=np.float64, requires_grad=True)
x.name = "x"
angle = np.pi * x                 # a Python number meets a tensor: it becomes a constant leaf of the graph
c = mg.cos(angle)
product = x * c
y = product.sum()

print("Each result remembers the op that made it and its parents (x is a leaf: no op, no parents):")
for name, t in (("x", x), ("angle", angle), ("c", c), ("product", product), ("y", y)):
    parents = ", ".join(p.name or (p._op or f"constant {p.item():.5g}") for p in t._parents) or "-"
    print(f"  {name:8s} grad_fn={str(t.grad_fn):16s} parents=({parents})  is_leaf={t.is_leaf}")
print()

# y's rule: the sum hands the same gradient to every entry.
g_product, = y.grad_fn(mg.tensor(1.0, dtype=np.float64))
common.check("sum's rule sends to product", g_product._array, np.ones(4), "closed form: ones")
# product = x * c: the rule for a * b sends (g * b, g * a).
g_x_direct, g_c = product.grad_fn(g_product)
common.check("mul's rule sends to x (slot 0)", g_x_direct._array, np.cos(np.pi * values), "closed form cos(pi x)")
common.check("mul's rule sends to c (slot 1)", g_c._array, values, "closed form x")
# c = cos(angle): the rule sends -g sin(angle).
g_angle, = c.grad_fn(g_c)
common.check("cos's rule sends to angle", g_angle._array, -values * np.sin(np.pi * values), "closed form")
# angle = pi * x: the constant does not require grad, so only x receives something.
g_constant, g_x_through_cos = angle.grad_fn(g_angle)
common.check("mul's rule sends to x through cos", g_x_through_cos._array,
             -np.pi * values * np.sin(np.pi * values), "closed form -pi x sin(pi x)")
total = g_x_direct._array + g_x_through_cos._array
print("x is used twice, so its gradient is the sum of the two contributions above:")
f = lambda v: np.sum(v * np.cos(np.pi * v))
common.check("dy/dx by the rules, summed", total, common.central_difference(f, values), "central differences",
             rtol=1e-6, atol=1e-8)

y.backward()
common.check("dy/dx by y.backward()", x.grad._array, total, "the rules called by hand", rtol=0, atol=0)
torch = common.torch_or_none()
if torch is not None:
    tx = torch.tensor(values, requires_grad=True)
    (tx * torch.cos(torch.pi * tx)).sum().backward()
    common.check("dy/dx by y.backward()", x.grad._array, tx.grad.numpy(), "torch", rtol=1e-12)

with mg.no_grad():
    unrecorded = x * mg.cos(np.pi * x)
common.check("parents kept under no_grad()", len(unrecorded._parents), 0, "nothing recorded")

x2 = mg.tensor(values, dtype=np.float64, requires_grad=True)
x2.name = "x"
y2 = (x2 * mg.cos(np.pi * x2)).sum()
print()
print(mg.graph_table(y2))
print(f"figure: {common.draw(y2, 'graph_of_x_cos_pi_x').name}")

# A network records the same way: every layer's ops, with its parameters named by their place in the network.
mg.manual_seed(0)
net = mg.nn.lenet()
images = mg.randn(2, 1, 28, 28)
images.name = "images"
loss = mg.nn.CrossEntropyLoss()(net(images), mg.tensor(np.array([3, 7])))
graph, _ = mg.viz.graph_layout(loss)
leaves = [box.title for box in graph.boxes if box.kind == "leaf"]
common.check("LeNet's leaves that require grad, as drawn", len(leaves), len(list(net.parameters())),
             "the network's parameter list")
print("their labels: " + ", ".join(leaves))
assert leaves == [name for name, _ in net.named_parameters()], "labels differ from named_parameters()"
modules, _ = mg.viz.graph_layout(loss, by_module=True)
common.check("boxes of the one-box-per-module view", sum(box.kind == "module" for box in modules.boxes),
             len(net) + 1, "the network's layers plus the loss")
print(f"figures: {common.draw(loss, 'lenet_loss_by_module', by_module=True).name} (one box per module), "
      f"{common.draw(loss, 'lenet_loss').name} (one box per tensor)")
