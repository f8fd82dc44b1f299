# engine/_activations.pxi -- included by _C.pyx: the activation and softmax kernels.
# Conventions (1-D C-contiguous buffers, outputs passed in, checks before nogil): see _C.pyx.

# ---------------------------------------------------------------------------
# ReLU family
# ---------------------------------------------------------------------------

def relu_forward(const floating[::1] x, floating[::1] y):
    """y = max(0, x)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("relu_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_relu_forward_f32(&x[0], &y[0], n)
        else:
            eng_relu_forward_f64(&x[0], &y[0], n)


def relu_backward(const floating[::1] x, const floating[::1] gy, floating[::1] gx):
    """gx = gy * (x > 0)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("relu_backward", "gy", gy.shape[0], n)
    _check_size("relu_backward", "gx", gx.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_relu_backward_f32(&x[0], &gy[0], &gx[0], n)
        else:
            eng_relu_backward_f64(&x[0], &gy[0], &gx[0], n)


def leaky_relu_forward(const floating[::1] x, floating[::1] y, double slope):
    """y = x if x > 0 else slope * x"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("leaky_relu_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_leaky_relu_forward_f32(&x[0], &y[0], n, <float>slope)
        else:
            eng_leaky_relu_forward_f64(&x[0], &y[0], n, slope)


def leaky_relu_backward(const floating[::1] x, const floating[::1] gy, floating[::1] gx,
                        double slope):
    """gx = gy * (1 if x > 0 else slope)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("leaky_relu_backward", "gy", gy.shape[0], n)
    _check_size("leaky_relu_backward", "gx", gx.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_leaky_relu_backward_f32(&x[0], &gy[0], &gx[0], n, <float>slope)
        else:
            eng_leaky_relu_backward_f64(&x[0], &gy[0], &gx[0], n, slope)


def prelu_forward(const floating[::1] x, const floating[::1] w, floating[::1] y,
                  Py_ssize_t outer, Py_ssize_t channels, Py_ssize_t inner):
    """x viewed as (outer, channels, inner):  y = x if x > 0 else w[c] * x"""
    cdef Py_ssize_t n = x.shape[0]
    _check_shape("prelu_forward", n, outer, channels, inner, "outer, channels, inner")
    _check_size("prelu_forward", "w", w.shape[0], channels)
    _check_size("prelu_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_prelu_forward_f32(&x[0], &w[0], &y[0], outer, channels, inner)
        else:
            eng_prelu_forward_f64(&x[0], &w[0], &y[0], outer, channels, inner)


def prelu_backward(const floating[::1] x, const floating[::1] w, const floating[::1] gy,
                   floating[::1] gx, floating[::1] gw,
                   Py_ssize_t outer, Py_ssize_t channels, Py_ssize_t inner):
    """gx = gy * (1 if x > 0 else w[c]);  gw[c] = sum of gy*x over x <= 0 (overwritten)"""
    cdef Py_ssize_t n = x.shape[0], c
    _check_shape("prelu_backward", n, outer, channels, inner, "outer, channels, inner")
    _check_size("prelu_backward", "w", w.shape[0], channels)
    _check_size("prelu_backward", "gy", gy.shape[0], n)
    _check_size("prelu_backward", "gx", gx.shape[0], n)
    _check_size("prelu_backward", "gw", gw.shape[0], channels)
    if n == 0:
        for c in range(channels):
            gw[c] = 0
        return
    with nogil:
        if floating is float:
            eng_prelu_backward_f32(&x[0], &w[0], &gy[0], &gx[0], &gw[0], outer, channels, inner)
        else:
            eng_prelu_backward_f64(&x[0], &w[0], &gy[0], &gx[0], &gw[0], outer, channels, inner)


# ---------------------------------------------------------------------------
# ELU, sigmoid, tanh, softplus, heaviside
# ---------------------------------------------------------------------------

def elu_forward(const floating[::1] x, floating[::1] y, double alpha):
    """y = x if x > 0 else alpha * (exp(x) - 1)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("elu_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_elu_forward_f32(&x[0], &y[0], n, <float>alpha)
        else:
            eng_elu_forward_f64(&x[0], &y[0], n, alpha)


def elu_backward(const floating[::1] x, const floating[::1] gy, floating[::1] gx, double alpha):
    """gx = gy * (1 if x > 0 else alpha * exp(x))"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("elu_backward", "gy", gy.shape[0], n)
    _check_size("elu_backward", "gx", gx.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_elu_backward_f32(&x[0], &gy[0], &gx[0], n, <float>alpha)
        else:
            eng_elu_backward_f64(&x[0], &gy[0], &gx[0], n, alpha)


def sigmoid_forward(const floating[::1] x, floating[::1] y):
    """y = 1 / (1 + exp(-x))"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("sigmoid_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_sigmoid_forward_f32(&x[0], &y[0], n)
        else:
            eng_sigmoid_forward_f64(&x[0], &y[0], n)


def sigmoid_backward(const floating[::1] y, const floating[::1] gy, floating[::1] gx):
    """gx = gy * y * (1 - y), from the forward OUTPUT y"""
    cdef Py_ssize_t n = y.shape[0]
    _check_size("sigmoid_backward", "gy", gy.shape[0], n)
    _check_size("sigmoid_backward", "gx", gx.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_sigmoid_backward_f32(&y[0], &gy[0], &gx[0], n)
        else:
            eng_sigmoid_backward_f64(&y[0], &gy[0], &gx[0], n)


def tanh_forward(const floating[::1] x, floating[::1] y):
    """y = tanh(x)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("tanh_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_tanh_forward_f32(&x[0], &y[0], n)
        else:
            eng_tanh_forward_f64(&x[0], &y[0], n)


def tanh_backward(const floating[::1] y, const floating[::1] gy, floating[::1] gx):
    """gx = gy * (1 - y**2), from the forward OUTPUT y"""
    cdef Py_ssize_t n = y.shape[0]
    _check_size("tanh_backward", "gy", gy.shape[0], n)
    _check_size("tanh_backward", "gx", gx.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_tanh_backward_f32(&y[0], &gy[0], &gx[0], n)
        else:
            eng_tanh_backward_f64(&y[0], &gy[0], &gx[0], n)


def softplus_forward(const floating[::1] x, floating[::1] y):
    """y = log(1 + exp(x))"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("softplus_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_softplus_forward_f32(&x[0], &y[0], n)
        else:
            eng_softplus_forward_f64(&x[0], &y[0], n)


def softplus_backward(const floating[::1] x, const floating[::1] gy, floating[::1] gx):
    """gx = gy * sigmoid(x)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("softplus_backward", "gy", gy.shape[0], n)
    _check_size("softplus_backward", "gx", gx.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_softplus_backward_f32(&x[0], &gy[0], &gx[0], n)
        else:
            eng_softplus_backward_f64(&x[0], &gy[0], &gx[0], n)


def heaviside_forward(const floating[::1] x, floating[::1] y, double value_at_zero):
    """y = 1 if x > 0, value_at_zero if x == 0, 0 if x < 0 (NaN stays NaN)"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("heaviside_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_heaviside_forward_f32(&x[0], &y[0], n, <float>value_at_zero)
        else:
            eng_heaviside_forward_f64(&x[0], &y[0], n, value_at_zero)


# ---------------------------------------------------------------------------
# softmax / log-softmax over the middle axis of x viewed as (outer, n, inner)
# ---------------------------------------------------------------------------

def softmax_forward(const floating[::1] x, floating[::1] y,
                    Py_ssize_t outer, Py_ssize_t n, Py_ssize_t inner):
    """y = exp(x - max) / sum(exp(x - max)) along the middle axis"""
    cdef Py_ssize_t size = x.shape[0]
    _check_shape("softmax_forward", size, outer, n, inner, "outer, n, inner")
    _check_size("softmax_forward", "y", y.shape[0], size)
    if size == 0:
        return
    with nogil:
        if floating is float:
            eng_softmax_forward_f32(&x[0], &y[0], outer, n, inner)
        else:
            eng_softmax_forward_f64(&x[0], &y[0], outer, n, inner)


def softmax_backward(const floating[::1] y, const floating[::1] gy, floating[::1] gx,
                     Py_ssize_t outer, Py_ssize_t n, Py_ssize_t inner):
    """gx = y * (gy - sum(gy * y)) along the middle axis, from the OUTPUT y"""
    cdef Py_ssize_t size = y.shape[0]
    _check_shape("softmax_backward", size, outer, n, inner, "outer, n, inner")
    _check_size("softmax_backward", "gy", gy.shape[0], size)
    _check_size("softmax_backward", "gx", gx.shape[0], size)
    if size == 0:
        return
    with nogil:
        if floating is float:
            eng_softmax_backward_f32(&y[0], &gy[0], &gx[0], outer, n, inner)
        else:
            eng_softmax_backward_f64(&y[0], &gy[0], &gx[0], outer, n, inner)


def log_softmax_forward(const floating[::1] x, floating[::1] y,
                        Py_ssize_t outer, Py_ssize_t n, Py_ssize_t inner):
    """y = x - max - log(sum(exp(x - max))) along the middle axis"""
    cdef Py_ssize_t size = x.shape[0]
    _check_shape("log_softmax_forward", size, outer, n, inner, "outer, n, inner")
    _check_size("log_softmax_forward", "y", y.shape[0], size)
    if size == 0:
        return
    with nogil:
        if floating is float:
            eng_log_softmax_forward_f32(&x[0], &y[0], outer, n, inner)
        else:
            eng_log_softmax_forward_f64(&x[0], &y[0], outer, n, inner)


def log_softmax_backward(const floating[::1] y, const floating[::1] gy, floating[::1] gx,
                         Py_ssize_t outer, Py_ssize_t n, Py_ssize_t inner):
    """gx = gy - exp(y) * sum(gy) along the middle axis, from the OUTPUT y"""
    cdef Py_ssize_t size = y.shape[0]
    _check_shape("log_softmax_backward", size, outer, n, inner, "outer, n, inner")
    _check_size("log_softmax_backward", "gy", gy.shape[0], size)
    _check_size("log_softmax_backward", "gx", gx.shape[0], size)
    if size == 0:
        return
    with nogil:
        if floating is float:
            eng_log_softmax_backward_f32(&y[0], &gy[0], &gx[0], outer, n, inner)
        else:
            eng_log_softmax_backward_f64(&y[0], &gy[0], &gx[0], outer, n, inner)


# ---------------------------------------------------------------------------
# TEST HOOKS: the vectorised exp / expm1 / log1p of csrc/vmath.h, elementwise
# (through the selected ISA).  Not part of the public API.
# ---------------------------------------------------------------------------

def _vmath_exp(const floating[::1] x, floating[::1] y):
    """TEST HOOK: y = exp(x) computed by vmath.h"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("_vmath_exp", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_vexp_f32(&x[0], &y[0], n)
        else:
            eng_vexp_f64(&x[0], &y[0], n)


def _vmath_expm1(const floating[::1] x, floating[::1] y):
    """TEST HOOK: y = exp(x) - 1 computed by vmath.h"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("_vmath_expm1", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_vexpm1_f32(&x[0], &y[0], n)
        else:
            eng_vexpm1_f64(&x[0], &y[0], n)


def _vmath_log1p(const floating[::1] x, floating[::1] y):
    """TEST HOOK: y = log(1 + x) computed by vmath.h"""
    cdef Py_ssize_t n = x.shape[0]
    _check_size("_vmath_log1p", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            eng_vlog1p_f32(&x[0], &y[0], n)
        else:
            eng_vlog1p_f64(&x[0], &y[0], n)


# ---------------------------------------------------------------------------
# which instruction set the activation kernels use
# ---------------------------------------------------------------------------

def _activations_get():
    return eng_activations_isa().decode("ascii")


def _activations_set(str isa):
    return eng_activations_set_isa(isa.encode("ascii"))


def _activations_available(str isa):
    return bool(eng_activations_isa_available(isa.encode("ascii")))


_FAMILIES["activations"] = (_activations_get, _activations_set, _activations_available)
