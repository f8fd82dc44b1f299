"""The reference backend: every kernel in plain NumPy, written the way the slides write it.

This module is the oracle: each compiled kernel in ``engine._C`` is tested against the
function of the same name here. It favours the equation over speed, so read it next to the
slides. Every function takes NumPy arrays and an optional ``out=`` buffer and returns the
result. A backward function takes the upstream gradient ``gy = ∂L/∂y`` and returns
``gx = ∂L/∂x``.
"""
import numpy as np

from ._checks import float_input, gemm_operands, normalize_axis, output, prelu_layout, same_as

name = "reference"
xp = np  # the array module this backend computes with


def _store(value, x, out):
    """Write ``value`` into ``out`` (checked against ``x``), or return it in ``x``'s dtype."""
    if out is None:
        return np.asarray(value, dtype=x.dtype)
    out = output(out, x)
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


__all__ = [
    "relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "prelu", "prelu_backward",
    "elu", "elu_backward", "sigmoid", "sigmoid_backward", "tanh", "tanh_backward",
    "softplus", "softplus_backward", "heaviside", "heaviside_backward",
    "softmax", "softmax_backward", "log_softmax", "log_softmax_backward", "gemm",
    "gemm_batched",
]


# ------------------------------------------------------------------ GEMM

def gemm(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """General matrix multiply: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ.

    ``c`` is updated in place and returned; without it a new (m, n) array is returned
    (β is then ignored). Here NumPy's ``@`` (its BLAS) does the work.
    """
    gemm_operands(a, b, c, trans_a, trans_b)
    product = (a.T if trans_a else a) @ (b.T if trans_b else b)
    return _scale_and_add(product, c, alpha, beta)


def _scale_and_add(product, c, alpha, beta):
    """α·product, or c ← α·product + β·c in place when ``c`` is given."""
    if c is None:
        return product * product.dtype.type(alpha) if alpha != 1 else product
    if beta == 0:
        c[...] = 0  # β = 0 overwrites c, even a NaN in it (0·NaN would stay NaN)
    else:
        c *= beta
    c += alpha * product
    return c


def gemm_batched(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """``gemm`` on each matrix of a batch: C[i] = α·op(A[i])·op(B[i]) + β·C[i].

    3-D arrays with one batch size; op(X) swaps X's last two axes when asked.
    """
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, np.ndarray) or x.ndim != 3:
            raise ValueError(f"gemm_batched: {name} must be a 3-D NumPy array, got "
                             f"{getattr(x, 'shape', type(x).__name__)}")
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"gemm_batched: a and b must have the same batch size, "
                         f"got {a.shape[0]} and {b.shape[0]}")
    gemm_operands(a[0], b[0], None if c is None else c[0], trans_a, trans_b)
    product = (a.swapaxes(1, 2) if trans_a else a) @ (b.swapaxes(1, 2) if trans_b else b)
    if c is not None and c.shape != product.shape:
        raise ValueError(f"gemm_batched: c must have shape {product.shape}, got {c.shape}")
    return _scale_and_add(product, c, alpha, beta)



# ------------------------------------------------- convolution and pooling
# (im2col/col2im and max/avg pooling live in reference_conv.py)
from .reference_conv import (avg_pool1d, avg_pool1d_backward, avg_pool2d,  # noqa: E402
                             avg_pool2d_backward, col2im, im2col, max_pool1d,
                             max_pool1d_backward, max_pool2d, max_pool2d_backward)
from .reference_conv import __all__ as _conv_names  # noqa: E402

__all__ = __all__ + list(_conv_names)


# ------------------------------------------------- optimizer updates
# PyTorch's rules, in place on w and the state buffers.
# Several NumPy passes per step, all into existing arrays (``out=``, ``*=``): ``tmp`` is a
# work array shaped like w (allocated here when not given).  The gradient g is never written.

import math  # noqa: E402

__all__ = __all__ + ["sgd_step", "adam_step", "adagrad_step", "rmsprop_step"]

def sgd_step(w, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
             first_step=False, tmp=None):
    """SGD: w ← w − lr·d, where

        g ← g + weight_decay·w
        b ← g                                  on the first step (``first_step``)
        b ← momentum·b + (1 − dampening)·g     afterwards
        d ← g + momentum·b   (nesterov)   or   d ← b   (momentum > 0)   or   d ← g

    ``buf`` (b) is the momentum buffer, None when momentum = 0.
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        np.multiply(w, weight_decay, out=tmp)
        g = np.add(tmp, g, out=tmp)
    if momentum:
        if first_step:
            buf[...] = g
        else:
            buf *= momentum
            if dampening:
                buf += (1 - dampening) * g
            else:
                buf += g
        if nesterov:
            g = np.add(g, momentum * buf, out=tmp)
        else:
            g = buf
    w -= np.multiply(g, lr, out=tmp)


def adam_step(w, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,
              bias_correction1=1.0, bias_correction2=1.0, tmp=None):
    """Adam / AdamW, with the bias corrections bc1 = 1 − β₁ᵗ, bc2 = 1 − β₂ᵗ (t from 1):

        decoupled (AdamW):  w ← w·(1 − lr·weight_decay)
        else (Adam):        g ← g + weight_decay·w
        m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²
        amsgrad (vmax not None):  v̂ ← max(v̂, v), and v̂ replaces v below
        w ← w − lr/bc1 · m / (√v / √bc2 + eps)
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        if decoupled:
            w *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * w
    m *= beta1
    np.multiply(g, 1 - beta1, out=tmp)
    m += tmp
    v *= beta2
    np.multiply(g, g, out=tmp)
    tmp *= 1 - beta2
    v += tmp
    if vmax is not None:
        v = np.maximum(vmax, v, out=vmax)
    np.sqrt(v, out=tmp)
    tmp /= math.sqrt(bias_correction2)
    tmp += eps
    np.divide(m, tmp, out=tmp)
    tmp *= lr / bias_correction1
    w -= tmp


def adagrad_step(w, g, state_sum, clr, eps, weight_decay=0.0, tmp=None):
    """Adagrad, with the step's decayed rate clr = lr / (1 + (t − 1)·lr_decay) (t from 1):

        g ← g + weight_decay·w
        s ← s + g²                      (``state_sum``: the sum of squared gradients)
        w ← w − clr · g / (√s + eps)
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        g = g + weight_decay * w
    state_sum += np.multiply(g, g, out=tmp)
    np.sqrt(state_sum, out=tmp)
    tmp += eps
    np.divide(g, tmp, out=tmp)
    tmp *= clr
    w -= tmp


def rmsprop_step(w, g, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay=0.0,
                 momentum=0.0, tmp=None):
    """RMSprop:

        g ← g + weight_decay·w
        v ← α·v + (1 − α)·g²                                    (``square_avg``)
        centered:  a ← α·a + (1 − α)·g,   d ← √(v − a²) + eps     (else d ← √v + eps)
        momentum > 0:  b ← momentum·b + g / d,   w ← w − lr·b      (else w ← w − lr·g / d)

    ``grad_avg`` (a) is None unless centered; ``momentum_buffer`` (b) is None unless
    momentum > 0.
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        g = g + weight_decay * w
    v = square_avg
    v *= alpha
    np.multiply(g, g, out=tmp)
    tmp *= 1 - alpha
    v += tmp
    if grad_avg is not None:
        a = grad_avg
        a *= alpha
        a += (1 - alpha) * g
        np.multiply(a, a, out=tmp)
        np.subtract(v, tmp, out=tmp)
        np.sqrt(tmp, out=tmp)
    else:
        np.sqrt(v, out=tmp)
    tmp += eps
    np.divide(g, tmp, out=tmp)            # g / d
    if momentum:
        b = momentum_buffer
        b *= momentum
        b += tmp
        np.multiply(b, lr, out=tmp)
    else:
        tmp *= lr
    w -= tmp
