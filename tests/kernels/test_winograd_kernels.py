"""Winograd F(2×2, 3×3): the compiled transforms against their NumPy twins over random
shapes, and the whole convolution against a float64 one within the stated error bound
(engine/backend/reference/winograd.py)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine.backend import reference
from engine.backend.reference import winograd as ref

native = pytest.importorskip("engine.backend.native")

DTYPES = st.sampled_from([np.float32, np.float64])
TOL = {np.float32: 1e-5, np.float64: 1e-13}


def _winograd_conv(k, x, w, padding, bias=None):
    n, o = x.shape[0], w.shape[0]
    oh, ow = x.shape[2] + 2 * padding[0] - 2, x.shape[3] + 2 * padding[1] - 2
    u, v = k.winograd_filter(w), k.winograd_input(x, padding)
    return k.winograd_output(k.gemm_batched(u, v), (n, o, oh, ow), bias)


def _direct_conv(x, w, padding):
    """The im2col convolution of the reference backend, in float64."""
    x, w = x.astype(np.float64), w.astype(np.float64)
    n, o = x.shape[0], w.shape[0]
    oh, ow = x.shape[2] + 2 * padding[0] - 2, x.shape[3] + 2 * padding[1] - 2
    cols = reference.im2col(x, (3, 3), 1, padding, 1)
    return (w.reshape(o, -1) @ cols).reshape(o, n, oh, ow).transpose(1, 0, 2, 3)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 5), o=st.integers(1, 5), h=st.integers(1, 11),
       w=st.integers(1, 11), ph=st.integers(0, 2), pw=st.integers(0, 2), dtype=DTYPES,
       seed=st.integers(0, 2**16))
def test_native_transforms_match_the_reference(n, c, o, h, w, ph, pw, dtype, seed):
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    if oh < 1 or ow < 1:
        with pytest.raises(ValueError, match="3×3 window"):
            native.winograd_input(np.zeros((n, c, h, w), dtype), (ph, pw))
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    wt = rng.standard_normal((o, c, 3, 3)).astype(dtype)
    bias = rng.standard_normal(o).astype(dtype)
    tol = TOL[dtype]
    np.testing.assert_allclose(native.winograd_filter(wt), ref.winograd_filter(wt),
                               rtol=tol, atol=tol)
    v = ref.winograd_input(x, (ph, pw))
    np.testing.assert_allclose(native.winograd_input(x, (ph, pw)), v, rtol=tol, atol=tol)
    m = rng.standard_normal((16, o, v.shape[2])).astype(dtype)
    np.testing.assert_allclose(native.winograd_output(m, (n, o, oh, ow), bias),
                               ref.winograd_output(m, (n, o, oh, ow), bias),
                               rtol=tol, atol=10 * tol)


@pytest.mark.parametrize("kernels", [reference, native], ids=["reference", "native"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [1, 8, 64])
def test_winograd_convolution_within_the_stated_error_bound(kernels, dtype, c):
    """|y_winograd − y| ≤ (C + 16) · ε · 81 · C · max|g| · max|d|, y computed in float64."""
    rng = np.random.default_rng(c)
    x = rng.uniform(-1, 1, (2, c, 13, 10)).astype(dtype)
    w = rng.uniform(-1, 1, (5, c, 3, 3)).astype(dtype)
    got = _winograd_conv(kernels, x, w, (1, 1))
    want = _direct_conv(x, w, (1, 1))
    eps = np.finfo(dtype).eps / 2                     # unit roundoff
    bound = (c + 16) * eps * 81 * c * np.abs(w).max() * np.abs(x).max()
    error = np.abs(got - want).max()
    assert error <= bound, (error, bound)
    assert error > 0 or dtype == np.float64 or c == 1  # the bound is tested, not vacuous


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"\(O, C, 3, 3\)"):
        native.winograd_filter(np.zeros((2, 2, 5, 5), np.float32))
    with pytest.raises(TypeError, match="float32 or float64"):
        native.winograd_input(np.zeros((1, 1, 4, 4), np.int32))
    with pytest.raises(ValueError, match="expected M of shape"):
        native.winograd_output(np.zeros((16, 2, 3), np.float32), (1, 2, 4, 4))
    with pytest.raises(ValueError, match="bias"):
        native.winograd_output(np.zeros((16, 2, 4), np.float32), (1, 2, 4, 4), np.zeros(3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cuda_backend_transforms_match_the_reference(cuda_kernels, dtype):
    side, k = cuda_kernels, cuda_kernels.kernels
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 6)).astype(dtype)
    w = rng.standard_normal((4, 3, 3, 3)).astype(dtype)
    bias = rng.standard_normal(4).astype(dtype)
    tol = TOL[dtype]
    np.testing.assert_allclose(side.get(k.winograd_filter(side.put(w))), ref.winograd_filter(w),
                               rtol=tol, atol=tol)
    v = ref.winograd_input(x, (1, 2))
    np.testing.assert_allclose(side.get(k.winograd_input(side.put(x), (1, 2))), v,
                               rtol=tol, atol=tol)
    m = rng.standard_normal((16, 4, v.shape[2])).astype(dtype)
    np.testing.assert_allclose(side.get(k.winograd_output(side.put(m), (2, 4, 7, 8), side.put(bias))),
                               ref.winograd_output(m, (2, 4, 7, 8), bias), rtol=tol, atol=10 * tol)
