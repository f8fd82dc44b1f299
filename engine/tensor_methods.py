"""Tensor's operators and methods: ``a + b``, ``a @ b``, ``x.sum()``, ``x.backward()`` ...

Each one creates the matching Function from ``engine.ops`` (or runs ``engine.autograd``'s
backward). The ops and the autograd import Tensor, so Tensor cannot import them; instead the
methods are written in ``TensorMethods`` (here: math, reductions, casts, constructors) and its
parts (engine/tensor_operators.py, engine/tensor_shape.py, engine/tensor_inplace.py), and bound
onto Tensor once, when ``engine/__init__.py`` imports this module (DeZero's ``setup_variable``
does the same).
"""
import types

from . import autograd, dtypes, ops
from .tensor import Tensor, _data, _wrap, get_array_module
from .validate import axis_or_dim, shape_args
from .tensor_inplace import InPlaceMethods
from .tensor_operators import OperatorMethods
from .tensor_selection import SelectionMethods
from .tensor_shape import ShapeMethods


def _keep(keepdim, keepdims):
    """PyTorch's ``keepdim=`` or NumPy's ``keepdims=``."""
    return bool(keepdim if keepdims is None else keepdims)


class TensorMethods(OperatorMethods, ShapeMethods, SelectionMethods, InPlaceMethods):
    """The methods bound onto Tensor (read them as if they were written in its class body):
    the operators (engine/tensor_operators.py), shape and indexing (engine/tensor_shape.py),
    picking, sorting and tiling (engine/tensor_selection.py),
    in-place changes (engine/tensor_inplace.py), and here the math, reductions, casts and
    constructors."""

    def backward(self, grad=None, retain_graph=False):
        """Compute gradients of this tensor w.r.t. all leaves that require grad.

        ``grad`` is the upstream gradient (needed unless the tensor has one
        element).  Unless ``retain_graph`` is True the graph is freed afterwards.
        """
        autograd.backward(self, grad, retain_graph)

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
        return ops.sum(x, axis_or_dim(axis, dim), _keep(keepdim, keepdims))

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):
        x = self if dtype is None else self.astype(dtype)
        return ops.mean(x, axis_or_dim(axis, dim), _keep(keepdim, keepdims))

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
    # (mul, div, matmul, mm and neg are the operators themselves: tensor_operators.py)
    def add(self, other, *, alpha=1):
        return ops.add(self, other if alpha == 1 else ops.mul(other, alpha))

    def sub(self, other, *, alpha=1):
        return ops.sub(self, other if alpha == 1 else ops.mul(other, alpha))

    def pow(self, exponent):
        return ops.pow(self, exponent)

    def square(self):
        return ops.mul(self, self)


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

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` is True, this tensor elsewhere (the gradient passes there)."""
        return ops.where(mask, _wrap(get_array_module(self.data).asarray(
            _data(value), dtype=self.dtype)), self)

    def new_tensor(self, data, *, dtype=None, requires_grad=False):
        return Tensor(get_array_module(self.data).array(_data(data)),
                      dtype=self.dtype if dtype is None else dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, requires_grad=False):
        xp = get_array_module(self.data)
        return Tensor(xp.zeros(shape_args(size), self.dtype if dtype is None else dtype),
                      requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        xp = get_array_module(self.data)
        return Tensor(xp.ones(shape_args(size), self.dtype if dtype is None else dtype),
                      requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, requires_grad=False):
        xp = get_array_module(self.data)
        return Tensor(xp.full(tuple(size), fill_value, self.dtype if dtype is None else dtype),
                      requires_grad=requires_grad)



def _bind():
    """Copy every method and property of TensorMethods and its parts onto Tensor."""
    for part in reversed(TensorMethods.__mro__[:-1]):      # the parts first, object left out
        for name, member in vars(part).items():
            if isinstance(member, (types.FunctionType, property)):
                setattr(Tensor, name, member)


_bind()
