"""Smoke tests of the compiled core engine._C itself.

The thorough, property-based comparison with the NumPy reference lives in
test_activation_kernels.py.  Here, briefly:

* accuracy of the vectorised exp / expm1 / log1p (csrc/common/vmath.h) against
  high-precision NumPy over ~1e6 points, extremes, +-inf and NaN;
* every activation (forward and backward) against a NumPy expression, for
  float32 and float64 and for every instruction set this CPU can run;
* empty arrays, in-place use, thread-count independence, argument checks,
  and the ISA / thread / CPU-feature helpers.
"""
import numpy as np
import pytest

_C = pytest.importorskip("engine._C")

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-6, atol=1e-7), np.float64: dict(rtol=1e-13, atol=1e-15)}


@pytest.fixture
def threads():
    """Restore the thread count after a test that changes it."""
    before = _C.get_num_threads()
    yield
    _C.set_num_threads(before)


def _precise(x):
    """x in the most precise float type NumPy has (80-bit long double on x86)."""
    return x.astype(np.longdouble)


# ---------------------------------------------------------------------------
# vmath.h: exp, expm1, log1p
# ---------------------------------------------------------------------------

VMATH = [("exp", "_vmath_exp", np.exp), ("expm1", "_vmath_expm1", np.expm1),
         ("log1p", "_vmath_log1p", np.log1p)]
# relative error allowed: a few ulp
MAX_REL = {np.float32: 3e-7, np.float64: 1e-15}


def _vmath_points(name, dtype, rng):
    """~1e6 arguments covering the whole usable range, plus tiny ones."""
    hi = float(np.log(np.finfo(dtype).max))                 # exp overflows above
    lo = float(np.log(np.finfo(dtype).tiny))                 # ... is subnormal below
    tiny = rng.uniform(-1, 1, 100_000) * 10.0 ** rng.integers(-35, 0, 100_000)
    if name == "log1p":
        parts = [rng.uniform(-1, 1, 700_000), np.exp(rng.uniform(-80, 80, 200_000)),
                 -np.exp(rng.uniform(-15, -1e-3, 50_000)), tiny]
    else:
        parts = [rng.uniform(lo, hi, 700_000), rng.uniform(-3, 3, 200_000), tiny]
    return np.concatenate(parts).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,hook,ref", VMATH, ids=[v[0] for v in VMATH])
def test_vmath_accuracy(isa, name, hook, ref, dtype):
    if dtype == np.float64 and np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
        pytest.skip("no extended-precision long double to check float64 against")
    x = _vmath_points(name, dtype, np.random.default_rng(42))
    y = np.empty_like(x)
    getattr(_C, hook)(x, y)
    expected = ref(_precise(x))
    normal = np.abs(expected) >= np.finfo(dtype).tiny       # skip subnormal results
    rel = np.abs(_precise(y[normal]) - expected[normal]) / np.abs(expected[normal])
    worst = int(np.argmax(rel))
    assert rel[worst] < MAX_REL[dtype], f"{name}({x[normal][worst]!r}): rel err {rel[worst]:.3g}"
    # subnormal results: within a couple of units of the smallest subnormal
    err = np.abs(_precise(y[~normal]) - expected[~normal])
    assert np.all(err <= 2 * np.finfo(dtype).smallest_subnormal)


@pytest.mark.parametrize("dtype", DTYPES)
def test_vmath_special_values(isa, dtype):
    f = np.finfo(dtype)
    big = 1e5
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, big, -big, f.max, -f.max,
                  -1.0, -2.0, f.smallest_subnormal], dtype=dtype)
    with np.errstate(all="ignore"):
        for _, hook, ref in VMATH:
            y = np.empty_like(x)
            getattr(_C, hook)(x, y)
            expected = ref(x)
            # inf, NaN and 0 exactly; finite values to a few ulp
            np.testing.assert_allclose(y, expected, rtol=MAX_REL[dtype], atol=0, err_msg=hook)
            # the sign of zero too: expm1(-0) = log1p(-0) = -0
            zero = expected == 0
            assert np.array_equal(np.signbit(y[zero]), np.signbit(expected[zero])), hook


# ---------------------------------------------------------------------------
# activations vs NumPy expressions
# ---------------------------------------------------------------------------

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# name -> (call C kernel, NumPy reference) for elementwise forward / backward.
# `x`, `gy` are the float64 versions of the test data; y is the reference output.
ELEMENTWISE = {
    "relu": (lambda x, y: _C.relu_forward(x, y),
             lambda x: np.maximum(x, 0)),
    "leaky_relu": (lambda x, y: _C.leaky_relu_forward(x, y, 0.1),
                   lambda x: np.where(x > 0, x, 0.1 * x)),
    "elu": (lambda x, y: _C.elu_forward(x, y, 1.3),
            lambda x: np.where(x > 0, x, 1.3 * np.expm1(x))),
    "sigmoid": (lambda x, y: _C.sigmoid_forward(x, y), _sigmoid),
    "tanh": (lambda x, y: _C.tanh_forward(x, y), np.tanh),
    "softplus": (lambda x, y: _C.softplus_forward(x, y),
                 lambda x: np.logaddexp(0.0, x)),
    "heaviside": (lambda x, y: _C.heaviside_forward(x, y, 0.5),
                  lambda x: np.heaviside(x, 0.5)),
}

BACKWARD = {   # (C kernel(x, y, gy, gx), reference(x, y, gy))
    "relu": (lambda x, y, gy, gx: _C.relu_backward(x, gy, gx),
             lambda x, y, gy: gy * (x > 0)),
    "leaky_relu": (lambda x, y, gy, gx: _C.leaky_relu_backward(x, gy, gx, 0.1),
                   lambda x, y, gy: gy * np.where(x > 0, 1.0, 0.1)),
    "elu": (lambda x, y, gy, gx: _C.elu_backward(x, gy, gx, 1.3),
            lambda x, y, gy: gy * np.where(x > 0, 1.0, 1.3 * np.exp(x))),
    "sigmoid": (lambda x, y, gy, gx: _C.sigmoid_backward(y, gy, gx),
                lambda x, y, gy: gy * y * (1 - y)),
    "tanh": (lambda x, y, gy, gx: _C.tanh_backward(y, gy, gx),
             lambda x, y, gy: gy * (1 - y * y)),
    "softplus": (lambda x, y, gy, gx: _C.softplus_backward(x, gy, gx),
                 lambda x, y, gy: gy * _sigmoid(x)),
}


@pytest.mark.parametrize("n", [1, 37, 70_001])       # 70_001: parallel path + odd tail
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_matches_numpy(isa, name, dtype, n):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 6).astype(dtype)
    x[: n // 10] = 0                                     # exact zeros matter (heaviside)
    call, ref = ELEMENTWISE[name]
    y = np.empty_like(x)
    call(x, y)
    x64 = x.astype(np.float64)
    expected = ref(x64)
    np.testing.assert_allclose(y, expected, **TOL[dtype])
    if name in BACKWARD:
        gy = rng.standard_normal(n).astype(dtype)
        gx = np.empty_like(x)
        call_b, ref_b = BACKWARD[name]
        call_b(x, y, gy, gx)
        expected_gx = ref_b(x64, y.astype(np.float64), gy.astype(np.float64))
        np.testing.assert_allclose(gx, expected_gx, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_and_inf_pass_through(isa, dtype):
    x = np.array([np.nan, np.inf, -np.inf], dtype=dtype)
    y = np.empty_like(x)
    with np.errstate(all="ignore"):
        for name in ("relu", "sigmoid", "tanh", "softplus", "heaviside"):
            call, ref = ELEMENTWISE[name]
            call(x, y)
            np.testing.assert_array_equal(y, ref(x.astype(np.float64)).astype(dtype), err_msg=name)


PRELU_SHAPES = [(5, 3, 1), (2, 3, 7), (200, 300, 1), (1, 1, 40_000), (3, 2, 20_000), (4, 0, 5)]


@pytest.mark.parametrize("shape", PRELU_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_prelu(isa, dtype, shape):
    outer, channels, inner = shape
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.uniform(-0.5, 0.5, channels).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    y, gx = np.empty_like(x), np.empty_like(x)
    gw = np.full(channels, 123, dtype)                      # must be overwritten
    _C.prelu_forward(x.reshape(-1), w, y.reshape(-1), outer, channels, inner)
    _C.prelu_backward(x.reshape(-1), w, gy.reshape(-1), gx.reshape(-1), gw, outer, channels, inner)
    x64, g64, w3 = x.astype(np.float64), gy.astype(np.float64), w.astype(np.float64)[None, :, None]
    np.testing.assert_allclose(y, np.where(x64 > 0, x64, w3 * x64), **TOL[dtype])
    np.testing.assert_allclose(gx, g64 * np.where(x64 > 0, 1.0, w3), **TOL[dtype])
    expected_gw = np.where(x64 <= 0, g64 * x64, 0.0).sum(axis=(0, 2))
    np.testing.assert_allclose(gw, expected_gw, rtol=TOL[dtype]["rtol"] * 10, atol=1e-4)


def _softmax_ref(x):
    """softmax and log_softmax over axis 1 of (outer, n, inner), in float64."""
    z = x - x.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=1, keepdims=True))
    return np.exp(z - lse), z - lse


SOFTMAX_SHAPES = [(1, 1, 1), (3, 7, 1), (2, 5, 3), (64, 1000, 1), (2, 9, 300), (3, 50, 700)]


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax(isa, dtype, shape):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    gy = rng.standard_normal(shape).astype(dtype)
    flat = dict(outer=shape[0], n=shape[1], inner=shape[2])
    x64, g64 = x.astype(np.float64), gy.astype(np.float64)
    sm, lsm = _softmax_ref(x64)
    y, ly, gx, lgx = (np.empty_like(x) for _ in range(4))
    _C.softmax_forward(x.reshape(-1), y.reshape(-1), *flat.values())
    _C.log_softmax_forward(x.reshape(-1), ly.reshape(-1), *flat.values())
    np.testing.assert_allclose(y, sm, **TOL[dtype])
    np.testing.assert_allclose(ly, lsm, rtol=TOL[dtype]["rtol"], atol=TOL[dtype]["rtol"] * 10)
    # backward, fed with the exact forward outputs so only its own error counts
    sm_d, lsm_d = sm.astype(dtype), lsm.astype(dtype)
    _C.softmax_backward(sm_d.reshape(-1), gy.reshape(-1), gx.reshape(-1), *flat.values())
    _C.log_softmax_backward(lsm_d.reshape(-1), gy.reshape(-1), lgx.reshape(-1), *flat.values())
    s64, l64 = sm_d.astype(np.float64), lsm_d.astype(np.float64)
    expected_gx = s64 * (g64 - (g64 * s64).sum(axis=1, keepdims=True))
    expected_lgx = g64 - np.exp(l64) * g64.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(gx, expected_gx, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-6 if dtype == np.float32 else 1e-14)
    np.testing.assert_allclose(lgx, expected_lgx, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-13)


# ---------------------------------------------------------------------------
# empty arrays, in-place use, thread counts
# ---------------------------------------------------------------------------

def _kernels(w, gw, shape):
    """Every kernel as f(x, y) (forward) or f(x, gy, gx) (backward), for arrays
    of shape `shape` = (outer, channels or n, inner) passed flat."""
    o, c, i = shape
    forward = {
        "relu": lambda x, y: _C.relu_forward(x, y),
        "leaky_relu": lambda x, y: _C.leaky_relu_forward(x, y, 0.1),
        "prelu": lambda x, y: _C.prelu_forward(x, w, y, o, c, i),
        "elu": lambda x, y: _C.elu_forward(x, y, 1.0),
        "sigmoid": lambda x, y: _C.sigmoid_forward(x, y),
        "tanh": lambda x, y: _C.tanh_forward(x, y),
        "softplus": lambda x, y: _C.softplus_forward(x, y),
        "heaviside": lambda x, y: _C.heaviside_forward(x, y, 0.5),
        "softmax": lambda x, y: _C.softmax_forward(x, y, o, c, i),
        "log_softmax": lambda x, y: _C.log_softmax_forward(x, y, o, c, i),
        "exp": lambda x, y: _C._vmath_exp(x, y),
        "expm1": lambda x, y: _C._vmath_expm1(x, y),
        "log1p": lambda x, y: _C._vmath_log1p(x, y),
    }
    backward = {
        "relu": lambda x, gy, gx: _C.relu_backward(x, gy, gx),
        "leaky_relu": lambda x, gy, gx: _C.leaky_relu_backward(x, gy, gx, 0.1),
        "prelu": lambda x, gy, gx: _C.prelu_backward(x, w, gy, gx, gw, o, c, i),
        "elu": lambda x, gy, gx: _C.elu_backward(x, gy, gx, 1.0),
        "sigmoid": lambda x, gy, gx: _C.sigmoid_backward(x, gy, gx),
        "tanh": lambda x, gy, gx: _C.tanh_backward(x, gy, gx),
        "softplus": lambda x, gy, gx: _C.softplus_backward(x, gy, gx),
        "softmax": lambda x, gy, gx: _C.softmax_backward(x, gy, gx, o, c, i),
        "log_softmax": lambda x, gy, gx: _C.log_softmax_backward(x, gy, gx, o, c, i),
    }
    return forward, backward


@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_arrays(isa, dtype):
    e = np.empty(0, dtype)
    for shape in [(0, 3, 4), (2, 0, 4), (2, 3, 0)]:
        gw = np.full(shape[1], 7, dtype)
        forward, backward = _kernels(np.ones(shape[1], dtype), gw, shape)
        for f in forward.values():
            f(e, e)
        for f in backward.values():
            f(e, e, e)
        assert np.all(gw == 0)            # prelu_backward overwrote it with zeros


@pytest.mark.parametrize("dtype", DTYPES)
def test_in_place(isa, dtype):
    """y may be x (forward), gx may be gy (backward): same result as out of place."""
    shape = (40, 30, 50)                  # 60_000 elements: parallel path
    rng = np.random.default_rng(5)
    x = rng.uniform(-0.9, 3, shape).astype(dtype).reshape(-1)   # > -1 for log1p
    gy = rng.standard_normal(x.size).astype(dtype)
    w = rng.uniform(0, 0.5, shape[1]).astype(dtype)
    forward, backward = _kernels(w, np.empty(shape[1], dtype), shape)
    for name, f in forward.items():
        y = np.empty_like(x)
        f(x, y)
        inout = x.copy()
        f(inout, inout)
        np.testing.assert_array_equal(inout, y, err_msg=name)
    for name, f in backward.items():
        gx = np.empty_like(x)
        f(x, gy, gx)
        inout = gy.copy()
        f(x, inout, inout)
        np.testing.assert_array_equal(inout, gx, err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
def test_same_result_for_any_thread_count(isa, dtype, threads):
    rng = np.random.default_rng(6)
    shape = (64, 4, 1100)
    x = rng.standard_normal(shape).astype(dtype).reshape(-1)
    gy = rng.standard_normal(x.size).astype(dtype)
    w = rng.uniform(0, 0.5, 4).astype(dtype)
    results = []
    for n in (1, 2, 3):
        _C.set_num_threads(n)
        gw = np.empty(4, dtype)
        forward, backward = _kernels(w, gw, shape)
        res = []
        for f in forward.values():
            res.append(np.empty_like(x))
            f(x, res[-1])
        for f in backward.values():
            res.append(np.empty_like(x))
            f(x, gy, res[-1])
        res.append(gw)
        results.append(res)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# argument checks and helpers
# ---------------------------------------------------------------------------

def test_length_mismatch_raises():
    a, b = np.ones(5, np.float32), np.ones(6, np.float32)
    with pytest.raises(ValueError, match="expected 5"):
        _C.relu_forward(a, b)
    with pytest.raises(ValueError):
        _C.relu_backward(a, b, a)
    with pytest.raises(ValueError):
        _C.sigmoid_backward(a, a, b)
    with pytest.raises(ValueError):
        _C.softmax_forward(a, a, 2, 2, 2)            # 8 != 5
    with pytest.raises(ValueError):
        _C.prelu_forward(a, np.ones(2, np.float32), a, 1, 5, 1)   # w has 2, not 5
    with pytest.raises(ValueError):
        _C.prelu_backward(a, np.ones(5, np.float32), a, a, np.ones(4, np.float32), 1, 5, 1)
    with pytest.raises(ValueError):
        _C.softmax_forward(a, a, -1, -5, 1)


def test_dtype_mismatch_raises():
    with pytest.raises((TypeError, ValueError)):
        _C.relu_forward(np.ones(3, np.float32), np.ones(3, np.float64))


def test_isa_selection():
    isas = _C.available_isas()
    assert isas[0] == "generic" and set(isas) <= {"generic", "avx2", "avx512", "neon"}
    current = _C.kernel_isa("activations")
    assert current in isas              # the best one, unless ENGINE_ISA chose another
    try:
        for name in isas:
            _C.set_kernel_isa("activations", name)
            assert _C.kernel_isa("activations") == name
        with pytest.raises(ValueError):
            _C.set_kernel_isa("activations", "sse9")
        with pytest.raises(ValueError):
            _C.set_kernel_isa("no-such-family", "generic")
        with pytest.raises(ValueError):
            _C.kernel_isa("no-such-family")
        for name in {"avx2", "avx512"} - set(isas):
            with pytest.raises(ValueError, match="does not support"):
                _C.set_kernel_isa("activations", name)
    finally:
        _C.set_kernel_isa("activations", current)


def test_cpu_features_and_threads(threads):
    feats = _C.cpu_features()
    for key in ("avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"):
        assert isinstance(feats[key], bool)
    assert ("avx512" in _C.available_isas()) == all(
        feats[k] for k in ("avx512f", "avx512dq", "avx512bw", "avx512vl", "avx2", "fma"))
    assert isinstance(_C.openmp_enabled(), bool)
    assert _C.get_num_threads() >= 1
    _C.set_num_threads(3)
    assert _C.get_num_threads() == 3
    with pytest.raises(ValueError):
        _C.set_num_threads(0)
