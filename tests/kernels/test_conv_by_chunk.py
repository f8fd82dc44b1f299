"""The im2col path in cache-sized chunks of images (csrc/conv/by_chunk_body.h) against its
NumPy twins: the forward y = W·im2col(x) + b and the gradients dW = dY·im2col(x)ᵀ,
dX = col2im(Wᵀ·dY). Every instruction set of the im2col family, float32 and float64, random
geometries and batch sizes (chunks of several small images, and of one large image), the same
bits for any thread count, and the work buffer's checks. The CuPy twin's code runs here with
NumPy standing in."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine import _C
from engine.backend import cuda, reference
from isa_helpers import under_isa

native = pytest.importorskip("engine.backend.native")
DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}
NEEDS = [(True, True), (True, False), (False, True)]


@st.composite
def geometries(draw):
    dims = draw(st.sampled_from([1, 2, 2, 2, 3]))
    kernel = tuple(draw(st.sampled_from([1, 2, 3, 5])) for _ in range(dims))
    stride = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(dims))
    dilation = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    size = tuple(draw(st.integers(max(1, (k - 1) * d + 1 - 2 * p), 14 if dims < 3 else 9))
                 for k, d, p in zip(kernel, dilation, padding))
    n, c, o = draw(st.integers(0, 40)), draw(st.integers(1, 4)), draw(st.integers(1, 9))
    return (n, c) + size, o, kernel, stride, padding, dilation


def _operands(shape, o, kernel, stride, padding, dilation, seed, dtype):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((o, shape[1]) + kernel).astype(dtype)
    b = rng.standard_normal(o).astype(dtype)
    out = tuple((i + 2 * p - d * (k - 1) - 1) // s + 1
                for i, k, s, p, d in zip(shape[2:], kernel, stride, padding, dilation))
    gy = rng.standard_normal((shape[0], o) + out).astype(dtype)
    return x, w, b, gy


def _with_threads(threads, fn):
    before = _C.get_num_threads()
    _C.set_num_threads(threads)
    try:
        return fn()
    finally:
        _C.set_num_threads(before)


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=40, deadline=None)
@given(case=geometries(), seed=st.integers(0, 2**16), with_bias=st.booleans(),
       needs=st.sampled_from(NEEDS))
def test_matches_reference_on_every_isa(dtype, case, seed, with_bias, needs):
    shape, o, kernel, stride, padding, dilation = case
    x, w, b, gy = _operands(*case, seed, dtype)
    b = b if with_bias else None
    want_y = reference.conv_by_chunk(x, w, b, stride, padding, dilation)
    want_gx, want_gw = reference.conv_by_chunk_grads(x, w, gy, stride, padding, dilation,
                                                     needs=needs)
    assert want_y.shape == gy.shape
    for isa in _C.available_isas():
        y = np.full(want_y.shape, np.nan, dtype)       # every output must be written
        got = under_isa("im2col", isa, lambda: native.conv_by_chunk(
            x, w, b, stride, padding, dilation, out=y))
        assert got is y
        np.testing.assert_allclose(y, want_y, err_msg=isa, **TOL[dtype])
        gx, gw = under_isa("im2col", isa, lambda: native.conv_by_chunk_grads(
            x, w, gy, stride, padding, dilation, needs=needs))
        assert (gx is None) == (not needs[0]) and (gw is None) == (not needs[1])
        if needs[0]:
            np.testing.assert_allclose(gx, want_gx, err_msg=isa, **TOL[dtype])
        if needs[1]:
            np.testing.assert_allclose(gw, want_gw, err_msg=isa, **TOL[dtype])


# (n, C, size, O, kernel, padding): chunks of many small images with a short last chunk; one
# image per chunk (its columns over the chunk budget), a batch of several groups
LARGE_CASES = [((37, 3, 12, 12), 5, 3, 1), ((19, 16, 40, 40), 16, 3, 1),
               ((5, 8, 60, 60), 4, 5, 2)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", LARGE_CASES)
def test_chunks_and_groups_give_the_same_bits_on_any_thread_count(dtype, case):
    """The chunk size and the groups of the weight gradient depend on the sizes only: the same
    bits for 1, 2 and 3 threads, and the reference's values."""
    shape, o, k, p = case
    x, w, b, gy = _operands(shape, o, (k, k), (1, 1), (p, p), (1, 1), 7, dtype)
    runs = []
    for threads in (1, 2, 3):
        runs.append(_with_threads(threads, lambda: (
            native.conv_by_chunk(x, w, b, 1, p, 1),) + native.conv_by_chunk_grads(
            x, w, gy, 1, p, 1)))
    for other in runs[1:]:
        for a, c in zip(runs[0], other):
            np.testing.assert_array_equal(a, c)
    want = (reference.conv_by_chunk(x, w, b, 1, p, 1),) + reference.conv_by_chunk_grads(
        x, w, gy, 1, p, 1)
    for got, expected in zip(runs[0], want):
        np.testing.assert_allclose(got, expected, **TOL[dtype])


def test_an_empty_batch_gives_zero_gradients():
    x, w, b, gy = _operands((0, 3, 8, 8), 4, (3, 3), (1, 1), (1, 1), (1, 1), 0, np.float64)
    assert native.conv_by_chunk(x, w, b, 1, 1, 1).shape == (0, 4, 8, 8)
    gx, gw = native.conv_by_chunk_grads(x, w, gy, 1, 1, 1,
                                        gw=np.full(w.shape, np.nan), gx=np.empty_like(x))
    assert gx.shape == x.shape and not gw.any()


def test_the_work_buffer_is_checked_and_a_smaller_one_uses_fewer_threads():
    x, w, b, gy = _operands((12, 16, 40, 40), 8, (3, 3), (1, 1), (1, 1), (1, 1), 1, np.float32)
    want = native.conv_by_chunk(x, w, b, 1, 1, 1)
    for backward in (False, True):
        one = _with_threads(1, lambda: native.conv_by_chunk_work(
            x.shape, w.shape, x.dtype, 1, 1, 1, backward))
        two = _with_threads(2, lambda: native.conv_by_chunk_work(
            x.shape, w.shape, x.dtype, 1, 1, 1, backward))
        assert two > one > 0
        assert reference.conv_by_chunk_work(x.shape, w.shape, x.dtype, 1, 1, 1, backward) == 0
        # sized for one thread, called with two: it runs on one (same bits)
        work = np.empty(one, np.float32)
        if backward:
            gx, gw = _with_threads(2, lambda: native.conv_by_chunk_grads(x, w, gy, 1, 1, 1,
                                                                         work=work))
            np.testing.assert_array_equal(gw, native.conv_by_chunk_grads(x, w, gy, 1, 1, 1)[1])
        else:
            y = _with_threads(2, lambda: native.conv_by_chunk(x, w, b, 1, 1, 1, work=work))
            np.testing.assert_array_equal(y, want)
        with pytest.raises(ValueError, match="work must hold at least"):
            if backward:
                native.conv_by_chunk_grads(x, w, gy, 1, 1, 1, work=work[:one - 1])
            else:
                native.conv_by_chunk(x, w, b, 1, 1, 1, work=work[:one - 1])
    with pytest.raises(ValueError, match="itemsize must be 4 or 8"):
        _C.conv_by_chunk_work(2, 3, 2, False, 1, (1, 4, 4), (1, 2, 2), (1, 3, 3), (1, 1, 1),
                              (0, 0, 0), (1, 1, 1))


@pytest.mark.parametrize("backend", [reference, native, cuda.make_backend(np)],
                         ids=["reference", "native", "cuda-twin"])
def test_bad_operands_are_refused(backend):
    x = np.zeros((2, 3, 6, 6), np.float32)
    w = np.zeros((4, 3, 3, 3), np.float32)
    gy = np.zeros((2, 4, 4, 4), np.float32)
    with pytest.raises(ValueError, match="conv_by_chunk: weight must be"):
        backend.conv_by_chunk(x, np.zeros((4, 2, 3, 3), np.float32), None, 1, 0, 1)
    with pytest.raises(TypeError, match="conv_by_chunk: x, weight and bias must have one dtype"):
        backend.conv_by_chunk(x, w.astype(np.float64), None, 1, 0, 1)
    with pytest.raises(ValueError, match="bias must have shape"):
        backend.conv_by_chunk(x, w, np.zeros(3, np.float32), 1, 0, 1)
    with pytest.raises(ValueError, match=r"gy must have shape \(2, 4, 4, 4\)"):
        backend.conv_by_chunk_grads(x, w, np.zeros((2, 4, 5, 4), np.float32), 1, 0, 1)
    with pytest.raises(TypeError, match="x and gy must have one dtype"):
        backend.conv_by_chunk_grads(x, w, gy.astype(np.float64), 1, 0, 1)
    with pytest.raises(TypeError, match="needs must be a tuple of two bools"):
        backend.conv_by_chunk_grads(x, w, gy, 1, 0, 1, needs=(1, 1))
    with pytest.raises(ValueError, match=r"gw must be a writeable .* shape \(4, 3, 3, 3\)"):
        backend.conv_by_chunk_grads(x, w, gy, 1, 0, 1, gw=np.zeros((4, 27), np.float32))


@pytest.mark.parametrize("needs", NEEDS)
def test_the_cuda_twin_computes_the_same_with_numpy(needs):
    standin = cuda.make_backend(np)
    x, w, b, gy = _operands((6, 3, 9, 8), 5, (3, 3), (2, 1), (1, 0), (1, 2), 3, np.float64)
    np.testing.assert_allclose(standin.conv_by_chunk(x, w, b, (2, 1), (1, 0), (1, 2)),
                               reference.conv_by_chunk(x, w, b, (2, 1), (1, 0), (1, 2)),
                               rtol=1e-12, atol=1e-12)
    got = standin.conv_by_chunk_grads(x, w, gy, (2, 1), (1, 0), (1, 2), needs=needs)
    want = reference.conv_by_chunk_grads(x, w, gy, (2, 1), (1, 0), (1, 2), needs=needs)
    for a, c in zip(got, want):
        assert (a is None) == (c is None)
        if a is not None:
            np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)
    assert standin.conv_by_chunk_work(x.shape, w.shape, x.dtype, (2, 1), (1, 0), (1, 2)) == 0
