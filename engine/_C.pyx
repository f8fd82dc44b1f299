# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""engine._C -- the compiled core: thin wrappers around the C kernels in csrc/.

Conventions for every kernel wrapper:

* arrays are 1-D, C-contiguous float32 or float64 buffers (callers pass
  ``arr.reshape(-1)``); all arrays of one call have the same dtype;
* outputs are passed in, preallocated, and filled; nothing is returned;
* an output may be the same array as an input (in-place use);
* every size check happens first, then the GIL is released for the C call.

Which machine code runs (AVX-512, AVX2 or generic) is chosen at run time,
see :func:`kernel_isa` / :func:`set_kernel_isa`.
"""

from cython cimport floating


# ---------------------------------------------------------------------------
# size checks (with the GIL, before any C call)
# ---------------------------------------------------------------------------

cdef int _check_size(str func, str name, Py_ssize_t given, Py_ssize_t expected) except -1:
    if given != expected:
        raise ValueError(f"{func}: '{name}' has {given} elements, expected {expected}")
    return 0


cdef int _check_shape(str func, Py_ssize_t size, Py_ssize_t a, Py_ssize_t b, Py_ssize_t c,
                      str names) except -1:
    """x.size must equal a*b*c (all >= 0); `names` names a, b, c for the message."""
    if a < 0 or b < 0 or c < 0:
        raise ValueError(f"{func}: ({names}) must be >= 0, got ({a}, {b}, {c})")
    total = (<object>a) * b * c          # Python int: cannot overflow
    if total != size:
        raise ValueError(f"{func}: x has {size} elements, but ({names}) = ({a}, {b}, {c}) "
                         f"needs {total}")
    return 0


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
# instruction sets, CPU features, threads
# ---------------------------------------------------------------------------

_ALL_ISAS = ("generic", "avx2", "avx512")


def _activations_get():
    return eng_activations_isa().decode("ascii")


def _activations_set(str isa):
    return eng_activations_set_isa(isa.encode("ascii"))


def _activations_available(str isa):
    return bool(eng_activations_isa_available(isa.encode("ascii")))


# family name -> (get current ISA, set ISA (C return code), is ISA available)
# Later kernel families ("gemm", "conv", ...) register here.
_FAMILIES = {
    "activations": (_activations_get, _activations_set, _activations_available),
}


def _family(str family):
    try:
        return _FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown kernel family {family!r}; "
                         f"known: {', '.join(sorted(_FAMILIES))}") from None


def kernel_isa(str family):
    """Name of the instruction set ("avx512", "avx2" or "generic") that the
    kernel family `family` (e.g. "activations") currently uses."""
    return _family(family)[0]()


def set_kernel_isa(str family, str isa):
    """Make kernel family `family` use instruction set `isa`
    ("generic", "avx2" or "avx512").  Raises ValueError for an unknown
    family or ISA name, or when this CPU cannot run that ISA."""
    getter, setter, available = _family(family)
    if isa not in _ALL_ISAS:
        raise ValueError(f"unknown ISA {isa!r}; expected one of {', '.join(_ALL_ISAS)}")
    rc = setter(isa)
    if rc == -1:
        raise ValueError(f"unknown ISA {isa!r} for kernel family {family!r}")
    if rc != 0:
        raise ValueError(f"cannot select ISA {isa!r} for {family!r}: "
                         f"this CPU does not support {isa} (or this build lacks it)")


def available_isas():
    """Instruction sets this CPU (and this build) can run, e.g.
    ["generic", "avx2", "avx512"]."""
    return [isa for isa in _ALL_ISAS if _activations_available(isa)]


def cpu_features():
    """Dict of x86 features relevant to the kernels, e.g. {"avx2": True, ...}.
    All False on non-x86 machines."""
    cdef unsigned bits = eng_cpu_feature_bits()
    return {
        "sse2": bool(bits & ENG_CPU_SSE2),
        "avx": bool(bits & ENG_CPU_AVX),
        "avx2": bool(bits & ENG_CPU_AVX2),
        "fma": bool(bits & ENG_CPU_FMA),
        "avx512f": bool(bits & ENG_CPU_AVX512F),
        "avx512dq": bool(bits & ENG_CPU_AVX512DQ),
        "avx512bw": bool(bits & ENG_CPU_AVX512BW),
        "avx512vl": bool(bits & ENG_CPU_AVX512VL),
        "avx512cd": bool(bits & ENG_CPU_AVX512CD),
    }


def set_num_threads(int n):
    """Use `n` threads (n >= 1) in all parallel kernels."""
    if n < 1:
        raise ValueError(f"set_num_threads: n must be >= 1, got {n}")
    eng_set_num_threads(n)


def get_num_threads():
    """Number of threads the parallel kernels use."""
    return eng_get_num_threads()


def openmp_enabled():
    """True if the kernels were compiled with OpenMP (else they run serially)."""
    return bool(eng_openmp_enabled())
