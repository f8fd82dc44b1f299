"""The cuda backend's kernels against the reference backend: every kernel, both dtypes,
hypothesis shapes. ``cuda_kernels`` (tests/conftest.py) builds the backend on NumPy standing
in for CuPy, which runs everywhere, and on CuPy itself where a GPU is present (marker gpu)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from activation_cases import KERNELS
from conv_cases import conv_case, pool_case
from engine.backend import _fuse, cuda, reference
from engine.backend.kernel_set import MissingKernel

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=3e-5, atol=3e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


def _close(side, got, want, dtype, **tol):
    got = side.get(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, **(tol or TOL[dtype]))


# ------------------------------------------------------------------ activations

@st.composite
def activation_case(draw, dtype, min_dims):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=0, max_side=7))
    x = draw(hnp.arrays(dtype, shape, elements=st.floats(-30, 30, width=32)))
    gy = draw(hnp.arrays(dtype, shape, elements=st.floats(-3, 3, width=32)))
    channels = shape[1] if len(shape) >= 2 and draw(st.booleans()) else 1
    weight = draw(hnp.arrays(dtype, (channels,), elements=st.floats(-1, 1, width=32)))
    axis = draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0
    return x, gy, weight, axis


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.name)
def test_activations_match_reference(cuda_kernels, kernel, dtype):
    side, k = cuda_kernels, cuda_kernels.kernels

    @given(activation_case(dtype, 1 if kernel.along_axis else 0), st.booleans())
    def check(case, use_out):
        x, gy, weight, axis = case
        want_y = kernel.forward(reference, x, weight, axis)
        out = side.put(np.full(x.shape, np.nan, dtype)) if use_out else None
        y = kernel.forward(k, side.put(x), side.put(weight), axis, out=out)
        assert out is None or y is out
        _close(side, y, want_y, dtype)
        want_g = kernel.backward(reference, x, want_y, gy, weight, axis)
        got_g = kernel.backward(k, side.put(x), side.put(want_y), side.put(gy),
                                side.put(weight), axis)
        if kernel.per_channel:
            (got_g, got_gw), (want_g, want_gw) = got_g, want_g
            _close(side, got_gw, want_gw, dtype, rtol=TOL[dtype]["rtol"] * 10,
                   atol=TOL[dtype]["atol"] * max(1, x.size))
        _close(side, got_g, want_g, dtype)

    check()


def test_activations_on_strided_views_and_extremes(cuda_kernels):
    side, k = cuda_kernels, cuda_kernels.kernels
    x = np.array([-1e4, -100.0, -1.0, 0.0, 1.0, 100.0, 1e4, np.inf, -np.inf])
    for name in ("sigmoid", "softplus", "elu", "tanh"):
        np.testing.assert_allclose(side.get(getattr(k, name)(side.put(x))),
                                   getattr(reference, name)(x), rtol=1e-12)
    wide = np.arange(24.0).reshape(4, 6) - 12
    np.testing.assert_array_equal(side.get(k.relu(side.put(wide)[:, ::2])),
                                  reference.relu(wide[:, ::2]))


def test_activation_errors(cuda_kernels):
    side, k = cuda_kernels, cuda_kernels.kernels
    with pytest.raises(TypeError, match="must be a (NumPy|CuPy) array, got list"):
        k.relu([1.0, 2.0])
    with pytest.raises(TypeError, match="float32 or float64"):
        k.relu(side.put(np.ones(3, np.int32)))
    with pytest.raises(ValueError, match="gy must have the shape"):
        k.relu_backward(side.put(np.ones(3)), side.put(np.ones(4)))
    with pytest.raises(ValueError, match="out must be"):
        k.relu(side.put(np.ones(3)), out=side.put(np.ones(4)))
    with pytest.raises(ValueError, match="out of range"):
        k.softmax(side.put(np.ones((2, 2))), 2)


# ------------------------------------------------------------------ GEMM

@pytest.mark.parametrize("dtype", DTYPES)
@given(m=st.integers(1, 9), n=st.integers(1, 9), kk=st.integers(0, 9), batch=st.integers(1, 3),
       trans_a=st.booleans(), trans_b=st.booleans(), with_c=st.booleans(),
       alpha=st.sampled_from([1.0, -0.5]), beta=st.sampled_from([0.0, 1.0, 2.0]),
       seed=st.integers(0, 2**16))
def test_gemm_matches_reference(cuda_kernels, dtype, m, n, kk, batch, trans_a, trans_b,
                                with_c, alpha, beta, seed):
    side, k = cuda_kernels, cuda_kernels.kernels
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((batch,) + ((kk, m) if trans_a else (m, kk))).astype(dtype)
    b = rng.standard_normal((batch,) + ((n, kk) if trans_b else (kk, n))).astype(dtype)
    c = rng.standard_normal((batch, m, n)).astype(dtype) if with_c else None
    want = reference.gemm(a[0], b[0], None if c is None else c[0].copy(), alpha, beta,
                          trans_a, trans_b)
    c_dev = side.put(None if c is None else c[0].copy())
    got = k.gemm(side.put(a[0]), side.put(b[0]), c_dev, alpha, beta, trans_a, trans_b)
    assert c_dev is None or got is c_dev
    _close(side, got, want, dtype, rtol=1e-4 if dtype == np.float32 else 1e-11, atol=1e-4)
    want = reference.gemm_batched(a, b, None if c is None else c.copy(), alpha, beta,
                                  trans_a, trans_b)
    got = k.gemm_batched(side.put(a), side.put(b), side.put(None if c is None else c.copy()),
                         alpha, beta, trans_a, trans_b)
    _close(side, got, want, dtype, rtol=1e-4 if dtype == np.float32 else 1e-11, atol=1e-4)


def test_gemm_reads_transposed_views_and_checks_operands(cuda_kernels):
    side, k = cuda_kernels, cuda_kernels.kernels
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(side.get(k.gemm(side.put(a).T, side.put(a))), a.T @ a)
    c = side.put(np.full((3, 3), np.nan))
    np.testing.assert_array_equal(side.get(k.gemm(side.put(a), side.put(a), c, trans_b=True)),
                                  a @ a.T)                      # β = 0 overwrites a NaN
    with pytest.raises(ValueError, match="inner sizes"):
        k.gemm(side.put(a), side.put(a))
    with pytest.raises(TypeError, match="one dtype"):
        k.gemm(side.put(a), side.put(a.T.astype(np.float32)))
    with pytest.raises(ValueError, match="3-D"):
        k.gemm_batched(side.put(a), side.put(a))
    with pytest.raises(ValueError, match="batch size"):
        k.gemm_batched(side.put(np.ones((2, 2, 2))), side.put(np.ones((3, 2, 2))))
    with pytest.raises(ValueError, match="c must have shape"):
        k.gemm_batched(side.put(np.ones((2, 2, 3))), side.put(np.ones((2, 3, 2))),
                       side.put(np.ones((2, 3, 3))))
    with pytest.raises(ValueError, match="c must have shape"):          # the wrong batch
        k.gemm_batched(side.put(np.ones((2, 2, 3))), side.put(np.ones((2, 3, 2))),
                       side.put(np.ones((3, 2, 2))))


# ------------------------------------------------------------------ im2col / col2im

@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv_case({1: 12, 2: 8, 3: 5}), seed=st.integers(0, 2**16), use_out=st.booleans())
def test_im2col_and_col2im_match_reference(cuda_kernels, dtype, case, seed, use_out):
    side, k = cuda_kernels, cuda_kernels.kernels
    shape, kernel, stride, padding, dilation = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    want = reference.im2col(x, kernel, stride, padding, dilation)
    out = side.put(np.full(want.shape, np.nan, dtype)) if use_out else None
    got = k.im2col(side.put(x), kernel, stride, padding, dilation, out=out)
    assert out is None or got is out
    np.testing.assert_array_equal(side.get(got), want)          # a pure copy: exact
    cols = rng.standard_normal(want.shape).astype(dtype)
    out = side.put(np.full(shape, np.nan, dtype)) if use_out else None
    _close(side, k.col2im(side.put(cols), shape, kernel, stride, padding, dilation, out=out),
           reference.col2im(cols, shape, kernel, stride, padding, dilation), dtype)


def test_conv_errors(cuda_kernels):
    side, k = cuda_kernels, cuda_kernels.kernels
    x = side.put(np.ones((1, 1, 4, 4), np.float32))
    with pytest.raises(ValueError, match="output size"):
        k.im2col(x, 5)
    with pytest.raises(ValueError, match="cols must have shape"):
        k.col2im(side.put(np.ones((4, 5), np.float32)), (1, 1, 3, 3), 2)
    with pytest.raises(ValueError, match="out must be"):
        k.im2col(x, 2, out=side.put(np.ones((4, 8), np.float32)))


# ------------------------------------------------------------------ pooling

@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool_case(10), seed=st.integers(0, 2**16), ties=st.booleans())
def test_pools_match_reference(cuda_kernels, dtype, case, seed, ties):
    side, k = cuda_kernels, cuda_kernels.kernels
    dims, shape, kernel, stride, padding = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    if ties:
        x = np.round(x)                                   # many ties: the first one wins
    args = (kernel, stride, padding)
    y_r, idx_r = getattr(reference, f"max_pool{dims}d")(x, *args)
    y, idx = getattr(k, f"max_pool{dims}d")(side.put(x), *args)
    np.testing.assert_array_equal(side.get(y), y_r)
    np.testing.assert_array_equal(side.get(idx), idx_r)
    assert side.get(idx).dtype == idx_r.dtype
    gy = rng.standard_normal(y_r.shape).astype(dtype)
    out = side.put(np.full(shape, np.nan, dtype))          # every element must be written
    got = getattr(k, f"max_pool{dims}d_backward")(side.put(gy), idx, shape, *args, out=out)
    assert got is out
    _close(side, got, getattr(reference, f"max_pool{dims}d_backward")(gy, idx_r, shape, *args),
           dtype)
    _close(side, getattr(k, f"avg_pool{dims}d")(side.put(x), *args),
           getattr(reference, f"avg_pool{dims}d")(x, *args), dtype)
    _close(side, getattr(k, f"avg_pool{dims}d_backward")(side.put(gy), shape, *args),
           getattr(reference, f"avg_pool{dims}d_backward")(gy, shape, *args), dtype)


def test_pool_errors(cuda_kernels):
    side, k = cuda_kernels, cuda_kernels.kernels
    x = side.put(np.ones((1, 1, 4, 4)))
    y, idx = k.max_pool2d(x, 2)
    with pytest.raises(ValueError, match="argmax must have"):
        k.max_pool2d_backward(side.put(np.ones((1, 1, 2, 2))), idx[..., :1], (1, 1, 4, 4), 2)
    with pytest.raises(ValueError, match="outside"):
        k.max_pool2d_backward(side.put(np.ones((1, 1, 2, 2))), idx + 100, (1, 1, 4, 4), 2)
    with pytest.raises(ValueError, match="at most half"):
        k.avg_pool2d(x, 2, padding=2)


# ------------------------------------------------------------------ optimizer updates

def _optim_case(rng, dtype, shape=(3, 5)):
    w = rng.standard_normal(shape).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    state = [np.abs(rng.standard_normal(shape)).astype(dtype) for _ in range(3)]
    state[1] *= 0.1         # RMSprop's centered average a: a² < v, so √(v − a²) is real
    return w, g, state


OPTIM_CASES = [
    ("sgd", dict(lr=0.1)),
    ("sgd", dict(lr=0.1, weight_decay=0.01, momentum=0.9, first_step=True)),
    ("sgd", dict(lr=0.1, momentum=0.9, dampening=0.2)),
    ("sgd", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("adam", dict(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8, bias_correction1=0.1,
                  bias_correction2=0.02)),
    ("adam", dict(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8, weight_decay=0.1)),
    ("adamw", dict(lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6, weight_decay=0.1, decoupled=True)),
    ("amsgrad", dict(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8)),
    ("adagrad", dict(clr=0.1, eps=1e-10)),
    ("adagrad", dict(clr=0.1, eps=1e-10, weight_decay=0.2)),
    ("rmsprop", dict(lr=0.01, alpha=0.99, eps=1e-8)),
    ("rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=0.9,
                     centered=True)),
    ("adadelta", dict(lr=1.0, rho=0.9, eps=1e-6)),
    ("adadelta", dict(lr=0.5, rho=0.95, eps=1e-6, weight_decay=0.1)),
]


def _step(kernels, kind, w, g, state, params):
    params = dict(params)
    if kind == "sgd":
        kernels.sgd_step(w, g, state[0] if params.get("momentum") else None, **params)
    elif kind in ("adam", "adamw", "amsgrad"):
        vmax = state[2] if kind == "amsgrad" else None
        kernels.adam_step(w, g, state[0], state[1], vmax, **params)
    elif kind == "adagrad":
        kernels.adagrad_step(w, g, state[0], **params)
    elif kind == "adadelta":
        kernels.adadelta_step(w, g, state[0], state[1], **params)
    else:
        centered = params.pop("centered", False)
        kernels.rmsprop_step(w, g, state[0], state[1] if centered else None,
                             state[2] if params.get("momentum") else None, **params)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind, params", OPTIM_CASES, ids=lambda c: str(c)[:40])
def test_optimizer_updates_match_reference(cuda_kernels, dtype, kind, params):
    side = cuda_kernels
    rng = np.random.default_rng(7)
    w, g, state = _optim_case(rng, dtype)
    w_dev, g_dev = side.put(w.copy()), side.put(g.copy())
    state_dev = [side.put(s.copy()) for s in state]
    for _ in range(3):                                    # the state carries over
        _step(reference, kind, w, g, state, params)
        _step(side.kernels, kind, w_dev, g_dev, state_dev, params)
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    _close(side, w_dev, w, dtype, **tol)
    for got, want in zip(state_dev, state):
        _close(side, got, want, dtype, **tol)
    np.testing.assert_array_equal(side.get(g_dev), g)    # the gradient is never written


def test_optimizer_updates_check_their_buffers(cuda_kernels):
    side, k = cuda_kernels, cuda_kernels.kernels
    w = side.put(np.ones((2, 3)))
    with pytest.raises(ValueError, match="updated in place"):
        k.sgd_step(side.put(np.ones((3, 2))).T, side.put(np.ones((2, 3))), None, 0.1)
    with pytest.raises(ValueError, match="momentum buffer"):
        k.sgd_step(w, side.put(np.ones((2, 3))), side.put(np.ones(6)), 0.1, momentum=0.9)
    with pytest.raises(TypeError, match="exp_avg_sq"):
        k.adam_step(w, side.put(np.ones((2, 3))), side.put(np.ones((2, 3))),
                    side.put(np.ones((2, 3), np.float32)), None, 0.1, 0.9, 0.99, 1e-8)


# ------------------------------------------------------------------ the kernel set

def test_the_cuda_backend_offers_the_reference_kernels_with_their_signatures():
    import inspect
    standin = cuda.make_backend(np)
    assert standin.__all__ == reference.__all__ == cuda.__all__
    assert standin.name == "cuda" and standin.xp is np
    for name in reference.__all__:
        assert inspect.signature(getattr(standin, name)) == \
            inspect.signature(getattr(reference, name)), name
    with pytest.raises(MissingKernel, match="the cuda backend has no kernel 'swish'"):
        standin.swish


def test_fused_uses_the_array_modules_fuse_where_it_has_one():
    def expression(a, b):
        return a * b + 1

    assert _fuse.fused(np, expression) is expression          # NumPy: run as written

    class WithFuse:
        @staticmethod
        def fuse():
            return lambda fn: ("fused", fn)

    assert _fuse.fused(WithFuse, expression) == ("fused", expression)


def test_the_package_builds_itself_on_cupy_at_first_use(monkeypatch):
    """``engine.backend.cuda.<kernel>`` builds the backend on the cupy module on first use
    (here a stand-in: NumPy's functions plus a runtime that reports one GPU)."""
    import sys
    import types
    fake = types.ModuleType("cupy")
    fake.__dict__.update({k: v for k, v in vars(np).items() if not k.startswith("__")})
    fake.__version__ = "13.9.0"
    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 1))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    built = [name for name in [*cuda.__all__, "xp"] if name not in vars(cuda)]
    assert "relu" in built and "xp" in built      # nothing built before the first use
    try:
        np.testing.assert_array_equal(cuda.relu(np.array([-1.0, 2.0])), [0.0, 2.0])
        assert cuda.xp is fake and vars(cuda)["gemm"].__name__ == "gemm"
        with pytest.raises(MissingKernel):
            cuda.swish
    finally:                                      # the package as it was, for other tests
        for name in built:
            vars(cuda).pop(name, None)


def test_without_cupy_the_backend_says_so(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "cupy", None)          # import cupy raises ImportError
    assert cuda.device_facts() == {"cupy": "no CuPy", "gpu": "no GPU"}
    assert cuda.device_summary().startswith("no CuPy (pip install")
    assert cuda.available() == (False, f"no CuPy: {cuda.INSTALL_HINT}")
    with pytest.raises(cuda.CudaUnavailable, match="cupy-cuda13x"):
        cuda.relu
