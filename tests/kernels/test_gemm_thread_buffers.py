"""The GEMM's packed buffers belong to the thread that packs into them and go when it ends.

Each thread keeps its buffers between products (csrc/gemm/workspace.c). They used to hang
from a ``__thread`` pointer, which nothing frees when the thread ends: every Python thread
that multiplied and ended (and each OpenMP worker of its team) left about a megabyte behind
for a 512 × 512 product, for ever (about 55 MiB over the 48 threads below). Now a thread's
end frees them, and the next thread's malloc gets the same memory back: the process does not
grow with the number of threads it has run.
"""
import os

import numpy as np
import pytest
from thread_helpers import in_thread

import engine

pytestmark = pytest.mark.skipif(not engine.backend.native_available(),
                                reason="engine._C not built")

THREADS = 48
ALLOWED_GROWTH = 24 * 2**20     # bytes: well under the ~55 MiB the leak took, over any noise


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux's /proc")
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
