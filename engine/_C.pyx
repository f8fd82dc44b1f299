# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""engine._C -- the compiled core: thin wrappers around the C kernels in csrc/.

Conventions for every kernel wrapper:

* arrays are 1-D, C-contiguous float32 or float64 buffers (callers pass
  ``arr.reshape(-1)``); all arrays of one call have the same dtype;
* outputs are passed in, preallocated, and filled; nothing is returned;
* an output may be the same array as an input (in-place use);
* every size check happens first, then the GIL is released for the C call (a small
  array keeps it: see _small_vector).

Which machine code runs (AVX-512, AVX2 or generic) is chosen at run time,
see :func:`kernel_isa` / :func:`set_kernel_isa`: each wrapper calls its kernel
through the table of the instruction set in use (csrc/common/isa.h).
"""

from cython cimport floating
from libc.stddef cimport ptrdiff_t
cimport numpy as _cnp           # NumPy's C API: array fields and new arrays without Python calls
import numpy as _np
cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX
_cnp.import_array()
cdef type _ndarray = _np.ndarray          # looked up once, not per call


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
# small 1-D arrays, read from NumPy's own fields
# ---------------------------------------------------------------------------
# A typed memoryview checks a buffer and says what is wrong with it, but taking one costs
# ~0.1 us, a fused `def` tries its types one by one, and giving up the GIL and taking it
# back costs as much again: ~0.3 us in all, as much as ReLU on a few thousand floats.
# Teaching-sized tensors are small, so the elementwise wrappers first try this path, and
# hand anything else (big, strided, of another type, not a NumPy array) to the memoryviews.

cdef Py_ssize_t _SMALL_VECTOR_MAX = 1 << 12    # elements: kept with the GIL (~1-3 us of work)


cdef struct _Vec:
    char *data
    Py_ssize_t n
    bint is_f64


cdef bint _small_vector(object x, bint writable, _Vec *out) noexcept:
    """Fill `out` from a NumPy array of at most _SMALL_VECTOR_MAX elements that needs no check
    beyond these: 1-D, C-contiguous, float32 or float64 in native byte order, aligned,
    writeable where asked.  False for anything else.  Nothing is held: the call keeps the
    GIL, and the caller's references keep the arrays."""
    if type(x) is not _ndarray:
        return False
    cdef _cnp.ndarray arr = <_cnp.ndarray>x
    cdef int kind = _cnp.PyArray_TYPE(arr)
    if (_cnp.PyArray_NDIM(arr) != 1 or (kind != _cnp.NPY_FLOAT32 and kind != _cnp.NPY_FLOAT64)
            or not _cnp.PyArray_ISCARRAY_RO(arr) or not _cnp.PyArray_ISNOTSWAPPED(arr)
            or (writable and not _cnp.PyArray_ISWRITEABLE(arr))
            or _cnp.PyArray_DIMS(arr)[0] > _SMALL_VECTOR_MAX):
        return False
    out.data = <char *>_cnp.PyArray_DATA(arr)
    out.n = _cnp.PyArray_DIMS(arr)[0]
    out.is_f64 = kind == _cnp.NPY_FLOAT64
    return True


cdef int _holds_doubles(str func, str name, object x) except -1:
    """1 if the array x holds float64 values, 0 for float32: the type the checked path tries
    (its memoryviews then say what else is wrong).  TypeError for anything else."""
    if x is None:
        raise TypeError(f"{func}: {name} must be a float32 or float64 array, got None")
    try:
        fmt = memoryview(x).format
    except TypeError:
        raise TypeError(f"{func}: {name} must be a NumPy array, got {type(x).__name__}") from None
    if fmt.lstrip("@=<>!") not in ("f", "d"):
        raise TypeError(f"{func}: {name} must be float32 or float64, got dtype "
                        f"{getattr(x, 'dtype', fmt)}")
    return fmt.endswith("d")


# ---------------------------------------------------------------------------
# the kernel families, one .pxi file per csrc/ folder
# ---------------------------------------------------------------------------

include "_isa.pxi"            # CPU features, threads, instruction sets (csrc/common/)
include "_activation.pxi"     # activations, softmax (csrc/activation/)
include "_gemm.pxi"           # C = α·op(A)·op(B) + β·C (csrc/gemm/)
include "_conv.pxi"           # im2col/col2im, pooling (csrc/conv/)
include "_winograd.pxi"       # Winograd F(2×2, 3×3) transforms (csrc/conv/winograd*)
include "_optim.pxi"          # fused optimizer updates (csrc/optim/)
