"""pytest-benchmark: conv2d forward / forward+backward and 2×2 pooling, float32, 1 thread.

Run with ``pytest benchmarks/test_bench_conv.py --benchmark-group-by=param:case`` to see, per
case, the native and reference backends beside PyTorch's CPU convolution (when installed).
The cases are the ones ``python -m engine bench --only conv`` runs (``engine/bench/conv.py``).
"""
import numpy as np
import pytest

from engine import backend
from engine.bench import conv as bench
from engine.bench.timing import import_torch, limited_threads

pytest.importorskip("engine.backend.native")

CASES = {case.name: case for case in bench.CONV_CASES}
IMPLS = ["native", "reference", "pytorch"]


@pytest.fixture(autouse=True)
def _one_thread():
    with limited_threads(1):
        yield


def _step(impl, make_engine, make_torch):
    if impl == "pytorch":
        if import_torch(threads=1) is None:
            pytest.skip("PyTorch is not installed")
        return make_torch()
    return make_engine()


@pytest.mark.parametrize("with_backward", [False, True], ids=["forward", "fwd+bwd"])
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case", list(CASES))
def test_conv2d(benchmark, case, impl, with_backward):
    spec = CASES[case]
    x, w, b = bench.conv_inputs(spec)
    step = _step(impl, lambda: bench.engine_conv_step(spec, x, w, b, with_backward),
                 lambda: bench.torch_conv_step(spec, x, w, b, with_backward))
    with backend.using_backend("native" if impl == "pytorch" else impl):
        benchmark(step)


@pytest.mark.parametrize("with_backward", [False, True], ids=["forward", "fwd+bwd"])
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case, kind", bench.POOL_CASES)
def test_pool2x2(benchmark, case, kind, impl, with_backward):
    x = np.random.default_rng(0).standard_normal(bench.POOL_SHAPE).astype(np.float32)
    step = _step(impl, lambda: bench.engine_pool_step(kind, x, with_backward),
                 lambda: bench.torch_pool_step(kind, x, with_backward))
    with backend.using_backend("native" if impl == "pytorch" else impl):
        benchmark(step)
