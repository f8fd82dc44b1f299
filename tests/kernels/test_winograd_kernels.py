"""Winograd F(2×2, 3×3) and F(4×4, 3×3): the compiled transforms against their NumPy twins
over random shapes, on every instruction set, and the whole convolution against a float64 one
within the stated error bound (engine/backend/reference/winograd.py)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine.backend import reference
from engine.backend.reference import winograd as ref

native = pytest.importorskip("engine.backend.native")

DTYPES = st.sampled_from([np.float32, np.float64])
TILES = st.sampled_from([2, 4])
TOL = {np.float32: 1e-5, np.float64: 1e-13}
# the first-order error bound's factor S (reference/winograd.py) and entries K, per tile
BOUND_FACTOR = {2: 81, 4: 36100}
ENTRIES = {2: 16, 4: 36}


def _winograd_conv(k, x, w, padding, bias=None, tile=2):
    n, o = x.shape[0], w.shape[0]
    oh, ow = x.shape[2] + 2 * padding[0] - 2, x.shape[3] + 2 * padding[1] - 2
    u, v = k.winograd_filter(w, tile=tile), k.winograd_input(x, padding, tile=tile)
    return k.winograd_output(k.gemm_batched(u, v), (n, o, oh, ow), bias)


def _direct_conv(x, w, padding):
    """The im2col convolution of the reference backend, in float64."""
    x, w = x.astype(np.float64), w.astype(np.float64)
    n, o = x.shape[0], w.shape[0]
    oh, ow = x.shape[2] + 2 * padding[0] - 2, x.shape[3] + 2 * padding[1] - 2
    cols = reference.im2col(x, (3, 3), 1, padding, 1)
    return (w.reshape(o, -1) @ cols).reshape(o, n, oh, ow).transpose(1, 0, 2, 3)


def _check_transforms(n, c, o, h, w, ph, pw, dtype, tile, seed):
    """The three compiled transforms against the reference's, on random operands."""
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    wt = rng.standard_normal((o, c, 3, 3)).astype(dtype)
    bias = rng.standard_normal(o).astype(dtype)
    tol = TOL[dtype]
    np.testing.assert_allclose(native.winograd_filter(wt, tile=tile),
                               ref.winograd_filter(wt, tile=tile), rtol=tol, atol=tol)
    v = ref.winograd_input(x, (ph, pw), tile=tile)
    scale = np.abs(v).max()                     # F(4×4, 3×3) weighs inputs by up to 100
    np.testing.assert_allclose(native.winograd_input(x, (ph, pw), tile=tile), v,
                               rtol=tol, atol=tol * scale)
    m = rng.standard_normal((ENTRIES[tile], o, v.shape[2])).astype(dtype)
    np.testing.assert_allclose(native.winograd_output(m, (n, o, oh, ow), bias),
                               ref.winograd_output(m, (n, o, oh, ow), bias),
                               rtol=tol, atol=100 * tol)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 5), o=st.integers(1, 5), h=st.integers(1, 11),
       w=st.integers(1, 11), ph=st.integers(0, 2), pw=st.integers(0, 2), dtype=DTYPES,
       tile=TILES, seed=st.integers(0, 2**16))
def test_native_transforms_match_the_reference(n, c, o, h, w, ph, pw, dtype, tile, seed):
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    if oh < 1 or ow < 1:
        with pytest.raises(ValueError, match="3×3 window"):
            native.winograd_input(np.zeros((n, c, h, w), dtype), (ph, pw), tile=tile)
        return
    _check_transforms(n, c, o, h, w, ph, pw, dtype, tile, seed)


@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("w", [131, 258, 300])
def test_rows_longer_than_a_pass_of_the_row_transforms(tile, w):
    """The row transforms take ENG_WINOGRAD_BLOCK (64) tiles per pass: rows of 66 to 150
    tiles cross one or two pass boundaries."""
    _check_transforms(1, 2, 3, 9, w, 1, 1, np.float64, tile, w)


def test_transforms_match_the_reference_on_every_instruction_set(isa):
    """Each instruction set's build of the Winograd kernels (conv/winograd_kernels.h)."""
    for tile in (2, 4):
        for dtype in (np.float32, np.float64):
            _check_transforms(2, 3, 4, 13, 18, 1, 2, dtype, tile, tile)
            rng = np.random.default_rng(tile)
            x = rng.standard_normal((2, 3, 13, 18)).astype(dtype)
            u = ref.winograd_filter(rng.standard_normal((4, 3, 3, 3)).astype(dtype), tile=tile)
            gy = rng.standard_normal((2, 4, 13, 18)).astype(dtype)
            tol = 100 * TOL[dtype]
            np.testing.assert_allclose(native.winograd_conv(x, u, (1, 1)),
                                       ref.winograd_conv(x, u, (1, 1)), rtol=tol, atol=tol)
            np.testing.assert_allclose(native.winograd_weight_grad(x, gy, (1, 1), tile=tile),
                                       ref.winograd_weight_grad(x, gy, (1, 1), tile=tile),
                                       rtol=tol, atol=tol * 100)


@pytest.mark.parametrize("kernels", [reference, native], ids=["reference", "native"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [1, 8, 64])
@pytest.mark.parametrize("tile", [2, 4])
def test_winograd_convolution_within_the_stated_error_bound(kernels, dtype, c, tile):
    """|y_winograd − y| ≤ (C + K) · ε · S · C · max|g| · max|d|, y computed in float64 (K, S:
    16, 81 for F(2×2, 3×3) and 36, 36100 for F(4×4, 3×3))."""
    rng = np.random.default_rng(c)
    x = rng.uniform(-1, 1, (2, c, 13, 10)).astype(dtype)
    w = rng.uniform(-1, 1, (5, c, 3, 3)).astype(dtype)
    got = _winograd_conv(kernels, x, w, (1, 1), tile=tile)
    want = _direct_conv(x, w, (1, 1))
    eps = np.finfo(dtype).eps / 2                     # unit roundoff
    bound = (c + ENTRIES[tile]) * eps * BOUND_FACTOR[tile] * c * np.abs(w).max() * np.abs(x).max()
    error = np.abs(got - want).max()
    assert error <= bound, (error, bound)
    assert error > 0 or dtype == np.float64 or c == 1  # the bound is tested, not vacuous


@pytest.mark.parametrize("c", [8, 64])
def test_the_larger_tile_costs_accuracy_within_reason(c):
    """What a user sees: float32 F(4×4, 3×3) is less accurate than F(2×2, 3×3) (10 to 15
    times here), but its error stays below 1e-4 of the output's size on unit-range data."""
    rng = np.random.default_rng(c)
    x = rng.uniform(-1, 1, (2, c, 16, 16)).astype(np.float32)
    w = rng.uniform(-1, 1, (8, c, 3, 3)).astype(np.float32)
    want = _direct_conv(x, w, (1, 1))
    errors = {tile: np.abs(_winograd_conv(native, x, w, (1, 1), tile=tile) - want).max()
              for tile in (2, 4)}
    assert errors[2] < errors[4] < 30 * errors[2], errors
    assert errors[4] < 1e-4 * np.abs(want).max(), errors


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"\(O, C, 3, 3\)"):
        native.winograd_filter(np.zeros((2, 2, 5, 5), np.float32))
    with pytest.raises(TypeError, match="float32 or float64"):
        native.winograd_input(np.zeros((1, 1, 4, 4), np.int32))
    with pytest.raises(ValueError, match="expected M of shape"):
        native.winograd_output(np.zeros((16, 2, 3), np.float32), (1, 2, 4, 4))
    with pytest.raises(ValueError, match="bias"):
        native.winograd_output(np.zeros((16, 2, 4), np.float32), (1, 2, 4, 4), np.zeros(3))
    for tile, error in ((3, ValueError), (0, ValueError), (True, TypeError), ("4", TypeError)):
        with pytest.raises(error, match="tile .* must be"):
            native.winograd_filter(np.zeros((2, 2, 3, 3), np.float32), tile=tile)
        with pytest.raises(error, match="tile .* must be"):
            native.winograd_input(np.zeros((1, 1, 4, 4), np.float32), tile=tile)
        with pytest.raises(error, match="tile .* must be"):
            native.winograd_weight_grad(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 4, 4)),
                                        tile=tile)


@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cuda_backend_transforms_match_the_reference(cuda_kernels, dtype, tile):
    side, k = cuda_kernels, cuda_kernels.kernels
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 6)).astype(dtype)
    w = rng.standard_normal((4, 3, 3, 3)).astype(dtype)
    bias = rng.standard_normal(4).astype(dtype)
    tol = TOL[dtype]
    np.testing.assert_allclose(side.get(k.winograd_filter(side.put(w), tile=tile)),
                               ref.winograd_filter(w, tile=tile), rtol=tol, atol=tol)
    v = ref.winograd_input(x, (1, 2), tile=tile)
    np.testing.assert_allclose(side.get(k.winograd_input(side.put(x), (1, 2), tile=tile)), v,
                               rtol=tol, atol=tol * np.abs(v).max())
    m = rng.standard_normal((ENTRIES[tile], 4, v.shape[2])).astype(dtype)
    np.testing.assert_allclose(side.get(k.winograd_output(side.put(m), (2, 4, 7, 8), side.put(bias))),
                               ref.winograd_output(m, (2, 4, 7, 8), bias), rtol=tol, atol=10 * tol)
