"""Tensor's in-place changes: ``t[i] = v``, ``x += y``, ``p.add_(g, alpha=-lr)``, ``w.normal_()``.

Outside autograd only (``autograd.check_inplace`` says when): they are what optimisers and
initialisers use under ``engine.no_grad()``. Each bumps the tensor's version counter
(engine/versions.py), so backward() notices a change to a value it saved. Bound onto Tensor
by engine/tensor_methods.py.
"""
import numpy as np

from . import autograd, ops, random
from .versions import bump
from .ops.shape import index_arrays
from .tensor import _data, get_array_module


class InPlaceMethods:
    """Tensor's in-place methods (bound onto Tensor by engine/tensor_methods.py)."""

    # Outside autograd only (autograd.check_inplace says when): ``with engine.no_grad():
    # p.add_(g, alpha=-lr)``. Each keeps the tensor's dtype and returns the tensor itself.
    def __setitem__(self, index, value):
        autograd.check_inplace(self, "t[index] = value")
        self.data[index_arrays(index)] = _data(value)
        bump(self.data)

    def _inplace(self, what, op, other):
        autograd.check_inplace(self, what)
        op(self.data, _data(other), out=self.data, casting="same_kind")
        bump(self.data)
        return self

    # ``x += y``: in place (as in PyTorch) when x is not part of a recorded graph, which is
    # what ``with no_grad(): p -= lr * p.grad`` needs; inside a graph it computes x + y into a
    # new tensor (the name is rebound; backward stays right).
    def _augmented(self, op, other, out_of_place):
        if self._requires_grad and (self.grad_fn is not None or autograd.is_grad_enabled()):
            return out_of_place(self, other)
        op(self.data, _data(other), out=self.data, casting="same_kind")
        bump(self.data)
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
        bump(self.data)
        return self

    clip_ = clamp_

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        autograd.check_inplace(self, "fill_")
        self.data[...] = _data(value)
        bump(self.data)
        return self

    def copy_(self, src):
        """Copy ``src``'s values into this tensor (broadcast to its shape, converted to its dtype)."""
        autograd.check_inplace(self, "copy_")
        src = _data(src)
        if self.data.shape != get_array_module(src).shape(src):
            src = get_array_module(self.data).broadcast_to(src, self.data.shape)
        self.data[...] = src
        bump(self.data)
        return self

    def normal_(self, mean=0.0, std=1.0):
        """Fill with samples of N(mean, std²) from the engine's generator (``manual_seed``)."""
        autograd.check_inplace(self, "normal_")
        self.data[...] = random.normal(mean, std, self.data.shape)
        bump(self.data)
        return self

    def uniform_(self, a=0.0, b=1.0):
        """Fill with samples of U(a, b) from the engine's generator."""
        autograd.check_inplace(self, "uniform_")
        self.data[...] = random.uniform(a, b, self.data.shape)
        bump(self.data)
        return self

    def detach_(self):
        """Cut this tensor from the graph in place (it becomes a leaf without gradient)."""
        self.grad_fn = None
        self._requires_grad = False
        return self
