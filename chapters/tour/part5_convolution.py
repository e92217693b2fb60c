"""Tour 5: a convolution three ways, its backward as a transposed convolution, and a gradient check.

The three ways: the definition as loops, im2col, and minigrad's op.

minigrad's ``conv2d`` (minigrad/nn/functional.py) copies every window of the input into one column of a matrix
(im2col) and does the whole layer as one matrix product. Its backward needs two more ops: the gradient of the input
is a transposed convolution (each output gradient spread back over the window it came from), the gradient of the
weight a correlation of the input with the output gradient. Here each is written again as plain loops.
"""
import numpy as np

import minigrad as mg
from chapters.tour import common
from minigrad.nn import functional as F

settings = common.start(__file__, "tour")
rng = np.random.default_rng(5)
N, C, H, W, O, K, PAD = (1, 2, 5, 5, 2, 3, 1) if settings.quick else (2, 3, 8, 7, 4, 3, 1)
images, kernel, bias = rng.normal(size=(N, C, H, W)), rng.normal(size=(O, C, K, K)), rng.normal(size=O)
Ho, Wo = H + 2 * PAD - K + 1, W + 2 * PAD - K + 1
padded = np.pad(images, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))

# 1. The definition: out[n, o, i, j] = b[o] + sum over c, p, q of x[n, c, i + p, j + q] * w[o, c, p, q].
by_loops = np.zeros((N, O, Ho, Wo))
for n, o, i, j in np.ndindex(N, O, Ho, Wo):
    by_loops[n, o, i, j] = bias[o] + np.sum(padded[n, :, i:i + K, j:j + K] * kernel[o])

# 2. im2col: one column per output position holding its window, then one matrix product for all of them.
columns = np.stack([padded[n, :, i:i + K, j:j + K].reshape(-1) for n in range(N) for i in range(Ho)
                    for j in range(Wo)], axis=1)
by_im2col = (kernel.reshape(O, -1) @ columns + bias[:, None]).reshape(O, N, Ho, Wo).transpose(1, 0, 2, 3)
common.check(f"im2col: a ({columns.shape[0]} x {columns.shape[1]}) matrix of windows, times the kernel", by_im2col,
             by_loops, "the definition as loops", rtol=1e-12)

# 3. minigrad's op.
x = mg.tensor(images, requires_grad=True)
w = mg.tensor(kernel, requires_grad=True)
b = mg.tensor(bias, requires_grad=True)
x.name, w.name, b.name = "images", "weight", "bias"
out = F.conv2d(x, w, b, padding=PAD)
common.check("minigrad's conv2d", out._array, by_loops, "the definition as loops", rtol=1e-12)
torch = common.torch_or_none()
if torch is not None:
    reference = torch.nn.functional.conv2d(torch.tensor(images), torch.tensor(kernel), torch.tensor(bias), padding=PAD)
    common.check("minigrad's conv2d", out._array, reference.numpy(), "torch.nn.functional.conv2d", rtol=1e-12)

# Backward of loss = sum(out * R): the gradient arriving at out is R.
upstream = rng.normal(size=out.shape)
loss = (out * mg.tensor(upstream)).sum()
walk = mg.autograd.trace(loss)
sent = walk.step_of(out).sent
print(f"conv2d's rule ({out.grad_fn}) receives {upstream.shape} and sends "
      + ", ".join(f"{tuple(c.value.shape)} to {walk.label(c.receiver)}" for c in sent))

# The input gradient by loops: spread each output gradient back over its window (a transposed convolution) ...
spread = np.zeros_like(padded)
for n, o, i, j in np.ndindex(N, O, Ho, Wo):
    spread[n, :, i:i + K, j:j + K] += upstream[n, o, i, j] * kernel[o]
input_grad = spread[:, :, PAD:PAD + H, PAD:PAD + W]
common.check("d loss / d images", walk.gradient(x), input_grad, "windows spread back by loops", rtol=1e-12)
# ... which is also a plain convolution of the padded gradient with the kernel turned 180 degrees, channels swapped.
turned = mg.tensor(np.ascontiguousarray(kernel[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)))
as_convolution = F.conv2d(mg.tensor(upstream), turned, padding=K - 1 - PAD)
common.check("d loss / d images", walk.gradient(x), as_convolution._array,
             "conv2d of the gradient with the turned kernel", rtol=1e-12)

# The weight gradient by loops: correlate the input windows with the output gradient.
weight_grad = np.zeros_like(kernel)
for n, o, i, j in np.ndindex(N, O, Ho, Wo):
    weight_grad[o] += upstream[n, o, i, j] * padded[n, :, i:i + K, j:j + K]
common.check("d loss / d weight", walk.gradient(w), weight_grad, "windows times gradients, by loops", rtol=1e-12)
common.check("d loss / d bias", walk.gradient(b), upstream.sum(axis=(0, 2, 3)), "closed form: sum over n, i, j",
             rtol=1e-12)

# A gradient check: central differences on a few entries of each input.
def loss_of(images_, kernel_):
    return np.sum(np.asarray(F.conv2d(mg.tensor(images_), mg.tensor(kernel_), mg.tensor(bias), padding=PAD)._array)
                  * upstream)


for name, array, grad in (("images", images, walk.gradient(x)), ("weight", kernel, walk.gradient(w))):
    picks = [tuple(rng.integers(0, s) for s in array.shape) for _ in range(4)]
    numeric = []
    for index in picks:
        step = np.zeros_like(array)
        step[index] = 1e-6
        args = (array + step, kernel) if name == "images" else (images, array + step)
        minus = (array - step, kernel) if name == "images" else (images, array - step)
        numeric.append((loss_of(*args) - loss_of(*minus)) / 2e-6)
    common.check(f"d loss / d {name} at 4 random entries", [grad[i] for i in picks], numeric, "central differences",
                 rtol=1e-6, atol=1e-7)
print(f"figure: {common.draw(loss, 'graph_of_a_convolution').name}")
