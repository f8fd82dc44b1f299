"""The short way into the kernels for small arrays, and how the kernels share an array among
threads (csrc/common/spread.h).

* A small 1-D NumPy array (at most 4096 elements) is read from NumPy's own fields and keeps
  the GIL; anything else goes through typed memoryviews.  Both ways must give the same bits,
  and bad input must be refused the same clear way on both.
* eng_spread calls a small array's loop directly and gives a big one a share per thread: the
  result must not depend on the thread count, for sizes just past each threshold and sizes
  that are not a multiple of the 16-element grain.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backend import reference

_C = pytest.importorskip("engine._C")
native = pytest.importorskip("engine.backend.native")

DTYPES = [np.float32, np.float64]
SMALL_MAX = 4096                                   # _SMALL_VECTOR_MAX in engine/_C.pyx


class Other(np.ndarray):
    """An ndarray subclass: the short way takes only plain ndarrays, so this one takes the
    typed memoryviews, with the same memory."""


def _other(a):
    return a.view(Other)


# every elementwise kernel as (forward f(x, y), backward f(a, gy, gx) or None)
ELEMENTWISE = {
    "relu": (_C.relu_forward, _C.relu_backward, ()),
    "leaky_relu": (_C.leaky_relu_forward, _C.leaky_relu_backward, (0.1,)),
    "elu": (_C.elu_forward, _C.elu_backward, (0.7,)),
    "sigmoid": (_C.sigmoid_forward, _C.sigmoid_backward, ()),
    "tanh": (_C.tanh_forward, _C.tanh_backward, ()),
    "softplus": (_C.softplus_forward, _C.softplus_backward, ()),
    "heaviside": (_C.heaviside_forward, None, (0.5,)),
    "exp": (_C._vmath_exp, None, ()),
}
ROWS = {"softmax": (_C.softmax_forward, _C.softmax_backward),
        "log_softmax": (_C.log_softmax_forward, _C.log_softmax_backward)}


def _run_elementwise(name, x, gy, wrap):
    forward, backward, params = ELEMENTWISE[name]
    y = np.empty_like(x)
    forward(wrap(x), wrap(y), *params)
    if backward is None:
        return y, None
    gx = np.empty_like(x)
    backward(wrap(x), wrap(gy), wrap(gx), *params)
    return y, gx


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_both_ways_agree(isa, name, dtype):
    @settings(max_examples=25, deadline=None)
    @given(n=st.integers(0, SMALL_MAX + 40), seed=st.integers(0, 2**31 - 1))
    def check(n, seed):
        rng = np.random.default_rng(seed)
        x = (rng.standard_normal(n) * 4).astype(dtype)
        gy = rng.standard_normal(n).astype(dtype)
        short = _run_elementwise(name, x, gy, lambda a: a)
        checked = _run_elementwise(name, x, gy, _other)
        for a, b in zip(short, checked):
            if a is not None:
                np.testing.assert_array_equal(a, b)
        if name == "relu":                               # and the answer is right
            np.testing.assert_array_equal(short[0], np.maximum(x, 0))

    check()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ROWS)
def test_softmax_both_ways_agree(isa, name, dtype):
    forward, backward = ROWS[name]

    @settings(max_examples=25, deadline=None)
    @given(outer=st.integers(1, 40), n=st.integers(1, 40), inner=st.integers(1, 5),
           seed=st.integers(0, 2**31 - 1))
    def check(outer, n, inner, seed):
        rng = np.random.default_rng(seed)
        size = outer * n * inner
        x = (rng.standard_normal(size) * 4).astype(dtype)
        gy = rng.standard_normal(size).astype(dtype)
        results = []
        for wrap in (lambda a: a, _other):
            y, gx = np.empty_like(x), np.empty_like(x)
            forward(wrap(x), wrap(y), outer, n, inner)
            backward(wrap(y), wrap(gy), wrap(gx), outer, n, inner)
            results.append((y, gx))
        np.testing.assert_array_equal(results[0][0], results[1][0])
        np.testing.assert_array_equal(results[0][1], results[1][1])
        expected = getattr(reference, name)(x.reshape(outer, n, inner), 1).reshape(-1)
        np.testing.assert_allclose(results[0][0], expected, rtol=1e-5, atol=1e-6)

    check()


@pytest.mark.parametrize("wrap", [lambda a: a, _other], ids=["short", "checked"])
def test_bad_input_is_refused_both_ways(wrap):
    f32, f64 = np.ones(5, np.float32), np.ones(5, np.float64)
    read_only = np.ones(5, np.float32)
    read_only.flags.writeable = False
    with pytest.raises(TypeError, match="relu_forward: .*None"):
        _C.relu_forward(wrap(f32), None)
    with pytest.raises(TypeError, match="relu_backward: .*None"):
        _C.relu_backward(wrap(f32), wrap(f32), None)
    with pytest.raises(TypeError, match="x must be a NumPy array, got list"):
        _C.relu_forward([1.0, 2.0], wrap(f32))
    with pytest.raises(TypeError, match="x must be float32 or float64, got dtype int64"):
        _C.relu_forward(wrap(np.arange(5)), wrap(f32))
    with pytest.raises(ValueError, match="dtype mismatch"):
        _C.relu_forward(wrap(f32), wrap(f64))
    with pytest.raises(ValueError, match="read-only"):
        _C.relu_forward(wrap(f32), wrap(read_only))
    with pytest.raises(ValueError, match="'y' has 6 elements, expected 5"):
        _C.relu_forward(wrap(f32), wrap(np.ones(6, np.float32)))
    with pytest.raises(ValueError, match="'gx' has 4 elements, expected 5"):
        _C.sigmoid_backward(wrap(f32), wrap(f32), wrap(np.ones(4, np.float32)))
    with pytest.raises(ValueError, match="not C-contiguous"):
        _C.relu_forward(wrap(np.ones(10, np.float32))[::2], wrap(f32))
    with pytest.raises(ValueError, match="dimensions"):
        _C.relu_forward(wrap(np.ones((5, 1), np.float32)), wrap(f32))
    with pytest.raises(ValueError, match="needs 6"):
        _C.softmax_forward(wrap(f32), wrap(f32), 2, 3, 1)
    with pytest.raises(TypeError, match="n must be an int"):
        _C.softmax_forward(wrap(f32), wrap(f32), 1, 5.0, 1)
    with pytest.raises(ValueError, match=">= 0"):
        _C.softmax_forward(wrap(f32), wrap(f32), -1, -5, 1)
    x = np.ones(5, np.float32)                       # a read-only input is fine
    x.flags.writeable = False
    y = np.empty(5, np.float32)
    _C.relu_forward(wrap(x), wrap(y))
    np.testing.assert_array_equal(y, 1)


@pytest.fixture
def threads():
    before = _C.get_num_threads()
    yield
    _C.set_num_threads(before)


# just past each threshold (4096 for an exp per element, 32768 for cheap ones and the
# optimizers), and sizes that are not a multiple of the 16-element grain
SPREAD_SIZES = [4097, 32769, 100_003]


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise_and_softmax_same_bits_for_any_thread_count(isa, dtype, threads):
    rng = np.random.default_rng(11)
    for n in SPREAD_SIZES:
        x = (rng.standard_normal(n) * 4).astype(dtype)
        gy = rng.standard_normal(n).astype(dtype)
        results = []
        for count in (1, 2, 3):
            _C.set_num_threads(count)
            res = [r for name in ELEMENTWISE for r in _run_elementwise(name, x, gy, lambda a: a)
                   if r is not None]
            for forward, backward in ROWS.values():
                y, gx = np.empty_like(x), np.empty_like(x)
                forward(x, y, 1, n, 1)                # one long row
                backward(y, gy, gx, n, 1, 1)          # n rows of one
                res += [y, gx]
            results.append(res)
        for other in results[1:]:
            for a, b in zip(results[0], other):
                np.testing.assert_array_equal(a, b)


def _optimizer_steps(n, dtype, rng):
    """Each fused step as a function of fresh state, and the arrays it updates."""
    def state():
        return [rng.standard_normal(n).astype(dtype) for _ in range(5)]
    return {
        "sgd": (lambda w, g, a, b, c: native.sgd_step(w, g, a, 0.1, 0.9, 0.1, False, 0.01,
                                                      False)),
        "adam": (lambda w, g, a, b, c: native.adam_step(w, g, a, np.abs(b), np.abs(c), 1e-3,
                                                        0.9, 0.999, 1e-8, 0.01, True, 0.1,
                                                        0.001)),
        "adagrad": (lambda w, g, a, b, c: native.adagrad_step(w, g, np.abs(a), 0.01, 1e-10,
                                                              0.01)),
        "rmsprop": (lambda w, g, a, b, c: native.rmsprop_step(w, g, np.abs(a), b, c, 0.01, 0.9,
                                                              1e-8, 0.01, 0.5)),
        "adadelta": (lambda w, g, a, b, c: native.adadelta_step(w, g, np.abs(a), np.abs(b),
                                                                1.0, 0.9, 1e-6, 0.01)),
    }, state


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [5, 32767, 32768] + SPREAD_SIZES)
def test_optimizer_steps_same_bits_for_any_thread_count(isa, dtype, n, threads):
    rng = np.random.default_rng(n)
    steps, state = _optimizer_steps(n, dtype, rng)
    start = state()
    for name, step in steps.items():
        results = []
        for count in (1, 2, 3):
            _C.set_num_threads(count)
            arrays = [a.copy() for a in start]
            step(*arrays)
            results.append(arrays[0])
        assert not np.array_equal(results[0], start[0]), name      # the step moved w
        for other in results[1:]:
            np.testing.assert_array_equal(results[0], other, err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(20_001, 4), (3, 5, 4_000), (2, 3, 17)],
                         ids=["rows", "chunks", "small"])
def test_prelu_same_bits_for_any_thread_count(isa, dtype, shape, threads):
    """PReLU's four loops: rows of (outer, channels) and chunks of long (.., inner) rows,
    forward and backward (its slope gradient summed in pieces fixed by the shape)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal(shape).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    w = rng.uniform(0, 0.5, shape[1]).astype(dtype)
    results = []
    for count in (1, 2, 3):
        _C.set_num_threads(count)
        y = native.prelu(x, w)
        gx, gw = native.prelu_backward(x, w, gy)
        results.append((y, gx, gw))
    np.testing.assert_allclose(results[0][0], reference.prelu(x, w), rtol=1e-6)
    scale = float(np.abs(x * gy).astype(np.float64).sum())   # the slope gradient is a long sum
    np.testing.assert_allclose(results[0][2], reference.prelu_backward(x, w, gy)[1],
                               rtol=1e-5, atol=1e-6 * scale)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("window", [(2, 2, 0), (3, 2, 1)], ids=["2x2", "3x3 s2 p1"])
@pytest.mark.parametrize("shape", [(8, 16, 32, 32), (1, 2, 6, 6)], ids=["big", "small"])
def test_pooling_same_bits_for_any_thread_count(isa, dtype, window, shape, threads):
    """The pooling planes, shared among threads from 65536 input elements."""
    kernel, stride, padding = window
    rng = np.random.default_rng(9)
    x = rng.standard_normal(shape).astype(dtype)
    results = []
    for count in (1, 2, 3):
        _C.set_num_threads(count)
        y, argmax = native.max_pool2d(x, kernel, stride, padding)
        gy = np.ones_like(y)
        gx = native.max_pool2d_backward(gy, argmax, x.shape, kernel, stride, padding)
        a = native.avg_pool2d(x, kernel, stride, padding)
        ga = native.avg_pool2d_backward(gy, x.shape, kernel, stride, padding)
        results.append((y, argmax, gx, a, ga))
    np.testing.assert_array_equal(results[0][0], reference.max_pool2d(x, kernel, stride,
                                                                      padding)[0])
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)
