"""Activation layers: Modules that apply the functions in ``engine.nn.functional``."""
import numpy as np

from .. import dtypes
from . import functional as F
from .module import Module
from .parameter import Parameter


class ReLU(Module):
    """y = max(0, x)."""

    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    """y = x if x > 0 else negative_slope·x."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """y = x if x > 0 else a_c·x, where the slopes a (``weight``, shape (num_parameters,)) are learnt.

    ``num_parameters=1`` shares one slope; ``num_parameters=C`` gives each channel (axis 1) its own.
    As in PyTorch the slopes start at ``init=0.25``.
    """

    def __init__(self, num_parameters=1, init=0.25, dtype=None):
        super().__init__()
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, (int, np.integer)) \
                or num_parameters < 1:
            raise ValueError(f"num_parameters must be a positive int, got {num_parameters!r}")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        self.weight = Parameter(np.full(int(num_parameters), init, dtype=dtype))

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.weight.shape[0]}"


class ELU(Module):
    """y = x if x > 0 else α·(eˣ − 1)."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Sigmoid(Module):
    """y = 1 / (1 + e^(−x))."""

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """y = tanh(x)."""

    def forward(self, x):
        return F.tanh(x)


class Softplus(Module):
    """y = log(1 + eˣ)."""

    def forward(self, x):
        return F.softplus(x)


class Heaviside(Module):
    """The perceptron's step: 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0."""

    def __init__(self, value_at_zero=1.0):
        super().__init__()
        self.value_at_zero = float(value_at_zero)

    def forward(self, x):
        return F.heaviside(x, self.value_at_zero)


class Softmax(Module):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (PyTorch's ``dim``)."""

    def __init__(self, axis=-1, *, dim=None):
        super().__init__()
        self.axis = axis if dim is None else dim

    def forward(self, x):
        return F.softmax(x, self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis``."""

    def forward(self, x):
        return F.log_softmax(x, self.axis)


class Identity(Module):
    """y = x: the linear activation (a placeholder layer, too)."""

    def forward(self, x):
        return x
