"""Tour 2: the walk: topological order without recursion, fan-out sums, why retain_graph and no_grad exist.

``backward()`` (minigrad/autograd.py) orders the graph so that a node is processed only after every op that used it
has sent its contribution, then runs the rules from the output back. ``minigrad.autograd.trace`` records that walk
without touching any ``.grad``; we print it, film it, and check it against closed forms.
"""
import math

import numpy as np

import minigrad as mg
from chapters.tour import common
from minigrad.autograd import topological_order

settings = common.start(__file__, "tour")

# 1. x * x + x: x feeds three places (both slots of the mul, and the add), so three contributions meet at x.
x = mg.tensor(3.0, dtype=np.float64, requires_grad=True)
x.name = "x"
y = x * x + x
walk = mg.autograd.trace(y)
print(walk)
print()
at_x = walk.step_of(x)
common.check("contributions summed at x", sorted(float(c.value) for c in at_x.received), [1.0, 3.0, 3.0],
             "closed form: 1 from the add, x = 3 from each slot of the mul")
common.check("their total, d(x^2 + x)/dx at 3", walk.gradient(x), 2 * 3.0 + 1, "closed form 2x + 1")
files = common.film(walk, "backward_x_x_plus_x")
print(f"film: {len(files) - 1} frames and {files[-1].rsplit('/', 1)[-1]}")
print(f"figure: {common.draw(y, 'graph_x_x_plus_x').name}")

# 2. The order: parents after children when read backwards, checked edge by edge.
a = mg.tensor(0.7, dtype=np.float64, requires_grad=True)
a.name = "a"
b = mg.sin(a)
c = mg.exp(a)
d = b * c + a * a
order = topological_order([d])
position = {id(t): k for k, t in enumerate(order)}
violations = sum(position[id(p)] > position[id(t)] for t in order for p in t._parents if p.requires_grad)
common.check("edges whose input comes after its result in the order", violations, 0, "checked edge by edge")
walk = mg.autograd.trace(d)
common.check("d/da [sin(a) e^a + a^2] at 0.7", walk.gradient(a),
             math.cos(0.7) * math.exp(0.7) + math.sin(0.7) * math.exp(0.7) + 1.4, "closed form")
torch = common.torch_or_none()
if torch is not None:      # the gradient arriving at every intermediate node, as PyTorch's retain_grad() sees it
    ta = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    tb, tc = torch.sin(ta), torch.exp(ta)
    for t in (tb, tc):
        t.retain_grad()
    (tb * tc + ta * ta).backward()
    common.check("gradients arriving at sin(a), exp(a) and a", [walk.gradient(t) for t in (b, c, a)],
                 [tb.grad.item(), tc.grad.item(), ta.grad.item()], "torch", rtol=1e-12)

# 3. No recursion: a chain far longer than Python's recursion limit (1000 frames).
length = 3000 if settings.quick else 20000
z = w = mg.tensor(1.0, dtype=np.float64, requires_grad=True)
for _ in range(length):
    z = z * 1.0001
z.backward()
common.check(f"gradient through a chain of {length} muls", w.grad.item(), 1.0001 ** length, "closed form 1.0001^n",
             rtol=1e-9)

# 4. retain_graph: backward frees the values the rules need; a second walk must ask to keep them.
x = mg.tensor(2.0, dtype=np.float64, requires_grad=True)
y = x ** 3
y.backward(retain_graph=True)
y.backward()
common.check("x.grad after two backward passes (they add up)", x.grad.item(), 2 * 3 * 2.0 ** 2, "closed form 2 * 3x^2")
try:
    y.backward()
    released = 0
except RuntimeError as error:
    released = 1
    print(f"a third backward is refused: {str(error).split(':')[0]}")
common.check("third backward refused", released, 1, "the graph was released by the second")

# 5. no_grad: updates and evaluation record nothing, so nothing is kept alive for a backward that never comes.
with mg.no_grad():
    update = x - 0.1 * x.grad
common.check("requires_grad of a result computed under no_grad()", int(update.requires_grad), 0, "no graph recorded")
common.check("parents it keeps", len(update._parents), 0, "no graph recorded")
