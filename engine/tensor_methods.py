"""Tensor's operators and methods: ``a + b``, ``a @ b``, ``x.sum()``, ``x.backward()`` ...

Each one creates the matching Function from ``engine.ops`` (or runs ``engine.autograd``'s
backward). The ops and the autograd import Tensor, so Tensor cannot import them; instead the
methods are written here, in ``TensorMethods``, and bound onto Tensor once, when
``engine/__init__.py`` imports this module (DeZero's ``setup_variable`` does the same).
"""
import types

from . import autograd, dtypes, ops
from .tensor import Tensor, _axis, _shape_args


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

    def sum(self, axis=None, keepdims=False, *, dim=None):
        return ops.sum(self, _axis(axis, dim), keepdims)

    def mean(self, axis=None, keepdims=False, *, dim=None):
        return ops.mean(self, _axis(axis, dim), keepdims)

    def max(self, axis=None, keepdims=False, *, dim=None):
        return ops.max(self, _axis(axis, dim), keepdims)

    def min(self, axis=None, keepdims=False, *, dim=None):
        return ops.min(self, _axis(axis, dim), keepdims)

    def reshape(self, *shape):
        return ops.reshape(self, _shape_args(shape))

    def transpose(self, *axes):
        """Permute axes like NumPy: ``x.transpose()`` reverses them,
        ``x.transpose(0, 2, 1)`` gives the new order.  (PyTorch's
        ``transpose(d0, d1)`` swaps two dims; use ``swapaxes`` for that.)"""
        return ops.transpose(self, _shape_args(axes) or None)

    permute = transpose

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

    def unsqueeze(self, axis):
        return ops.reshape(self, ops.shape.expanded_shape(self.shape, axis))

    def squeeze(self, axis=None):
        return ops.reshape(self, ops.shape.squeezed_shape(self.shape, axis))

    def __getitem__(self, index):
        return ops.getitem(self, index)

    def astype(self, dtype):
        """A differentiable cast to float32/float64."""
        return ops.cast(self, dtype)

    def float(self):
        return ops.cast(self, dtypes.float32)

    def double(self):
        return ops.cast(self, dtypes.float64)


def _bind():
    """Copy every method and property of TensorMethods onto Tensor."""
    for name, member in vars(TensorMethods).items():
        if isinstance(member, (types.FunctionType, property)):
            setattr(Tensor, name, member)


_bind()
