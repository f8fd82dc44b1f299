"""pytest-benchmark: whole training steps (the cases of ``python -m engine bench --only training``).

Run with ``pytest benchmarks/test_bench_training.py --benchmark-group-by=param:case``: per case,
the engine (native at 1 thread, reference) beside PyTorch at 1 thread when it is installed.
"""
import numpy as np
import pytest

from engine import backend
from engine.bench import training as bench

pytest.importorskip("engine.backend.native")

RNG = np.random.default_rng(0)
CASES = {
    "mlp": (bench._engine_mlp, bench._torch_mlp,
            RNG.standard_normal((128, 784), dtype=np.float32), RNG.integers(0, 10, 128)),
    "lenet": (bench._engine_lenet, bench._torch_lenet,
              RNG.standard_normal((64, 1, 28, 28), dtype=np.float32), RNG.integers(0, 10, 64)),
}


@pytest.fixture
def one_thread():
    previous = backend.get_num_threads()
    backend.set_num_threads(1)
    yield
    backend.set_num_threads(previous)


@pytest.mark.parametrize("impl", ["native", "reference", "pytorch"])
@pytest.mark.parametrize("case", list(CASES))
def test_training_step(benchmark, one_thread, case, impl):
    make_engine, make_torch, x, y = CASES[case]
    if impl == "pytorch":
        torch = pytest.importorskip("torch")
        torch.set_num_threads(1)
        step = bench._torch_step(torch, make_torch(torch), x, y)
    else:
        model = make_engine()
        if model is None:
            pytest.skip("engine.nn.Conv2d / MaxPool2d are not on this branch yet")
        step = bench._engine_step(model, x, y)
        if impl == "reference":
            with backend.using_backend("reference"):
                benchmark.pedantic(step, rounds=5, warmup_rounds=1)
            return
    benchmark.pedantic(step, rounds=10, warmup_rounds=1)


@pytest.mark.parametrize("impl", ["engine", "pytorch"])
def test_xor_5000_steps(benchmark, impl):
    if impl == "pytorch":
        torch = pytest.importorskip("torch")
        torch.set_num_threads(1)
        loss = benchmark.pedantic(lambda: bench.xor_torch(torch, 5000), rounds=2)
    else:
        loss = benchmark.pedantic(lambda: bench.xor_engine(5000), rounds=2)
    assert loss < 0.25  # it trained (0.25 is the loss of always answering 0.5)
