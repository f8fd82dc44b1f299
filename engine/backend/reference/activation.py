"""Activation kernels in plain NumPy, written the way the slides write them (the oracle).

Each compiled kernel in ``engine/backend/native/activation.py`` is tested against the function
of the same name here. Every function takes NumPy arrays and an optional ``out=`` buffer and
returns the result. A backward function takes the upstream gradient ``gy = ∂L/∂y`` and returns
``gx = ∂L/∂x``; it reads the forward's input x or, where that is cheaper, its output y.

``ELEMENTWISE`` lists the kernels of one input and at most one float setting: the native
backend wraps its C kernels for exactly these names, with these signatures, so adding such
an activation here (and its C body) is all the backends need.
"""
import numpy as np

from .._checks import float_input, normalize_axis, output, prelu_layout, same_as

ELEMENTWISE = ("relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus")

__all__ = [
    "relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "prelu", "prelu_backward",
    "elu", "elu_backward", "sigmoid", "sigmoid_backward", "tanh", "tanh_backward",
    "softplus", "softplus_backward", "heaviside", "heaviside_backward",
    "softmax", "softmax_backward", "log_softmax", "log_softmax_backward",
]


def _store(value, x, out):
    """Write ``value`` into ``out`` (checked against ``x``), or return it in ``x``'s dtype."""
    if out is None:
        return np.asarray(value, dtype=x.dtype)
    out = output(out, x.shape, x.dtype)
    out[...] = value
    return out


# ------------------------------------------------------------ ReLU family

def relu(x, out=None):
    """ReLU: y = max(0, x)."""
    x = float_input(x)
    return _store(np.maximum(x, 0), x, out)


def relu_backward(x, gy, out=None):
    """ReLU': ∂L/∂x = ∂L/∂y · 1[x > 0]."""
    x = float_input(x)
    gy = same_as(x, gy, "gy")
    return _store(np.where(x > 0, gy, 0), x, out)


def leaky_relu(x, negative_slope=0.01, out=None):
    """Leaky ReLU: y = x if x > 0, else a·x (a small fixed slope a)."""
    x = float_input(x)
    return _store(np.where(x > 0, x, negative_slope * x), x, out)


def leaky_relu_backward(x, gy, negative_slope=0.01, out=None):
    """Leaky ReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a)."""
    x = float_input(x)
    gy = same_as(x, gy, "gy")
    return _store(np.where(x > 0, gy, negative_slope * gy), x, out)


def prelu(x, weight, out=None):
    """PReLU: y = x if x > 0, else a_c·x, with one learnable slope a_c per channel (axis 1)."""
    x = float_input(x)
    weight = float_input(weight, "weight")
    outer, channels, inner = prelu_layout(x, weight)
    a = weight.astype(x.dtype).reshape(1, channels, 1)
    x3 = x.reshape(outer, channels, inner)
    return _store(np.where(x3 > 0, x3, a * x3).reshape(x.shape), x, out)


def prelu_backward(x, weight, gy, out=None):
    """PReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a_c);  ∂L/∂a_c = Σ_{x ≤ 0, channel c} ∂L/∂y · x.

    Returns ``(gx, gweight)``.
    """
    x = float_input(x)
    weight = float_input(weight, "weight")
    gy = same_as(x, gy, "gy")
    outer, channels, inner = prelu_layout(x, weight)
    a = weight.astype(x.dtype).reshape(1, channels, 1)
    x3, gy3 = x.reshape(outer, channels, inner), gy.reshape(outer, channels, inner)
    gx = _store(np.where(x3 > 0, gy3, a * gy3).reshape(x.shape), x, out)
    gweight = np.where(x3 > 0, 0, gy3 * x3).sum(axis=(0, 2)).astype(weight.dtype)
    return gx, gweight


def elu(x, alpha=1.0, out=None):
    """ELU: y = x if x > 0, else α·(eˣ − 1)."""
    x = float_input(x)
    return _store(np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x, out)


def elu_backward(x, gy, alpha=1.0, out=None):
    """ELU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else α·eˣ)."""
    x = float_input(x)
    gy = same_as(x, gy, "gy")
    return _store(np.where(x > 0, gy, gy * alpha * np.exp(np.minimum(x, 0))), x, out)


# ------------------------------------------------------- smooth squashers

def sigmoid(x, out=None):
    """Sigmoid: y = 1 / (1 + e^(−x)).

    For very negative x, e^(−x) overflows to inf and 1/inf = 0, the right limit:
    the overflow warning is silenced, not the result.
    """
    x = float_input(x)
    with np.errstate(over="ignore"):
        return _store(1 / (1 + np.exp(-x)), x, out)


def sigmoid_backward(y, gy, out=None):
    """Sigmoid': ∂L/∂x = ∂L/∂y · y·(1 − y), from the forward's output y."""
    y = float_input(y, "y")
    gy = same_as(y, gy, "gy", "y")
    return _store(gy * y * (1 - y), y, out)


def tanh(x, out=None):
    """tanh: y = (eˣ − e^(−x)) / (eˣ + e^(−x))."""
    x = float_input(x)
    return _store(np.tanh(x), x, out)


def tanh_backward(y, gy, out=None):
    """tanh': ∂L/∂x = ∂L/∂y · (1 − y²), from the forward's output y."""
    y = float_input(y, "y")
    gy = same_as(y, gy, "gy", "y")
    return _store(gy * (1 - y * y), y, out)


def softplus(x, out=None):
    """Softplus: y = log(1 + eˣ), a smooth ReLU (computed as logaddexp(0, x) so it never overflows)."""
    x = float_input(x)
    with np.errstate(invalid="ignore"):  # NaN in, NaN out, without a warning
        return _store(np.logaddexp(0, x), x, out)


def softplus_backward(x, gy, out=None):
    """Softplus': ∂L/∂x = ∂L/∂y · sigmoid(x)."""
    x = float_input(x)
    gy = same_as(x, gy, "gy")
    return _store(gy * sigmoid(x), x, out)


def heaviside(x, value_at_zero=1.0, out=None):
    """Heaviside step, the perceptron's output: y = 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0."""
    x = float_input(x)
    return _store(np.heaviside(x, value_at_zero), x, out)


def heaviside_backward(x, gy, out=None):
    """Heaviside' = 0 everywhere it is defined: no gradient flows through a step."""
    x = float_input(x)
    same_as(x, gy, "gy")
    return _store(np.zeros_like(x), x, out)


# -------------------------------------------------------------- softmax

def softmax(x, axis=-1, out=None):
    """Softmax along ``axis``: y_i = e^(x_i) / Σ_j e^(x_j).

    Subtracting max(x) first changes nothing mathematically and keeps e^(·) ≤ 1.
    """
    x = float_input(x)
    axis = normalize_axis(axis, x.ndim)
    e = np.exp(x - x.max(axis=axis, keepdims=True)) if x.size else x
    return _store(e / e.sum(axis=axis, keepdims=True), x, out)


def softmax_backward(y, gy, axis=-1, out=None):
    """Softmax': ∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j ∂L/∂y_j · y_j)."""
    y = float_input(y, "y")
    gy = same_as(y, gy, "gy", "y")
    axis = normalize_axis(axis, y.ndim)
    return _store(y * (gy - (gy * y).sum(axis=axis, keepdims=True)), y, out)


def log_softmax(x, axis=-1, out=None):
    """Log-softmax along ``axis``: y_i = x_i − max(x) − log Σ_j e^(x_j − max(x))."""
    x = float_input(x)
    axis = normalize_axis(axis, x.ndim)
    if x.size == 0:
        return _store(x, x, out)
    shifted = x - x.max(axis=axis, keepdims=True)
    return _store(shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True)), x, out)


def log_softmax_backward(y, gy, axis=-1, out=None):
    """Log-softmax': ∂L/∂x_i = ∂L/∂y_i − e^(y_i) · Σ_j ∂L/∂y_j."""
    y = float_input(y, "y")
    gy = same_as(y, gy, "gy", "y")
    axis = normalize_axis(axis, y.ndim)
    return _store(gy - np.exp(y) * gy.sum(axis=axis, keepdims=True), y, out)
