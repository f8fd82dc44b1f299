"""PyTorch's top-level math functions: ``engine.cat``, ``engine.exp(x)``, ``engine.argmax`` ...

They create the same Functions as the Tensor methods (``engine.exp(x)`` is ``x.exp()``; the
differentiable ones are in ``engine.ops``) and accept anything ``Tensor`` does. The creation
functions (``zeros``, ``randn`` ...) are in engine/functions.py, which re-exports these.
"""
import builtins

import numpy as np

from . import ops
from .tensor import Tensor, _wrap


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def cat(tensors, dim=0):
    """Join tensors along an existing axis ``dim``."""
    return ops.concatenate(tensors, dim=dim)


concat = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new axis ``dim``."""
    return ops.stack(tensors, dim=dim)


def flatten(input, start_dim=0, end_dim=-1):   # noqa: A002
    return _t(input).flatten(start_dim, end_dim)


def reshape(input, shape):   # noqa: A002
    return _t(input).reshape(shape)


def transpose(input, dim0=None, dim1=None):   # noqa: A002
    """``transpose(x, d0, d1)`` swaps two axes (PyTorch); ``transpose(x, order)`` or
    ``transpose(x)`` permutes / reverses them (NumPy)."""
    if dim1 is None:
        return ops.transpose(input, dim0)
    return _t(input).swapaxes(dim0, dim1)


def permute(input, dims):   # noqa: A002
    return ops.transpose(input, tuple(dims))


def squeeze(input, dim=None):   # noqa: A002
    return _t(input).squeeze(dim)


def unsqueeze(input, dim):   # noqa: A002
    return _t(input).unsqueeze(dim)


def exp(input):   # noqa: A002
    return ops.exp(input)


def log(input):   # noqa: A002
    return ops.log(input)


def sqrt(input):   # noqa: A002
    return ops.sqrt(input)


def abs(input):   # noqa: A002
    return ops.abs(input)


def clamp(input, min=None, max=None):   # noqa: A002
    """Limit the values to [min, max] (either may be None); the gradient passes inside."""
    if min is None and max is None:
        raise ValueError("clamp needs min= or max= (or both)")
    return ops.clip(input, min, max)


clip = clamp


def sigmoid(input):   # noqa: A002
    from .ops.activation import sigmoid as _sigmoid
    return _sigmoid(ops.math._floating(_t(input)))


def tanh(input):   # noqa: A002
    from .ops.activation import tanh as _tanh
    return _tanh(ops.math._floating(_t(input)))


def sum(input, dim=None, keepdim=False, *, dtype=None):   # noqa: A001
    """Σ over ``dim`` (all axes by default); bool and integer tensors sum to int64."""
    return _t(input).sum(dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):   # noqa: A002
    return _t(input).mean(dim, keepdim, dtype=dtype)


def max(input, dim=None, keepdim=False):   # noqa: A001
    """``max(x)`` the largest element; ``max(x, dim)`` (values, indices); ``max(x, y)`` the
    elementwise maximum (y a tensor)."""
    return ops.max(_t(input), dim, keepdim)


def min(input, dim=None, keepdim=False):   # noqa: A001
    return ops.min(_t(input), dim, keepdim)


def argmax(input, dim=None, keepdim=False):   # noqa: A002
    return ops.argmax(_t(input), dim, keepdim)


def argmin(input, dim=None, keepdim=False):   # noqa: A002
    return ops.argmin(_t(input), dim, keepdim)


def maximum(input, other):   # noqa: A002
    return ops.maximum(input, other)


def minimum(input, other):   # noqa: A002
    return ops.minimum(input, other)


def _into(out, result):
    """PyTorch's ``out=``: write ``result`` into the tensor ``out`` (outside autograd) and
    return it."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"out= must be a Tensor, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ValueError(f"out= has shape {out.shape}, the result has shape {result.shape}")
    return out.copy_(result)


def matmul(input, other, *, out=None):   # noqa: A002
    return _into(out, ops.matmul(input, other))


def add(input, other, *, alpha=1, out=None):   # noqa: A002
    return _into(out, ops.add(input, other if alpha == 1 else ops.mul(other, alpha)))


def sub(input, other, *, alpha=1, out=None):   # noqa: A002
    return _into(out, ops.sub(input, other if alpha == 1 else ops.mul(other, alpha)))


def mul(input, other, *, out=None):   # noqa: A002
    return _into(out, ops.mul(input, other))


def div(input, other, *, out=None):   # noqa: A002
    return _into(out, ops.div(input, other))


def mm(input, mat2):   # noqa: A002
    """Matrix product of two 2-D tensors."""
    if _t(input).ndim != 2 or _t(mat2).ndim != 2:
        raise ValueError(f"mm expects two 2-D tensors, got shapes {_t(input).shape} and "
                         f"{_t(mat2).shape} (matmul takes other shapes)")
    return ops.matmul(input, mat2)


def bmm(input, mat2):   # noqa: A002
    """Batched matrix product: (b, n, m) @ (b, m, p) → (b, n, p)."""
    a, b = _t(input), _t(mat2)
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0]:
        raise ValueError(f"bmm expects two 3-D tensors with the same batch size, got shapes "
                         f"{a.shape} and {b.shape}")
    return ops.matmul(a, b)


def where(condition, input=None, other=None):   # noqa: A002
    """``input`` where ``condition`` is True, else ``other`` (differentiable in both);
    ``where(condition)`` alone gives the indices of the True elements (a tuple of tensors)."""
    if input is None and other is None:
        cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(_wrap(i.astype(np.int64)) for i in cond.nonzero())
    return ops.where(condition, input, other)


def _comparison(name, symbol):
    def compare(input, other):   # noqa: A002
        return getattr(_t(input), name)(other)
    compare.__name__ = name
    compare.__doc__ = f"Elementwise ``{symbol}``: a bool tensor (``input.{name}(other)``)."
    return compare


eq = _comparison("eq", "==")
ne = _comparison("ne", "!=")
lt = _comparison("lt", "<")
le = _comparison("le", "<=")
gt = _comparison("gt", ">")
ge = _comparison("ge", ">=")


def equal(input, other):   # noqa: A002
    """True when both have the same shape and elements."""
    return _t(input).equal(other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):   # noqa: A002
    return builtins.bool(np.allclose(_t(input).numpy(), _t(other).numpy(), rtol, atol, equal_nan))


def _method(name, doc):
    """``engine.name(input, ...)``: the Tensor method ``input.name(...)``."""
    def function(input, *args, **kwargs):  # noqa: A002
        if not isinstance(input, Tensor):
            raise TypeError(f"{name} expects a Tensor, got {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


_SELECTION = {
    "gather": "out[i][j] = input[i][index[i][j]] along ``dim`` (engine.ops.index.gather).",
    "sort": "``(values, indices)`` sorted along ``dim``.",
    "argsort": "Where each sorted value came from.",
    "topk": "``(values, indices)`` of the k largest (or smallest) along ``dim``.",
    "cumsum": "Running sums along ``dim``.",
    "flip": "Reversed along ``dims``.",
    "roll": "Shifted along ``dims``, wrapping around.",
    "narrow": "``length`` elements from ``start`` along ``dim``.",
    "movedim": "Axes moved from ``source`` to ``destination``.",
    "masked_select": "The elements where the bool mask is True, as 1-D.",
    "nonzero": "Indices of the non-zero elements.",
    "tile": "Tiled ``dims`` times (NumPy's tile).",
    "tril": "The lower triangle of the last two axes.",
    "triu": "The upper triangle of the last two axes.",
    "logsumexp": "log Σ exp along ``dim``, without overflow.",
    "isnan": "Where the elements are NaN.",
    "isinf": "Where the elements are ±inf.",
    "isfinite": "Where the elements are finite.",
    "nan_to_num": "NaN and ±inf replaced by finite values.",
    "dot": "Σ a_i·b_i of two 1-D tensors.",
    "outer": "The outer product a_i·b_j of two 1-D tensors.",
    "mv": "Matrix times vector.",
}
for _name, _doc in _SELECTION.items():
    globals()[_name] = _method(_name, _doc)


__all__ = [
    "cat", "concat", "stack", "flatten", "reshape", "transpose", "permute", "squeeze",
    "unsqueeze", "exp", "log", "sqrt", "abs", "clamp", "clip", "sigmoid", "tanh", "sum",
    "mean", "max", "min", "argmax", "argmin", "maximum", "minimum", "matmul", "add", "sub",
    "mul", "div", "mm", "bmm", "where", "eq", "ne", "lt", "le", "gt", "ge", "equal", "allclose",
    *_SELECTION,
]
