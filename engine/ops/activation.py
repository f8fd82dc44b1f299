"""Activation functions as differentiable operations: each forward beside its backward.

The arithmetic lives in the backends (``engine/backend/reference.py`` reads like the slides,
``native.py`` runs the C kernels); a Function here only decides what to keep for the
backward pass: the input ``x`` when the derivative is a function of x (ReLU, ELU, softplus),
the output ``y`` when it is cheaper in terms of y (sigmoid: y·(1 − y); tanh: 1 − y²).
"""
import numpy as np

from ..autograd import Function
from ..backend import kernels_for


class ReLU(Function):
    """y = max(0, x);  ∂L/∂x = ∂L/∂y · 1[x > 0]."""

    def forward(self, x):
        self.kernels, self.x = kernels_for(x), x
        return self.kernels.relu(x)

    def backward(self, gy):
        return self.kernels.relu_backward(self.x, gy)


class LeakyReLU(Function):
    """y = x if x > 0 else a·x;  ∂L/∂x = ∂L/∂y · (1 if x > 0 else a)."""

    def __init__(self, negative_slope=0.01):
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        self.kernels, self.x = kernels_for(x), x
        return self.kernels.leaky_relu(x, self.negative_slope)

    def backward(self, gy):
        return self.kernels.leaky_relu_backward(self.x, gy, self.negative_slope)


class PReLU(Function):
    """y = x if x > 0 else a_c·x, a learnable slope a_c per channel (axis 1).

    ∂L/∂x = ∂L/∂y · (1 if x > 0 else a_c);   ∂L/∂a_c = Σ over channel c where x ≤ 0 of ∂L/∂y · x.
    """

    def forward(self, x, weight):
        # Mixed float32/float64 promotes, as in every binary op (autograd casts each
        # gradient back to its input's dtype).
        dtype = np.result_type(x, weight)
        x, weight = x.astype(dtype, copy=False), weight.astype(dtype, copy=False)
        self.kernels, self.x, self.weight = kernels_for(x), x, weight
        return self.kernels.prelu(x, weight)

    def backward(self, gy):
        return self.kernels.prelu_backward(self.x, self.weight, gy)


class ELU(Function):
    """y = x if x > 0 else α·(eˣ − 1);  ∂L/∂x = ∂L/∂y · (1 if x > 0 else α·eˣ)."""

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)

    def forward(self, x):
        self.kernels, self.x = kernels_for(x), x
        return self.kernels.elu(x, self.alpha)

    def backward(self, gy):
        return self.kernels.elu_backward(self.x, gy, self.alpha)


class Sigmoid(Function):
    """y = 1 / (1 + e^(−x));  ∂L/∂x = ∂L/∂y · y·(1 − y)."""

    def forward(self, x):
        self.kernels = kernels_for(x)
        self.y = self.kernels.sigmoid(x)
        return self.y

    def backward(self, gy):
        return self.kernels.sigmoid_backward(self.y, gy)


class Tanh(Function):
    """y = tanh(x);  ∂L/∂x = ∂L/∂y · (1 − y²)."""

    def forward(self, x):
        self.kernels = kernels_for(x)
        self.y = self.kernels.tanh(x)
        return self.y

    def backward(self, gy):
        return self.kernels.tanh_backward(self.y, gy)


class Softplus(Function):
    """y = log(1 + eˣ);  ∂L/∂x = ∂L/∂y · sigmoid(x)."""

    def forward(self, x):
        self.kernels, self.x = kernels_for(x), x
        return self.kernels.softplus(x)

    def backward(self, gy):
        return self.kernels.softplus_backward(self.x, gy)


class Heaviside(Function):
    """The perceptron's step: y = 1 if x > 0, 0 if x < 0 (``value_at_zero`` at 0);  ∂L/∂x = 0.

    The zero gradient is why a network of steps cannot be trained by backpropagation,
    and why the perceptron has its own learning rule.
    """

    def __init__(self, value_at_zero=1.0):
        self.value_at_zero = float(value_at_zero)

    def forward(self, x):
        self.kernels, self.x = kernels_for(x), x
        return self.kernels.heaviside(x, self.value_at_zero)

    def backward(self, gy):
        return self.kernels.heaviside_backward(self.x, gy)


class Softmax(Function):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis``;  ∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j ∂L/∂y_j · y_j)."""

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        self.kernels = kernels_for(x)
        self.y = self.kernels.softmax(x, self.axis)
        return self.y

    def backward(self, gy):
        return self.kernels.softmax_backward(self.y, gy, self.axis)


class LogSoftmax(Function):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis``;  ∂L/∂x_i = ∂L/∂y_i − e^(y_i) · Σ_j ∂L/∂y_j."""

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        self.kernels = kernels_for(x)
        self.y = self.kernels.log_softmax(x, self.axis)
        return self.y

    def backward(self, gy):
        return self.kernels.log_softmax_backward(self.y, gy, self.axis)
