"""Tensor's operators: arithmetic (``a + b``, ``a @ b``), comparisons (``a < b``), the logic
of masks (``a & b``, ``~m``) and the piecewise-constant ones without gradient (``a // b``,
``x.sign()``).

The arithmetic ones create the differentiable Functions of ``engine.ops``; comparisons and
logic give bool tensors that carry no gradient, as in PyTorch. Bound onto Tensor by
engine/tensor_methods.py, with the other methods.
"""
import operator

import numpy as np

from . import autograd, ops
from .tensor import Tensor, _data, _wrap, get_array_module


class IntegerDivisionByZero(ZeroDivisionError, ValueError):
    """Integer ``//`` or ``%`` by zero (NumPy would give 0 with a warning: a silent wrong
    answer). Both a ZeroDivisionError, as Python's ints, and a ValueError."""


def _integer_divisor_checked(op, a, b):
    """``a``, after checking that an integer division ``a op b`` has no zero divisor."""
    if b.dtype.kind in "iub" and a.dtype.kind in "iub" and not b.all():
        raise IntegerDivisionByZero(f"integer division by zero in {op} (the divisor has a 0); "
                                    f"use float tensors for inf/nan results")
    return a


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


def _comparison(op, name, symbol):
    """An elementwise comparison with a number, list, array or tensor (NotImplemented for
    anything else, so Python tries the other operand)."""
    def method(self, other):
        if isinstance(other, Tensor):
            other = other.data
        elif other is None or not (isinstance(other, (int, float, bool, np.generic))
                                   or hasattr(other, "__array__") or isinstance(other, list)):
            return NotImplemented
        return _wrap(get_array_module(self.data).asarray(op(self.data, other)))
    method.__name__ = name
    method.__doc__ = f"Elementwise ``{symbol}``: a bool tensor."
    return method


class OperatorMethods:
    """Tensor's operators (bound onto Tensor by engine/tensor_methods.py)."""

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

    __matmul__ = ops.matmul      # the function itself: a @ b of two 64 x 64 tensors takes ~3 µs,
                                 # and a method that calls it would add ~0.05 µs

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    # PyTorch's method forms of the same operators (``a.mul(b)`` is ``a * b``)
    mul, div, matmul, mm, neg = __mul__, __truediv__, __matmul__, __matmul__, __neg__

    def __abs__(self):
        return ops.abs(self)

    # ----------------------------------------------------------- comparisons
    # Comparisons give bool tensors that carry no gradient, as in PyTorch. Tensors hash by
    # identity (as in PyTorch), so they still work as dict keys and in sets; ``t in a_list``
    # would compare elementwise, so code looking for a tensor in a list compares with ``is``.
    __eq__ = _comparison(operator.eq, "__eq__", "==")
    __ne__ = _comparison(operator.ne, "__ne__", "!=")
    __lt__ = _comparison(operator.lt, "__lt__", "<")
    __le__ = _comparison(operator.le, "__le__", "<=")
    __gt__ = _comparison(operator.gt, "__gt__", ">")
    __ge__ = _comparison(operator.ge, "__ge__", ">=")
    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__   # PyTorch's names

    def equal(self, other):
        """True when ``other`` has the same shape and elements (one Python bool)."""
        other = other.data if isinstance(other, Tensor) else other
        return self.data.shape == np.shape(other) and bool((self.data == other).all())

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
        return self._no_grad_result("//", _integer_divisor_checked("//", a, b) // b)

    def __rfloordiv__(self, other):
        b, a = ops.math._promoted(self.data, get_array_module(self.data).asarray(_data(other)))
        return self._no_grad_result("//", _integer_divisor_checked("//", a, b) // b)

    def __mod__(self, other):
        a, b = ops.math._promoted(self.data, get_array_module(self.data).asarray(_data(other)))
        return self._no_grad_result("%", _integer_divisor_checked("%", a, b) % b)

    # ------------------------------------------- comparisons' logic (no gradient)
    __and__ = _logical(operator.and_, "__and__")
    __or__ = _logical(operator.or_, "__or__")
    __xor__ = _logical(operator.xor, "__xor__")
    __invert__ = _logical(operator.invert, "__invert__")
    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__
    logical_not = _logical(np.logical_not, "logical_not")
    logical_and = _logical(np.logical_and, "logical_and")
    logical_or = _logical(np.logical_or, "logical_or")
