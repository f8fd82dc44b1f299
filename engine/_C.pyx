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
# the kernel families, one .pxi file per csrc/ folder
# ---------------------------------------------------------------------------

include "_isa.pxi"            # CPU features, threads, instruction sets (csrc/common/)
include "_activation.pxi"     # activations, softmax (csrc/activation/)
include "_gemm.pxi"           # C = α·op(A)·op(B) + β·C (csrc/gemm/)
include "_conv.pxi"           # im2col/col2im, pooling (csrc/conv/)
include "_winograd.pxi"       # Winograd F(2×2, 3×3) transforms (csrc/conv/winograd*)
include "_optim.pxi"          # fused optimizer updates (csrc/optim/)
