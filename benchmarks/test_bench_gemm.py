"""pytest-benchmark: GEMM, the native packed C kernel beside NumPy's BLAS (and PyTorch).

Run with ``pytest benchmarks/test_bench_gemm.py --benchmark-group-by=param:case`` to see, per
product, the implementations side by side.  The cases are the ones ``python -m engine bench
--only gemm`` runs (``engine/bench/gemm.py``): square 64 … 2048 and the MLP / LeNet / 3×3-conv
im2col products; float32 and float64; 1 and 2 threads.  ``ENGINE_BENCH_QUICK=1`` skips 2048.
"""
import os

import numpy as np
import pytest

from engine.bench import gemm as bench
from engine.bench.timing import limited_threads

native = pytest.importorskip("engine.backend.native")

CASES = {name: (m, n, k) for name, m, n, k in bench.cases(os.environ.get("ENGINE_BENCH_QUICK") == "1")}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("impl", ["native", "numpy", "torch"])
@pytest.mark.parametrize("case", list(CASES))
def test_gemm(benchmark, case, impl, dtype, threads):
    m, n, k = CASES[case]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    c = np.empty((m, n), dtype)
    benchmark.extra_info["gflop"] = 2.0 * m * n * k / 1e9
    if impl == "torch":
        torch = pytest.importorskip("torch")
        torch.set_num_threads(threads)
        ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
        def run():
            torch.mm(ta, tb, out=tc)
    elif impl == "numpy":
        def run():
            np.matmul(a, b, out=c)
    else:
        def run():
            native.gemm(a, b, c)
    with limited_threads(threads):      # the engine's kernels and NumPy's BLAS
        benchmark.pedantic(run, rounds=5, warmup_rounds=1)
