"""Tour 3: broadcasting and its gradient (summing over stretched axes).

``a + b`` with a of shape (3, 1) and b of shape (4,) gives (3, 4): numpy stretches a along the columns and b along
the rows. Each entry of a was used 4 times, each entry of b 3 times, so their gradients are sums over the stretched
axes. minigrad's add rule does exactly this with ``unbroadcast`` (minigrad/ops/function.py); the trace shows the rule
receiving a (3, 4) gradient and sending (3, 1) and (4,).
"""
import numpy as np

import minigrad as mg
from chapters.tour import common
from minigrad.ops.function import unbroadcast

settings = common.start(__file__, "tour")
rng = np.random.default_rng(0)
a_values, b_values, weights = rng.normal(size=(3, 1)), rng.normal(size=4), rng.normal(size=(3, 4))

a = mg.tensor(a_values, requires_grad=True)
b = mg.tensor(b_values, requires_grad=True)
a.name, b.name = "a", "b"
s = a + b
loss = (s * mg.tensor(weights)).sum()
common.check("shape of a + b", s.shape, (3, 4), "numpy's broadcasting rule", rtol=0, atol=0)

walk = mg.autograd.trace(loss)
sent = walk.step_of(s).sent
print(f"the add's rule receives a gradient of shape {walk.gradient(s).shape} and sends "
      f"{sent[0].value.shape} to a and {sent[1].value.shape} to b")
common.check("d loss / d a", walk.gradient(a), weights.sum(axis=1, keepdims=True),
             "closed form: the weights summed over the stretched axis 1")
common.check("d loss / d b", walk.gradient(b), weights.sum(axis=0), "closed form: the weights summed over axis 0")
f_a = lambda v: np.sum((v + b_values) * weights)
f_b = lambda v: np.sum((a_values + v) * weights)
common.check("d loss / d a", walk.gradient(a), common.central_difference(f_a, a_values), "central differences",
             rtol=1e-6, atol=1e-8)
common.check("d loss / d b", walk.gradient(b), common.central_difference(f_b, b_values), "central differences",
             rtol=1e-6, atol=1e-8)
torch = common.torch_or_none()
if torch is not None:
    ta = torch.tensor(a_values, requires_grad=True)
    tb = torch.tensor(b_values, requires_grad=True)
    ((ta + tb) * torch.tensor(weights)).sum().backward()
    common.check("d loss / d a", walk.gradient(a), ta.grad.numpy(), "torch", rtol=1e-12)
    common.check("d loss / d b", walk.gradient(b), tb.grad.numpy(), "torch", rtol=1e-12)

# unbroadcast on its own: sum the leading axes numpy added, then the axes that were 1.
grid = np.arange(24.0).reshape(2, 3, 4)
expected = {(3, 4): grid.sum(axis=0), (3, 1): grid.sum(axis=(0, 2))[:, None], (1, 4): grid.sum(axis=(0, 1))[None],
            (4,): grid.sum(axis=(0, 1)), (): grid.sum()}
for shape, reference in expected.items():
    common.check(f"unbroadcast of a (2, 3, 4) gradient to {shape}", unbroadcast(mg.tensor(grid), shape)._array,
                 reference, "numpy sums over the stretched axes")

# The bias of a linear layer is the everyday case: (batch, out) + (out,) sums the gradient over the batch.
batch = mg.tensor(rng.normal(size=(5, 2)))
bias = mg.tensor(np.zeros(2), requires_grad=True)
bias.name = "bias"
((batch + bias) ** 2).sum().backward()
common.check("d sum((X + bias)^2) / d bias", bias.grad._array, 2 * batch._array.sum(axis=0),
             "closed form 2 * column sums of X")
print(f"figure: {common.draw(loss, 'graph_broadcast_add').name}")
