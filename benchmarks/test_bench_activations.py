"""pytest-benchmark: activation kernels, 10M float32 elements, forward + backward.

Run with ``pytest benchmarks/ --benchmark-group-by=param:case`` to see, per activation, the
native kernels beside the NumPy expression and the memory-bandwidth floor (a copy of the same
bytes: one copy for the forward, 1.5 for the backward). ``ENGINE_BENCH_N`` changes the size.
The cases are the ones ``python -m engine bench`` runs (``engine/bench.py``).
"""
import os

import numpy as np
import pytest

from engine.bench import activations as bench

native = pytest.importorskip("engine.backend.native")

N = int(os.environ.get("ENGINE_BENCH_N", 10_000_000))
CASES = {case.name: case for case in bench.ACTIVATION_CASES}


@pytest.mark.parametrize("impl", ["native", "numpy expression"])
@pytest.mark.parametrize("case", list(CASES))
def test_activation_forward_backward(benchmark, case, impl):
    spec = CASES[case]
    x, gy, slopes, y, gx = bench.activation_inputs(spec, N)
    if impl == "native":
        def step():
            spec.forward(native, x, slopes, y)
            spec.backward(native, x, y, gy, slopes, gx)
    else:
        def step():
            spec.numpy_backward(x, spec.numpy_forward(x, slopes), gy, slopes)
    benchmark.pedantic(step, rounds=5, warmup_rounds=1)


def test_bandwidth_floor_copy(benchmark):
    """2.5 copies of N float32: what forward (x → y) + backward (x, ∂L/∂y → ∂L/∂x) must move."""
    src = np.random.default_rng(0).standard_normal(N, dtype=np.float32)
    dst = np.zeros_like(src)
    half = N // 2

    def step():
        np.copyto(dst, src)
        np.copyto(dst, src)
        np.copyto(dst[:half], src[:half])
    benchmark.pedantic(step, rounds=5, warmup_rounds=1)
