"""The ops as functions of minigrad's namespace (``minigrad.exp(x)``, ``minigrad.where(c, a, b)``, ``minigrad.cat``),
as PyTorch has them beside the Tensor methods. Numbers and arrays are accepted where a tensor is expected."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .dtypes import result_type
from .ops import arithmetic, shape
from .ops import einsum as einsum_ops
from .tensor import Tensor
from .typing import ArrayLike, TensorLike


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def where(condition: ArrayLike, input: TensorLike, other: TensorLike) -> Tensor:
    """``input`` where ``condition`` holds, else ``other`` (broadcast); each side's gradient is masked accordingly."""
    mask = condition._array if isinstance(condition, Tensor) else np.asarray(condition)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = Tensor(np.asarray(input, dtype=result_type(input, other)))
    return arithmetic.where(mask.astype(bool, copy=False), input, other)


def maximum(input: TensorLike, other: TensorLike) -> Tensor:
    """Elementwise max; where the two are equal each gets half the gradient (as ``torch.maximum``)."""
    return _tensor(input).maximum(other) if isinstance(input, Tensor) or not isinstance(other, Tensor) \
        else other.maximum(input)


def minimum(input: TensorLike, other: TensorLike) -> Tensor:
    """Elementwise min; ties share the gradient equally (as ``torch.minimum``)."""
    return _tensor(input).minimum(other) if isinstance(input, Tensor) or not isinstance(other, Tensor) \
        else other.minimum(input)


def _same_dtype(tensors, op):
    tensors = [_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError(f"{op} expects a non-empty list of tensors")
    dtype = result_type(*(t._array for t in tensors))
    return [t.astype(dtype) for t in tensors]


def cat(tensors: Sequence[TensorLike], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = _same_dtype(tensors, "cat")
    if tensors[0].ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated (stack them instead)")
    dim = (axis if axis is not None else dim) % tensors[0].ndim
    try:
        return shape.Cat.apply(*tensors, dim=dim)
    except ValueError:
        raise ValueError(f"cat: sizes of tensors must match except in dimension {dim}; got shapes "
                         f"{', '.join(str(t.shape) for t in tensors)}") from None


concatenate = concat = cat


def stack(tensors: Sequence[TensorLike], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dimension."""
    tensors = _same_dtype(tensors, "stack")
    dim = (axis if axis is not None else dim) % (tensors[0].ndim + 1)
    return shape.Stack.apply(*tensors, dim=dim)


def var_mean(input: TensorLike, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
             correction: int | None = None, axis: Any = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim`` in one call, as ``torch.var_mean`` (``Tensor.var``'s arguments)."""
    x = _tensor(input)
    dim = axis if dim is None else dim
    return x.var(dim, unbiased, keepdim, correction=correction), x.mean(dim, keepdim)


def std_mean(input: TensorLike, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
             correction: int | None = None, axis: Any = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim`` in one call, as ``torch.std_mean``."""
    x = _tensor(input)
    dim = axis if dim is None else dim
    return x.std(dim, unbiased, keepdim, correction=correction), x.mean(dim, keepdim)


def repeat_interleave(input: TensorLike, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """``input.repeat_interleave(repeats, dim)``; with ``repeats`` left out, ``input`` holds the counts and the
    result is each index repeated that many times (``repeat_interleave([2, 0, 1]) = [0, 0, 2]``), as PyTorch's."""
    if repeats is None:
        counts = _tensor(input)
        return Tensor(np.arange(counts.numel())).repeat_interleave(counts, output_size=output_size)
    return _tensor(input).repeat_interleave(repeats, dim, output_size=output_size)


def einsum(equation: str, *operands: TensorLike) -> Tensor:
    """Einstein summation, as ``torch.einsum``: ``einsum("bij,bjk->bik", a, b)`` (the operands may also come as one
    list). ``...`` stands for broadcast dimensions; without ``->`` the output is the letters used once, sorted."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = _same_dtype(operands, "einsum")
    subscripts, output, ellipses = einsum_ops.parse(equation, [t.shape for t in tensors])
    for k, (t, s, target) in enumerate(zip(tensors, equation.replace(" ", "").split("->")[0].split(","), ellipses)):
        if target is not None:              # broadcast the operand's ellipsis dimensions to the common shape
            start, end = s.find("..."), t.ndim - (len(s) - s.find("...") - 3)
            spread = t.reshape(t.shape[:start] + (1,) * (len(target) - (end - start)) + t.shape[start:])
            tensors[k] = spread.expand(t.shape[:start] + tuple(target) + t.shape[end:])
    return einsum_ops.Einsum.apply(*tensors, subscripts=subscripts, output=output)


def _method(name: str) -> Callable[..., Any]:
    """``minigrad.name(input, ...)``: the method ``input.name(...)``, as PyTorch has both."""
    def apply(input: TensorLike, *args: Any, **kwargs: Any) -> Any:
        return getattr(_tensor(input), name)(*args, **kwargs)
    apply.__name__ = name
    apply.__doc__ = f"``input.{name}(...)``: see ``Tensor.{name}``."
    return apply


(exp, log, sqrt, abs, sin, cos, tan, sinh, cosh, tanh, sigmoid, relu, sign, square, neg, erf, rsqrt, log2, log10, exp2,
 clamp, clip, add, sub, mul, div, pow, matmul, mm, mv, dot, norm, prod, sum, mean, var, std, logsumexp, max, min,
 amax, amin, argmax, argmin, reshape, flatten, unflatten, squeeze, unsqueeze, permute, transpose, repeat, gather,
 masked_fill, tril, triu, clone, numel, softmax, log_softmax, index_select, bmm, t, reciprocal) = (
    _method(n) for n in (
        "exp", "log", "sqrt", "abs", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sigmoid", "relu", "sign", "square",
        "neg", "erf", "rsqrt", "log2", "log10", "exp2", "clamp", "clip", "add", "sub", "mul", "div", "pow", "matmul",
        "mm", "mv", "dot", "norm", "prod", "sum", "mean", "var", "std", "logsumexp", "max", "min", "amax", "amin",
        "argmax", "argmin", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "permute", "transpose",
        "repeat", "gather", "masked_fill", "tril", "triu", "clone", "numel", "softmax", "log_softmax",
        "index_select", "bmm", "t", "reciprocal"))


(floor, ceil, round, trunc, asin, acos, atan, asinh, acosh, atanh, remainder, fmod, copysign, lerp, logaddexp,
 isclose, allclose, isnan, isinf, isfinite, logical_not, logical_and, logical_or, logical_xor, bitwise_not,
 bitwise_and, bitwise_or, bitwise_xor, floor_divide, divide, true_divide, cumsum, cumprod, logcumsumexp, cummax,
 cummin, sort, argsort, topk, flip, fliplr, flipud, roll, diagonal, diag, all, any, nonzero, scatter, scatter_add,
 scatter_reduce, movedim, moveaxis, bitwise_left_shift, bitwise_right_shift) = (
    _method(n) for n in (
        "floor", "ceil", "round", "trunc", "asin", "acos", "atan", "asinh", "acosh", "atanh", "remainder", "fmod",
        "copysign", "lerp", "logaddexp", "isclose", "allclose", "isnan", "isinf", "isfinite", "logical_not",
        "logical_and", "logical_or", "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
        "floor_divide", "divide", "true_divide", "cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "sort",
        "argsort", "topk", "flip", "fliplr", "flipud", "roll", "diagonal", "diag", "all", "any", "nonzero",
        "scatter", "scatter_add", "scatter_reduce", "movedim", "moveaxis", "bitwise_left_shift",
        "bitwise_right_shift"))
