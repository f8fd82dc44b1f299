# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""engine._C -- the compiled core: thin wrappers around the C kernels in csrc/.

Conventions for every kernel wrapper:

* arrays are 1-D, C-contiguous float32 or float64 buffers (callers pass
  ``arr.reshape(-1)``); all arrays of one call have the same dtype;
* outputs are passed in, preallocated, and filled; nothing is returned;
* an output may be the same array as an input (in-place use);
* every size check happens first, then the GIL is released for the C call.

Which machine code runs (AVX-512, AVX2 or generic) is chosen at run time,
see :func:`kernel_isa` / :func:`set_kernel_isa`: each wrapper calls its kernel
through the table of the instruction set in use (csrc/common/isa.h).
"""

from cython cimport floating
from libc.stddef cimport ptrdiff_t
cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX


# ---------------------------------------------------------------------------
# size checks (with the GIL, before any C call)
# ---------------------------------------------------------------------------

cdef int _check_size(str func, str name, Py_ssize_t given, Py_ssize_t expected) except -1:
    if given != expected:
        raise ValueError(f"{func}: '{name}' has {given} elements, expected {expected}")
    return 0


cdef int _check_shape(str func, Py_ssize_t size, object a, object b, object c,
                      str names) except -1:
    """x.size must equal a*b*c (all ints >= 0); `names` names a, b, c for the message."""
    for value, name in zip((a, b, c), names.split(", ")):
        _size_arg(func, name, value)
    if a < 0 or b < 0 or c < 0:
        raise ValueError(f"{func}: ({names}) must be >= 0, got ({a}, {b}, {c})")
    total = (<object>a) * b * c          # Python int: cannot overflow
    if total != size:
        raise ValueError(f"{func}: x has {size} elements, but ({names}) = ({a}, {b}, {c}) "
                         f"needs {total}")
    return 0


# Overflow: every size the C code computes from user-given sizes (products like N·C·H·W,
# sums like H + 2·padding, window ends like (out − 1)·stride + dilation·(kernel − 1)) is
# first computed here with Python ints, which cannot overflow, and must fit the C type
# (ptrdiff_t = Py_ssize_t) before the C code sees it: the C code then never overflows.

cdef Py_ssize_t _fit(str func, str what, object value) except? -1:
    """`value` (a Python int computed from sizes) as a Py_ssize_t, or a ValueError saying that
    `what` is too large for the C code."""
    if not -PY_SSIZE_T_MAX - 1 <= value <= PY_SSIZE_T_MAX:
        raise ValueError(f"{func}: {what} = {value} is too large (more than {PY_SSIZE_T_MAX}, "
                         f"the largest size the C code can index)")
    return value


cdef Py_ssize_t _product(str func, str what, tuple factors) except? -1:
    """The product of the sizes `factors` as a Py_ssize_t, or ValueError if it overflows."""
    cdef object total = 1
    for f in factors:
        total *= f
    return _fit(func, f"{what} ({' * '.join(str(f) for f in factors)})", total)


cdef Py_ssize_t _size_arg(str func, str name, object value) except? -1:
    """A user-given size, stride, padding ... as a Py_ssize_t: TypeError unless an int
    (bool is not a size), ValueError if too large for the C code."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{func}: {name} must be an int, got {type(value).__name__} {value!r}")
    return _fit(func, name, value.__index__())


# ---------------------------------------------------------------------------
# the kernel families, one .pxi file per csrc/ folder
# ---------------------------------------------------------------------------

include "_isa.pxi"            # CPU features, threads, instruction sets (csrc/common/)
include "_activation.pxi"     # activations, softmax (csrc/activation/)
include "_gemm.pxi"           # C = α·op(A)·op(B) + β·C (csrc/gemm/)
include "_conv.pxi"           # im2col/col2im, pooling (csrc/conv/)
include "_winograd.pxi"       # Winograd F(2×2, 3×3) transforms (csrc/conv/winograd*)
include "_optim.pxi"          # fused optimizer updates (csrc/optim/)
