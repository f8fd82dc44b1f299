"""Reductions: sum, mean, max, min over some axes (all of them by default); max/min along
one axis with the positions they came from; argmax, argmin.

Backward has to undo the shape change: the reduced axes are put back with
size 1 (so the gradient lines up with the input) and then broadcast along them.
"""
import collections
import math

import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..tensor import Tensor, _wrap
from ..validate import axis_or_dim, checked_dim


def _normalize_axes(axis, ndim):
    """axis (None, int or tuple, possibly negative) -> sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    normalized = sorted(checked_dim(a, ndim) for a in axes)
    if ndim == 0:       # dim 0 / -1 of a 0-d tensor is accepted (as PyTorch) and reduces nothing
        return ()
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(normalized)


class _Reduction(Function):
    """Shared by the reductions: holds axis/keepdims and restores shapes in backward."""

    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def _setup(self, x):
        self.axes = _normalize_axes(self.axis, x.ndim)
        # x's shape with the reduced axes kept as size 1 (what keepdims=True gives).
        self.kept_shape = tuple(1 if i in self.axes else n for i, n in enumerate(x.shape))

    def _expand(self, gy):
        """gy (shaped like y) -> broadcast to the input's shape."""
        xp = backend_of(gy).xp
        return xp.broadcast_to(gy.reshape(self.kept_shape), self.inputs[0].shape)


class Sum(_Reduction):
    """y = Σ x over ``axis``;  ∂L/∂x = ∂L/∂y copied to every element that was summed."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def forward(self, x):
        self._setup(x)
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return self._expand(gy)


class Mean(_Reduction):
    """y = (1/n) Σ x over ``axis``;  ∂L/∂x = ∂L/∂y / n everywhere  (n = elements averaged)."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def forward(self, x):
        self._setup(x)
        self.count = math.prod(x.shape[a] for a in self.axes)
        return x.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return self._expand(gy / self.count)


class Max(_Reduction):
    """y = max x over ``axis``;  ∂L/∂x = ∂L/∂y at the position of the maximum, 0 elsewhere.

    Ties: when several elements share the maximum, the gradient is split
    evenly among them (each gets ∂L/∂y / k for k tied maxima), like PyTorch's amax.
    """

    _pick = "max"  # Min reuses everything with "min"

    def forward(self, x):
        self._setup(x)
        if any(x.shape[a] == 0 for a in self.axes):
            raise ValueError(f"{self._pick}() over an empty axis of a tensor of shape {x.shape}: "
                             f"an empty set has no {self._pick}imum (as in PyTorch); reduce over "
                             f"non-empty axes only")
        self.picked = getattr(x, self._pick)(axis=self.axes, keepdims=True)
        return self.picked if self.keepdims else self.picked.reshape(
            tuple(n for i, n in enumerate(x.shape) if i not in self.axes))

    def backward(self, gy):
        x = self.inputs[0].data
        is_pick = x == self.picked                       # True at every (tied) extreme
        xp = backend_of(x).xp
        if x.dtype.kind == "f" and xp.isnan(self.picked).any():
            # A NaN extreme (NaN propagates) is where the gradient goes, as in PyTorch; without
            # this, NaN != NaN leaves no position picked and 0/0 makes every gradient NaN.
            is_pick |= xp.isnan(x) & xp.isnan(self.picked)
        ties = is_pick.sum(axis=self.axes, keepdims=True, dtype=gy.dtype)
        return is_pick * (gy.reshape(self.kept_shape) / ties)


class Min(Max):
    """y = min x over ``axis``;  ∂L/∂x = ∂L/∂y at the minimum (ties split evenly), 0 elsewhere."""

    _pick = "min"


class MaxAlongDim(Function):
    """values = max of x along ``dim``, and ``self.indices`` where each maximum is (the first
    one on ties, as ``torch.max(x, dim)``);  ∂L/∂x = ∂L/∂values at those positions, 0 elsewhere."""

    _pick = "argmax"   # MinAlongDim reuses everything with "argmin"

    def __init__(self, dim, keepdim=False):
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x):
        xp = backend_of(x).xp
        if x.ndim == 0:
            self.at = xp.zeros((), dtype=np.int64)
            self.indices = self.at
            return x.copy()
        if x.shape[self.dim] == 0:
            raise ValueError(f"{self._pick[3:]} along dim {self.dim} of an empty axis "
                             f"(shape {x.shape})")
        self.at = getattr(xp, self._pick)(x, axis=self.dim, keepdims=True).astype(np.int64)
        values = xp.take_along_axis(x, self.at, axis=self.dim)
        self.indices = self.at if self.keepdim else self.at.squeeze(self.dim)
        return values if self.keepdim else values.squeeze(self.dim)

    def backward(self, gy):
        xp = backend_of(gy).xp
        x = self.inputs[0]
        if x.ndim == 0:
            return gy
        gx = xp.zeros(x.shape, dtype=gy.dtype)
        xp.put_along_axis(gx, self.at, gy.reshape(self.at.shape), axis=self.dim)
        return gx


class MinAlongDim(MaxAlongDim):
    """values = min of x along ``dim`` and where each is;  ∂L/∂x = ∂L/∂values at those positions."""

    _pick = "argmin"


# What ``x.max(dim)`` returns, as ``torch.return_types.max``: ``values, indices = x.max(1)``.
MaxResult = collections.namedtuple("max", ["values", "indices"])
MinResult = collections.namedtuple("min", ["values", "indices"])


def _along_dim(cls, result, x, dim, keepdim):
    if not isinstance(x, Tensor):
        x = Tensor(x)
    fn = cls(checked_dim(dim, x.ndim), keepdim)
    values = fn(x)
    return result(values, _wrap(fn.indices))


def _arg(pick, x, dim, keepdim):
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    xp = backend_of(data).xp
    if dim is None:
        flat = getattr(xp, pick)(data)
        out = flat.reshape((1,) * data.ndim) if keepdim else flat
    else:
        out = getattr(xp, pick)(data, axis=checked_dim(dim, data.ndim) if data.ndim else None,
                                keepdims=keepdim)
    return _wrap(xp.asarray(out, dtype=np.int64))


def argmax(x, dim=None, keepdim=False):
    """Where the maximum is (int64; the first one on ties): over all elements of the
    flattened tensor, or along ``dim``."""
    return _arg("argmax", x, dim, keepdim)


def argmin(x, dim=None, keepdim=False):
    """Where the minimum is (int64; the first one on ties)."""
    return _arg("argmin", x, dim, keepdim)


def _reduce(cls, x, axis, keepdims, dim):
    return cls(axis_or_dim(axis, dim), keepdims)(x)


def sum(x, axis=None, keepdims=False, *, dim=None):
    """Σ x over ``dim`` (all axes by default); integer and bool tensors sum to int64 (a
    count for bools), as in PyTorch."""
    return _reduce(Sum, x, axis, keepdims, dim)


def mean(x, axis=None, keepdims=False, *, dim=None):
    if isinstance(x, Tensor) and x.data.dtype.kind != "f":
        raise TypeError(f"mean() needs a float tensor (float32 or float64), got {x.dtype}; "
                        f"convert first, e.g. x.float().mean()")
    return _reduce(Mean, x, axis, keepdims, dim)


def max(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """As ``torch.max``: ``max(x)`` the largest element; ``max(x, dim)`` the namedtuple
    ``(values, indices)`` along ``dim``; ``max(x, other_tensor)`` the elementwise maximum.
    NumPy's ``axis=`` (one or several axes, ``keepdims=``) gives the values only, like ``amax``."""
    return _extreme(Max, MaxAlongDim, MaxResult, "maximum", x, dim, keepdim, axis, keepdims)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """As ``torch.min`` (see ``max``)."""
    return _extreme(Min, MinAlongDim, MinResult, "minimum", x, dim, keepdim, axis, keepdims)


def _extreme(reduction, along, result, elementwise, x, dim, keepdim, axis, keepdims):
    if isinstance(dim, Tensor):                       # torch.max(a, b): elementwise
        from . import math as _math
        return getattr(_math, elementwise)(x, dim)
    keep = bool(keepdim if keepdims is None else keepdims)
    if axis is not None:
        if dim is not None:
            raise TypeError("give either dim= or axis=, not both")
        return reduction(axis, keep)(x)
    if dim is None:
        return reduction(None, keep)(x)
    return _along_dim(along, result, x, dim, keep)


def amax(x, dim=None, keepdim=False):
    """The largest values over ``dim`` (an int or tuple; all axes by default); ties share the
    gradient evenly."""
    return Max(dim, keepdim)(x)


def amin(x, dim=None, keepdim=False):
    """The smallest values over ``dim``; ties share the gradient evenly."""
    return Min(dim, keepdim)(x)
