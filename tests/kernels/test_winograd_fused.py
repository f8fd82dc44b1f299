"""The fused Winograd convolution (csrc/conv/winograd_fused_body.h: the transforms and the
GEMMs block by block of tiles) and weight gradient, F(2×2, 3×3) and F(4×4, 3×3), against their
NumPy twins over random shapes and block sizes (rows of tiles, whole images), within the
stated error bounds, and for any thread count."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import engine
from engine.backend import reference
from engine.backend.reference import winograd as ref

native = pytest.importorskip("engine.backend.native")
from engine import _C  # noqa: E402  (after the skip: the compiled module)

TOL = {np.float32: 2e-5, np.float64: 1e-13}
TILES = st.sampled_from([2, 4])
# the first-order error bounds' factors and entries per tile (reference/winograd.py)
BOUND_FACTOR = {2: 81, 4: 36100}
ENTRIES = {2: 16, 4: 36}


@pytest.fixture
def block_tiles():
    """Set the fused convolution's block size for one test; the default again afterwards."""
    yield _C.winograd_set_block_tiles
    _C.winograd_set_block_tiles(0)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 6), o=st.integers(1, 6), h=st.integers(1, 13),
       w=st.integers(1, 13), ph=st.integers(0, 2), pw=st.integers(0, 2),
       dtype=st.sampled_from([np.float32, np.float64]),
       tiles=st.sampled_from([0, 1, 2, 5, 40, 200]), tile=TILES, with_bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_fused_convolution_matches_the_reference(n, c, o, h, w, ph, pw, dtype, tiles, tile,
                                                  with_bias, seed):
    """Blocks of 1 tile: every row of tiles a block of its own; of 200: whole images."""
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    u = ref.winograd_filter(rng.standard_normal((o, c, 3, 3)).astype(dtype), tile=tile)
    bias = rng.standard_normal(o).astype(dtype) if with_bias else None
    if oh < 1 or ow < 1:
        with pytest.raises(ValueError, match="3×3 window"):
            native.winograd_conv(x, u, (ph, pw))
        return
    _C.winograd_set_block_tiles(tiles)
    try:
        got = native.winograd_conv(x, u, (ph, pw), bias)
    finally:
        _C.winograd_set_block_tiles(0)
    want = ref.winograd_conv(x, u, (ph, pw), bias)
    assert got.shape == want.shape == (n, o, oh, ow) and got.dtype == dtype
    scale = 10 if tile == 2 else 1000       # F(4×4, 3×3) weighs values by up to 100 and 361
    np.testing.assert_allclose(got, want, rtol=TOL[dtype] * scale / 10,
                               atol=TOL[dtype] * scale * c)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [1, 8, 64])
@pytest.mark.parametrize("tile", [2, 4])
def test_fused_convolution_within_the_stated_error_bound(dtype, c, tile):
    """|y_winograd − y| ≤ (C + K) · ε · S · C · max|g| · max|d| (reference/winograd.py: K, S
    16, 81 for F(2×2, 3×3) and 36, 36100 for F(4×4, 3×3)), y computed by im2col in float64."""
    rng = np.random.default_rng(c)
    x = rng.uniform(-1, 1, (2, c, 13, 10)).astype(dtype)
    w = rng.uniform(-1, 1, (5, c, 3, 3)).astype(dtype)
    got = native.winograd_conv(x, native.winograd_filter(w, tile=tile), (1, 1))
    cols = reference.im2col(x.astype(np.float64), (3, 3), 1, (1, 1), 1)
    want = (w.astype(np.float64).reshape(5, -1) @ cols).reshape(5, 2, 13, 10).transpose(1, 0, 2, 3)
    eps = np.finfo(dtype).eps / 2
    bound = (c + ENTRIES[tile]) * eps * BOUND_FACTOR[tile] * c * np.abs(w).max() * np.abs(x).max()
    error = np.abs(got - want).max()
    assert error <= bound, (error, bound)
    assert error > 0 or dtype == np.float64 or c == 1


@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("tiles", [0, 16, 48, 300])
def test_fused_convolution_gives_the_same_bits_for_any_thread_count(block_tiles, tiles, tile):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 16, 20, 18)).astype(np.float32)
    u = native.winograd_filter(rng.standard_normal((24, 16, 3, 3)).astype(np.float32),
                               tile=tile)
    block_tiles(tiles)
    saved = engine.get_num_threads()
    try:
        engine.set_num_threads(1)
        one = native.winograd_conv(x, u, (1, 1))
        engine.set_num_threads(2)
        two = native.winograd_conv(x, u, (1, 1))
    finally:
        engine.set_num_threads(saved)
    assert np.array_equal(one, two)


def test_fused_convolution_with_no_input_channels_is_the_bias():
    x = np.zeros((2, 0, 5, 5), np.float32)
    u = np.zeros((16, 3, 0), np.float32)
    bias = np.array([1.0, -2.0, 3.0], np.float32)
    y = native.winograd_conv(x, u, (1, 1), bias)
    assert y.shape == (2, 3, 5, 5)
    np.testing.assert_array_equal(y, np.broadcast_to(bias.reshape(1, 3, 1, 1), y.shape))


def test_fused_convolution_refuses_bad_operands():
    x = np.zeros((1, 2, 5, 5), np.float32)
    with pytest.raises(ValueError, match=r"u \(16 or 36, O, 2\)"):
        native.winograd_conv(x, np.zeros((16, 3, 4), np.float32))
    with pytest.raises(ValueError, match=r"u \(16 or 36, O, 2\).*got 9 entries"):
        native.winograd_conv(x, np.zeros((9, 3, 2), np.float32))
    with pytest.raises(ValueError, match="bias"):
        native.winograd_conv(x, np.zeros((16, 3, 2), np.float32), bias=np.zeros(2))
    with pytest.raises(TypeError, match="float32 or float64"):
        native.winograd_conv(x.astype(np.int32), np.zeros((16, 3, 2), np.float32))
    with pytest.raises(ValueError, match="tiles must be in"):
        _C.winograd_set_block_tiles(-1)


@pytest.mark.parametrize("tile", [2, 4])
def test_array_module_twin_of_the_fused_convolution_matches_the_reference(tile):
    """The cuda backend's winograd_conv (array-module code), run with NumPy as its module."""
    from engine.backend.cuda.winograd import Kernels
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 6))
    u = ref.winograd_filter(rng.standard_normal((4, 3, 3, 3)), tile=tile)
    bias = rng.standard_normal(4)
    np.testing.assert_allclose(Kernels(np).winograd_conv(x, u, (1, 2), bias),
                               ref.winograd_conv(x, u, (1, 2), bias), rtol=1e-13, atol=1e-13)


# ---- the weight gradient (csrc/conv/winograd_grad_body.h) ----

def _im2col_weight_grad(x, gy, padding):
    """∂L/∂w = dY · colsᵀ by the reference backend's im2col, in float64."""
    o, c = gy.shape[1], x.shape[1]
    cols = reference.im2col(x.astype(np.float64), (3, 3), 1, padding, 1)
    dy = gy.astype(np.float64).transpose(1, 0, 2, 3).reshape(o, -1)
    return (dy @ cols.T).reshape(o, c, 3, 3)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 6), o=st.integers(1, 6), h=st.integers(1, 13),
       w=st.integers(1, 13), ph=st.integers(0, 2), pw=st.integers(0, 2),
       dtype=st.sampled_from([np.float32, np.float64]),
       tiles=st.sampled_from([0, 1, 3, 40, 200]), tile=TILES, seed=st.integers(0, 2**16))
def test_weight_gradient_matches_the_reference_and_im2col(n, c, o, h, w, ph, pw, dtype, tiles,
                                                          tile, seed):
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    if oh < 1 or ow < 1:
        with pytest.raises(ValueError, match="3×3 window"):
            native.winograd_weight_grad(x, np.zeros((n, o, 1, 1), dtype), (ph, pw), tile=tile)
        return
    gy = rng.standard_normal((n, o, oh, ow)).astype(dtype)
    _C.winograd_set_block_tiles(tiles)
    try:
        got = native.winograd_weight_grad(x, gy, (ph, pw), tile=tile)
    finally:
        _C.winograd_set_block_tiles(0)
    want = _im2col_weight_grad(x, gy, (ph, pw))
    scale = np.abs(want).max() + 1
    tol = TOL[dtype] * scale * (10 if tile == 2 else 1000)
    assert got.shape == (o, c, 3, 3) and got.dtype == dtype
    np.testing.assert_allclose(ref.winograd_weight_grad(x, gy, (ph, pw), tile=tile), want,
                               atol=tol)
    np.testing.assert_allclose(got, want, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("tile", [2, 4])
def test_weight_gradient_within_an_error_bound(dtype, tile):
    """The bound stated in reference/winograd.py: each dU entry sums P = n·th·tw products of
    a transformed input (|V| ≤ 4·max|d|) and a transformed gradient (|dM| ≤ 4·max|dy|), and
    Gᵀ dU G weighs them by at most 9/4, so (first order, unit roundoff ε)
    |dW_winograd − dW| ≤ (P + 16)·ε·36·P·max|d|·max|dy|; for F(4×4, 3×3) |V| ≤ 100·max|d|,
    |dM| ≤ 361·max|dy| and the weights at most 1: (P + 36)·ε·36100·P·max|d|·max|dy|."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (2, 8, 12, 10)).astype(dtype)
    gy = rng.uniform(-1, 1, (2, 4, 12, 10)).astype(dtype)
    got = native.winograd_weight_grad(x, gy, (1, 1), tile=tile)
    p = 2 * -(-12 // tile) * -(-10 // tile)
    bound = (p + ENTRIES[tile]) * np.finfo(dtype).eps / 2 * (36 if tile == 2 else 36100) * p
    error = np.abs(got - _im2col_weight_grad(x, gy, (1, 1))).max()
    assert error <= bound, (error, bound)


@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("tiles", [0, 7, 300])
def test_weight_gradient_gives_the_same_bits_for_any_thread_count(block_tiles, tiles, tile):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 16, 20, 18)).astype(np.float32)
    gy = rng.standard_normal((3, 24, 20, 18)).astype(np.float32)
    block_tiles(tiles)
    saved = engine.get_num_threads()
    try:
        engine.set_num_threads(1)
        one = native.winograd_weight_grad(x, gy, (1, 1), tile=tile)
        engine.set_num_threads(2)
        two = native.winograd_weight_grad(x, gy, (1, 1), tile=tile)
    finally:
        engine.set_num_threads(saved)
    assert np.array_equal(one, two)


def test_weight_gradient_of_an_empty_batch_is_zero_and_bad_shapes_are_refused():
    dw = native.winograd_weight_grad(np.zeros((0, 2, 5, 5)), np.zeros((0, 3, 5, 5)))
    assert dw.shape == (3, 2, 3, 3) and not dw.any()
    x = np.zeros((1, 2, 5, 5), np.float32)
    with pytest.raises(ValueError, match=r"expected gy \(n=1, O, 5, 5\)"):
        native.winograd_weight_grad(x, np.zeros((1, 3, 4, 5), np.float32))
    with pytest.raises(ValueError, match=r"expected gy \(n=1, O, 5, 5\)"):
        native.winograd_weight_grad(x, np.zeros((2, 3, 5, 5), np.float32))


@pytest.mark.parametrize("tile", [2, 4])
def test_array_module_twin_of_the_weight_gradient_matches_the_reference(tile):
    from engine.backend.cuda.winograd import Kernels
    rng = np.random.default_rng(4)
    x, gy = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((2, 5, 7, 8))
    np.testing.assert_allclose(Kernels(np).winograd_weight_grad(x, gy, (1, 2), tile=tile),
                               ref.winograd_weight_grad(x, gy, (1, 2), tile=tile),
                               rtol=1e-12, atol=1e-11)


# ---- NaN, infinity and overflow: check_finite ----

@pytest.mark.parametrize("kernels", ["native", "reference", "array module"])
@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("special", [np.nan, np.inf])
def test_check_finite_raises_on_a_nan_or_an_infinity(kernels, tile, special):
    """The fused output transform notes a NaN or an infinity as it writes; with check_finite
    the call raises instead of returning it, without it y holds it."""
    from engine.backend.cuda.winograd import Kernels
    k = {"native": native, "reference": ref, "array module": Kernels(np)}[kernels]
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 9, 10)).astype(np.float32)
    u = ref.winograd_filter(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), tile=tile)
    y = k.winograd_conv(x, u, (1, 1), check_finite=True)     # finite data: no complaint
    assert np.isfinite(y).all()
    x[1, 2, 4, 5] = special
    with pytest.raises(FloatingPointError, match="NaN or an infinity"):
        k.winograd_conv(x, u, (1, 1), check_finite=True)
    assert not np.isfinite(k.winograd_conv(x, u, (1, 1))).all()


@pytest.mark.parametrize("tile", [2, 4])
def test_check_finite_catches_an_overflow_inside_the_transforms(tile):
    """Finite float32 data whose direct sums are finite, but whose transforms (values weighed
    by up to 100·361 for F(4×4, 3×3), 4·9 for F(2×2)) overflow."""
    rng = np.random.default_rng(12)
    scale = 3e37 if tile == 4 else 2e38      # F(2×2): a sum of two values overflows
    x = (rng.uniform(0.5, 1, (1, 2, 8, 8)) * scale).astype(np.float32)
    w = (rng.uniform(-1, 1, (2, 2, 3, 3)) * 1e-3).astype(np.float32)
    direct = _im2col_conv(x, w)
    assert np.isfinite(direct).all() and np.abs(direct).max() < np.finfo(np.float32).max
    with pytest.raises(FloatingPointError):
        native.winograd_conv(x, native.winograd_filter(w, tile=tile), (1, 1), check_finite=True)


def _im2col_conv(x, w):
    """The 3×3 pad-1 convolution by the reference backend's im2col, in float64."""
    n, o = x.shape[0], w.shape[0]
    cols = reference.im2col(x.astype(np.float64), (3, 3), 1, (1, 1), 1)
    return (w.astype(np.float64).reshape(o, -1) @ cols).reshape(o, n, *x.shape[2:]).transpose(
        1, 0, 2, 3)
