"""Every kernel path called from several Python threads at once gives what it gives alone.

The oracle is the same work done first in the main thread, one case after another. Then four
threads (eight in the mixed test) run their cases at the same time, each twice, with the
interpreter switching threads every 10 µs; every output, gradient, parameter and loss must
equal the oracle's bit for bit (same data, same thread count per kernel, so the same sums in
the same order). Each thread's case has its own data (its own seed): a thread that computed
with another's columns or packed blocks gives other numbers.

Paths: convolution by im2col with the whole batch in one chunk (columns kept from forward to
backward), in chunks under a small workspace limit, by Winograd F(2×2, 3×3) (3×3, stride 1,
64 channels: native), 1×1 straight to the GEMM, strided/dilated/grouped, 1-D, 3-D and
transposed; max and average pooling; batch norm; matmul (small, and large enough for the
GEMM's OpenMP threads); activations and softmax; a LeNet-5 step with Adam; an MLP with batch
norm trained with SGD (momentum, weight decay); a CNN trained with RMSprop.
"""
import threading

import numpy as np
import pytest
from thread_helpers import busy_switching, in_thread, run_in_threads

import engine
import engine.nn as nn
import engine.nn.functional as F
from engine.models import MLP, LeNet5
from engine.ops import conv as conv_ops

BACKENDS = [pytest.param("native", marks=pytest.mark.skipif(
    not engine.backend.native_available(), reason="engine._C not built")), "reference"]

THREADS = 4
REPEATS = 2
SMALL_WORKSPACE = 100 * 2**10       # bytes: the chunked case runs two images per chunk


@pytest.fixture
def small_workspace():
    before = conv_ops.get_workspace_limit()
    conv_ops.set_workspace_limit(SMALL_WORKSPACE)
    yield
    conv_ops.set_workspace_limit(before)


# ----------------------------------------------------------------- the work

def forward_backward(fn, *arrays):
    """[output, gradient of every input] of ``fn`` with an upstream gradient that varies."""
    inputs = [engine.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*inputs)
    gy = np.cos(np.arange(out.numel(), dtype=np.float64)).reshape(out.shape)
    out.backward(engine.tensor(gy.astype(out.numpy().dtype)))
    return [out.numpy()] + [t.grad.numpy() for t in inputs]


def op_case(fn, *shapes):
    """A case factory: seed → work() computing forward_backward of ``fn`` on arrays drawn
    from that seed (float32)."""
    def make(seed):
        rng = np.random.default_rng(seed)
        arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        return lambda: forward_backward(fn, *arrays)
    return make


def _batch_norm(x, w, b):
    running_mean, running_var = np.zeros(x.shape[1], np.float32), np.ones(x.shape[1], np.float32)
    return F.batch_norm(x, running_mean, running_var, w, b, training=True)


def _activations(x):
    return (F.relu(x) + F.sigmoid(x) * F.tanh(x) + F.softmax(x, dim=1)
            + F.log_softmax(x, dim=1) * F.elu(x) + F.leaky_relu(x, 0.1))


OP_CASES = {
    "conv2d im2col, columns kept": op_case(lambda x, w, b: F.conv2d(x, w, b, padding=1),
                                           (3, 4, 8, 8), (6, 4, 3, 3), (6,)),
    "conv2d chunked": op_case(lambda x, w, b: F.conv2d(x, w, b, padding=1),
                              (7, 8, 12, 12), (12, 8, 3, 3), (12,)),
    "conv2d winograd": op_case(lambda x, w: F.conv2d(x, w, padding=1),
                               (2, 64, 16, 16), (64, 64, 3, 3)),
    "conv2d 1x1": op_case(lambda x, w: F.conv2d(x, w), (3, 8, 9, 9), (5, 8, 1, 1)),
    "conv2d stride dilation groups": op_case(
        lambda x, w: F.conv2d(x, w, stride=2, padding=1, dilation=2, groups=2),
        (3, 4, 11, 11), (6, 2, 3, 3)),
    "conv1d": op_case(lambda x, w: F.conv1d(x, w, padding=1), (3, 4, 20), (5, 4, 3)),
    "conv3d": op_case(lambda x, w: F.conv3d(x, w), (2, 3, 5, 6, 6), (4, 3, 3, 3, 3)),
    "conv_transpose2d": op_case(
        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
        (3, 6, 5, 5), (6, 4, 3, 3)),
    "max_pool2d": op_case(lambda x: F.max_pool2d(x, 3, 2, 1), (4, 6, 12, 12)),
    "avg_pool2d": op_case(lambda x: F.avg_pool2d(x, 2), (4, 6, 12, 12)),
    "batch_norm": op_case(_batch_norm, (6, 5, 7, 7), (5,), (5,)),
    "matmul small": op_case(lambda a, b: a @ b, (33, 47), (47, 29)),
    "matmul threaded": op_case(lambda a, b: a @ b, (96, 160), (160, 112)),
    "activations": op_case(_activations, (16, 50)),
}


def _labels(rng, n, classes):
    return engine.tensor(rng.integers(0, classes, n))


def training_case(build, optimizer, x_shape, classes, steps):
    """A case factory: seed → work() training a fresh copy of one initial model for ``steps``
    steps; returns the losses and the final parameters."""
    def make(seed):
        rng = np.random.default_rng(seed)
        engine.manual_seed(seed)
        state = {k: v.copy() for k, v in build().state_dict().items()}
        x = engine.tensor(rng.standard_normal(x_shape).astype(np.float32))
        y = _labels(rng, x_shape[0], classes)

        def work():
            model = build()
            model.load_state_dict(state)
            opt = optimizer(model.parameters())
            losses = []
            for _ in range(steps):
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                losses.append(loss.numpy())
            return losses + [p.numpy() for p in model.parameters()]
        return work
    return make


def _small_cnn():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(8, 8, 3), nn.ReLU(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(8 * 2 * 2, 4))


TRAINING_CASES = {
    "LeNet-5 with Adam": training_case(
        lambda: LeNet5(activation="relu", pooling="max"),
        lambda p: engine.optim.Adam(p, lr=1e-3), (8, 1, 28, 28), 10, 2),
    "MLP with batch norm, SGD": training_case(
        lambda: nn.Sequential(nn.Linear(20, 32), nn.BatchNorm1d(32), nn.Tanh(),
                              MLP([32, 16, 3])),
        lambda p: engine.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3),
        (16, 20), 3, 3),
    "CNN with RMSprop": training_case(
        _small_cnn, lambda p: engine.optim.RMSprop(p, lr=1e-3, momentum=0.5),
        (4, 3, 12, 12), 4, 2),
}

ALL_CASES = {**OP_CASES, **TRAINING_CASES}


def test_the_cases_take_the_paths_they_name(small_workspace):
    from engine.backend import native, reference
    from engine.backend._checks import conv_geometry

    def geometry(x_shape, w_shape, **kw):
        return conv_geometry(x_shape, w_shape[2:], kw.get("stride", 1), kw.get("padding", 0),
                             kw.get("dilation", 1), "conv")

    wino = geometry((2, 64, 16, 16), (64, 64, 3, 3), padding=1)
    assert conv_ops._winograd(native, wino, 1, 64) and not conv_ops._winograd(reference, wino, 1, 64)
    assert conv_ops._pointwise(geometry((3, 8, 9, 9), (5, 8, 1, 1)), 1)
    kept = geometry((3, 4, 8, 8), (6, 4, 3, 3), padding=1)
    assert conv_ops._chunk_size(3, (kept.channels * kept.K + 6) * kept.L, np.float32) == 3
    chunked = geometry((7, 8, 12, 12), (12, 8, 3, 3), padding=1)
    assert conv_ops._chunk_size(7, (chunked.channels * chunked.K + 12) * chunked.L,
                                np.float32) == 2     # chunks of 2, 2, 2 and 1 images


# ----------------------------------------------------------------- the runs

def on_backend(backend, work):
    """``work`` computing on ``backend`` in whichever thread runs it (the choice is per thread)."""
    def run():
        with engine.using_backend(backend):
            return work()
    return run


def assert_same(got, expected, what):
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g.dtype == e.dtype and g.shape == e.shape, f"{what}: result {i}"
        assert np.array_equal(g, e), (f"{what}: result {i} differs from the single-threaded "
                                      f"run by up to {np.max(np.abs(g - e))}")


def check_concurrently(backend, names_and_works):
    """Run the oracle (main thread, in turn), then every work in its own thread, all at once,
    REPEATS times each; compare."""
    expected = [on_backend(backend, work)() for _, work in names_and_works]

    def repeat(work):
        return lambda: [work() for _ in range(REPEATS)]

    with busy_switching():
        results = run_in_threads([repeat(on_backend(backend, work))
                                  for _, work in names_and_works])
    for (name, _), runs, oracle in zip(names_and_works, results, expected):
        for run in runs:
            assert_same(run, oracle, f"{name} on {backend}")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", list(OP_CASES))
def test_op_in_threads_matches_single_thread(case, backend, small_workspace):
    if case == "conv2d winograd" and backend == "reference":
        pytest.skip("Winograd is a native path; the reference backend runs it as im2col")
    check_concurrently(backend, [(f"{case} (thread {i})", OP_CASES[case](seed=i))
                                 for i in range(THREADS)])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", list(TRAINING_CASES))
def test_training_in_threads_matches_single_thread(case, backend):
    check_concurrently(backend, [(f"{case} (thread {i})", TRAINING_CASES[case](seed=i))
                                 for i in range(THREADS)])


@pytest.mark.skipif(not engine.backend.native_available(), reason="engine._C not built")
def test_different_kernels_at_once_match_single_thread(small_workspace):
    """Eight threads, eight different paths, at the same time."""
    names = ["conv2d chunked", "conv2d winograd", "conv2d im2col, columns kept",
             "conv_transpose2d", "max_pool2d", "batch_norm", "LeNet-5 with Adam",
             "MLP with batch norm, SGD"]
    check_concurrently("native", [(name, ALL_CASES[name](seed=10 + i))
                                  for i, name in enumerate(names)])


def test_backward_in_another_thread_than_forward():
    """The forward's columns are kept in the forward thread's workspace; a backward run in
    another thread (whose workspace holds other columns) must recompute them."""
    rng = np.random.default_rng(3)
    x = engine.tensor(rng.standard_normal((4, 8, 10, 10)).astype(np.float32), requires_grad=True)
    w = engine.tensor(rng.standard_normal((6, 8, 3, 3)).astype(np.float32), requires_grad=True)
    y = F.conv2d(x, w, padding=1)
    y.sum().backward(retain_graph=True)
    expected = x.grad.numpy().copy(), w.grad.numpy().copy()
    x.grad = w.grad = None

    def other_thread():
        other = engine.tensor(rng.standard_normal((4, 8, 10, 10)).astype(np.float32))
        F.conv2d(other, w.detach(), padding=1)      # fills this thread's workspace
        y.sum().backward()

    in_thread(other_thread)
    np.testing.assert_array_equal(x.grad.numpy(), expected[0])
    np.testing.assert_array_equal(w.grad.numpy(), expected[1])


def test_workspace_settings_changed_while_threads_convolve():
    """One thread keeps changing the workspace limit and releasing the workspaces while three
    threads convolve: every result stays right. (The chunk size changes the order of the
    weight gradient's sums, so this one compares to a tolerance.)"""
    make = OP_CASES["conv2d chunked"]
    works = [make(seed=20 + i) for i in range(3)]
    expected = [work() for work in works]
    stop = threading.Event()
    before = conv_ops.get_workspace_limit()

    def meddle():
        limits = [SMALL_WORKSPACE, 8 * 2**10, 2**20, SMALL_WORKSPACE // 3]
        i = 0
        while not stop.is_set():
            conv_ops.set_workspace_limit(limits[i % len(limits)])
            conv_ops.release_workspace()
            i += 1
        return i

    def convolve(work):
        def run():
            try:
                return [work() for _ in range(6)]
            finally:
                stop.set()
        return run

    try:
        with busy_switching():
            *results, changes = run_in_threads([convolve(w) for w in works] + [meddle])
    finally:
        conv_ops.set_workspace_limit(before)
    assert changes > 0
    for runs, oracle in zip(results, expected):
        for run in runs:
            for got, want in zip(run, oracle):
                scale = float(np.max(np.abs(want)))     # float32 sums in another order
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * scale)


def test_a_threads_workspace_is_its_own_and_freed_with_it():
    x = engine.tensor(np.ones((2, 4, 8, 8), np.float32))
    w = engine.tensor(np.ones((16, 4, 3, 3), np.float32))   # enough weights for im2col + GEMM
    conv_ops.release_workspace()
    assert conv_ops.workspace_size() == 0

    def convolve():
        F.conv2d(x, w)
        return conv_ops.workspace_size()

    assert in_thread(convolve) > 0
    assert conv_ops.workspace_size() == 0         # the other thread's buffer is not this one's
    F.conv2d(x, w)
    assert conv_ops.workspace_size() > 0
    conv_ops.release_workspace()
    assert conv_ops.workspace_size() == 0


def test_training_beside_a_thread_that_evaluates():
    """A training thread next to one that keeps evaluating another model (``evaluate``: eval
    mode and no_grad, over and over): the training is the single-threaded one, bit for bit."""
    from engine.train import evaluate
    work = TRAINING_CASES["MLP with batch norm, SGD"](seed=5)
    expected = work()
    engine.manual_seed(6)
    judge = MLP([20, 16, 3])
    rng = np.random.default_rng(6)
    data = (rng.standard_normal((64, 20)).astype(np.float32), rng.integers(0, 3, 64))
    done = threading.Event()

    def train():
        try:
            return [work() for _ in range(3)]
        finally:
            done.set()

    def evaluator():
        count = 0
        while not done.is_set() or count == 0:
            evaluate(judge, F.cross_entropy, data, batch_size=16)
            count += 1
        return count

    with busy_switching():
        runs, count = run_in_threads([train, evaluator])
    assert count > 0
    for run in runs:
        assert_same(run, expected, "training beside an evaluation")
