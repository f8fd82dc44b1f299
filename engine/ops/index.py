"""Picking, sorting and running sums along one dim: ``gather``, ``sort``, ``topk``, ``cumsum``.

Two Functions do the work: ``Gather`` (y[i][j] = x[i][index[i][j]] along ``dim``, whose
backward adds each gradient back where its value was picked) and ``CumSum``. Sorting and
top-k compute *where* the values are (no gradient, as PyTorch's indices) and then gather them,
so their values are differentiable through ``Gather``.
"""
import collections

import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..tensor import Tensor, _wrap
from ..validate import checked_dim, is_int

SortResult = collections.namedtuple("sort", ["values", "indices"])
TopKResult = collections.namedtuple("topk", ["values", "indices"])


def _tensor(x, name):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} expects a Tensor, got {type(x).__name__}")
    return x


def _index_array(index, name, what="index"):
    data = index.data if isinstance(index, Tensor) else index
    if getattr(getattr(data, "dtype", None), "kind", None) not in ("i", "u"):
        raise TypeError(f"{name}: {what} must be an integer tensor, got "
                        f"{getattr(data, 'dtype', type(data).__name__)}")
    return data


class Gather(Function):
    """y = x picked along ``dim`` at ``index``: for dim 1 of a matrix, y[i][j] = x[i][index[i][j]];
    ∂L/∂x = zeros with each ∂L/∂y[i][j] *added* at x[i][index[i][j]] (an element picked twice
    collects both gradients)."""

    def __init__(self, dim, index):
        self.dim, self.index = dim, index

    def forward(self, x):
        return backend_of(x).xp.take_along_axis(x, self.index, axis=self.dim)

    def backward(self, gy):
        xp = backend_of(gy).xp
        gx = xp.zeros(self.inputs[0].shape, dtype=gy.dtype)
        # the positions of x that each gradient goes to: index along dim, its own place elsewhere
        where = list(xp.indices(self.index.shape, sparse=True))
        where[self.dim] = self.index
        xp.add.at(gx, tuple(where), gy)
        return gx


def gather(input, dim, index):  # noqa: A002  (PyTorch's argument name)
    """``torch.gather``: ``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (any dim likewise).

    ``index`` has as many axes as ``input``, is no larger along the other axes, and its values
    lie in ``[-n, n)`` for ``n = input.shape[dim]``."""
    x = _tensor(input, "gather")
    dim = checked_dim(dim, x.ndim)
    idx = _index_array(index, "gather")
    if idx.ndim != x.ndim:
        raise ValueError(f"gather: index must have as many axes as the input ({x.ndim}), "
                         f"got shape {idx.shape}")
    if any(i > n for a, (i, n) in enumerate(zip(idx.shape, x.shape)) if a != dim):
        raise ValueError(f"gather: index shape {idx.shape} is larger than the input shape "
                         f"{x.shape} outside dim {dim}")
    n = x.shape[dim]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"gather: index values must lie in [{-n}, {n}) along dim {dim}, got "
                         f"{idx.min()} to {idx.max()}")
    # take_along_axis needs the other axes equal: a smaller index picks from the leading part
    part = tuple(slice(None) if a == dim or i == x.shape[a] else slice(0, i)
                 for a, i in enumerate(idx.shape))
    source = x if all(s == slice(None) for s in part) else x[part]
    return Gather(dim, (idx % n if n else idx).astype(np.intp))(source)


class CumSum(Function):
    """y_k = Σ_{i ≤ k} x_i along ``dim``;  ∂L/∂x_i = Σ_{k ≥ i} ∂L/∂y_k (a cumulative sum of the
    gradient run backwards)."""

    def __init__(self, dim):
        self.dim = dim

    def forward(self, x):
        return backend_of(x).xp.cumsum(x, axis=self.dim, dtype=x.dtype)

    def backward(self, gy):
        xp = backend_of(gy).xp
        flipped = xp.flip(gy, axis=self.dim)
        return xp.flip(xp.cumsum(flipped, axis=self.dim, dtype=gy.dtype), axis=self.dim)


def cumsum(input, dim):  # noqa: A002
    """Running sums along ``dim`` (integer and bool tensors sum in int64, as PyTorch)."""
    x = _tensor(input, "cumsum")
    dim = checked_dim(dim, x.ndim)
    if x.ndim == 0:
        return x.clone()
    if x.dtype.kind != "f":
        return _wrap(backend_of(x.data).xp.cumsum(x.data, axis=dim, dtype=np.int64))
    return CumSum(dim)(x)


def _argsort(xp, a, dim):
    """Stable ascending order along ``dim`` (NaN last, as NumPy and PyTorch)."""
    return xp.argsort(a, axis=dim, kind="stable") if xp is np else xp.argsort(a, axis=dim)


def _order(x, dim, descending):
    """Indices that sort ``x`` along ``dim``; equal values keep their order. Descending sorts
    the reversed array ascending and reads it backwards, so ties stay in order and NaN, the
    largest value for PyTorch, comes first."""
    xp = backend_of(x.data).xp
    if not descending:
        return _argsort(xp, x.data, dim)
    reversed_order = _argsort(xp, xp.flip(x.data, axis=dim), dim)
    return x.shape[dim] - 1 - xp.flip(reversed_order, axis=dim)


def sort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``(values, indices)`` of ``input`` sorted along ``dim`` (equal values keep their order)."""
    x = _tensor(input, "sort")
    if not isinstance(descending, (bool, np.bool_)):
        raise TypeError(f"sort: descending must be a bool, got {descending!r}")
    if x.ndim == 0:
        return SortResult(x.clone(), _wrap(backend_of(x.data).xp.zeros((), dtype=np.int64)))
    dim = checked_dim(dim, x.ndim)
    order = _order(x, dim, descending)
    return SortResult(gather(x, dim, order), _wrap(order.astype(np.int64)))


def argsort(input, dim=-1, descending=False):  # noqa: A002
    """Where each sorted value came from (``sort(...).indices``)."""
    return sort(input, dim, descending).indices


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim``."""
    x = _tensor(input, "topk")
    if x.ndim == 0:                                   # as a one-element vector
        values, indices = topk(x.reshape(1), k, 0, largest, sorted)
        return TopKResult(values.reshape(()) if k == 1 else values, indices.reshape(-1)[:k])
    dim = checked_dim(dim, x.ndim)
    n = x.shape[dim]
    if not is_int(k) or not 0 <= k <= n:
        raise ValueError(f"topk: k must be an int in [0, {n}] (the size of dim {dim}), got {k!r}")
    if not isinstance(largest, (bool, np.bool_)):
        raise TypeError(f"topk: largest must be a bool, got {largest!r}")
    order = _order(x, dim, descending=largest)
    xp = backend_of(order).xp
    first_k = xp.take(order, xp.arange(k), axis=dim)
    return TopKResult(gather(x, dim, first_k), _wrap(first_k.astype(np.int64)))


def one_hot(tensor, num_classes=-1):
    """Class labels (any shape, int) → int64 one-hot vectors: shape + (num_classes,); with
    ``num_classes=-1``, one more than the largest label."""
    labels = _index_array(tensor, "one_hot", "class labels")
    if not is_int(num_classes) or (num_classes < 1 and num_classes != -1):
        raise ValueError(f"one_hot: num_classes must be a positive int or -1, got {num_classes!r}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: class labels must be >= 0, got {labels.min()}")
    if num_classes == -1:
        if not labels.size:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot: class labels must be < num_classes={num_classes}, got "
                         f"{labels.max()}")
    xp = backend_of(labels).xp
    return _wrap((labels[..., None] == xp.arange(num_classes)).astype(np.int64))
