"""The native backend: the same functions as ``reference.py``, computed by the compiled C kernels.

Each function checks its inputs here, in Python (dtype, shape, contiguity: a clear
``TypeError``/``ValueError`` instead of a crash), then hands flat C-contiguous views to
``engine._C``, which releases the GIL and runs the C kernel chosen for this CPU
(``engine._C.kernel_isa("activations")`` says which).

Set ``ENGINE_ISA=generic|avx2|avx512`` before importing engine to force one instruction
set for every kernel family (for tests, and to compare them in class).
"""
import os
import warnings

import numpy as np

from .. import _C
from ._checks import float_input, normalize_axis, output, prelu_layout, same_as, split_at_axis

name = "native"
xp = np  # the array module this backend computes with

# The kernel families compiled per instruction set (``engine info`` lists them).
KERNEL_FAMILIES = ("activations", "gemm", "im2col", "optim")


def _force_isa_from_environment():
    isa = os.environ.get("ENGINE_ISA")
    if not isa:
        return
    for family in KERNEL_FAMILIES:
        try:
            _C.set_kernel_isa(family, isa)
        except ValueError as err:
            warnings.warn(f"ENGINE_ISA={isa!r} ignored for {family}: {err}", RuntimeWarning,
                          stacklevel=2)


_force_isa_from_environment()


def _elementwise(kernel, x, out, *params):
    """y = f(x) elementwise: check, then run ``kernel(x_flat, y_flat, *params)``."""
    x = float_input(x)
    y = output(out, x)
    kernel(x.reshape(-1), y.reshape(-1), *params)
    return y


def _elementwise_backward(kernel, saved, gy, out, *params, saved_name="x"):
    """gx = gy · f'(saved) elementwise, where ``saved`` is the forward's input or output."""
    saved = float_input(saved, saved_name)
    gy = same_as(saved, gy, "gy", saved_name)
    gx = output(out, saved)
    kernel(saved.reshape(-1), gy.reshape(-1), gx.reshape(-1), *params)
    return gx


# ------------------------------------------------------------ ReLU family

def relu(x, out=None):
    """ReLU: y = max(0, x)."""
    return _elementwise(_C.relu_forward, x, out)


def relu_backward(x, gy, out=None):
    """ReLU': ∂L/∂x = ∂L/∂y · 1[x > 0]."""
    return _elementwise_backward(_C.relu_backward, x, gy, out)


def leaky_relu(x, negative_slope=0.01, out=None):
    """Leaky ReLU: y = x if x > 0, else a·x."""
    return _elementwise(_C.leaky_relu_forward, x, out, float(negative_slope))


def leaky_relu_backward(x, gy, negative_slope=0.01, out=None):
    """Leaky ReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a)."""
    return _elementwise_backward(_C.leaky_relu_backward, x, gy, out, float(negative_slope))


def _prelu_weight(x, weight):
    weight = float_input(weight, "weight")
    if weight.dtype != x.dtype:
        raise TypeError(f"weight must have the dtype of x ({x.dtype}), got {weight.dtype}")
    return weight, prelu_layout(x, weight)


def prelu(x, weight, out=None):
    """PReLU: y = x if x > 0, else a_c·x (one learnable slope per channel, axis 1)."""
    x = float_input(x)
    weight, layout = _prelu_weight(x, weight)
    y = output(out, x)
    _C.prelu_forward(x.reshape(-1), weight, y.reshape(-1), *layout)
    return y


def prelu_backward(x, weight, gy, out=None):
    """PReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a_c);  ∂L/∂a_c = Σ_{x ≤ 0} ∂L/∂y · x.

    Returns ``(gx, gweight)``.
    """
    x = float_input(x)
    weight, layout = _prelu_weight(x, weight)
    gy = same_as(x, gy, "gy")
    gx = output(out, x)
    gweight = output(None, weight)
    _C.prelu_backward(x.reshape(-1), weight, gy.reshape(-1), gx.reshape(-1), gweight, *layout)
    return gx, gweight


def elu(x, alpha=1.0, out=None):
    """ELU: y = x if x > 0, else α·(eˣ − 1)."""
    return _elementwise(_C.elu_forward, x, out, float(alpha))


def elu_backward(x, gy, alpha=1.0, out=None):
    """ELU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else α·eˣ)."""
    return _elementwise_backward(_C.elu_backward, x, gy, out, float(alpha))


# ------------------------------------------------------- smooth squashers

def sigmoid(x, out=None):
    """Sigmoid: y = 1 / (1 + e^(−x))."""
    return _elementwise(_C.sigmoid_forward, x, out)


def sigmoid_backward(y, gy, out=None):
    """Sigmoid': ∂L/∂x = ∂L/∂y · y·(1 − y), from the forward's output y."""
    return _elementwise_backward(_C.sigmoid_backward, y, gy, out, saved_name="y")


def tanh(x, out=None):
    """tanh: y = (eˣ − e^(−x)) / (eˣ + e^(−x))."""
    return _elementwise(_C.tanh_forward, x, out)


def tanh_backward(y, gy, out=None):
    """tanh': ∂L/∂x = ∂L/∂y · (1 − y²), from the forward's output y."""
    return _elementwise_backward(_C.tanh_backward, y, gy, out, saved_name="y")


def softplus(x, out=None):
    """Softplus: y = log(1 + eˣ)."""
    return _elementwise(_C.softplus_forward, x, out)


def softplus_backward(x, gy, out=None):
    """Softplus': ∂L/∂x = ∂L/∂y · sigmoid(x)."""
    return _elementwise_backward(_C.softplus_backward, x, gy, out)


def heaviside(x, value_at_zero=1.0, out=None):
    """Heaviside step: y = 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0."""
    return _elementwise(_C.heaviside_forward, x, out, float(value_at_zero))


def heaviside_backward(x, gy, out=None):
    """Heaviside' = 0: no gradient flows through a step."""
    x = float_input(x)
    same_as(x, gy, "gy")
    gx = output(out, x)
    gx.fill(0)
    return gx


# -------------------------------------------------------------- softmax

def _along_axis(kernel, arrays, axis, out):
    """Run a softmax-family kernel over ``axis``, viewing the arrays as (outer, n, inner)."""
    first = arrays[0]
    layout = split_at_axis(first.shape, normalize_axis(axis, first.ndim))
    result = output(out, first)
    kernel(*(a.reshape(-1) for a in arrays), result.reshape(-1), *layout)
    return result


def softmax(x, axis=-1, out=None):
    """Softmax along ``axis``: y_i = e^(x_i − max x) / Σ_j e^(x_j − max x)."""
    return _along_axis(_C.softmax_forward, (float_input(x),), axis, out)


def softmax_backward(y, gy, axis=-1, out=None):
    """Softmax': ∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j ∂L/∂y_j · y_j)."""
    y = float_input(y, "y")
    return _along_axis(_C.softmax_backward, (y, same_as(y, gy, "gy", "y")), axis, out)


def log_softmax(x, axis=-1, out=None):
    """Log-softmax along ``axis``: y_i = x_i − max x − log Σ_j e^(x_j − max x)."""
    return _along_axis(_C.log_softmax_forward, (float_input(x),), axis, out)


def log_softmax_backward(y, gy, axis=-1, out=None):
    """Log-softmax': ∂L/∂x_i = ∂L/∂y_i − e^(y_i) · Σ_j ∂L/∂y_j."""
    y = float_input(y, "y")
    return _along_axis(_C.log_softmax_backward, (y, same_as(y, gy, "gy", "y")), axis, out)


# ------------------------------------------------------------------ GEMM

def gemm(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """General matrix multiply: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ.

    ``c`` (m, n) is updated in place and returned; without it a new array is returned
    (β is then ignored).  β = 0 overwrites ``c`` (a NaN there does not leak through).
    ``a`` and ``b`` may have any strides (slices, transposed views): the packed C GEMM of
    csrc/gemm/ reads them through their strides, without a copy.  All checks (dtype,
    2-D, matching inner sizes, ``c``'s shape) happen in ``_C.gemm`` before the GIL is
    released, with the messages of ``_checks.gemm_operands``.
    """
    return _C.gemm(a, b, c, alpha, beta, trans_a, trans_b)


def gemm_batched(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """``gemm`` on each matrix of a batch: C[i] = α·op(A[i])·op(B[i]) + β·C[i] (3-D arrays,
    the same batch size; op transposes the last two axes)."""
    return _C.gemm_batched(a, b, c, alpha, beta, trans_a, trans_b)


__all__ = [
    "relu", "relu_backward", "leaky_relu", "leaky_relu_backward", "prelu", "prelu_backward",
    "elu", "elu_backward", "sigmoid", "sigmoid_backward", "tanh", "tanh_backward",
    "softplus", "softplus_backward", "heaviside", "heaviside_backward",
    "softmax", "softmax_backward", "log_softmax", "log_softmax_backward", "gemm",
    "gemm_batched",
]


# ------------------------------------------------- convolution and pooling
# (im2col/col2im and max/avg pooling live in native_conv.py)
from .native_conv import (avg_pool1d, avg_pool1d_backward, avg_pool2d,  # noqa: E402
                          avg_pool2d_backward, col2im, im2col, max_pool1d,
                          max_pool1d_backward, max_pool2d, max_pool2d_backward)
from .reference_conv import __all__ as _conv_names  # noqa: E402

__all__ = __all__ + list(_conv_names)


# ------------------------------------------------- optimizer updates
# Fused, one pass per parameter (csrc/optim.c); the same names as in reference.py.

def _state_buffer(buf, w, name):
    """A state buffer updated in place: it must already be w's shape, dtype and contiguous."""
    if not isinstance(buf, type(w)) or buf.shape != w.shape or buf.dtype != w.dtype \
            or not buf.flags.c_contiguous or not buf.flags.writeable:
        raise ValueError(f"{name} must be a writeable C-contiguous array of shape {w.shape} and "
                         f"dtype {w.dtype}, got "
                         f"{getattr(buf, 'shape', type(buf).__name__)} {getattr(buf, 'dtype', '')}")
    return buf.reshape(-1)


def _parameter(w):
    if float_input(w, "w") is not w or not w.flags.writeable:  # a copy would lose the update
        raise ValueError("the parameter w is updated in place: it must be a writeable "
                         "C-contiguous array")
    return w


def sgd_step(w, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
             first_step=False, tmp=None):
    """SGD, one fused pass (equations: reference.sgd_step).  ``tmp`` is not needed here."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    b = None
    if momentum:
        b = _state_buffer(buf, w, "buf (momentum buffer)")
    _C.sgd_step(w.reshape(-1), g.reshape(-1), b, float(lr), float(momentum), float(dampening),
                bool(nesterov), float(weight_decay), bool(first_step))


def adam_step(w, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,
              bias_correction1=1.0, bias_correction2=1.0, tmp=None):
    """Adam / AdamW, one fused pass (equations: reference.adam_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    m = _state_buffer(m, w, "m (exp_avg)")
    v = _state_buffer(v, w, "v (exp_avg_sq)")
    if vmax is not None:
        vmax = _state_buffer(vmax, w, "vmax (max_exp_avg_sq)")
    _C.adam_step(w.reshape(-1), g.reshape(-1), m, v, vmax, float(lr), float(beta1), float(beta2),
                 float(eps), float(weight_decay), bool(decoupled), float(bias_correction1),
                 float(bias_correction2))


def adagrad_step(w, g, state_sum, clr, eps, weight_decay=0.0, tmp=None):
    """Adagrad, one fused pass (equations: reference.adagrad_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    s = _state_buffer(state_sum, w, "state_sum (sum of squared gradients)")
    _C.adagrad_step(w.reshape(-1), g.reshape(-1), s, float(clr), float(eps), float(weight_decay))


def rmsprop_step(w, g, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay=0.0,
                 momentum=0.0, tmp=None):
    """RMSprop, one fused pass (equations: reference.rmsprop_step); centered when ``grad_avg``
    is not None.  ``tmp`` is not needed."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    v = _state_buffer(square_avg, w, "square_avg")
    a = None
    if grad_avg is not None:
        a = _state_buffer(grad_avg, w, "grad_avg")
    b = None
    if momentum:
        b = _state_buffer(momentum_buffer, w, "momentum_buffer")
    _C.rmsprop_step(w.reshape(-1), g.reshape(-1), v, a, b, float(lr), float(alpha), float(eps),
                    float(weight_decay), float(momentum))


__all__ = __all__ + ["sgd_step", "adam_step", "adagrad_step", "rmsprop_step"]
