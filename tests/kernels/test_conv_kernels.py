"""The compiled im2col/col2im and pooling kernels against their NumPy twins
(engine/backend/reference/conv.py and pool.py).

Hypothesis draws 1-, 2- and 3-D inputs with random kernels, strides, paddings and dilations;
both dtypes. col2im is also checked to be im2col's adjoint: <im2col(x), c> = <x, col2im(c)>.
"""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from conv_cases import conv_case, pool_case
from isa_helpers import under_isa
from engine.backend import reference

native = pytest.importorskip("engine.backend.native")

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
SIDES = {1: 12, 2: 9, 3: 6}      # the largest input size per number of spatial axes


def _operands(case, seed, dtype):
    """An input x for ``case``, its reference columns, and random columns to fold back."""
    shape, kernel, stride, padding, dilation = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    want = reference.im2col(x, kernel, stride, padding, dilation)
    return x, want, rng.standard_normal(want.shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv_case(SIDES), seed=st.integers(0, 2**16))
def test_im2col_and_col2im_match_reference(dtype, case, seed):
    shape, kernel, stride, padding, dilation = case
    x, want, cols = _operands(case, seed, dtype)
    got = native.im2col(x, kernel, stride, padding, dilation)
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)                  # a pure copy: exact
    back_want = reference.col2im(cols, shape, kernel, stride, padding, dilation)
    back = native.col2im(cols, shape, kernel, stride, padding, dilation)
    np.testing.assert_allclose(back, back_want, **TOL[dtype])
    # adjoint: <im2col(x), cols> = <x, col2im(cols)>
    lhs = np.dot(want.ravel().astype(np.float64), cols.ravel())
    rhs = np.dot(x.ravel().astype(np.float64), back_want.ravel())
    assert abs(lhs - rhs) <= 1e-4 * (1 + abs(lhs)) if dtype == np.float32 else \
        abs(lhs - rhs) <= 1e-10 * (1 + abs(lhs))


@st.composite
def unit_width_stride_case(draw):
    """Geometries for the vector im2col/col2im (width stride 1): rows from a part of one
    vector to several, with padding, dilation and strides along the other axes."""
    dims = draw(st.integers(1, 3))
    size = tuple(draw(st.integers(1, 5)) for _ in range(dims - 1)) + (draw(st.integers(1, 40)),)
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims - 1)) + (1,)
    padding = tuple(draw(st.integers(0, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    assume(all(i + 2 * p - d * (k - 1) - 1 >= 0
               for i, k, p, d in zip(size, kernel, padding, dilation)))
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (n, c) + size, kernel, stride, padding, dilation


def _filled_view(shape, dtype, guard=64):
    """A NaN-filled C-contiguous array of ``shape`` that is the front of a longer buffer, and
    that buffer: whatever a kernel writes past the array's end shows in the guard."""
    size = int(np.prod(shape))
    buffer = np.full(size + guard, np.nan, dtype)
    return buffer[:size].reshape(shape), buffer[size:]


_under_isa = under_isa


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=unit_width_stride_case(), seed=st.integers(0, 2**16))
def test_vector_im2col_col2im_match_reference_on_every_isa(dtype, case, seed):
    # every value written (padding included: the outputs start as NaN), nothing past the end,
    # and col2im's sums bitwise those of the portable loop (same order of additions)
    from engine import _C
    shape, kernel, stride, padding, dilation = case
    x, want, cols = _operands(case, seed, dtype)
    portable = _under_isa("im2col", "generic",
                          lambda: native.col2im(cols, shape, kernel, stride, padding, dilation))
    np.testing.assert_allclose(portable, reference.col2im(cols, shape, kernel, stride, padding,
                                                          dilation), **TOL[dtype])
    for isa in _C.available_isas():
        out, guard = _filled_view(want.shape, dtype)
        _under_isa("im2col", isa,
                   lambda: native.im2col(x, kernel, stride, padding, dilation, out=out))
        np.testing.assert_array_equal(out, want, err_msg=isa)
        assert np.isnan(guard).all(), isa
        back, guard = _filled_view(shape, dtype)
        _under_isa("im2col", isa, lambda: native.col2im(cols, shape, kernel, stride, padding,
                                                        dilation, out=back))
        np.testing.assert_array_equal(back, portable, err_msg=isa)
        assert np.isnan(guard).all(), isa


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, kernel, padding", [((16, 6, 14, 14), 5, 0),
                                                    ((4, 8, 9, 37), 3, 1),
                                                    ((3, 4, 5, 300), 3, 1)])  # > 16 vectors
def test_vector_im2col_col2im_on_threads_match_portable(dtype, shape, kernel, padding):
    # big enough to run on every thread: each thread's last full-width store must stay in
    # the rows (im2col) or planes (col2im) it owns; rows of 300 take the long-row loop
    from engine import _C
    from engine.backend import get_num_threads, set_num_threads
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    want = reference.im2col(x, kernel, 1, padding, 1)
    cols = rng.standard_normal(want.shape).astype(dtype)
    portable = _under_isa("im2col", "generic",
                          lambda: native.col2im(cols, shape, kernel, 1, padding, 1))
    before = get_num_threads()
    set_num_threads(max(2, before))
    try:
        for isa in _C.available_isas():
            got = _under_isa("im2col", isa, lambda: native.im2col(x, kernel, 1, padding, 1))
            np.testing.assert_array_equal(got, want, err_msg=isa)
            back = _under_isa("im2col", isa,
                              lambda: native.col2im(cols, shape, kernel, 1, padding, 1))
            np.testing.assert_array_equal(back, portable, err_msg=isa)
    finally:
        set_num_threads(before)


def test_im2col_layout_is_documented_one():
    # cols[(c, kh, kw), (i, oh, ow)] = x_pad[i, c, oh*s + kh*d, ow*s + kw*d]
    x = np.arange(2 * 2 * 4 * 5, dtype=np.float64).reshape(2, 2, 4, 5)
    cols = native.im2col(x, (2, 3), 1, 0, 1)
    assert cols.shape == (2 * 6, 2 * 3 * 3)
    for c in range(2):
        for kh in range(2):
            for kw in range(3):
                for i in range(2):
                    for oh in range(3):
                        for ow in range(3):
                            assert cols[c * 6 + kh * 3 + kw, i * 9 + oh * 3 + ow] == \
                                x[i, c, oh + kh, ow + kw]


def test_im2col_writes_into_out_and_checks_it():
    x = np.ones((2, 3, 5, 5), np.float32)
    out = np.full((27, 2 * 9), np.nan, np.float32)
    assert native.im2col(x, 3, out=out) is out and np.all(out == 1)
    with pytest.raises(ValueError, match="shape"):
        native.im2col(x, 3, out=np.empty((27, 17), np.float32))
    with pytest.raises(ValueError, match="shape"):
        native.im2col(x, 3, out=np.empty((27, 18), np.float64))


@pytest.mark.parametrize("backend", [reference, native])
def test_bad_conv_geometry_raises(backend):
    x = np.ones((1, 1, 3, 3), np.float32)
    with pytest.raises(ValueError, match="output size"):
        backend.im2col(x, 5)
    with pytest.raises(ValueError, match=">= 1"):
        backend.im2col(x, 3, stride=0)
    with pytest.raises(TypeError, match="kernel_size"):
        backend.im2col(x, (3, 3, 3))
    with pytest.raises(TypeError, match="float32 or float64"):
        backend.im2col(x.astype(np.int32), 2)
    with pytest.raises(ValueError, match="expected an input"):
        backend.im2col(np.ones((3, 3), np.float32), 2)
    with pytest.raises(ValueError, match="cols must have shape"):
        backend.col2im(np.ones((4, 5), np.float32), (1, 1, 3, 3), 2)


def _pools(dims):
    return tuple(getattr(b, f"{kind}_pool{dims}d{suffix}") for b in (reference, native)
                 for kind in ("max", "avg") for suffix in ("", "_backward"))


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool_case(11), seed=st.integers(0, 2**16))
def test_pools_match_reference(dtype, case, seed):
    dims, shape, kernel, stride, padding = case
    (rmax, rmax_b, ravg, ravg_b, nmax, nmax_b, navg, navg_b) = _pools(dims)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    y_r, idx_r = rmax(x, kernel, stride, padding)
    y_n, idx_n = nmax(x, kernel, stride, padding)
    np.testing.assert_array_equal(y_n, y_r)
    np.testing.assert_array_equal(idx_n, idx_r)
    gy = rng.standard_normal(y_r.shape).astype(dtype)
    np.testing.assert_allclose(nmax_b(gy, idx_n, shape, kernel, stride, padding),
                               rmax_b(gy, idx_r, shape, kernel, stride, padding), **TOL[dtype])
    np.testing.assert_allclose(navg(x, kernel, stride, padding),
                               ravg(x, kernel, stride, padding), **TOL[dtype])
    np.testing.assert_allclose(navg_b(gy, shape, kernel, stride, padding),
                               ravg_b(gy, shape, kernel, stride, padding), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("h, w", [(8, 8), (7, 9), (2, 2), (5, 4)])
def test_2x2_fast_path_matches_reference(dtype, h, w):
    rng = np.random.default_rng(h * w)
    x = rng.standard_normal((3, 2, h, w)).astype(dtype)
    x[0, 0, 0, :2] = x[0, 0, 1, :2] = 1.5              # ties: the first one wins in both
    y_r, i_r = reference.max_pool2d(x, 2)
    y_n, i_n = native.max_pool2d(x, 2)
    np.testing.assert_array_equal(y_n, y_r)
    np.testing.assert_array_equal(i_n, i_r)
    gy = rng.standard_normal(y_r.shape).astype(dtype)
    gx = np.full(x.shape, np.nan, dtype)                # every element must be written
    np.testing.assert_allclose(native.max_pool2d_backward(gy, i_n, x.shape, 2, out=gx),
                               reference.max_pool2d_backward(gy, i_r, x.shape, 2), **TOL[dtype])
    gx[...] = np.nan
    np.testing.assert_allclose(native.avg_pool2d_backward(gy, x.shape, 2, out=gx),
                               reference.avg_pool2d_backward(gy, x.shape, 2), **TOL[dtype])
    np.testing.assert_allclose(native.avg_pool2d(x, 2), reference.avg_pool2d(x, 2), **TOL[dtype])


def test_slides_max_pool_example():
    x = np.array([[2, 13, 0, 1], [1, 20, 2, 3], [15, 14, 7, 1], [10, 2, 2, 9]], np.float32)
    for backend in (reference, native):
        y, argmax = backend.max_pool2d(x[None, None], 2, 2)
        np.testing.assert_array_equal(y[0, 0], [[20, 3], [15, 9]])
        np.testing.assert_array_equal(argmax[0, 0], [[5, 7], [8, 15]])


@pytest.mark.parametrize("backend", [reference, native])
def test_bad_pool_arguments_raise(backend):
    x = np.ones((1, 1, 4, 4), np.float32)
    with pytest.raises(ValueError, match="half"):
        backend.max_pool2d(x, 2, 1, 2)
    with pytest.raises(ValueError, match="output size"):
        backend.avg_pool2d(x, 5)
    with pytest.raises(ValueError, match="axes"):
        backend.max_pool2d(np.ones(4, np.float32), 2)
    y, idx = backend.max_pool2d(x, 2)
    with pytest.raises(ValueError, match="shape"):
        backend.max_pool2d_backward(np.ones((1, 1, 3, 3), np.float32), idx, x.shape, 2)
    with pytest.raises(ValueError, match="outside"):
        backend.max_pool2d_backward(y, idx + 100, x.shape, 2)
