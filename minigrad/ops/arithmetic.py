"""Arithmetic with broadcasting: + - * / ** and matmul, each forward beside its backward.

The operands of a binary op arrive already in their common dtype (``Tensor`` applies PyTorch's promotion rules
before calling ``apply``); each backward returns gradients shaped like its inputs, summing over broadcast axes.
"""
import numpy as np

from .function import Function, unbroadcast


class Binary(Function):
    """An elementwise op of two arrays; ``compute`` is the numpy function, the error names shapes that do not fit."""

    compute = None

    def forward(self, a, b):
        try:
            return self.compute(a, b)
        except ValueError as error:
            if "broadcast" in str(error):
                raise ValueError(f"{self.op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None
            raise


class Add(Binary):
    compute = staticmethod(np.add)

    def backward(self, g):
        a, b = self.inputs
        return unbroadcast(g, a.shape), unbroadcast(g, b.shape)


class Sub(Binary):
    compute = staticmethod(np.subtract)

    def backward(self, g):
        a, b = self.inputs
        return unbroadcast(g, a.shape), unbroadcast(-g, b.shape)


class Mul(Binary):
    compute = staticmethod(np.multiply)

    def backward(self, g):
        a, b = self.inputs
        return (unbroadcast(g * b, a.shape) if self.needs_grad(0) else None,
                unbroadcast(g * a, b.shape) if self.needs_grad(1) else None)


def _quietly(fn):
    """``fn`` with numpy's floating-point warnings off: 1 / 0 = inf, 0 ** -1 = inf, (-2) ** 0.5 = nan arise silently,
    as in PyTorch."""
    def compute(a, b):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(a, b)
    return staticmethod(compute)


class Div(Binary):
    compute = _quietly(np.true_divide)

    def backward(self, g):
        a, b = self.inputs
        return (unbroadcast(g / b, a.shape) if self.needs_grad(0) else None,
                unbroadcast(-g * a / (b * b), b.shape) if self.needs_grad(1) else None)


class Pow(Binary):
    """a ** b for two tensors. As PyTorch: d/da is 0 where b == 0 (also at a == 0), d/db is 0 where a == 0 and
    b >= 0, and NaN at negative a (log of a negative number)."""
    torch_name = "PowBackward1"

    compute = _quietly(np.power)

    def backward(self, g):
        with np.errstate(divide="ignore", invalid="ignore"):       # 0 * inf at a == 0, as the rule intends
            return self._gradients(g)

    def _gradients(self, g):
        a, b = self.inputs
        ga = gb = None
        if self.needs_grad(0):
            ga = unbroadcast(where(b._array == 0, 0.0, g * b * a ** (b - 1)), a.shape)
        if self.needs_grad(1):
            zero_base = (a._array == 0) & (b._array >= 0)
            gb = unbroadcast(g * where(zero_base, 0.0, self.output * a.log()), b.shape)
        return ga, gb


class Remainder(Binary):
    """a - floor(a / b) * b: the sign of the divisor, as Python's % and ``torch.remainder``. d/da = 1,
    d/db = -floor(a / b)."""
    compute = _quietly(np.remainder)

    def backward(self, g):
        a, b = self.inputs
        return (unbroadcast(g, a.shape) if self.needs_grad(0) else None,
                unbroadcast(-g * np.floor_divide(a._array, b._array), b.shape) if self.needs_grad(1) else None)


class Fmod(Binary):
    """a - trunc(a / b) * b: the sign of the dividend, as C's fmod and ``torch.fmod``. d/da = 1,
    d/db = -trunc(a / b)."""
    compute = _quietly(np.fmod)

    def backward(self, g):
        a, b = self.inputs
        with np.errstate(divide="ignore", invalid="ignore"):
            quotient = np.trunc(a._array / b._array)
        return (unbroadcast(g, a.shape) if self.needs_grad(0) else None,
                unbroadcast(-g * quotient, b.shape) if self.needs_grad(1) else None)


class Copysign(Binary):
    """|a| with the sign (bit) of b. d/da = sign(a) times b's sign, 0 at a == 0 (PyTorch's); b gets none."""
    compute = staticmethod(np.copysign)

    def backward(self, g):
        a, b = self.inputs
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(a._array == 0, 0, self.output._array / np.where(a._array == 0, 1, a._array))
        return unbroadcast(g * ratio.astype(g.dtype), a.shape) if self.needs_grad(0) else None, None


class RoundedDivide(Binary):
    """a / b rounded toward minus infinity (``floor``) or toward zero (``trunc``): ``div(rounding_mode=...)``,
    ``//``. Piecewise constant, so no gradient flows (PyTorch's zero). Integers stay integers, and an integer
    division by zero raises, as PyTorch's."""
    torch_name = "DivBackward2"

    def forward(self, a, b, rounding_mode):
        if a.dtype.kind in "iub" and (np.asarray(b) == 0).any():
            raise ZeroDivisionError("integer division by zero")
        floor = _quietly(np.floor_divide).__func__(a, b)
        if rounding_mode == "floor":
            return floor
        if a.dtype.kind in "iub":             # floor moved up by one where the exact quotient was negative
            return floor + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))
        return _quietly(lambda x, y: np.trunc(x / y)).__func__(a, b)

    def backward(self, g):
        a, b = self.inputs
        return unbroadcast(g * 0.0, a.shape), unbroadcast(g * 0.0, b.shape)


class PowScalar(Function):
    """x ** p for a Python number p: d/dx = p x^(p-1), and 0 everywhere when p == 0 (PyTorch's rule)."""
    torch_name = "PowBackward0"

    def forward(self, x, exponent):
        self.exponent = exponent
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.power(x, np.asarray(exponent, dtype=x.dtype) if x.dtype.kind == "f" else exponent)

    def backward(self, g):
        x, = self.inputs
        if self.exponent == 0:
            return g * 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            return g * self.exponent * x ** (self.exponent - 1)


class SubFromNumber(Sub):
    """number - x: ``Sub`` with the number lifted to a tensor, under PyTorch's name for it (``rsub``)."""
    torch_name = "RsubBackward1"


class PowOfNumber(Pow):
    """number ** x: ``Pow`` with the number lifted to a tensor, under PyTorch's name for a Python-number base."""
    torch_name = "PowBackward2"


class Neg(Function):
    def forward(self, x):
        return -x

    def backward(self, g):
        return -g


def _as_matrices(a, b, g):
    """The 1-D cases of matmul as 2-D ones: a vector on the left is a row (1, n), on the right a column (n, 1), and
    ``g`` gets the unit dimension the product dropped."""
    if b.ndim == 1:
        b, g = b.reshape(-1, 1), g.reshape(g.shape + (1,))
    if a.ndim == 1:
        a, g = a.reshape(1, -1), g.reshape(g.shape[:-1] + (1,) + g.shape[-1:])
    return a, b, g


def _matmul_node_name(left, right):
    """PyTorch's grad_fn name for ``a @ b`` with ``a.ndim == left`` and ``b.ndim == right``: PyTorch runs a product
    as dot, mv or mm, and one with a batch dimension (or a vector times a batch) as one mm or bmm on the batch folded
    into rows, reshaped back at the end (``_unsafe_view``); the result's node is named after that last step. For a
    vector times a matrix the last step squeezes the row the vector became. (When the left operand has fewer
    dimensions than the right and requires grad, PyTorch multiplies the transposes and copies the result:
    CloneBackward0 or TransposeBackward0; minigrad says UnsafeViewBackward0 there too.)"""
    names = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}
    return names.get((left, right), "UnsafeViewBackward0")


class MatMul(Function):
    """Matrix product with numpy's (and PyTorch's) broadcasting of batch dimensions and 1-D operands."""

    def forward(self, a, b):
        self.torch_name = _matmul_node_name(a.ndim, b.ndim)
        try:
            return np.matmul(a, b)
        except ValueError:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not fit (inner dimensions must agree)") \
                from None

    def backward(self, g):
        a, b = self.inputs
        a2, b2, g2 = _as_matrices(a, b, g)
        ga = unbroadcast(g2 @ b2.mT, a2.shape).reshape(a.shape) if self.needs_grad(0) else None
        gb = unbroadcast(a2.mT @ g2, b2.shape).reshape(b.shape) if self.needs_grad(1) else None
        return ga, gb


class Bmm(MatMul):
    """``bmm``: matrices multiplied batch by batch, (b, n, m) @ (b, m, p); the backward is MatMul's."""
    torch_name = "BmmBackward0"

    def forward(self, a, b):
        return np.matmul(a, b)


class Where(Function):
    """``a`` where the (constant) mask holds, else ``b``; each side's gradient is masked accordingly."""
    torch_name = "WhereBackward0"

    def forward(self, a, b, mask):
        self.mask = mask
        return np.where(mask, a, b)

    def backward(self, g):
        a, b = self.inputs
        zero = np.zeros((), dtype=g.dtype)
        return (unbroadcast(where(self.mask, g, zero), a.shape) if self.needs_grad(0) else None,
                unbroadcast(where(self.mask, zero, g), b.shape) if self.needs_grad(1) else None)


def where(mask, a, b):
    """``Where`` on a boolean array ``mask`` and two Tensors (or one Tensor and a number), for the rules above."""
    if hasattr(a, "_array"):
        a, b = a._operands(b)
    else:
        b, a = b._operands(a)
    return Where.apply(a, b, mask=mask)


class Maximum(Function):
    """Elementwise max; where the two are equal each gets half the gradient (as ``torch.maximum``)."""
    pick, wins = staticmethod(np.maximum), staticmethod(np.greater)

    def forward(self, a, b):
        return self.pick(a, b)

    def backward(self, g):
        a, b = self.inputs
        share_a = (self.wins(a._array, b._array) + 0.5 * (a._array == b._array)).astype(g.dtype)
        return (unbroadcast(g * share_a, a.shape) if self.needs_grad(0) else None,
                unbroadcast(g * (1 - share_a), b.shape) if self.needs_grad(1) else None)


class Minimum(Maximum):
    """Elementwise min; ties share the gradient equally (as ``torch.minimum``)."""
    pick, wins = staticmethod(np.minimum), staticmethod(np.less)
