"""``engine.nn.functional`` (imported as ``F``): layers as plain functions of tensors.

Each function builds the matching ``Function`` from ``engine.ops`` and applies it, so the
forward and backward equations are found in one place: the class named in each docstring.
"""
from .. import ops
from ..ops import activation as act
from ..ops import linalg  # Linear (gemm part)


def _axis(axis, dim):
    # PyTorch spells it ``dim``; NumPy and the slides' code spell it ``axis``. Accept both.
    return axis if dim is None else dim


def linear(x, weight, bias=None):
    """Dense layer: y = x·Wᵀ + b, with x (N, in), W (out, in), b (out,) → y (N, out)."""
    return linalg.linear(x, weight, bias)   # fused Function: engine/ops/linalg.py Linear


def relu(x):
    """y = max(0, x). See ``engine.ops.activation.ReLU``."""
    return act.ReLU()(x)


def leaky_relu(x, negative_slope=0.01):
    """y = x if x > 0 else negative_slope·x. See ``LeakyReLU``."""
    return act.LeakyReLU(negative_slope)(x)


def prelu(x, weight):
    """y = x if x > 0 else a_c·x with learnable slopes ``weight`` (C,) or (1,). See ``PReLU``."""
    return act.PReLU()(x, weight)


def elu(x, alpha=1.0):
    """y = x if x > 0 else α·(eˣ − 1). See ``ELU``."""
    return act.ELU(alpha)(x)


def sigmoid(x):
    """y = 1 / (1 + e^(−x)). See ``Sigmoid``."""
    return act.Sigmoid()(x)


def tanh(x):
    """y = tanh(x). See ``Tanh``."""
    return act.Tanh()(x)


def softplus(x):
    """y = log(1 + eˣ). See ``Softplus``."""
    return act.Softplus()(x)


def heaviside(x, value_at_zero=1.0):
    """The step: 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0; zero gradient. See ``Heaviside``."""
    return act.Heaviside(value_at_zero)(x)


def softmax(x, axis=-1, *, dim=None):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (or ``dim``). See ``Softmax``."""
    return act.Softmax(_axis(axis, dim))(x)


def log_softmax(x, axis=-1, *, dim=None):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis`` (or ``dim``). See ``LogSoftmax``."""
    return act.LogSoftmax(_axis(axis, dim))(x)
