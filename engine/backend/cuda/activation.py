"""Activation kernels as array-module code: CuPy on a GPU, NumPy standing in for it in CI.

The same names, signatures and results as ``reference/activation.py`` (read that one for the
equations). ``Kernels(xp)`` holds them for one array module ``xp``; every line below is plain
``xp.<function>`` code that CuPy and NumPy both run, so the CPU test suite runs it with NumPy
against the reference backend. The elementwise expressions are ``fused``: one GPU kernel each.
"""
from .._checks import float_input, normalize_axis, output, prelu_layout, same_as
from .._fuse import fused
from ..reference import activation as _reference

# the kernels (the reference twins' names), methods of Kernels(xp)
KERNELS = list(_reference.__all__)


class Kernels:
    """The activation kernels computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp
        # Only ufuncs inside the fused expressions (what cupy.fuse compiles), no xp.where:
        exp, expm1, log1p, abs_, maximum, minimum = (xp.exp, xp.expm1, xp.log1p, xp.abs,
                                                     xp.maximum, xp.minimum)
        # σ(x) = e^min(x, 0) / (1 + e^(−|x|)): 1/(1 + e^(−x)) for x ≥ 0, eˣ/(1 + eˣ) below,
        # and no e^(·) of a positive number, so nothing overflows
        self._sigmoid = fused(xp, lambda x: exp(minimum(x, 0)) / (1 + exp(-abs_(x))))
        # ELU = max(x, 0) + α·(e^min(x, 0) − 1): x above 0, α·(eˣ − 1) below
        self._elu = fused(xp, lambda x, alpha: maximum(x, 0) + alpha * expm1(minimum(x, 0)))
        # softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)): no overflow either way
        self._softplus = fused(xp, lambda x: maximum(x, 0) + log1p(exp(-abs_(x))))
        self._tanh_grad = fused(xp, lambda y, gy: gy * (1 - y * y))
        self._sigmoid_grad = fused(xp, lambda y, gy: gy * y * (1 - y))

    # ---------------------------------------------------------------- helpers
    def _input(self, x, name="x"):
        return float_input(x, name, self.xp)

    def _gradient(self, saved, gy, saved_name="x"):
        saved = float_input(saved, saved_name, self.xp)
        return saved, same_as(saved, gy, "gy", saved_name, self.xp)

    def _store(self, value, x, out):
        """``value`` in x's dtype, written into ``out`` when given (checked against x)."""
        if out is None:
            return value.astype(x.dtype, copy=False)
        out = output(out, x.shape, x.dtype, "out", self.xp)
        out[...] = value
        return out

    # ------------------------------------------------------------ ReLU family
    def relu(self, x, out=None):
        """ReLU: y = max(0, x)."""
        x = self._input(x)
        return self._store(self.xp.maximum(x, 0), x, out)

    def relu_backward(self, x, gy, out=None):
        """ReLU': ∂L/∂x = ∂L/∂y · 1[x > 0]."""
        x, gy = self._gradient(x, gy)
        return self._store(self.xp.where(x > 0, gy, 0), x, out)

    def leaky_relu(self, x, negative_slope=0.01, out=None):
        """Leaky ReLU: y = x if x > 0, else a·x."""
        x = self._input(x)
        return self._store(self.xp.where(x > 0, x, negative_slope * x), x, out)

    def leaky_relu_backward(self, x, gy, negative_slope=0.01, out=None):
        """Leaky ReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a)."""
        x, gy = self._gradient(x, gy)
        return self._store(self.xp.where(x > 0, gy, negative_slope * gy), x, out)

    def prelu(self, x, weight, out=None):
        """PReLU: y = x if x > 0, else a_c·x (one slope per channel, axis 1)."""
        x = self._input(x)
        weight = self._input(weight, "weight")
        outer, channels, inner = prelu_layout(x, weight)
        a = weight.astype(x.dtype).reshape(1, channels, 1)
        x3 = x.reshape(outer, channels, inner)
        return self._store(self.xp.where(x3 > 0, x3, a * x3).reshape(x.shape), x, out)

    def prelu_backward(self, x, weight, gy, out=None):
        """PReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a_c);
        ∂L/∂a_c = Σ_{x ≤ 0} ∂L/∂y · x.  Returns ``(gx, gweight)``."""
        x, gy = self._gradient(x, gy)
        weight = self._input(weight, "weight")
        outer, channels, inner = prelu_layout(x, weight)
        a = weight.astype(x.dtype).reshape(1, channels, 1)
        x3, gy3 = x.reshape(outer, channels, inner), gy.reshape(outer, channels, inner)
        gx = self._store(self.xp.where(x3 > 0, gy3, a * gy3).reshape(x.shape), x, out)
        gweight = self.xp.where(x3 > 0, 0, gy3 * x3).sum(axis=(0, 2)).astype(weight.dtype)
        return gx, gweight

    def elu(self, x, alpha=1.0, out=None):
        """ELU: y = x if x > 0, else α·(eˣ − 1)."""
        x = self._input(x)
        return self._store(self._elu(x, alpha), x, out)

    def elu_backward(self, x, gy, alpha=1.0, out=None):
        """ELU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else α·eˣ)."""
        x, gy = self._gradient(x, gy)
        xp = self.xp
        return self._store(xp.where(x > 0, gy, gy * alpha * xp.exp(xp.minimum(x, 0))), x, out)

    # ------------------------------------------------------- smooth squashers
    def sigmoid(self, x, out=None):
        """Sigmoid: y = 1 / (1 + e^(−x))."""
        x = self._input(x)
        return self._store(self._sigmoid(x), x, out)

    def sigmoid_backward(self, y, gy, out=None):
        """Sigmoid': ∂L/∂x = ∂L/∂y · y·(1 − y), from the forward's output y."""
        y, gy = self._gradient(y, gy, "y")
        return self._store(self._sigmoid_grad(y, gy), y, out)

    def tanh(self, x, out=None):
        """tanh: y = (eˣ − e^(−x)) / (eˣ + e^(−x))."""
        x = self._input(x)
        return self._store(self.xp.tanh(x), x, out)

    def tanh_backward(self, y, gy, out=None):
        """tanh': ∂L/∂x = ∂L/∂y · (1 − y²), from the forward's output y."""
        y, gy = self._gradient(y, gy, "y")
        return self._store(self._tanh_grad(y, gy), y, out)

    def softplus(self, x, out=None):
        """Softplus: y = log(1 + eˣ)."""
        x = self._input(x)
        return self._store(self._softplus(x), x, out)

    def softplus_backward(self, x, gy, out=None):
        """Softplus': ∂L/∂x = ∂L/∂y · sigmoid(x)."""
        x, gy = self._gradient(x, gy)
        return self._store(gy * self._sigmoid(x), x, out)

    def heaviside(self, x, value_at_zero=1.0, out=None):
        """Heaviside step: 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0."""
        x = self._input(x)
        return self._store(self.xp.heaviside(x, x.dtype.type(value_at_zero)), x, out)

    def heaviside_backward(self, x, gy, out=None):
        """Heaviside' = 0 everywhere it is defined."""
        x, _ = self._gradient(x, gy)
        return self._store(self.xp.zeros_like(x), x, out)

    # -------------------------------------------------------------- softmax
    def softmax(self, x, axis=-1, out=None):
        """Softmax along ``axis``: y_i = e^(x_i − max x) / Σ_j e^(x_j − max x)."""
        x = self._input(x)
        axis = normalize_axis(axis, x.ndim)
        if x.size == 0:
            return self._store(x, x, out)
        e = self.xp.exp(x - x.max(axis=axis, keepdims=True))
        return self._store(e / e.sum(axis=axis, keepdims=True), x, out)

    def softmax_backward(self, y, gy, axis=-1, out=None):
        """Softmax': ∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j ∂L/∂y_j · y_j)."""
        y, gy = self._gradient(y, gy, "y")
        axis = normalize_axis(axis, y.ndim)
        return self._store(y * (gy - (gy * y).sum(axis=axis, keepdims=True)), y, out)

    def log_softmax(self, x, axis=-1, out=None):
        """Log-softmax: y_i = x_i − max x − log Σ_j e^(x_j − max x)."""
        x = self._input(x)
        axis = normalize_axis(axis, x.ndim)
        if x.size == 0:
            return self._store(x, x, out)
        shifted = x - x.max(axis=axis, keepdims=True)
        return self._store(
            shifted - self.xp.log(self.xp.exp(shifted).sum(axis=axis, keepdims=True)), x, out)

    def log_softmax_backward(self, y, gy, axis=-1, out=None):
        """Log-softmax': ∂L/∂x_i = ∂L/∂y_i − e^(y_i) · Σ_j ∂L/∂y_j."""
        y, gy = self._gradient(y, gy, "y")
        axis = normalize_axis(axis, y.ndim)
        return self._store(gy - self.xp.exp(y) * gy.sum(axis=axis, keepdims=True), y, out)
