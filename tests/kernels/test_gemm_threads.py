"""The GEMM from several Python threads: its packed buffers belong to the thread that packs
into them and go when it ends, and its tuning settings may change under a running product.

Each thread keeps its buffers between products (csrc/gemm/workspace.c). They used to hang
from a ``__thread`` pointer, which nothing frees when the thread ends: every Python thread
that multiplied and ended (and each OpenMP worker of its team) left about a megabyte behind
for a 512 × 512 product, for ever (about 55 MiB over the 48 threads below). Now a thread's
end frees them, and the next thread's malloc gets the same memory back: the process does not
grow with the number of threads it has run.
"""
import os
import threading

import numpy as np
import pytest
from thread_helpers import busy_switching, in_thread, run_in_threads

import engine

pytestmark = pytest.mark.skipif(not engine.backend.native_available(),
                                reason="engine._C not built")

THREADS = 48
ALLOWED_GROWTH = 24 * 2**20     # bytes: well under the ~55 MiB the leak took, over any noise


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc")
@pytest.mark.skipif("asan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer holds freed memory in quarantine")
def test_threads_that_end_leave_no_gemm_buffers_behind():
    from engine import _C
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((512, 512)).astype(np.float32) for _ in range(2))
    expected = np.empty((512, 512), np.float32)
    _C.gemm(a, b, expected)

    def multiply():
        c = np.empty_like(expected)
        _C.gemm(a, b, c)
        return c

    before_threads = engine.get_num_threads()
    engine.set_num_threads(2)               # an OpenMP worker per product too
    try:
        for _ in range(4):                  # the first threads set up malloc's arenas
            in_thread(multiply)
        start = resident_bytes()
        for _ in range(THREADS):
            np.testing.assert_array_equal(in_thread(multiply), expected)
        growth = resident_bytes() - start
    finally:
        engine.set_num_threads(before_threads)
    assert growth < ALLOWED_GROWTH, f"{THREADS} ended threads left {growth / 2**20:.1f} MiB"


def test_settings_changed_by_one_thread_while_others_multiply():
    """One thread keeps changing the block sizes (down to a row of tiles), the register-block
    shape, the dot-product path and the instruction set while three threads multiply: every
    product stays exact. (Integer values in float64: every order of the sums gives the same
    bits, so the settings may change the path but never the answer.) A block size read twice
    could be 0 the second time: a loop that never ends, which the timeout would catch."""
    from engine import _C
    rng = np.random.default_rng(1)
    shapes = [(7, 300, 5), (64, 80, 96), (96, 128, 112), (3, 2000, 4)]    # small, threaded, dot
    problems = [(rng.integers(-3, 4, (m, k)).astype(np.float64),
                 rng.integers(-3, 4, (k, n)).astype(np.float64)) for m, k, n in shapes]
    expected = [a @ b for a, b in problems]
    isas = [isa for isa in _C.available_isas() if isa in _C.compiled_isas("gemm")]
    isa_before = _C.kernel_isa("gemm")
    stop, meddled = threading.Event(), threading.Event()

    def meddle():
        choice = np.random.default_rng(2)
        changes = 0
        try:
            while not stop.is_set():
                if changes == 200:
                    meddled.set()
                _C.gemm_set_blocking(*[int(v) for v in choice.choice([0, 1, 8, 40], 3)])
                _C.gemm_set_shape(int(choice.integers(-1, 4)), int(choice.integers(-1, 2)))
                _C.gemm_set_dot(int(choice.integers(-1, 2)))
                _C.set_kernel_isa("gemm", isas[changes % len(isas)])
                changes += 1
        finally:
            meddled.set()       # never leave the multiplying threads waiting
        return changes

    def multiply():
        try:
            rounds = 0
            while rounds < 15 or not meddled.is_set():     # until 200 changes were made
                rounds += 1
                for (a, b), want in zip(problems, expected):
                    c = np.empty_like(want)
                    _C.gemm(a, b, c)
                    np.testing.assert_array_equal(c, want)
        finally:
            stop.set()

    try:
        with busy_switching():
            *_, changes = run_in_threads([multiply] * 3 + [meddle])
    finally:
        _C.gemm_set_blocking()
        _C.gemm_set_shape()
        _C.gemm_set_dot()
        _C.set_kernel_isa("gemm", isa_before)
    assert changes >= 200


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc")
@pytest.mark.skipif("asan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer holds freed memory in quarantine")
def test_threads_that_end_leave_no_winograd_buffers_behind():
    """The fused Winograd convolution's tile buffer is a per-thread GEMM workspace slot, so it
    is freed with the thread too."""
    import engine.nn.functional as F
    rng = np.random.default_rng(1)
    x = engine.tensor(rng.standard_normal((2, 64, 16, 16)).astype(np.float32))
    w = engine.tensor(rng.standard_normal((64, 64, 3, 3)).astype(np.float32))
    expected = F.conv2d(x, w, padding=1).numpy()

    def convolve():
        return F.conv2d(x, w, padding=1).numpy()

    for _ in range(4):
        in_thread(convolve)
    start = resident_bytes()
    for _ in range(THREADS):
        np.testing.assert_allclose(in_thread(convolve), expected, rtol=1e-5, atol=1e-5)
    growth = resident_bytes() - start
    assert growth < ALLOWED_GROWTH, f"{THREADS} ended threads left {growth / 2**20:.1f} MiB"
