"""How much of a LeNet-5 training step is matrix products, and what that means for the
native ÷ reference ratio.

Records the GEMM calls of one native training step (batch 64, SGD with momentum, 1 thread),
times each of them alone (warm, best of 30) and prints their sum beside the whole native step
and the whole reference-backend step. The reference multiplies with NumPy's BLAS, which runs
near this machine's peak, as the native GEMM does: so the reference step ÷ the GEMMs' time is
the most the native backend could gain over it even if everything else took no time.

    PYTHONPATH=. python benchmarks/lenet_gemm_share.py
"""
import numpy as np

from engine import backend
from engine.backend import native
from engine.bench import training
from engine.bench.timing import best_time, limited_threads


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    calls = []
    gemm = native.gemm

    def recording_gemm(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
        calls.append((a.copy(), b.copy(), None if c is None else c.copy(), alpha, beta,
                      trans_a, trans_b))
        return gemm(a, b, c, alpha, beta, trans_a, trans_b)

    with limited_threads(1):
        step = training._engine_step(training._engine_lenet(), x, y)
        step()
        native.gemm = recording_gemm
        try:
            step()
        finally:
            native.gemm = gemm
        gemm_s = sum(best_time(lambda args=args: gemm(*args), 30) for args in calls)
        native_s = best_time(step, 30)
        with backend.using_backend("reference"):
            reference_s = best_time(training._engine_step(training._engine_lenet(), x, y), 10)
    print(f"native step {native_s * 1e3:.2f} ms, of which {len(calls)} GEMMs alone "
          f"{gemm_s * 1e3:.2f} ms; reference step {reference_s * 1e3:.2f} ms")
    print(f"native ÷ reference now: {reference_s / native_s:.1f}x; with everything but the "
          f"GEMMs free: {reference_s / gemm_s:.1f}x at most")


if __name__ == "__main__":
    main()
