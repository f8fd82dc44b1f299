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
# kernel families
# ---------------------------------------------------------------------------

# family name -> (get current ISA, set ISA (C return code), is ISA available).
# Each family's .pxi file registers itself here when it is included below.
_FAMILIES = {}

include "_activations.pxi"    # activations, softmax (csrc/activations*)
include "_gemm.pxi"           # C = α·op(A)·op(B) + β·C (csrc/gemm/)
include "_conv.pxi"           # im2col/col2im, pooling (csrc/im2col.c, csrc/pool.c)
include "_optim.pxi"          # fused optimizer updates (csrc/optim.c)


# ---------------------------------------------------------------------------
# instruction sets, CPU features, threads
# ---------------------------------------------------------------------------

_ALL_ISAS = ("generic", "avx2", "avx512")


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
