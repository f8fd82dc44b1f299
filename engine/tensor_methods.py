"""Tensor's operators and methods: ``a + b``, ``a @ b``, ``x.sum()``, ``x.backward()`` ...

Each one creates the matching Function from ``engine.ops`` (or runs ``engine.autograd``'s
backward). The ops and the autograd import Tensor, so Tensor cannot import them; instead the
methods are written here, in ``TensorMethods``, and bound onto Tensor once, when
``engine/__init__.py`` imports this module (DeZero's ``setup_variable`` does the same).
"""
import operator
import types

import numpy as np

from . import autograd, dtypes, ops, random
from .ops.shape import index_arrays
from .tensor import Tensor, _axis, _shape_args, _wrap, get_array_module


def _keep(keepdim, keepdims):
    """PyTorch's ``keepdim=`` or NumPy's ``keepdims=``."""
    return bool(keepdim if keepdims is None else keepdims)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _logical(op, name):
    """A bitwise/logical operator for bool and integer tensors (masks: ``a & b``, ``~m``)."""
    def method(self, other=None):
        if self.data.dtype.kind == "f" or getattr(_data(other), "dtype", None) is not None \
                and _data(other).dtype.kind == "f":
            raise TypeError(f"{name} needs bool or integer tensors, got {self.dtype}")
        return _wrap(get_array_module(self.data).asarray(
            op(self.data) if other is None else op(self.data, _data(other))))
    method.__name__ = name
    return method


class TensorMethods:
    """The methods bound onto Tensor (read them as if they were written in its class body)."""

    def backward(self, grad=None, retain_graph=False):
        """Compute gradients of this tensor w.r.t. all leaves that require grad.

        ``grad`` is the upstream gradient (needed unless the tensor has one
        element).  Unless ``retain_graph`` is True the graph is freed afterwards.
        """
        autograd.backward(self, grad, retain_graph)

    # ----------------------------------------------------------- arithmetic
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    # --------------------------------------------------------------- methods
    def exp(self):
        return ops.exp(self)

    def log(self):
        return ops.log(self)

    def sqrt(self):
        return ops.sqrt(self)

    def abs(self):
        return ops.abs(self)

    def clip(self, min=None, max=None):
        return ops.clip(self, min, max)

    clamp = clip

    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):
        """Σ over ``dim`` (an int or a tuple; all axes by default). Bool and integer tensors
        sum to int64: ``(pred == target).sum().item()`` counts the matches."""
        x = self if dtype is None else self.astype(dtype)
        return ops.sum(x, _axis(axis, dim), _keep(keepdim, keepdims))

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):
        x = self if dtype is None else self.astype(dtype)
        return ops.mean(x, _axis(axis, dim), _keep(keepdim, keepdims))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """``x.max()`` the largest element; ``x.max(dim)`` the namedtuple (values, indices);
        ``x.max(other)`` the elementwise maximum; NumPy's ``axis=`` the values only."""
        return ops.max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """As ``max``, for the smallest."""
        return ops.min(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def amax(self, dim=None, keepdim=False):
        return ops.reduce.amax(self, dim, keepdim)

    def amin(self, dim=None, keepdim=False):
        return ops.reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        """Where the maximum is, as int64 (of the flattened tensor, or along ``dim``)."""
        return ops.reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return ops.reduce.argmin(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        """True where any element (over ``dim``, or all) is non-zero: a bool tensor."""
        return _wrap(get_array_module(self.data).asarray(
            self.data.any(axis=dim, keepdims=keepdim)))

    def all(self, dim=None, keepdim=False):
        return _wrap(get_array_module(self.data).asarray(
            self.data.all(axis=dim, keepdims=keepdim)))

    def reshape(self, *shape):
        return ops.reshape(self, _shape_args(shape))

    def view(self, *shape):
        """The same elements in a new shape (``-1`` for the size that makes it fit); as
        ``reshape`` (NumPy makes a copy only when a view cannot express the shape)."""
        return ops.reshape(self, _shape_args(shape))

    def view_as(self, other):
        """``self.view(other.shape)``."""
        return ops.reshape(self, other.shape)

    def reshape_as(self, other):
        return ops.reshape(self, other.shape)

    def transpose(self, *dims):
        """As PyTorch: ``x.transpose(d0, d1)`` swaps two axes. Without arguments it reverses
        all axes (like ``.T``); given a whole order of 3 or more axes it permutes them (NumPy)."""
        if len(dims) == 2 and not isinstance(dims[0], (tuple, list)):
            return self.swapaxes(*dims)
        return ops.transpose(self, _shape_args(dims) or None)

    def permute(self, *dims):
        """The axes in the order ``dims`` (``x.permute(0, 2, 3, 1)``: NCHW to NHWC)."""
        return ops.transpose(self, _shape_args(dims))

    def t(self):
        """The transpose of a matrix (a 0-d or 1-d tensor is returned as is), as ``torch.t``."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with at most 2 axes, got shape {self.shape}; "
                             f"use transpose(d0, d1) or permute")
        return self if self.ndim < 2 else ops.transpose(self, (1, 0))

    def swapaxes(self, axis1, axis2):
        axes = list(range(self.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return ops.transpose(self, tuple(axes))

    @property
    def T(self):
        return ops.transpose(self, None)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self.shape
        if not shape:
            return self.reshape(1)
        start, end = start_dim % len(shape), end_dim % len(shape)
        return self.reshape(shape[:start] + (-1,) + shape[end + 1:])

    def unsqueeze(self, dim):
        """A new size-1 axis at ``dim``."""
        return ops.reshape(self, ops.shape.expanded_shape(self.shape, dim))

    def squeeze(self, dim=None):
        """Without the size-1 axes (all, or ``dim``'s; other sizes are kept, as in PyTorch)."""
        return ops.reshape(self, ops.shape.squeezed_shape(self.shape, dim))

    def __getitem__(self, index):
        return ops.getitem(self, index)

    def astype(self, dtype):
        """This tensor as ``dtype`` (itself if it has it already); differentiable between
        float32 and float64, without gradient to or from integer and bool dtypes."""
        return ops.cast(self, dtype)

    def type(self, dtype=None):
        """The dtype's name without ``dtype``; with it, ``astype(dtype)``."""
        return str(self.dtype) if dtype is None else ops.cast(self, dtype)

    def type_as(self, other):
        return ops.cast(self, other.dtype)

    def float(self):
        return ops.cast(self, dtypes.float32)

    def double(self):
        return ops.cast(self, dtypes.float64)

    def long(self):
        return ops.cast(self, dtypes.int64)

    def int(self):
        return ops.cast(self, dtypes.int32)

    def bool(self):
        return ops.cast(self, dtypes.bool_)

    # ------------------------------------------- PyTorch's method forms of the ops
    def add(self, other, *, alpha=1):
        return ops.add(self, other if alpha == 1 else ops.mul(other, alpha))

    def sub(self, other, *, alpha=1):
        return ops.sub(self, other if alpha == 1 else ops.mul(other, alpha))

    def mul(self, other):
        return ops.mul(self, other)

    def div(self, other):
        return ops.div(self, other)

    def pow(self, exponent):
        return ops.pow(self, exponent)

    def neg(self):
        return ops.neg(self)

    def square(self):
        return ops.mul(self, self)

    def matmul(self, other):
        return ops.matmul(self, other)

    mm = matmul

    def sigmoid(self):
        from .ops.activation import sigmoid
        return sigmoid(ops.math._floating(self))

    def tanh(self):
        from .ops.activation import tanh
        return tanh(ops.math._floating(self))

    def relu(self):
        from .ops.activation import relu
        return relu(self)

    def softmax(self, dim):
        from .ops.activation import softmax
        return softmax(self, dim=dim)

    def log_softmax(self, dim):
        from .ops.activation import log_softmax
        return log_softmax(self, dim=dim)

    def var(self, dim=None, keepdim=False, *, correction=1, unbiased=None):
        """The variance over ``dim`` (all axes by default), divided by n - correction
        (n - 1 by default, as in PyTorch; ``unbiased=False`` divides by n)."""
        if unbiased is not None:
            correction = 1 if unbiased else 0
        centred = self - self.mean(dim, keepdim=True)
        total = (centred * centred).sum(dim, keepdim)
        n = self.numel() // max(1, total.numel()) if dim is not None else self.numel()
        return total / max(0, n - correction)

    def std(self, dim=None, keepdim=False, *, correction=1, unbiased=None):
        """The standard deviation (√var, n - 1 in the denominator by default)."""
        return self.var(dim, keepdim, correction=correction, unbiased=unbiased).sqrt()

    def norm(self, p=2, dim=None, keepdim=False):
        """The p-norm (2 by default) over ``dim`` (all elements by default)."""
        if p == 2:
            return (self * self).sum(dim, keepdim).sqrt()
        if p == 1:
            return self.abs().sum(dim, keepdim)
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def clone(self):
        """A copy in its own memory, still in the graph (the gradient passes through)."""
        return ops.shape.Clone()(self)

    def contiguous(self):
        """Itself when its memory is in row-major order, else a copy that is (``clone``)."""
        return self if self.data.flags.c_contiguous else self.clone()

    def is_contiguous(self):
        return bool(self.data.flags.c_contiguous)

    def expand(self, *sizes):
        """A view repeating size-1 axes to ``sizes`` (-1 keeps an axis); no copy."""
        return ops.shape.Expand(_shape_args(sizes))(self)

    def expand_as(self, other):
        return ops.shape.Expand(other.shape)(self)

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` is True, this tensor elsewhere (the gradient passes there)."""
        return ops.where(mask, _wrap(get_array_module(self.data).asarray(
            _data(value), dtype=self.dtype)), self)

    def split(self, split_size, dim=0):
        """Pieces of ``split_size`` along ``dim`` (the last may be shorter), or of the sizes
        in a list; each is differentiable (slicing)."""
        n = self.shape[dim]
        sizes = list(split_size) if isinstance(split_size, (list, tuple)) else \
            [min(split_size, n - s) for s in range(0, n, split_size)]
        if sum(sizes) != n:
            raise ValueError(f"split sizes {sizes} do not add up to {n} along dim {dim}")
        pieces, start = [], 0
        lead = (slice(None),) * (dim % self.ndim)
        for size in sizes:
            pieces.append(self[lead + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def chunk(self, chunks, dim=0):
        """``chunks`` pieces along ``dim`` (of equal size, the last possibly smaller)."""
        n = self.shape[dim]
        return self.split(-(-n // chunks) if n else 1, dim)

    def unbind(self, dim=0):
        """The slices along ``dim``, without that axis."""
        lead = (slice(None),) * (dim % self.ndim)
        return tuple(self[lead + (i,)] for i in range(self.shape[dim]))

    def index_select(self, dim, index):
        lead = (slice(None),) * (dim % self.ndim)
        return self[lead + (_data(index),)]

    def new_tensor(self, data, *, dtype=None, requires_grad=False):
        return Tensor(get_array_module(self.data).array(_data(data)),
                      dtype=self.dtype if dtype is None else dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad=False):
        xp = get_array_module(self.data)
        return Tensor(xp.zeros(_shape_args(size), self.dtype if dtype is None else dtype),
                      requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        xp = get_array_module(self.data)
        return Tensor(xp.ones(_shape_args(size), self.dtype if dtype is None else dtype),
                      requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, requires_grad=False):
        xp = get_array_module(self.data)
        return Tensor(xp.full(tuple(size), fill_value, self.dtype if dtype is None else dtype),
                      requires_grad=requires_grad)

    def detach_(self):
        """Cut this tensor from the graph in place (it becomes a leaf without gradient)."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ------------------------------------------------ without gradient, as in PyTorch
    def _no_grad_result(self, what, arr):
        if self._requires_grad and autograd.is_grad_enabled():
            raise ValueError(f"{what} has no useful gradient (it is piecewise constant); "
                             f"apply it to .detach() (or under engine.no_grad())")
        return _wrap(get_array_module(self.data).asarray(arr))

    def sign(self):
        return self._no_grad_result("sign", get_array_module(self.data).sign(self.data))

    def floor(self):
        return self._no_grad_result("floor", get_array_module(self.data).floor(self.data))

    def ceil(self):
        return self._no_grad_result("ceil", get_array_module(self.data).ceil(self.data))

    def round(self):
        return self._no_grad_result("round", get_array_module(self.data).round(self.data))

    def __floordiv__(self, other):
        a, b = ops.math._promoted(self.data, get_array_module(self.data).asarray(_data(other)))
        return self._no_grad_result("//", a // b)

    def __rfloordiv__(self, other):
        b, a = ops.math._promoted(self.data, get_array_module(self.data).asarray(_data(other)))
        return self._no_grad_result("//", a // b)

    def __mod__(self, other):
        a, b = ops.math._promoted(self.data, get_array_module(self.data).asarray(_data(other)))
        return self._no_grad_result("%", a % b)

    # ------------------------------------------- comparisons' logic (no gradient)
    __and__ = _logical(operator.and_, "__and__")
    __or__ = _logical(operator.or_, "__or__")
    __xor__ = _logical(operator.xor, "__xor__")
    __invert__ = _logical(operator.invert, "__invert__")
    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__
    logical_not = _logical(np.logical_not, "logical_not")
    logical_and = _logical(np.logical_and, "logical_and")
    logical_or = _logical(np.logical_or, "logical_or")

    # ------------------------------------------------------- changes in place
    # Outside autograd only (autograd.check_inplace says when): ``with engine.no_grad():
    # p.add_(g, alpha=-lr)``. Each keeps the tensor's dtype and returns the tensor itself.
    def __setitem__(self, index, value):
        autograd.check_inplace(self, "t[index] = value")
        self.data[index_arrays(index)] = _data(value)

    def _inplace(self, what, op, other):
        autograd.check_inplace(self, what)
        op(self.data, _data(other), out=self.data, casting="same_kind")
        return self

    # ``x += y``: in place (as in PyTorch) when x is not part of a recorded graph, which is
    # what ``with no_grad(): p -= lr * p.grad`` needs; inside a graph it computes x + y into a
    # new tensor (the name is rebound; backward stays right).
    def _augmented(self, op, other, out_of_place):
        if self._requires_grad and (self.grad_fn is not None or autograd.is_grad_enabled()):
            return out_of_place(self, other)
        op(self.data, _data(other), out=self.data, casting="same_kind")
        return self

    def __iadd__(self, other):
        return self._augmented(np.add, other, ops.add)

    def __isub__(self, other):
        return self._augmented(np.subtract, other, ops.sub)

    def __imul__(self, other):
        return self._augmented(np.multiply, other, ops.mul)

    def __itruediv__(self, other):
        return self._augmented(np.true_divide, other, ops.div)

    def add_(self, other, *, alpha=1):
        """self += alpha·other, in place."""
        other = _data(other)
        return self._inplace("add_", get_array_module(self.data).add,
                             other if alpha == 1 else other * alpha)

    def sub_(self, other, *, alpha=1):
        other = _data(other)
        return self._inplace("sub_", get_array_module(self.data).subtract,
                             other if alpha == 1 else other * alpha)

    def mul_(self, other):
        return self._inplace("mul_", get_array_module(self.data).multiply, other)

    def div_(self, other):
        return self._inplace("div_", get_array_module(self.data).true_divide, other)

    def clamp_(self, min=None, max=None):
        autograd.check_inplace(self, "clamp_")
        get_array_module(self.data).clip(self.data, min, max, out=self.data)
        return self

    clip_ = clamp_

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        autograd.check_inplace(self, "fill_")
        self.data[...] = _data(value)
        return self

    def copy_(self, src):
        """Copy ``src``'s values into this tensor (broadcast to its shape, converted to its dtype)."""
        autograd.check_inplace(self, "copy_")
        src = _data(src)
        if self.data.shape != get_array_module(src).shape(src):
            src = get_array_module(self.data).broadcast_to(src, self.data.shape)
        self.data[...] = src
        return self

    def normal_(self, mean=0.0, std=1.0):
        """Fill with samples of N(mean, std²) from the engine's generator (``manual_seed``)."""
        autograd.check_inplace(self, "normal_")
        self.data[...] = random.get_generator().normal(mean, std, self.data.shape)
        return self

    def uniform_(self, a=0.0, b=1.0):
        """Fill with samples of U(a, b) from the engine's generator."""
        autograd.check_inplace(self, "uniform_")
        self.data[...] = random.get_generator().uniform(a, b, self.data.shape)
        return self


def _bind():
    """Copy every method and property of TensorMethods onto Tensor."""
    for name, member in vars(TensorMethods).items():
        if isinstance(member, (types.FunctionType, property)):
            setattr(Tensor, name, member)


_bind()
