"""Reductions: sum, mean, max, min over some axes (all of them by default).

Backward has to undo the shape change: the reduced axes are put back with
size 1 (so the gradient lines up with the input) and then broadcast along them.
"""
import math

import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..tensor import _axis


def _normalize_axes(axis, ndim):
    """axis (None, int or tuple, possibly negative) -> sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(a, ndim)
    normalized = sorted(a % ndim for a in axes)
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

    def forward(self, x):
        self._setup(x)
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return self._expand(gy)


class Mean(_Reduction):
    """y = (1/n) Σ x over ``axis``;  ∂L/∂x = ∂L/∂y / n everywhere  (n = elements averaged)."""

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
        self.picked = getattr(x, self._pick)(axis=self.axes, keepdims=True)
        return self.picked if self.keepdims else self.picked.reshape(
            tuple(n for i, n in enumerate(x.shape) if i not in self.axes))

    def backward(self, gy):
        x = self.inputs[0].data
        is_pick = x == self.picked                       # True at every (tied) extreme
        ties = is_pick.sum(axis=self.axes, keepdims=True, dtype=gy.dtype)
        return is_pick * (gy.reshape(self.kept_shape) / ties)


class Min(Max):
    """y = min x over ``axis``;  ∂L/∂x = ∂L/∂y at the minimum (ties split evenly), 0 elsewhere."""

    _pick = "min"


def _reduce(cls, x, axis, keepdims, dim):
    return cls(_axis(axis, dim), keepdims)(x)


def sum(x, axis=None, keepdims=False, *, dim=None):
    return _reduce(Sum, x, axis, keepdims, dim)


def mean(x, axis=None, keepdims=False, *, dim=None):
    return _reduce(Mean, x, axis, keepdims, dim)


def max(x, axis=None, keepdims=False, *, dim=None):
    return _reduce(Max, x, axis, keepdims, dim)


def min(x, axis=None, keepdims=False, *, dim=None):
    return _reduce(Min, x, axis, keepdims, dim)
