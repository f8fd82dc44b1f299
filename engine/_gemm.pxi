# engine/_gemm.pxi -- included by _C.pyx: general matrix multiply (csrc/gemm/).
#
# Unlike the elementwise kernels, GEMM takes 2-D (or batched 3-D) arrays with
# any strides: the C code reads every operand through (row stride, column
# stride), so views, slices with steps and transposes cost no copy.  A NumPy
# array in native byte order is read from its own fields (NumPy's C API); anything
# else through the buffer protocol, whose checks say what is wrong (both cheaper than
# typed memoryviews: a 2 x 2 product must cost a few microseconds, not ten).

from cpython.buffer cimport (PyObject_GetBuffer, PyBuffer_Release, PyBUF_RECORDS_RO,
                             PyBUF_RECORDS)

# A 64 x 64 product takes ~2.3 us, so the fixed cost of a call counts: the array type is
# looked up once, not per call (_C.pyx).
cdef double _GEMM_KEEP_GIL_MAX = 1 << 20      # multiply-adds (~100^3)


cdef extern from "gemm/gemm.h" nogil:
    void eng_gemm_f32(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                      const float *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                      const float *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                      float beta, float *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
    void eng_gemm_f64(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
                      const double *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                      const double *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                      double beta, double *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
    void eng_gemm_reference_f32(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                                const float *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                                const float *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                                float beta, float *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
    void eng_gemm_reference_f64(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
                                const double *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                                const double *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                                double beta, double *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
    void eng_gemm_set_blocking(int kc, int mc, int nc, long small_max)
    void eng_gemm_get_blocking(int is_f64, long out[6])
    void eng_gemm_set_shape(int shape, int direct_b, int direct_a, int edge)
    void eng_gemm_set_dot(int mode)
    void eng_gemm_set_ragged(int mode)
    int eng_gemm_num_shapes(int is_f64)
    double eng_measure_peak_gflops(int is_f64, const char *isa, int threads)


# One operand as the C code sees it: base pointer, sizes and strides in
# elements; `buf` keeps the buffer (released by _release).
cdef struct _Mat:
    char *data
    Py_ssize_t batch, rows, cols
    Py_ssize_t bs, rs, cs          # batch, row and column strides, in elements
    int is_f64
    Py_buffer buf
    bint held


cdef int _acquire(str func, str name, object x, int ndim, bint writable, _Mat *out) except -1:
    """Fill `out` from the array `x` (ndim 2 or 3, float32/float64), or raise."""
    if _from_fields(x, ndim, writable, out):
        return 0
    if not isinstance(x, _ndarray):
        raise TypeError(f"{func}: {name} must be a NumPy array, got {type(x).__name__}")
    try:
        PyObject_GetBuffer(x, &out.buf, PyBUF_RECORDS if writable else PyBUF_RECORDS_RO)
    except (BufferError, ValueError):
        raise ValueError(f"{func}: {name} must be a writeable array") from None
    out.held = True
    if out.buf.ndim != ndim:
        raise ValueError(f"{func}: {name} must be {ndim}-D, got shape {x.shape}")
    cdef const char *fmt = out.buf.format
    if fmt[0] == b'f' and fmt[1] == 0:
        out.is_f64 = 0
    elif fmt[0] == b'd' and fmt[1] == 0:
        out.is_f64 = 1
    else:
        raise TypeError(f"{func}: {name} must be float32 or float64, got dtype {x.dtype}")
    cdef Py_ssize_t size = out.buf.itemsize, d
    for d in range(ndim):
        if out.buf.strides[d] % size != 0:
            raise ValueError(f"{func}: {name}'s strides {x.strides} are not whole elements")
    _fill(out, <char *>out.buf.buf, out.buf.shape, out.buf.strides, ndim, size)
    return 0


cdef bint _from_fields(object x, int ndim, bint writable, _Mat *out) noexcept:
    """Fill `out` from the fields of a NumPy array that needs no check beyond these: ndim
    dimensions, float32 or float64 in native byte order, aligned (so every stride is whole
    elements), writeable where asked.  False for anything else: the buffer protocol then
    reads it, and the checks there say what is wrong.  (Taking three buffers costs more than
    reading these fields, which counts in a product of a few microseconds.)  Nothing is
    held: the caller's references keep the arrays, and
    a product that lets go of the GIL takes their buffers first (_hold)."""
    if type(x) is not _ndarray:
        return False
    cdef _cnp.ndarray arr = <_cnp.ndarray>x
    cdef int kind = _cnp.PyArray_TYPE(arr)
    if (_cnp.PyArray_NDIM(arr) != ndim or (kind != _cnp.NPY_FLOAT32 and kind != _cnp.NPY_FLOAT64)
            or not _cnp.PyArray_ISNOTSWAPPED(arr) or not _cnp.PyArray_ISALIGNED(arr)
            or (writable and not _cnp.PyArray_ISWRITEABLE(arr))):
        return False
    cdef Py_ssize_t size = 8 if kind == _cnp.NPY_FLOAT64 else 4, d
    for d in range(ndim):
        if _cnp.PyArray_STRIDES(arr)[d] % size != 0:
            return False
    out.is_f64 = kind == _cnp.NPY_FLOAT64
    out.held = False
    _fill(out, <char *>_cnp.PyArray_DATA(arr), <Py_ssize_t *>_cnp.PyArray_DIMS(arr),
          <Py_ssize_t *>_cnp.PyArray_STRIDES(arr), ndim, size)
    return True


cdef inline void _fill(_Mat *out, char *data, const Py_ssize_t *shape,
                       const Py_ssize_t *strides, int ndim, Py_ssize_t size) noexcept:
    """Sizes and strides (in elements) of an ndim-D operand."""
    out.data = data
    out.batch = shape[0] if ndim == 3 else 1
    out.bs = strides[0] // size if ndim == 3 else 0
    out.rows = shape[ndim - 2]
    out.cols = shape[ndim - 1]
    out.rs = strides[ndim - 2] // size
    out.cs = strides[ndim - 1] // size


cdef int _hold(object x, bint writable, _Mat *m) except -1:
    """Take x's buffer (if _from_fields did not): while it is held, NumPy refuses to resize
    or free x's memory, which another thread could otherwise do while the product runs
    without the GIL."""
    if not m.held:
        PyObject_GetBuffer(x, &m.buf, PyBUF_RECORDS if writable else PyBUF_RECORDS_RO)
        m.held = True
    return 0


cdef inline void _release(_Mat *x):
    if x.held:
        PyBuffer_Release(&x.buf)
        x.held = False


cdef inline void _transpose(_Mat *x):
    """op(X) = Xᵀ: the same memory with rows and columns swapped."""
    x.rows, x.cols = x.cols, x.rows
    x.rs, x.cs = x.cs, x.rs


cdef void _extent(const _Mat *x, char **lo, char **hi):
    """The first and one-past-last byte that `x` can touch."""
    cdef Py_ssize_t size = 8 if x.is_f64 else 4
    cdef Py_ssize_t low = 0, high = 0, d
    cdef Py_ssize_t spans[3]          # a C array: a tuple here would box each number
    spans[0] = (x.batch - 1) * x.bs
    spans[1] = (x.rows - 1) * x.rs
    spans[2] = (x.cols - 1) * x.cs
    for d in range(3):
        if spans[d] < 0:
            low += spans[d]
        else:
            high += spans[d]
    lo[0] = x.data + low * size
    hi[0] = x.data + (high + 1) * size


cdef bint _overlap(const _Mat *x, const _Mat *y):
    if x.batch == 0 or x.rows == 0 or x.cols == 0 or y.batch == 0 or y.rows == 0 or y.cols == 0:
        return False
    cdef char *xlo
    cdef char *xhi
    cdef char *ylo
    cdef char *yhi
    _extent(x, &xlo, &xhi)
    _extent(y, &ylo, &yhi)
    return xlo < yhi and ylo < xhi


cdef void _run_gemm(const _Mat *A, const _Mat *B, const _Mat *C, Py_ssize_t m, Py_ssize_t n,
                    Py_ssize_t k, double alpha, double beta, bint reference) noexcept nogil:
    """The checked product, matrix by matrix of the batch."""
    cdef Py_ssize_t i
    for i in range(A.batch):
        if A.is_f64 and reference:
            eng_gemm_reference_f64(m, n, k, alpha,
                <const double *>A.data + i * A.bs, A.rs, A.cs,
                <const double *>B.data + i * B.bs, B.rs, B.cs,
                beta, <double *>C.data + i * C.bs, C.rs, C.cs)
        elif A.is_f64:
            eng_gemm_f64(m, n, k, alpha,
                <const double *>A.data + i * A.bs, A.rs, A.cs,
                <const double *>B.data + i * B.bs, B.rs, B.cs,
                beta, <double *>C.data + i * C.bs, C.rs, C.cs)
        elif reference:
            eng_gemm_reference_f32(m, n, k, <float>alpha,
                <const float *>A.data + i * A.bs, A.rs, A.cs,
                <const float *>B.data + i * B.bs, B.rs, B.cs,
                <float>beta, <float *>C.data + i * C.bs, C.rs, C.cs)
        else:
            eng_gemm_f32(m, n, k, <float>alpha,
                <const float *>A.data + i * A.bs, A.rs, A.cs,
                <const float *>B.data + i * B.bs, B.rs, B.cs,
                <float>beta, <float *>C.data + i * C.bs, C.rs, C.cs)


cdef object _gemm(str func, a, b, c, double alpha, double beta, bint trans_a, bint trans_b,
                  int ndim, bint reference):
    cdef _Mat A, B, C
    A.held = B.held = C.held = False
    cdef Py_ssize_t m, n, k, batch
    cdef _cnp.npy_intp dims[3]
    try:
        _acquire(func, "a", a, ndim, False, &A)
        _acquire(func, "b", b, ndim, False, &B)
        if A.is_f64 != B.is_f64:
            raise TypeError(f"{func}: a and b must have one dtype, got {a.dtype} and {b.dtype}")
        if trans_a:
            _transpose(&A)
        if trans_b:
            _transpose(&B)
        m, k, n = A.rows, A.cols, B.cols
        if B.rows != k:
            raise ValueError(f"{func}: op(a) is ({m}, {k}) and op(b) is ({B.rows}, {n}): "
                             f"inner sizes {k} and {B.rows} differ")
        batch = A.batch
        if B.batch != batch:
            raise ValueError(f"{func}: a and b must have the same batch size, "
                             f"got {A.batch} and {B.batch}")
        if c is None:
            dims[0], dims[1], dims[2] = batch, m, n             # (batch,) m, n
            c = _cnp.PyArray_EMPTY(ndim, &dims[3 - ndim],
                                   _cnp.NPY_FLOAT64 if A.is_f64 else _cnp.NPY_FLOAT32, 0)
            beta = 0.0
        _acquire(func, "c", c, ndim, True, &C)
        if C.is_f64 != A.is_f64:
            raise TypeError(f"{func}: c must be a {a.dtype} array, got {c.dtype}")
        if C.batch != batch or C.rows != m or C.cols != n:
            shape = (<object>m, <object>n) if ndim == 2 else (<object>batch, <object>m, <object>n)
            raise ValueError(f"{func}: c must have shape {shape}, got {c.shape}")
        if _overlap(&C, &A) or _overlap(&C, &B):
            # c is written while a and b are still being read: work on copies
            _release(&A)
            _release(&B)
            return _gemm(func, _np.array(a), _np.array(b), c, alpha, beta,
                         trans_a, trans_b, ndim, reference)
        # A product of a few microseconds keeps the GIL: giving it up and taking it back
        # would cost more than another thread could do meanwhile.
        if <double>batch * m * n * k > _GEMM_KEEP_GIL_MAX:
            _hold(a, False, &A)
            _hold(b, False, &B)
            _hold(c, True, &C)
            with nogil:
                _run_gemm(&A, &B, &C, m, n, k, alpha, beta, reference)
        else:
            _run_gemm(&A, &B, &C, m, n, k, alpha, beta, reference)
    finally:
        _release(&A)
        _release(&B)
        _release(&C)
    return c


def gemm(a, b, c=None, double alpha=1.0, double beta=0.0, bint trans_a=False,
         bint trans_b=False):
    """C = α·op(A)·op(B) + β·C for 2-D float32/float64 arrays of any strides.

    op(X) is X, or Xᵀ when trans_x is true (no copy: the strides are swapped).
    ``c`` (m, n) is updated in place and returned; without it a new array is
    returned (β is then ignored).  β = 0 overwrites c, NaN included.  Big-endian or
    misaligned operands are read through a native copy.
    """
    return _gemm_readable("gemm", a, b, c, alpha, beta, trans_a, trans_b, 2)


def gemm_batched(a, b, c=None, double alpha=1.0, double beta=0.0, bint trans_a=False,
                 bint trans_b=False):
    """gemm for each i of a batch: C[i] = α·op(A[i])·op(B[i]) + β·C[i] (3-D arrays)."""
    return _gemm_readable("gemm_batched", a, b, c, alpha, beta, trans_a, trans_b, 3)


cdef object _gemm_readable(str func, a, b, c, double alpha, double beta, bint trans_a,
                           bint trans_b, int ndim):
    """_gemm, and when it refuses an operand that is only big-endian or misaligned, _gemm
    again on a readable copy of it (the refusal comes before any work: nothing was written)."""
    try:
        return _gemm(func, a, b, c, alpha, beta, trans_a, trans_b, ndim, False)
    except (TypeError, ValueError):
        a2, b2 = _readable(a), _readable(b)
        if a2 is a and b2 is b:
            raise
        return _gemm(func, a2, b2, c, alpha, beta, trans_a, trans_b, ndim, False)


cdef object _readable(x):
    """An operand as the C GEMM reads it: a big-endian or misaligned float array (a file's
    bytes, a buffer at an odd offset), which the buffer protocol hands over in a format the
    checks refuse, as a native, aligned copy (``backend._checks.native_layout``); anything
    else untouched, for the checks to refuse with their message.  Only tried after a
    refusal: the common call pays nothing for it."""
    if type(x) is _ndarray and x.dtype.kind == "f":
        from .backend._checks import native_layout    # (engine.backend imports this module)
        return native_layout(x)
    return x


def gemm_reference(a, b, c=None, double alpha=1.0, double beta=0.0, bint trans_a=False,
                   bint trans_b=False):
    """gemm by the C triple loop (no packing, no threads): the textbook definition."""
    return _gemm("gemm_reference", a, b, c, alpha, beta, trans_a, trans_b, 2, True)


def gemm_set_blocking(kc=0, mc=0, nc=0, small_max=-1):
    """Override GEMM's cache blocks KC, MC, NC (0: default) and the small-matrix
    limit on m·n·k (-1: default).  For tests: tiny blocks cross every boundary
    with small matrices.  Call with no arguments to restore the defaults.
    Blocks are ints from 0 to 2**31 - 1 (the C code's int); small_max from -1 to
    2**31 - 1 (a C long on every platform)."""
    cdef int blocks[3]
    for i, (name, value) in enumerate((("kc", kc), ("mc", mc), ("nc", nc))):
        v = _size_arg("gemm_set_blocking", name, value)
        if not 0 <= v <= 2147483647:
            raise ValueError(f"gemm_set_blocking: {name} must be from 0 to 2**31 - 1, got {value}")
        blocks[i] = v
    limit = _size_arg("gemm_set_blocking", "small_max", small_max)
    if not -1 <= limit <= 2147483647:
        raise ValueError(f"gemm_set_blocking: small_max must be from -1 to 2**31 - 1, "
                         f"got {small_max}")
    eng_gemm_set_blocking(blocks[0], blocks[1], blocks[2], limit)


def gemm_set_shape(shape=-1, direct_b=-1, direct_a=-1, edge=-1):
    """Force GEMM's register-block shape (0: the ISA's main one, 1, 2, 3: its shapes for
    few rows; -1: chosen per call), direct B (1: read B in place when its rows are
    contiguous, 0: always pack, -1: when it pays), direct A (the same for A, where the
    ISA has a direct-A kernel) and edge tiles (1 or -1: written in place with masks, where
    the ISA has edge kernels; 0: through a scratch tile).  For tests; no arguments:
    automatic."""
    if not -1 <= _size_arg("gemm_set_shape", "shape", shape) < 8:
        raise ValueError(f"gemm_set_shape: shape must be -1 or 0..7, got {shape}")
    for name, value in (("direct_b", direct_b), ("direct_a", direct_a), ("edge", edge)):
        if not -1 <= _size_arg("gemm_set_shape", name, value) <= 1:
            raise ValueError(f"gemm_set_shape: {name} must be -1, 0 or 1, got {value}")
    eng_gemm_set_shape(shape, direct_b, direct_a, edge)


def gemm_set_dot(mode=-1):
    """Force GEMM's dot-product path for C with few entries and a long k (1: whenever
    op(A)'s rows and op(B)'s columns are contiguous and m·n <= 2²⁰, 0: never, -1: when
    it pays).  For tests; no arguments: automatic."""
    if not -1 <= _size_arg("gemm_set_dot", "mode", mode) <= 1:
        raise ValueError(f"gemm_set_dot: mode must be -1, 0 or 1, got {mode}")
    eng_gemm_set_dot(mode)


def gemm_set_ragged(mode=-1):
    """Force GEMM's ragged-columns path: C's last n % lanes columns (1 to 4 of them) as dot
    products (1: whenever op(A)'s rows are contiguous and the instruction set has the
    kernel, 0: never, -1: when it pays).  For tests; no arguments: automatic."""
    if not -1 <= _size_arg("gemm_set_ragged", "mode", mode) <= 1:
        raise ValueError(f"gemm_set_ragged: mode must be -1, 0 or 1, got {mode}")
    eng_gemm_set_ragged(mode)


def gemm_num_shapes(dtype="float32"):
    """How many register-block shapes the current GEMM ISA has for ``dtype``."""
    name = _np.dtype(dtype).name
    if name not in ("float32", "float64"):
        raise TypeError(f"gemm_num_shapes: dtype must be float32 or float64, got {name}")
    return eng_gemm_num_shapes(name == "float64")


def gemm_blocking(dtype="float32"):
    """The block sizes in use for ``dtype``: dict of mr, nr, kc, mc, nc, small_max."""
    cdef long out[6]
    name = _np.dtype(dtype).name
    if name not in ("float32", "float64"):
        raise TypeError(f"gemm_blocking: dtype must be float32 or float64, got {name}")
    eng_gemm_get_blocking(name == "float64", out)
    return dict(zip(("mr", "nr", "kc", "mc", "nc", "small_max"), [out[i] for i in range(6)]))


def measure_peak_gflops(dtype="float32", isa=None, threads=1):
    """Peak GFLOP/s of ``threads`` cores for ``dtype`` with instruction set ``isa``
    (default: the one GEMM uses), measured by an FMA-throughput loop (~0.2 s)."""
    name = _np.dtype(dtype).name
    if name not in ("float32", "float64"):
        raise TypeError(f"measure_peak_gflops: dtype must be float32 or float64, got {name}")
    if isa is None:
        isa = kernel_isa("gemm")
    if isinstance(threads, bool) or not hasattr(threads, "__index__"):
        raise TypeError(f"measure_peak_gflops: threads must be an int, got "
                        f"{type(threads).__name__} {threads!r}")
    if not 1 <= threads <= eng_max_threads():
        raise ValueError(f"measure_peak_gflops: threads must be from 1 to {eng_max_threads()} "
                         f"(see max_threads()), got {threads}")
    cdef int nthreads = threads
    cdef bytes isa_b = str(isa).encode("ascii")
    cdef const char *isa_c = isa_b
    cdef int is_f64 = name == "float64"
    cdef double result
    with nogil:
        result = eng_measure_peak_gflops(is_f64, isa_c, nthreads)
    if result < 0:
        raise ValueError(f"measure_peak_gflops: this CPU cannot run ISA {isa!r}")
    return result

