"""Same seed, same thread count: bit-identical training on the CPU.

``engine.manual_seed(n)`` seeds everything random in a run (initial weights, dropout masks, the
DataLoader's shuffling); the compiled kernels sum in a fixed order (static OpenMP schedules, no
atomics; the GEMM cuts C on micro-tile boundaries, so each entry is summed by one thread in
one order). Two runs with the same seed and thread count therefore give the same losses and
parameters, bit for bit, on the native and the reference backend; and on the native backend
the thread count does not change the sums either (1, 2 and 4 threads agree).
"""
import numpy as np
import pytest

import engine
import engine.nn as nn
import engine.nn.functional as F
from engine.models import MLP
from engine.utils.data import DataLoader, TensorDataset

BACKENDS = [pytest.param("native", marks=pytest.mark.skipif(
    not engine.backend.native_available(), reason="engine._C not built")), "reference"]


def small_cnn():
    """LeNet-ish: two convolutions with pooling, batch norm, dropout, two dense layers."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(16 * 2 * 2, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 4))


def wide_cnn():
    """A 1×1 convolution (straight to the GEMM), then a 64→64 3×3 one (Winograd on native)."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
        nn.AvgPool2d(4), nn.Flatten(), nn.Dropout(0.2), nn.Linear(64 * 4 * 4, 5))


def mlp_with_dropout():
    return MLP([12, 48, 24, 3], dropout=0.25)


CASES = {
    # name: (model, input shape, classes, optimizer, samples)
    "cnn": (small_cnn, (1, 16, 16), 4, lambda p: engine.optim.Adam(p, lr=2e-3), 40),
    "wide cnn": (wide_cnn, (3, 16, 16), 5, lambda p: engine.optim.AdamW(p, lr=1e-3), 16),
    "mlp": (mlp_with_dropout, (12,), 3,
            lambda p: engine.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True,
                                       weight_decay=1e-4), 40),
}


def train(case, backend, seed, threads, epochs=2):
    """Losses of every step and the final parameters of a run seeded with ``seed``."""
    build, shape, classes, optimizer, samples = CASES[case]
    before = engine.get_num_threads()
    engine.set_num_threads(threads)
    try:
        with engine.using_backend(backend):
            engine.manual_seed(seed)
            x = engine.randn(samples, *shape)
            y = engine.randint(0, classes, (samples,))
            model = build()
            opt = optimizer(model.parameters())
            loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)
            losses = []
            for _ in range(epochs):
                for xb, yb in loader:
                    opt.zero_grad()
                    loss = F.cross_entropy(model(xb), yb)
                    loss.backward()
                    opt.step()
                    losses.append(loss.item())
            return losses, [p.numpy().copy() for p in model.parameters()]
    finally:
        engine.set_num_threads(before)


def assert_identical(run_a, run_b):
    losses_a, params_a = run_a
    losses_b, params_b = run_b
    assert losses_a == losses_b
    assert len(params_a) == len(params_b)
    for a, b in zip(params_a, params_b):
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", list(CASES))
def test_same_seed_and_threads_give_bit_identical_training(case, backend):
    if case == "wide cnn" and backend == "reference":
        pytest.skip("its paths (1×1 GEMM, Winograd) are native ones; slow in NumPy")
    first = train(case, backend, seed=7, threads=2)
    assert_identical(first, train(case, backend, seed=7, threads=2))
    # the seed matters (dropout, shuffling and the initial weights all come from it)
    other = train(case, backend, seed=8, threads=2)
    assert other[0] != first[0]


@pytest.mark.skipif(not engine.backend.native_available(), reason="engine._C not built")
@pytest.mark.parametrize("case", list(CASES))
def test_native_training_does_not_depend_on_the_thread_count(case):
    one = train(case, "native", seed=3, threads=1)
    assert_identical(one, train(case, "native", seed=3, threads=2))
    assert_identical(one, train(case, "native", seed=3, threads=4))
