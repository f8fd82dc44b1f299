"""The convolution without columns (csrc/conv/direct_body.h, portable.h) against its NumPy
twins: the weight gradient dW = dY·im2col(x)ᵀ and the forward y = W·im2col(x) + b. Every
instruction set, float32 and float64, random geometries (kernel widths 1 to 7: the weight
gradient takes up to 5 kernel columns at a time, so 7 is a run of 5 and one of 2; width
strides other than 1 take the portable loop, and the forward declines what it has no loop
for), and the same bits for 1 and 2 threads."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine import _C
from engine.backend import reference
from isa_helpers import under_isa

native = pytest.importorskip("engine.backend.native")
DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-4, atol=2e-4), np.float64: dict(rtol=1e-10, atol=1e-10)}


def _under_isa(isa, fn):
    return under_isa("im2col", isa, fn)


@st.composite
def geometries(draw):
    dims = draw(st.sampled_from([1, 2, 2, 2, 3]))
    kernel = tuple(draw(st.sampled_from([1, 2, 3, 5, 7])) for _ in range(dims))
    stride = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(dims))
    dilation = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    size = tuple(draw(st.integers(max(1, (k - 1) * d + 1 - 2 * p), 20))
                 for k, d, p in zip(kernel, dilation, padding))
    n, c, o = draw(st.integers(0, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 11))
    return (n, c) + size, o, kernel, stride, padding, dilation


def _operands(case, seed, dtype):
    shape, o, kernel, stride, padding, dilation = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    out = tuple((i + 2 * p - d * (k - 1) - 1) // s + 1
                for i, k, s, p, d in zip(shape[2:], kernel, stride, padding, dilation))
    gy = rng.standard_normal((shape[0], o) + out).astype(dtype)
    return x, gy


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=40, deadline=None)
@given(case=geometries(), seed=st.integers(0, 2**16))
def test_weight_grad_matches_reference_on_every_isa(dtype, case, seed):
    shape, o, kernel, stride, padding, dilation = case
    x, gy = _operands(case, seed, dtype)
    want = reference.conv_weight_grad(x, gy, kernel, stride, padding, dilation)
    assert want.shape == (o, shape[1] * int(np.prod(kernel)))
    for isa in _C.available_isas():
        got = _under_isa(isa, lambda: native.conv_weight_grad(x, gy, kernel, stride, padding,
                                                              dilation))
        np.testing.assert_allclose(got, want, err_msg=isa, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_lenet_shapes_and_threads(dtype):
    """LeNet conv1 (1 → 6, 5×5, padding 2) and a 3-wide kernel with 13 output channels (every
    block size of the tiled loop): the reference's values, the same bits on 1 and 2 threads."""
    rng = np.random.default_rng(3)
    for shape, o, k, p in [((9, 1, 28, 28), 6, 5, 2), ((3, 2, 11, 40), 13, 3, 1)]:
        x = rng.standard_normal(shape).astype(dtype)
        out = shape[2] + 2 * p - k + 1, shape[3] + 2 * p - k + 1
        gy = rng.standard_normal((shape[0], o) + out).astype(dtype)
        want = reference.conv_weight_grad(x, gy, (k, k), 1, (p, p), 1)
        results = []
        for threads in (1, 2):
            before = _C.get_num_threads()
            _C.set_num_threads(threads)
            try:
                results.append(native.conv_weight_grad(x, gy, (k, k), 1, (p, p), 1))
            finally:
                _C.set_num_threads(before)
        np.testing.assert_array_equal(results[0], results[1])
        np.testing.assert_allclose(results[0], want, **TOL[dtype])


@pytest.mark.parametrize("backend", [reference, native])
def test_bad_operands_are_refused(backend):
    x = np.zeros((2, 1, 6, 6), np.float32)
    with pytest.raises(ValueError, match="gy must have shape"):
        backend.conv_weight_grad(x, np.zeros((2, 3, 5, 5), np.float32), 3, 1, 1, 1)
    with pytest.raises(TypeError, match="one dtype"):
        backend.conv_weight_grad(x, np.zeros((2, 3, 6, 6), np.float64), 3, 1, 1, 1)
    with pytest.raises(TypeError, match="float32 or float64"):
        backend.conv_weight_grad(x.astype(np.int32), np.zeros((2, 3, 6, 6), np.int32), 3, 1, 1, 1)
    with pytest.raises(ValueError, match=r"out must be a writeable .* shape \(3, 9\)"):
        backend.conv_weight_grad(x, np.zeros((2, 3, 6, 6), np.float32), 3, 1, 1, 1,
                                 out=np.zeros((3, 8), np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=40, deadline=None)
@given(case=geometries(), seed=st.integers(0, 2**16), with_bias=st.booleans())
def test_forward_matches_reference_on_every_isa(dtype, case, seed, with_bias):
    """Where the native forward runs (True from the C side) it equals the reference, every
    output written (y starts as NaN); where it declines (None) y is left alone."""
    shape, o, kernel, stride, padding, dilation = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((o, shape[1]) + kernel).astype(dtype)
    b = rng.standard_normal(o).astype(dtype) if with_bias else None
    want = reference.conv_direct(x, w, b, stride, padding, dilation)
    for isa in _C.available_isas():
        y = np.full(want.shape, np.nan, dtype)
        got = _under_isa(isa, lambda: native.conv_direct(x, w, b, stride, padding, dilation,
                                                         out=y))
        if got is None:     # declined: no vector loop, a width stride of 2, rows too long
            assert isa == "generic" or stride[-1] != 1 or shape[0] == 0 or want.shape[-1] > 16
            continue
        assert got is y
        np.testing.assert_allclose(y, want, err_msg=isa, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_forward_threads_and_lenet_shape(dtype):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((9, 1, 28, 28)).astype(dtype)
    w = rng.standard_normal((6, 1, 5, 5)).astype(dtype)
    b = rng.standard_normal(6).astype(dtype)
    results = []
    for threads in (1, 2):
        before = _C.get_num_threads()
        _C.set_num_threads(threads)
        try:
            results.append(native.conv_direct(x, w, b, 1, 2, 1))
        finally:
            _C.set_num_threads(before)
    if results[0] is None:
        pytest.skip("no vector instruction set here")
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_allclose(results[0], reference.conv_direct(x, w, b, 1, 2, 1),
                               **TOL[dtype])


@pytest.mark.parametrize("backend", [reference, native])
def test_forward_bad_operands_are_refused(backend):
    x = np.zeros((2, 3, 6, 6), np.float32)
    with pytest.raises(ValueError, match="weight must be"):
        backend.conv_direct(x, np.zeros((4, 2, 3, 3), np.float32), None, 1, 1, 1)
    with pytest.raises(ValueError, match="bias must have shape"):
        backend.conv_direct(x, np.zeros((4, 3, 3, 3), np.float32), np.zeros(3, np.float32),
                            1, 1, 1)
    with pytest.raises(TypeError, match="one dtype"):
        backend.conv_direct(x, np.zeros((4, 3, 3, 3), np.float64), None, 1, 1, 1)
