# engine/_activation.pxi -- included by _C.pyx: the activation and softmax kernels
# (csrc/activation/).  Conventions (1-D C-contiguous buffers, outputs passed in, checks
# before nogil): see _C.pyx.
#
# Each wrapper checks its buffers, then calls its loop through the activation table of the
# instruction set in use (csrc/activation/activation.h, chosen by csrc/common/isa.h).
# The elementwise activations share two helpers, _forward and _backward: a wrapper only
# names its place in the table (ENG_RELU, ...: the list in csrc/activation/elementwise.h),
# and the C side (csrc/activation/spread.c) shares a big array among threads.  Small NumPy
# vectors take the short way in (_small_vector in _C.pyx), everything else typed memoryviews.

cdef extern from "activation/activation.h" nogil:
    enum:
        ENG_RELU
        ENG_LEAKY_RELU
        ENG_ELU
        ENG_SIGMOID
        ENG_TANH
        ENG_SOFTPLUS
        ENG_HEAVISIDE
        ENG_VEXP
        ENG_VEXPM1
        ENG_VLOG1P
    ctypedef void (*eng_rows_f32)(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n,
                                  ptrdiff_t inner) noexcept nogil
    ctypedef void (*eng_rows_f64)(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n,
                                  ptrdiff_t inner) noexcept nogil
    ctypedef void (*eng_rows_grad_f32)(const float *y, const float *gy, float *gx,
                                       ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner) noexcept nogil
    ctypedef void (*eng_rows_grad_f64)(const double *y, const double *gy, double *gx,
                                       ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner) noexcept nogil
    ctypedef struct eng_activation_table:
        void (*prelu_forward_f32)(const float *x, const float *w, float *y, ptrdiff_t outer,
                                  ptrdiff_t channels, ptrdiff_t inner) noexcept nogil
        void (*prelu_forward_f64)(const double *x, const double *w, double *y, ptrdiff_t outer,
                                  ptrdiff_t channels, ptrdiff_t inner) noexcept nogil
        void (*prelu_backward_f32)(const float *x, const float *w, const float *gy, float *gx,
                                   float *gw, ptrdiff_t outer, ptrdiff_t channels,
                                   ptrdiff_t inner) noexcept nogil
        void (*prelu_backward_f64)(const double *x, const double *w, const double *gy,
                                   double *gx, double *gw, ptrdiff_t outer, ptrdiff_t channels,
                                   ptrdiff_t inner) noexcept nogil
        eng_rows_f32 softmax_forward_f32, log_softmax_forward_f32
        eng_rows_f64 softmax_forward_f64, log_softmax_forward_f64
        eng_rows_grad_f32 softmax_backward_f32, log_softmax_backward_f32
        eng_rows_grad_f64 softmax_backward_f64, log_softmax_backward_f64
    void eng_activation_forward_f32(int tag, const float *x, float *y, ptrdiff_t n, float p)
    void eng_activation_forward_f64(int tag, const double *x, double *y, ptrdiff_t n, double p)
    void eng_activation_backward_f32(int tag, const float *a, const float *gy, float *gx,
                                     ptrdiff_t n, float p)
    void eng_activation_backward_f64(int tag, const double *a, const double *gy, double *gx,
                                     ptrdiff_t n, double p)


cdef inline const eng_activation_table *_activations() noexcept nogil:
    return <const eng_activation_table *>eng_isa_table(ENG_FAMILY_ACTIVATIONS)


# ---------------------------------------------------------------------------
# elementwise:  y = f(x; p)  and  gx = gy * f'(a; p)
# ---------------------------------------------------------------------------

cdef inline void _run_forward(int tag, bint is_f64, const void *x, void *y, Py_ssize_t n,
                              double p) noexcept nogil:
    if is_f64:
        eng_activation_forward_f64(tag, <const double *>x, <double *>y, n, p)
    else:
        eng_activation_forward_f32(tag, <const float *>x, <float *>y, n, <float>p)


cdef inline void _run_backward(int tag, bint is_f64, const void *a, const void *gy, void *gx,
                               Py_ssize_t n, double p) noexcept nogil:
    if is_f64:
        eng_activation_backward_f64(tag, <const double *>a, <const double *>gy, <double *>gx, n,
                                    p)
    else:
        eng_activation_backward_f32(tag, <const float *>a, <const float *>gy, <float *>gx, n,
                                    <float>p)


cdef int _forward(str func, int tag, object x, object y, double p) except -1:
    """y = f(x; p).  A small pair of NumPy vectors runs here, with the GIL (_small_vector);
    anything else goes through _forward_buffers, whose typed memoryviews say what is wrong."""
    cdef _Vec vx, vy
    if _small_vector(x, False, &vx) and _small_vector(y, True, &vy) and vx.is_f64 == vy.is_f64:
        _check_size(func, "y", vy.n, vx.n)
        _run_forward(tag, vx.is_f64, vx.data, vy.data, vx.n, p)
        return 0
    _not_none(func, (x, y))
    if _holds_doubles(func, "x", x):
        return _forward_buffers[double](func, tag, x, y, p)
    return _forward_buffers[float](func, tag, x, y, p)


cdef int _backward(str func, int tag, object a, object gy, object gx, double p) except -1:
    """gx = gy * f'(a; p), a: the forward's input x, or its output y (sigmoid, tanh); small
    vectors here, anything else through _backward_buffers (as _forward)."""
    cdef _Vec va, vgy, vgx
    if (_small_vector(a, False, &va) and _small_vector(gy, False, &vgy)
            and _small_vector(gx, True, &vgx) and va.is_f64 == vgy.is_f64 == vgx.is_f64):
        _check_size(func, "gy", vgy.n, va.n)
        _check_size(func, "gx", vgx.n, va.n)
        _run_backward(tag, va.is_f64, va.data, vgy.data, vgx.data, va.n, p)
        return 0
    _not_none(func, (a, gy, gx))
    if _holds_doubles(func, "a", a):
        return _backward_buffers[double](func, tag, a, gy, gx, p)
    return _backward_buffers[float](func, tag, a, gy, gx, p)


cdef int _not_none(str func, tuple arrays) except -1:
    """The memoryviews of a cdef function would take None (as an empty view): refuse it."""
    for a in arrays:
        if a is None:
            raise TypeError(f"{func}: expected float32 or float64 arrays, got None")
    return 0


cdef int _forward_buffers(str func, int tag, const floating[::1] x, floating[::1] y,
                          double p) except -1:
    cdef Py_ssize_t n = x.shape[0]
    _check_size(func, "y", y.shape[0], n)
    if n == 0:
        return 0
    with nogil:
        _run_forward(tag, floating is double, &x[0], &y[0], n, p)
    return 0


cdef int _backward_buffers(str func, int tag, const floating[::1] a, const floating[::1] gy,
                           floating[::1] gx, double p) except -1:
    cdef Py_ssize_t n = a.shape[0]
    _check_size(func, "gy", gy.shape[0], n)
    _check_size(func, "gx", gx.shape[0], n)
    if n == 0:
        return 0
    with nogil:
        _run_backward(tag, floating is double, &a[0], &gy[0], &gx[0], n, p)
    return 0


def relu_forward(x, y):
    """y = max(0, x)"""
    _forward("relu_forward", ENG_RELU, x, y, 0)


def relu_backward(x, gy, gx):
    """gx = gy * (x > 0)"""
    _backward("relu_backward", ENG_RELU, x, gy, gx, 0)


def leaky_relu_forward(x, y, double slope):
    """y = x if x > 0 else slope * x"""
    _forward("leaky_relu_forward", ENG_LEAKY_RELU, x, y, slope)


def leaky_relu_backward(x, gy, gx, double slope):
    """gx = gy * (1 if x > 0 else slope)"""
    _backward("leaky_relu_backward", ENG_LEAKY_RELU, x, gy, gx, slope)


def elu_forward(x, y, double alpha):
    """y = x if x > 0 else alpha * (exp(x) - 1)"""
    _forward("elu_forward", ENG_ELU, x, y, alpha)


def elu_backward(x, gy, gx, double alpha):
    """gx = gy * (1 if x > 0 else alpha * exp(x))"""
    _backward("elu_backward", ENG_ELU, x, gy, gx, alpha)


def sigmoid_forward(x, y):
    """y = 1 / (1 + exp(-x))"""
    _forward("sigmoid_forward", ENG_SIGMOID, x, y, 0)


def sigmoid_backward(y, gy, gx):
    """gx = gy * y * (1 - y), from the forward OUTPUT y"""
    _backward("sigmoid_backward", ENG_SIGMOID, y, gy, gx, 0)


def tanh_forward(x, y):
    """y = tanh(x)"""
    _forward("tanh_forward", ENG_TANH, x, y, 0)


def tanh_backward(y, gy, gx):
    """gx = gy * (1 - y**2), from the forward OUTPUT y"""
    _backward("tanh_backward", ENG_TANH, y, gy, gx, 0)


def softplus_forward(x, y):
    """y = log(1 + exp(x))"""
    _forward("softplus_forward", ENG_SOFTPLUS, x, y, 0)


def softplus_backward(x, gy, gx):
    """gx = gy * sigmoid(x)"""
    _backward("softplus_backward", ENG_SOFTPLUS, x, gy, gx, 0)


def heaviside_forward(x, y, double value_at_zero):
    """y = 1 if x > 0, value_at_zero if x == 0, 0 if x < 0 (NaN stays NaN)"""
    _forward("heaviside_forward", ENG_HEAVISIDE, x, y, value_at_zero)


# TEST HOOKS: the vectorised exp / expm1 / log1p of csrc/common/vmath.h, elementwise
# (through the selected ISA).  Not part of the public API.

def _vmath_exp(x, y):
    """TEST HOOK: y = exp(x) computed by vmath.h"""
    _forward("_vmath_exp", ENG_VEXP, x, y, 0)


def _vmath_expm1(x, y):
    """TEST HOOK: y = exp(x) - 1 computed by vmath.h"""
    _forward("_vmath_expm1", ENG_VEXPM1, x, y, 0)


def _vmath_log1p(x, y):
    """TEST HOOK: y = log(1 + x) computed by vmath.h"""
    _forward("_vmath_log1p", ENG_VLOG1P, x, y, 0)


# ---------------------------------------------------------------------------
# PReLU: x viewed as (outer, channels, inner), one slope w[c] per channel
# ---------------------------------------------------------------------------

def prelu_forward(const floating[::1] x not None, const floating[::1] w not None,
                  floating[::1] y not None, outer, channels, inner):
    """x viewed as (outer, channels, inner):  y = x if x > 0 else w[c] * x"""
    cdef Py_ssize_t n = x.shape[0]
    _check_shape("prelu_forward", n, outer, channels, inner, "outer, channels, inner")
    cdef Py_ssize_t o_ = outer, c_ = channels, i_ = inner   # in range: checked just above
    _check_size("prelu_forward", "w", w.shape[0], channels)
    _check_size("prelu_forward", "y", y.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            _activations().prelu_forward_f32(&x[0], &w[0], &y[0], o_, c_, i_)
        else:
            _activations().prelu_forward_f64(&x[0], &w[0], &y[0], o_, c_, i_)


def prelu_backward(const floating[::1] x not None, const floating[::1] w not None,
                   const floating[::1] gy not None, floating[::1] gx not None,
                   floating[::1] gw not None, outer, channels, inner):
    """gx = gy * (1 if x > 0 else w[c]);  gw[c] = sum of gy*x over x <= 0 (overwritten)"""
    cdef Py_ssize_t n = x.shape[0], c
    _check_shape("prelu_backward", n, outer, channels, inner, "outer, channels, inner")
    cdef Py_ssize_t o_ = outer, c_ = channels, i_ = inner   # in range: checked just above
    _check_size("prelu_backward", "w", w.shape[0], channels)
    _check_size("prelu_backward", "gy", gy.shape[0], n)
    _check_size("prelu_backward", "gx", gx.shape[0], n)
    _check_size("prelu_backward", "gw", gw.shape[0], channels)
    if n == 0:
        for c in range(c_):
            gw[c] = 0
        return
    with nogil:
        if floating is float:
            _activations().prelu_backward_f32(&x[0], &w[0], &gy[0], &gx[0], &gw[0],
                                              o_, c_, i_)
        else:
            _activations().prelu_backward_f64(&x[0], &w[0], &gy[0], &gx[0], &gw[0],
                                              o_, c_, i_)


# ---------------------------------------------------------------------------
# softmax / log-softmax over the middle axis of x viewed as (outer, n, inner)
# ---------------------------------------------------------------------------

cdef bint _small_rows(object outer, object n, object inner, Py_ssize_t size,
                      Py_ssize_t *dims) noexcept:
    """The sizes (outer, n, inner) of a small array of `size` elements as C ints, when they are
    plain ints of at least 1 whose product is `size` (the short way in; anything else is
    checked by _check_shape)."""
    if not (type(outer) is int and type(n) is int and type(inner) is int):
        return False
    if not (0 < outer <= size and 0 < n <= size and 0 < inner <= size):
        return False        # also keeps the product below size**3: no overflow
    dims[0], dims[1], dims[2] = outer, n, inner
    return dims[0] * dims[1] * dims[2] == size


cdef inline void _run_rows_forward(bint log, bint is_f64, const void *x, void *y,
                                   Py_ssize_t outer, Py_ssize_t n,
                                   Py_ssize_t inner) noexcept nogil:
    cdef const eng_activation_table *t = _activations()
    if is_f64:
        (t.log_softmax_forward_f64 if log else t.softmax_forward_f64)(
            <const double *>x, <double *>y, outer, n, inner)
    else:
        (t.log_softmax_forward_f32 if log else t.softmax_forward_f32)(
            <const float *>x, <float *>y, outer, n, inner)


cdef inline void _run_rows_backward(bint log, bint is_f64, const void *y, const void *gy,
                                    void *gx, Py_ssize_t outer, Py_ssize_t n,
                                    Py_ssize_t inner) noexcept nogil:
    cdef const eng_activation_table *t = _activations()
    if is_f64:
        (t.log_softmax_backward_f64 if log else t.softmax_backward_f64)(
            <const double *>y, <const double *>gy, <double *>gx, outer, n, inner)
    else:
        (t.log_softmax_backward_f32 if log else t.softmax_backward_f32)(
            <const float *>y, <const float *>gy, <float *>gx, outer, n, inner)


cdef int _rows_forward(str func, bint log, object x, object y, object outer, object n,
                       object inner) except -1:
    """softmax or log_softmax: small vectors here, with the GIL (_small_vector), anything else
    through _rows_forward_buffers."""
    cdef _Vec vx, vy
    cdef Py_ssize_t dims[3]
    if (_small_vector(x, False, &vx) and _small_vector(y, True, &vy) and vx.is_f64 == vy.is_f64
            and vx.n == vy.n and _small_rows(outer, n, inner, vx.n, dims)):
        _run_rows_forward(log, vx.is_f64, vx.data, vy.data, dims[0], dims[1], dims[2])
        return 0
    _not_none(func, (x, y))
    if _holds_doubles(func, "x", x):
        return _rows_forward_buffers[double](func, log, x, y, outer, n, inner)
    return _rows_forward_buffers[float](func, log, x, y, outer, n, inner)


cdef int _rows_backward(str func, bint log, object y, object gy, object gx, object outer,
                        object n, object inner) except -1:
    """Their backwards, from the forward's output y: small vectors here, anything else through
    _rows_backward_buffers."""
    cdef _Vec vy, vgy, vgx
    cdef Py_ssize_t dims[3]
    if (_small_vector(y, False, &vy) and _small_vector(gy, False, &vgy)
            and _small_vector(gx, True, &vgx) and vy.is_f64 == vgy.is_f64 == vgx.is_f64
            and vy.n == vgy.n == vgx.n and _small_rows(outer, n, inner, vy.n, dims)):
        _run_rows_backward(log, vy.is_f64, vy.data, vgy.data, vgx.data, dims[0], dims[1],
                           dims[2])
        return 0
    _not_none(func, (y, gy, gx))
    if _holds_doubles(func, "y", y):
        return _rows_backward_buffers[double](func, log, y, gy, gx, outer, n, inner)
    return _rows_backward_buffers[float](func, log, y, gy, gx, outer, n, inner)


cdef int _rows_forward_buffers(str func, bint log, const floating[::1] x, floating[::1] y,
                               object outer, object n, object inner) except -1:
    cdef Py_ssize_t size = x.shape[0]
    _check_shape(func, size, outer, n, inner, "outer, n, inner")
    cdef Py_ssize_t o_ = outer, n_ = n, i_ = inner     # in range: checked just above
    _check_size(func, "y", y.shape[0], size)
    if size == 0:
        return 0
    with nogil:
        _run_rows_forward(log, floating is double, &x[0], &y[0], o_, n_, i_)
    return 0


cdef int _rows_backward_buffers(str func, bint log, const floating[::1] y,
                                const floating[::1] gy, floating[::1] gx, object outer,
                                object n, object inner) except -1:
    cdef Py_ssize_t size = y.shape[0]
    _check_shape(func, size, outer, n, inner, "outer, n, inner")
    cdef Py_ssize_t o_ = outer, n_ = n, i_ = inner     # in range: checked just above
    _check_size(func, "gy", gy.shape[0], size)
    _check_size(func, "gx", gx.shape[0], size)
    if size == 0:
        return 0
    with nogil:
        _run_rows_backward(log, floating is double, &y[0], &gy[0], &gx[0], o_, n_, i_)
    return 0


def softmax_forward(x, y, outer, n, inner):
    """y = exp(x - max) / sum(exp(x - max)) along the middle axis"""
    _rows_forward("softmax_forward", False, x, y, outer, n, inner)


def softmax_backward(y, gy, gx, outer, n, inner):
    """gx = y * (gy - sum(gy * y)) along the middle axis, from the OUTPUT y"""
    _rows_backward("softmax_backward", False, y, gy, gx, outer, n, inner)


def log_softmax_forward(x, y, outer, n, inner):
    """y = x - max - log(sum(exp(x - max))) along the middle axis"""
    _rows_forward("log_softmax_forward", True, x, y, outer, n, inner)


def log_softmax_backward(y, gy, gx, outer, n, inner):
    """gx = gy - exp(y) * sum(gy) along the middle axis, from the OUTPUT y"""
    _rows_backward("log_softmax_backward", True, y, gy, gx, outer, n, inner)
