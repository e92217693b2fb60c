"""Einstein summation: ``einsum("ij,jk->ik", a, b)``, forward by numpy, backward by einsum again.

The gradient of operand i is an einsum of the output's gradient with the other operands, written back to operand
i's subscripts. Two cases need a constant operand more: a letter only operand i has (summed over inside it: a ones
vector brings it back), and a letter operand i repeats (a diagonal, ``"ii->i"``: an identity matrix spreads the
gradient onto it). Being an einsum of Tensors, the gradient can be differentiated again.
"""
import string

import numpy as np

from .function import Function


def _unused_letters(*subscripts):
    used = set("".join(subscripts))
    return [c for c in string.ascii_letters if c not in used]


class Einsum(Function):
    """``subscripts``: one string of letters per operand (no ellipsis: ``einsum`` spells it out); ``output``: the
    result's letters."""

    def forward(self, *arrays, subscripts, output):
        self.subscripts, self.output_letters = subscripts, output
        return np.asarray(np.einsum(",".join(subscripts) + "->" + output, *arrays))

    def backward(self, g):
        return tuple(self._gradient(g, i) if self.needs_grad(i) else None for i in range(len(self.inputs)))

    def _gradient(self, g, i):
        inputs, subscripts = self.inputs, self.subscripts
        sizes = {c: n for x, s in zip(inputs, subscripts) for c, n in zip(s, x.shape)}
        operands = [g] + [x for j, x in enumerate(inputs) if j != i]
        letters = [self.output_letters] + [s for j, s in enumerate(subscripts) if j != i]
        spare = _unused_letters(*subscripts, self.output_letters)
        available, target = set("".join(letters)), ""
        for c in subscripts[i]:
            if c in target:                       # a repeated letter: the diagonal, through an identity matrix
                new = spare.pop(0)
                operands.append(type(g)(np.eye(sizes[c], dtype=g.dtype)))
                letters.append(c + new)
                target += new
            else:
                target += c
        for c in dict.fromkeys(subscripts[i]):
            if c not in available:                # summed inside operand i only: every entry gets the same gradient
                operands.append(type(g)(np.ones(sizes[c], dtype=g.dtype)))
                letters.append(c)
                available.add(c)
        return Einsum.apply(*operands, subscripts=letters, output=target)


def parse(equation, shapes):
    """The subscripts of each operand and of the output, ellipses spelled out with spare letters, and for each
    operand the shape its ellipsis is to be broadcast to (None without one)."""
    equation = equation.replace(" ", "")
    lhs, rhs = equation.split("->") if "->" in equation else (equation, None)
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(f"einsum: the equation {equation!r} has {len(inputs)} operands, {len(shapes)} were given")
    spans = []
    for s, shape in zip(inputs, shapes):
        named = len(s.replace("...", ""))
        if not all(c in string.ascii_letters for c in s.replace("...", "")) or (
                named != len(shape) if "..." not in s else named > len(shape)):
            raise ValueError(f"einsum: subscripts {s!r} do not fit an operand of shape {tuple(shape)}")
        start = s.find("...")
        spans.append(None if start < 0 else tuple(shape[start:start + len(shape) - named]))
    ellipsis = np.broadcast_shapes(*(span for span in spans if span is not None)) if any(
        span is not None for span in spans) else ()
    spare = "".join(_unused_letters(equation))[:len(ellipsis)]
    inputs = [s.replace("...", spare) for s in inputs]
    if rhs is None:
        counts = "".join(s.replace("...", "") for s in lhs.split(","))
        rhs = spare + "".join(sorted(c for c in set(counts) if counts.count(c) == 1))
    else:
        rhs = rhs.replace("...", spare)
    return inputs, rhs, [None if span is None else ellipsis for span in spans]
