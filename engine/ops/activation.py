"""Activation functions as differentiable operations: each forward beside its backward.

The arithmetic lives in the backends (``engine/backend/reference/activation.py`` reads like
the slides, ``native/activation.py`` runs the C kernels); a Function here only decides what
to keep for the backward pass: the input ``x`` when the derivative is a function of x (ReLU,
ELU, softplus), the output ``y`` when it is cheaper in terms of y (sigmoid: y·(1 − y);
tanh: 1 − y²).

Each Function is followed by its functional form (``relu(x)``, ...), which
``engine.nn.functional`` re-exports (``__all__``); ``LAYERS`` names the ``engine.nn`` layer made
of each elementwise one (``engine/nn/activation.py`` builds those classes from it). So a new
elementwise activation is written here once: its Function, its functional form, one entry in
``LAYERS`` and ``__all__``.
"""
import math

import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..validate import axis_index, axis_or_dim, finite_real

__all__ = ["relu", "leaky_relu", "prelu", "elu", "sigmoid", "tanh", "softplus", "heaviside",
           "softmax", "log_softmax", "gelu", "silu"]


class ReLU(Function):
    """y = max(0, x);  ∂L/∂x = ∂L/∂y · 1[x > 0]."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x = x
        return B.relu(x)

    def backward(self, gy):
        return self.B.relu_backward(self.x, gy)


def relu(x):
    """y = max(0, x). See ``ReLU``."""
    return ReLU()(x)


class LeakyReLU(Function):
    """y = x if x > 0 else a·x;  ∂L/∂x = ∂L/∂y · (1 if x > 0 else a)."""

    def __init__(self, negative_slope=0.01):
        self.negative_slope = finite_real(negative_slope, "negative_slope")

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x = x
        return B.leaky_relu(x, self.negative_slope)

    def backward(self, gy):
        return self.B.leaky_relu_backward(self.x, gy, self.negative_slope)


def leaky_relu(x, negative_slope=0.01):
    """y = x if x > 0 else negative_slope·x. See ``LeakyReLU``."""
    return LeakyReLU(negative_slope)(x)


class PReLU(Function):
    """y = x if x > 0 else a_c·x, a learnable slope a_c per channel (axis 1).

    ∂L/∂x = ∂L/∂y · (1 if x > 0 else a_c);   ∂L/∂a_c = Σ over channel c where x ≤ 0 of ∂L/∂y · x.
    """

    def forward(self, x, weight):
        # Mixed float32/float64 promotes, as in every binary op (autograd casts each
        # gradient back to its input's dtype).
        dtype = np.result_type(x.dtype, weight.dtype)
        x, weight = x.astype(dtype, copy=False), weight.astype(dtype, copy=False)
        B = self.B = backend_of(x)
        self.x, self.weight = x, weight
        return B.prelu(x, weight)

    def backward(self, gy):
        return self.B.prelu_backward(self.x, self.weight, gy)


def prelu(x, weight):
    """y = x if x > 0 else a_c·x with learnable slopes ``weight`` (C,) or (1,). See ``PReLU``."""
    return PReLU()(x, weight)


class ELU(Function):
    """y = x if x > 0 else α·(eˣ − 1);  ∂L/∂x = ∂L/∂y · (1 if x > 0 else α·eˣ)."""

    def __init__(self, alpha=1.0):
        self.alpha = finite_real(alpha, "alpha")

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x = x
        return B.elu(x, self.alpha)

    def backward(self, gy):
        return self.B.elu_backward(self.x, gy, self.alpha)


def elu(x, alpha=1.0):
    """y = x if x > 0 else α·(eˣ − 1). See ``ELU``."""
    return ELU(alpha)(x)


class Sigmoid(Function):
    """y = 1 / (1 + e^(−x));  ∂L/∂x = ∂L/∂y · y·(1 − y)."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.y = B.sigmoid(x)
        return self.y

    def backward(self, gy):
        return self.B.sigmoid_backward(self.y, gy)


def sigmoid(x):
    """y = 1 / (1 + e^(−x)). See ``Sigmoid``."""
    return Sigmoid()(x)


class Tanh(Function):
    """y = tanh(x);  ∂L/∂x = ∂L/∂y · (1 − y²)."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.y = B.tanh(x)
        return self.y

    def backward(self, gy):
        return self.B.tanh_backward(self.y, gy)


def tanh(x):
    """y = tanh(x). See ``Tanh``."""
    return Tanh()(x)


class Softplus(Function):
    """y = log(1 + eˣ);  ∂L/∂x = ∂L/∂y · sigmoid(x)."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x = x
        return B.softplus(x)

    def backward(self, gy):
        return self.B.softplus_backward(self.x, gy)


def softplus(x):
    """y = log(1 + eˣ). See ``Softplus``."""
    return Softplus()(x)


class Heaviside(Function):
    """The perceptron's step: y = 1 if x > 0, 0 if x < 0 (``value_at_zero`` at 0);  ∂L/∂x = 0.

    The zero gradient is why a network of steps cannot be trained by backpropagation,
    and why the perceptron has its own learning rule.
    """

    def __init__(self, value_at_zero=1.0):
        self.value_at_zero = finite_real(value_at_zero, "value_at_zero")

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x = x
        return B.heaviside(x, self.value_at_zero)

    def backward(self, gy):
        return self.B.heaviside_backward(self.x, gy)


def heaviside(x, value_at_zero=1.0):
    """The step: 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0 (no gradient). See ``Heaviside``."""
    return Heaviside(value_at_zero)(x)


class Softmax(Function):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis``;  ∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j ∂L/∂y_j · y_j)."""

    def __init__(self, axis=-1):
        self.axis = axis_index(axis)

    def forward(self, x):
        B = self.B = backend_of(x)
        self.y = B.softmax(x, self.axis)
        return self.y

    def backward(self, gy):
        return self.B.softmax_backward(self.y, gy, self.axis)


def softmax(x, axis=None, *, dim=None):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (or ``dim``; default the last). See ``Softmax``."""
    axis = axis_or_dim(axis, dim)
    return Softmax(-1 if axis is None else axis)(x)


class LogSoftmax(Function):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis``;  ∂L/∂x_i = ∂L/∂y_i − e^(y_i) · Σ_j ∂L/∂y_j."""

    def __init__(self, axis=-1):
        self.axis = axis_index(axis)

    def forward(self, x):
        B = self.B = backend_of(x)
        self.y = B.log_softmax(x, self.axis)
        return self.y

    def backward(self, gy):
        return self.B.log_softmax_backward(self.y, gy, self.axis)


def log_softmax(x, axis=None, *, dim=None):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis`` (or ``dim``; default the last).

    See ``LogSoftmax``."""
    axis = axis_or_dim(axis, dim)
    return LogSoftmax(-1 if axis is None else axis)(x)


def _erf(xp, x):
    """The error function elementwise; NumPy has none.

    float64: ``math.erf`` on each element (exact to rounding; slower than the tanh form).
    float32: Abramowitz & Stegun 7.1.26, erf(x) ≈ 1 − (a₁t + a₂t² + … + a₅t⁵)·e^(−x²) with
    t = 1/(1 + p·|x|), odd in x: within 1.5e-7 of erf, 5e-7 once evaluated in float32 (a few
    float32 steps near ±1).
    CuPy has an erf of its own.
    """
    if xp is not np:
        import cupyx.scipy.special
        return cupyx.scipy.special.erf(x)
    if x.dtype != np.float32:
        return np.asarray(np.frompyfunc(math.erf, 1, 1)(x)).astype(x.dtype)   # 0-d: a float
    a = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (
        np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))))
    return np.copysign(1.0 - poly * np.exp(-a * a), x).astype(np.float32, copy=False)


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


class GELU(Function):
    """Gaussian error linear unit: y = x·Φ(x), Φ the standard normal CDF.

    approximate="none":  Φ(x) = ½(1 + erf(x/√2)),   ∂y/∂x = Φ(x) + x·φ(x),  φ(x) = e^(−x²/2)/√(2π)
    approximate="tanh":  y = ½x(1 + tanh u),  u = √(2/π)·(x + 0.044715x³),
                         ∂y/∂x = ½(1 + tanh u) + ½x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715x²)
    """

    def __init__(self, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        B = self.B = backend_of(x)
        xp = B.xp
        self.x = x
        if self.approximate == "tanh":
            self.t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))
            return 0.5 * x * (1 + self.t)
        self.cdf = 0.5 * (1 + _erf(xp, x / math.sqrt(2.0)))
        return x * self.cdf

    def backward(self, gy):
        xp, x = self.B.xp, self.x
        if self.approximate == "tanh":
            t = self.t
            du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return gy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
        pdf = xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return gy * (self.cdf + x * pdf)


def gelu(x, approximate="none"):
    """y = x·Φ(x) (exact, with erf) or its tanh approximation. See ``GELU``."""
    return GELU(approximate)(x)


class SiLU(Function):
    """Sigmoid linear unit (swish): y = x·σ(x);  ∂L/∂x = ∂L/∂y · σ(x)·(1 + x·(1 − σ(x)))."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x = x
        self.s = B.sigmoid(x)
        return x * self.s

    def backward(self, gy):
        s = self.s
        return gy * (s * (1 + self.x * (1 - s)))


def silu(x):
    """y = x·σ(x). See ``SiLU``."""
    return SiLU()(x)


# The engine.nn layer class made of each elementwise activation (engine/nn/activation.py):
# its settings are the functional form's keyword arguments.
LAYERS = {"ReLU": relu, "LeakyReLU": leaky_relu, "ELU": elu, "Sigmoid": sigmoid, "Tanh": tanh,
          "Softplus": softplus, "Heaviside": heaviside, "SiLU": silu}
