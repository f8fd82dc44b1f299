# engine/_isa.pxi -- included by _C.pyx: CPU features, threads, and which instruction set
# each kernel family uses (csrc/common/: cpu.h, and the one registry isa.h).

cdef extern from "common/cpu.h" nogil:
    enum:
        ENG_CPU_SSE2
        ENG_CPU_AVX
        ENG_CPU_AVX2
        ENG_CPU_FMA
        ENG_CPU_AVX512F
        ENG_CPU_AVX512DQ
        ENG_CPU_AVX512BW
        ENG_CPU_AVX512VL
        ENG_CPU_AVX512CD
    unsigned eng_cpu_feature_bits()
    void eng_set_num_threads(int n)
    void eng_set_num_threads_adaptive(int most, int start)
    int eng_get_num_threads()
    int eng_num_threads_set()
    int eng_max_threads()
    int eng_openmp_enabled()


cdef extern from "common/team.h" nogil:
    void eng_team_state(double out[8])
    int eng_team_judge(double alone, double wall, double now)
    double eng_team_now()


cdef extern from "common/isa.h" nogil:
    enum:
        ENG_FAMILY_ACTIVATIONS
        ENG_FAMILY_GEMM
        ENG_FAMILY_IM2COL
        ENG_FAMILY_OPTIM
        ENG_FAMILY_COUNT
    const void *eng_isa_table(int family)
    const char *eng_family_name(int family)
    const char *eng_isa_current(int family)
    int eng_isa_set(int family, const char *isa)
    int eng_isa_available(int family, const char *isa)
    int eng_isa_compiled(int family, const char *isa)
    const char *eng_build_arch()
    const char *eng_build_compiler()


# ---------------------------------------------------------------------------
# instruction sets
# ---------------------------------------------------------------------------

_ALL_ISAS = ("generic", "avx2", "avx512", "neon")   # csrc/common/isa.h's order
# the kernel families by name, in csrc/common/isa.h's order: ("activations", "gemm", ...)
KERNEL_FAMILIES = tuple(eng_family_name(f).decode("ascii") for f in range(ENG_FAMILY_COUNT))


cdef int _family(str family) except -1:
    """The ENG_FAMILY_* number of `family`, or ValueError."""
    if family not in KERNEL_FAMILIES:
        raise ValueError(f"unknown kernel family {family!r}; "
                         f"known: {', '.join(sorted(KERNEL_FAMILIES))}")
    return KERNEL_FAMILIES.index(family)


def kernel_isa(str family):
    """Name of the instruction set ("avx512", "avx2", "neon" or "generic") that the
    kernel family `family` (e.g. "activations") currently uses."""
    return eng_isa_current(_family(family)).decode("ascii")


def set_kernel_isa(str family, str isa):
    """Make kernel family `family` use instruction set `isa`
    ("generic", "avx2", "avx512" or "neon").  Raises ValueError for an unknown
    family or ISA name, or when this CPU cannot run that ISA."""
    cdef int index = _family(family)
    if isa not in _ALL_ISAS:
        raise ValueError(f"unknown ISA {isa!r}; expected one of {', '.join(_ALL_ISAS)}")
    rc = eng_isa_set(index, isa.encode("ascii"))
    if rc == -1:
        raise ValueError(f"unknown ISA {isa!r} for kernel family {family!r}")
    if rc != 0:
        raise ValueError(f"cannot select ISA {isa!r} for {family!r}: "
                         f"this CPU does not support {isa} (or this build lacks it)")


def available_isas():
    """Instruction sets this CPU (and this build) can run, e.g.
    ["generic", "avx2", "avx512"] (x86-64) or ["generic", "neon"] (aarch64)."""
    return [isa for isa in _ALL_ISAS
            if eng_isa_available(ENG_FAMILY_ACTIVATIONS, isa.encode("ascii"))]


def compiled_isas(str family):
    """Instruction sets this build compiled kernel family `family` for, whether or not this
    CPU runs them: ["generic", "avx2", "avx512"] on x86-64 with GCC or clang, ["generic",
    "neon"] for gemm and activations on aarch64, ["generic"] elsewhere."""
    cdef int index = _family(family)
    return [isa for isa in _ALL_ISAS if eng_isa_compiled(index, isa.encode("ascii"))]


def build_info():
    """How this extension was built: {"arch": "x86-64" | "aarch64" | "other",
    "compiler": "gcc 12.2.0" | "clang 14.0.6" | "msvc 1939" ..., "openmp": bool}."""
    return {"arch": eng_build_arch().decode("ascii"),
            "compiler": eng_build_compiler().decode("ascii"),
            "openmp": bool(eng_openmp_enabled())}


# ---------------------------------------------------------------------------
# CPU features, threads
# ---------------------------------------------------------------------------

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


def max_threads():
    """The largest thread count :func:`set_num_threads` accepts: 4 per logical CPU, at
    least 64 (csrc/common/cpu.c).  More threads than that only wait longer, and a count in
    the millions would make the OpenMP runtime fail and end the process."""
    return eng_max_threads()


def set_num_threads(n, adaptive=False, start=None):
    """Use `n` threads in all parallel kernels: an int from 1 to :func:`max_threads`.
    TypeError for anything but an int (bool, float, str ...), ValueError out of range.
    adaptive=True makes `n` the most: while other programs hold our cores, the kernels use
    fewer (csrc/common/team.h), starting afresh from `start` threads, or without `start`
    going on from where the adaptation to the same `n` was (else from `n`); engine's default
    count is set this way."""
    n = _thread_count("n", n)
    if not isinstance(adaptive, bool):
        raise TypeError(f"set_num_threads: adaptive must be True or False, got "
                        f"{type(adaptive).__name__} {adaptive!r}")
    s = 0 if start is None else _thread_count("start", start)
    if s > n:
        raise ValueError(f"set_num_threads: start must be at most n = {n}, got {s}")
    if adaptive:
        eng_set_num_threads_adaptive(n, s)
    else:
        eng_set_num_threads(n)


cdef int _thread_count(str name, n) except -1:
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise TypeError(f"set_num_threads: {name} must be an int, got {type(n).__name__} "
                        f"{n!r}")
    n = n.__index__()
    if n < 1 or n > eng_max_threads():
        raise ValueError(f"set_num_threads: {name} must be from 1 to {eng_max_threads()} "
                         f"(4 per logical CPU, at least 64), got {n}")
    return n


def get_num_threads():
    """Number of threads set for the parallel kernels (with adaptation: the most they use)."""
    return eng_num_threads_set()


def thread_adaptation():
    """The adapting thread count's state (csrc/common/team.h): a dict of ``in_use`` (threads
    the kernels use now), ``set`` (the most), ``adaptive`` (False: a fixed count is set),
    ``last_gain`` (the last window's speed-up over one thread, 0 before the first),
    ``windows`` judged, how often the count went ``down`` and ``up``, and ``backoff`` (the
    pause in seconds before the next try of one more thread)."""
    cdef double out[8]
    eng_team_state(out)
    fixed = out[2] == 0                     # (then the count set is the count used)
    return {"in_use": eng_num_threads_set() if fixed else int(out[0]),
            "set": eng_num_threads_set() if fixed else int(out[1]), "adaptive": not fixed,
            "last_gain": out[3], "windows": int(out[4]), "down": int(out[5]),
            "up": int(out[6]), "backoff": out[7]}


def threads_to_use():
    """The thread count the next parallel kernel asks for; with the adapting default, a try
    of one more thread that is due starts here."""
    return eng_get_num_threads()


def thread_adaptation_judge(double alone, double wall, double after=0.0):
    """For the tests: judge a window whose regions would take ``alone`` seconds on one
    thread and took ``wall`` seconds, ``after`` seconds from now, as the kernels do; returns
    the thread count then in use.  Needs ``set_num_threads(n, adaptive=True)``: with a fixed
    count nothing is judged, and that count is returned (the adaptation's own count, kept
    for later, may differ)."""
    if not (alone >= 0 and wall > 0):
        raise ValueError(f"thread_adaptation_judge: expected alone >= 0 and wall > 0, got "
                         f"{alone} and {wall}")
    eng_team_judge(alone, wall, eng_team_now() + after)
    return thread_adaptation()["in_use"]


def openmp_enabled():
    """True if the kernels were compiled with OpenMP (else they run serially)."""
    return bool(eng_openmp_enabled())
