"""Activation layers: Modules that apply the activations of ``engine/ops/activation.py``.

The elementwise ones (``ReLU``, ``LeakyReLU``, ``ELU``, ``Sigmoid``, ``Tanh``, ``Softplus``,
``Heaviside``) are all the same layer: keep the settings, apply the function. So they are made
here from one declaration, ``engine.ops.activation.LAYERS`` (class name → functional form):
each class takes the functional form's keyword arguments as its settings, e.g.
``LeakyReLU(negative_slope=0.01)``, and its docstring is the equation of its Function.
PReLU (a learnt parameter), GELU (a string setting) and Softmax/LogSoftmax (an axis) are
written out below.
"""
import inspect

import numpy as np

from .. import dtypes
from ..ops import activation as act
from ..validate import axis_index, axis_or_dim, boolean, finite_real, fits_in_memory, positive_int
from .module import Module
from .parameter import Parameter


class ElementwiseActivation(Module):
    """A layer that applies ``function`` (a functional form from engine.ops.activation) with the
    float settings given to ``__init__`` (by position or by name, as the function takes them)."""

    function = None                     # set by each subclass: its functional form
    settings = ()                       # the names of its settings, e.g. ("negative_slope",)
    __signature__ = inspect.Signature()  # and how __init__ takes them

    def __init__(self, *args, inplace=False, **kwargs):
        # inplace: PyTorch's memory saving (ReLU(inplace=True)); the values are the same
        # either way, so it is accepted and the output is a new tensor.
        super().__init__()
        boolean(inplace, "inplace")
        bound = type(self).__signature__.bind(*args, **kwargs)   # as the function takes them
        bound.apply_defaults()
        for name in self.settings:
            setattr(self, name, finite_real(bound.arguments[name], name))

    def forward(self, x):
        if not self.settings:
            return type(self).function(x)
        return type(self).function(x, *[getattr(self, name) for name in self.settings])

    def extra_repr(self):
        return ", ".join(f"{name}={getattr(self, name)}" for name in self.settings)


def _layer(class_name, function):
    """The ElementwiseActivation subclass ``class_name`` that applies ``function``."""
    parameters = list(inspect.signature(function).parameters.values())[1:]   # after x
    signature = inspect.Signature(parameters)
    settings = tuple(p.name for p in parameters)
    call = ", ".join(("x",) + settings)
    doc = (inspect.getdoc(getattr(act, class_name)) or "") + \
        f"\n\n``{class_name}{signature}(x)`` computes ``F.{function.__name__}({call})``."
    return type(class_name, (ElementwiseActivation,), {
        "__doc__": doc, "__module__": __name__, "__signature__": signature,
        "function": staticmethod(function), "settings": settings})


for _name, _function in act.LAYERS.items():
    globals()[_name] = _layer(_name, _function)

__all__ = [*act.LAYERS, "PReLU", "GELU", "Softmax", "LogSoftmax", "Identity"]


class PReLU(Module):
    """y = x if x > 0 else a_c·x, where the slopes a (``weight``, (num_parameters,)) are learnt.

    ``num_parameters=1`` shares one slope; ``num_parameters=C`` gives each channel (axis 1) its own.
    As in PyTorch the slopes start at ``init=0.25``.
    """

    def __init__(self, num_parameters=1, init=0.25, dtype=None):
        super().__init__()
        num_parameters = positive_int(num_parameters, "num_parameters")
        init = finite_real(init, "init")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        fits_in_memory((num_parameters,), dtype, "PReLU weight")
        self.weight = Parameter(np.full(num_parameters, init, dtype=dtype))

    def forward(self, x):
        return act.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.weight.shape[0]}"


class GELU(Module):
    """y = x·Φ(x): ``approximate="none"`` (erf, exact) or ``"tanh"``. See ``engine.ops.activation.GELU``."""

    def __init__(self, approximate="none"):
        super().__init__()
        act.GELU(approximate)           # checks the setting now, not at the first forward
        self.approximate = approximate

    def forward(self, x):
        return act.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (PyTorch's ``dim``; the last by default)."""

    def __init__(self, axis=None, *, dim=None):
        super().__init__()
        axis = axis_or_dim(axis, dim)
        self.axis = -1 if axis is None else axis_index(axis, "axis (dim)")

    def forward(self, x):
        return act.softmax(x, self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis``."""

    def forward(self, x):
        return act.log_softmax(x, self.axis)


class Identity(Module):
    """y = x: the linear activation (a placeholder layer, too)."""

    def forward(self, x):
        return x
