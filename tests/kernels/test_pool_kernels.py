"""The 2x2 stride-2 max pooling kernels (csrc/conv/pool_table.h: portable and AVX2, which
AVX-512 CPUs run too) against the NumPy reference (engine/backend/reference/pool.py), bit for
bit, on every instruction set this CPU runs, and against PyTorch when it is installed.

Inputs hold ties, NaNs, infinities and signed zeros at random places: the maximum and its
index must follow the one rule (the first maximum in row-major order; a NaN wins unless an
earlier element of the window was NaN) in every version.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine.backend import get_num_threads, reference, set_num_threads

native = pytest.importorskip("engine.backend.native")
from engine import _C  # noqa: E402  (after the skip: a build without the extension)
from isa_helpers import under_isa  # noqa: E402

DTYPES = [np.float32, np.float64]
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.0]
BITS = {np.float32: np.uint32, np.float64: np.uint64}


def _pool_isas():
    """The versions of the pool family this CPU runs ("generic" first)."""
    return [isa for isa in _C.compiled_isas("pool") if isa in _C.available_isas()]


def _under_isa(isa, fn):
    return under_isa("pool", isa, fn)


def _input(shape, dtype, seed, special_share):
    """Small integers (many ties) with NaN, +-inf and +-0 at random places."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=shape).astype(dtype)
    where = rng.random(shape) < special_share
    x[where] = rng.choice(np.array(SPECIALS, dtype), size=int(where.sum()))
    return x


def _same_bits(a, b):
    return a.shape == b.shape and np.array_equal(a.view(BITS[a.dtype.type]),
                                                 b.view(BITS[b.dtype.type]))


def _backward_into_guarded(gy, argmax, shape):
    """gx in a NaN-filled buffer longer than gx: every element must be written, and nothing
    past its end (the guard)."""
    size = int(np.prod(shape))
    buffer = np.full(size + 64, np.nan, gy.dtype)
    gx = buffer[:size].reshape(shape)
    native.max_pool2d_backward(gy, argmax, shape, 2, out=gx)
    assert np.isnan(buffer[size:]).all()
    return gx


@st.composite
def pool_2x2_case(draw):
    """(n, c, h, w): odd and even sizes; rows from part of a vector to several (AVX-512
    float32: 16 outputs = 32 inputs per vector)."""
    n, c = draw(st.integers(0, 2)), draw(st.integers(1, 3))
    return n, c, draw(st.integers(2, 9)), draw(st.integers(2, 75))


@settings(max_examples=60, deadline=None)
@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=pool_2x2_case(), seed=st.integers(0, 2**32 - 1),
       special_share=st.sampled_from([0.0, 0.05, 0.3, 1.0]))
def test_every_isa_matches_reference_bit_for_bit(dtype, shape, seed, special_share):
    x = _input(shape, dtype, seed, special_share)
    y_want, argmax_want = reference.max_pool2d(x, 2)
    gy = _input(y_want.shape, dtype, seed + 1, special_share / 4)
    gx_want = reference.max_pool2d_backward(gy, argmax_want, shape, 2)
    for isa in _pool_isas():
        y, argmax = _under_isa(isa, lambda: native.max_pool2d(x, 2))
        assert _same_bits(y, y_want), isa
        np.testing.assert_array_equal(argmax, argmax_want, err_msg=isa)
        gx = _under_isa(isa, lambda: _backward_into_guarded(gy, argmax, shape))
        # the reference adds gy to a zero, so -0.0 comes back +0.0 there: compare values
        # (NaN equal to NaN), and the versions with each other bit for bit
        np.testing.assert_array_equal(gx, gx_want, err_msg=isa)
        gx_generic = _under_isa("generic", lambda: _backward_into_guarded(gy, argmax, shape))
        assert _same_bits(gx, gx_generic), isa


@settings(max_examples=30, deadline=None)
@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=pool_2x2_case(), seed=st.integers(0, 2**32 - 1))
def test_indices_outside_their_window_add_up_as_in_the_reference(dtype, shape, seed):
    # an argmax that no forward made (indices into other windows, repeated ones): still in
    # the plane, so it is valid input, and the gradients that meet must add up
    x = _input(shape, dtype, seed, 0.0)
    y, argmax = native.max_pool2d(x, 2)
    rng = np.random.default_rng(seed)
    plane = shape[2] * shape[3]
    stray = argmax.copy()
    moved = rng.random(stray.shape) < rng.choice([0.02, 0.5, 1.0])
    stray[moved] = rng.integers(0, plane, size=int(moved.sum()), dtype=np.int32)
    gy = rng.standard_normal(y.shape).astype(dtype)
    want = reference.max_pool2d_backward(gy, stray, shape, 2)
    for isa in _pool_isas():
        got = _under_isa(isa, lambda: _backward_into_guarded(gy, stray, shape))
        np.testing.assert_array_equal(got, want, err_msg=isa)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index", [-1, 6 * 7, 2**31 - 1, -2**31])
def test_indices_outside_the_plane_raise_on_every_isa(dtype, index):
    x = _input((2, 3, 6, 7), dtype, 0, 0.1)
    y, argmax = native.max_pool2d(x, 2)
    bad = argmax.copy()
    bad[1, 2, 0, 1] = index
    for isa in _pool_isas():
        gx = np.full(x.shape, 7.0, dtype)
        with pytest.raises(ValueError, match="argmax"):
            _under_isa(isa, lambda: native.max_pool2d_backward(np.ones_like(y), bad, x.shape, 2,
                                                               out=gx))
        assert (gx == 7.0).all(), isa              # checked before anything was written


@pytest.mark.parametrize("shape", [(1, 1, 1, 8), (2, 3, 9, 1), (1, 1, 1, 1)])
def test_a_side_of_one_gives_no_window_on_both_backends(shape):
    x = np.ones(shape, np.float32)
    for backend in (reference, native):
        with pytest.raises(ValueError, match="output size"):
            backend.max_pool2d(x, 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_on_threads_every_isa_matches_one_thread(dtype):
    # big enough to split planes over threads (pool.c's threshold: 65536 input elements)
    x = _input((16, 6, 28, 29), dtype, 3, 0.02)
    gy = _input((16, 6, 14, 14), dtype, 4, 0.0)
    y_want, argmax_want = reference.max_pool2d(x, 2)
    gx_want = reference.max_pool2d_backward(gy, argmax_want, x.shape, 2)
    before = get_num_threads()
    set_num_threads(2)
    try:
        for isa in _pool_isas():
            y, argmax = _under_isa(isa, lambda: native.max_pool2d(x, 2))
            assert _same_bits(y, y_want), isa
            np.testing.assert_array_equal(argmax, argmax_want, err_msg=isa)
            gx = _under_isa(isa, lambda: native.max_pool2d_backward(gy, argmax, x.shape, 2))
            np.testing.assert_array_equal(gx, gx_want, err_msg=isa)
    finally:
        set_num_threads(before)


def test_pool_family_is_in_the_registry():
    from engine.backend.native import KERNEL_FAMILIES
    assert "pool" in KERNEL_FAMILIES and "pool" in _C.KERNEL_FAMILIES
    assert _C.kernel_isa("pool") in _C.available_isas()
    compiled = _C.compiled_isas("pool")
    assert compiled[0] == "generic" and "neon" not in compiled
    if _C.build_info()["arch"] == "x86-64" and "gcc" in _C.build_info()["compiler"]:
        assert {"avx2", "avx512"} <= set(compiled)
    with pytest.raises(ValueError):
        _C.set_kernel_isa("pool", "neon")


@settings(max_examples=25, deadline=None)
@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=pool_2x2_case(), seed=st.integers(0, 2**32 - 1))
def test_matches_pytorch_on_finite_inputs(dtype, shape, seed):
    # PyTorch's NaN rule differs (its last NaN wins): finite values only, with many ties
    torch = pytest.importorskip("torch")
    x = _input(shape, dtype, seed, 0.0)
    x[np.random.default_rng(seed).random(shape) < 0.1] = np.inf
    gy = np.random.default_rng(seed + 1).standard_normal(
        (shape[0], shape[1], shape[2] // 2, shape[3] // 2)).astype(dtype)
    xt = torch.from_numpy(x).requires_grad_(True)
    yt, it = torch.nn.functional.max_pool2d(xt, 2, return_indices=True)
    yt.backward(torch.from_numpy(gy))
    for isa in _pool_isas():
        y, argmax = _under_isa(isa, lambda: native.max_pool2d(x, 2))
        np.testing.assert_array_equal(y, yt.detach().numpy(), err_msg=isa)
        np.testing.assert_array_equal(argmax, it.numpy(), err_msg=isa)
        gx = _under_isa(isa, lambda: native.max_pool2d_backward(gy, argmax, shape, 2))
        np.testing.assert_array_equal(gx, xt.grad.numpy(), err_msg=isa)
