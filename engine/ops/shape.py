"""Operations that move numbers around without changing them.

Their backward passes move the gradient back to where each number came from:
reshape it back, un-permute it, scatter it into the indexed positions, split it.
"""
import itertools

import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..tensor import Tensor
from ..validate import axis_or_dim, checked_dim, is_int


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the backward of NumPy broadcasting.

    Broadcasting copies an input along (a) extra leading axes and (b) axes
    where the input has size 1.  Every copy receives gradient, so the input's
    gradient is the sum over those axes.  E.g. (2, 3, 4) -> (3, 1):
    sum over axis 0 (leading) and axis 2 (size 1 in the input).
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)  # drops the (now size-1) leading axes


class Reshape(Function):
    """y = x viewed with a new shape (same elements, same order);  ∂L/∂x = (∂L/∂y) reshaped back."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(f"cannot reshape a tensor of shape {x.shape} (size {x.size}) "
                             f"into shape {self.shape}") from None

    def backward(self, gy):
        return gy.reshape(self.inputs[0].shape)


class Transpose(Function):
    """y = x with its axes permuted (reversed when axes is None);
    ∂L/∂x = ∂L/∂y permuted by the inverse permutation."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, gy):
        if self.axes is None:
            return gy.transpose()
        # y axis i came from x axis axes[i], so x axis axes[i] comes from y axis i.
        inverse = [0] * gy.ndim
        for i, a in enumerate(self.axes):
            inverse[a % gy.ndim] = i
        return gy.transpose(inverse)


def _is_basic_index(index):
    """True for ints, slices, None and ... only: such an index never repeats an element."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


def index_arrays(index):
    """``index`` with integer and bool tensors replaced by their arrays (a bool tensor is a
    mask, an integer tensor a list of positions, as in PyTorch); a float tensor is refused."""
    items = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(i, Tensor) for i in items):
        return index
    for i in items:
        if isinstance(i, Tensor) and i.data.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be integer or bool tensors, got "
                             f"{i.dtype} (convert positions with .long())")
    items = tuple(i.data if isinstance(i, Tensor) else i for i in items)
    return items if isinstance(index, tuple) else items[0]


class GetItem(Function):
    """y = x[index] (NumPy indexing: ints, slices, int arrays or tensors, bool masks);
    ∂L/∂x = zeros with ∂L/∂y added at the indexed positions.

    Added, not assigned: with an int array like [0, 0, 2] element 0 is used
    twice and receives both gradients (np.add.at does this; ``gx[idx] = gy`` would not).
    """

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, index):
        self.index = index_arrays(index)

    def forward(self, x):
        return x[self.index]

    def backward(self, gy):
        xp = backend_of(gy).xp
        gx = xp.zeros(self.inputs[0].shape, dtype=gy.dtype)
        if _is_basic_index(self.index):
            gx[self.index] = gy  # no repeats possible: plain assignment is faster
        else:
            xp.add.at(gx, self.index, gy)
        return gx


class Concatenate(Function):
    """y = [x1, x2, ...] joined along ``axis``;  ∂L/∂xi = the slice of ∂L/∂y where xi landed."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, axis=0):
        self.axis = axis

    def forward(self, *xs):
        xp = backend_of(xs[0]).xp
        try:
            return xp.concatenate(xs, axis=self.axis)
        except np.exceptions.AxisError:
            raise
        except ValueError as e:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"concatenate along axis {self.axis}: cannot join shapes {shapes} "
                             f"(they must match in every other axis; NumPy says: {e})") from None

    def backward(self, gy):
        xp = backend_of(gy).xp
        axis = self.axis % gy.ndim
        ends = list(itertools.accumulate(x.shape[axis] for x in self.inputs))[:-1]
        return tuple(xp.split(gy, ends, axis=axis))


class Stack(Function):
    """y = [x1, x2, ...] stacked along a new axis ``axis``;
    ∂L/∂xi = slice i of ∂L/∂y along that axis."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, axis=0):
        self.axis = axis

    def forward(self, *xs):
        xp = backend_of(xs[0]).xp
        if any(x.shape != xs[0].shape for x in xs):
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"stack: all tensors must have the same shape, got {shapes}")
        return xp.stack(xs, axis=self.axis)

    def backward(self, gy):
        xp = backend_of(gy).xp
        # Move the stacked axis to the front; iterating then yields one slice per input.
        return tuple(xp.moveaxis(gy, self.axis % gy.ndim, 0))


class Clone(Function):
    """y = a copy of x (its own memory);  ∂L/∂x = ∂L/∂y."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy


class Expand(Function):
    """y = x broadcast to ``shape`` (size-1 axes repeated, new leading axes added; a read-only
    view, no copy);  ∂L/∂x = ∂L/∂y summed over the repeated axes (unbroadcast)."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        # PyTorch's -1: keep that axis's size (counted from the right, as broadcasting aligns).
        lead = len(self.shape) - x.ndim
        if lead < 0:
            raise ValueError(f"expand: cannot expand shape {x.shape} to fewer axes {self.shape}")
        shape = tuple(x.shape[i - lead] if n == -1 and i >= lead else n
                      for i, n in enumerate(self.shape))
        try:
            return backend_of(x).xp.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"expand: cannot expand shape {x.shape} to {self.shape} (only "
                             f"size-1 axes can grow)") from None

    def backward(self, gy):
        return unbroadcast(gy, self.inputs[0].shape)


# ------------------------------------------------------------- small helpers
def expanded_shape(shape, axis):
    """``shape`` with a new size-1 axis inserted at ``axis`` (for unsqueeze)."""
    n = len(shape) + 1
    if not -n <= axis < n:
        raise np.exceptions.AxisError(axis, n)
    axis %= n
    return shape[:axis] + (1,) + shape[axis:]


def squeezed_shape(shape, axis=None):
    """``shape`` without size-1 axes (all, or those in ``axis``; others are kept, as in PyTorch)."""
    if axis is None:
        return tuple(n for n in shape if n != 1)
    axes = {checked_dim(a, len(shape)) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
    return tuple(n for i, n in enumerate(shape) if not (i in axes and n == 1))


def checked_shape(name, shape, many_minus_one=False):
    """``shape`` as a tuple of ints, each >= 0 except at most one -1 (the size inferred;
    ``expand``'s -1s, "keep this axis", may be many)."""
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    for n in shape:
        if not is_int(n):
            raise TypeError(f"{name}: sizes must be ints, got {n!r} in {shape}")
        if n < -1:
            raise ValueError(f"{name}: sizes must be >= 0 (or -1 for the inferred one), "
                             f"got {n} in {shape}")
    if not many_minus_one and sum(n == -1 for n in shape) > 1:
        raise ValueError(f"{name}: only one size can be -1 (inferred), got {shape}")
    return tuple(int(n) for n in shape)


def checked_axes(shape, axes):
    """``axes`` as a permutation of ``range(len(shape))`` (negative axes allowed)."""
    ndim = len(shape)
    if len(axes) != ndim:
        raise ValueError(f"permute: expected {ndim} dims for a tensor of shape {shape}, "
                         f"got {len(axes)}: {tuple(axes)}")
    checked = tuple(checked_dim(a, ndim) for a in axes)
    if len(set(checked)) != ndim:
        raise ValueError(f"permute: repeated dim in {tuple(axes)}")
    return checked


# --------------------------------------------------------- public functions
def reshape(x, shape):
    return Reshape(checked_shape("reshape", shape))(x)


def transpose(x, axes=None):
    return Transpose(None if axes is None else checked_axes(x.shape, tuple(axes)))(x)


def getitem(x, index):
    return GetItem(index)(x)


def _sequence_axis(name, tensors, axis, dim):
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}() expects a list or tuple of tensors, got "
                        f"{type(tensors).__name__}")
    if len(tensors) == 0:
        raise ValueError(f"{name}() needs at least one tensor")
    axis = axis_or_dim(axis, dim)
    return 0 if axis is None else axis


def concatenate(tensors, axis=None, *, dim=None):
    """Join tensors along an existing axis (default 0)."""
    return Concatenate(_sequence_axis("concatenate", tensors, axis, dim))(*tensors)


def stack(tensors, axis=None, *, dim=None):
    """Join same-shaped tensors along a new axis (default 0)."""
    return Stack(_sequence_axis("stack", tensors, axis, dim))(*tensors)
