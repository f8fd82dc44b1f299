"""Every compiled activation kernel against its NumPy twin in ``engine.backend.reference``.

Hypothesis draws the shapes (empty, one element, odd sizes), the values and the layout
(contiguous or a strided view); both dtypes; every instruction set this CPU can run.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from engine.backend import reference

from activation_cases import KERNELS

native = pytest.importorskip("engine.backend.native")
_C = pytest.importorskip("engine._C")

TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-13)}


@st.composite
def inputs(draw, dtype, min_dims=0):
    """An array (maybe a non-contiguous view), an upstream gradient, PReLU slopes and an axis."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=0, max_side=9))
    strided = draw(st.booleans()) and len(shape) > 0
    full = shape[:-1] + (2 * shape[-1],) if strided else shape
    values = st.floats(-30, 30, width=32 if dtype == np.float32 else 64)
    x = draw(hnp.arrays(dtype, full, elements=values))
    gy = draw(hnp.arrays(dtype, shape, elements=st.floats(-3, 3, width=32)))
    if strided:
        x = x[..., ::2]
    channels = shape[1] if len(shape) >= 2 and draw(st.booleans()) else 1
    weight = draw(hnp.arrays(dtype, (channels,), elements=st.floats(-1, 1, width=32)))
    axis = draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0
    return x, gy, weight, axis


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.name)
def test_forward_and_backward_match_reference(kernel, dtype, isa):
    @given(inputs(dtype, min_dims=1 if kernel.along_axis else 0))
    def check(case):
        x, gy, weight, axis = case
        expected_y = kernel.forward(reference, x, weight, axis)
        y = kernel.forward(native, x, weight, axis)
        assert y.dtype == dtype and y.shape == x.shape
        np.testing.assert_allclose(y, expected_y, **TOLERANCE[dtype])
        # Both backwards get the same y, so only the backward's own error is measured.
        expected_gx = kernel.backward(reference, x, expected_y, gy, weight, axis)
        gx = kernel.backward(native, x, expected_y, gy, weight, axis)
        if kernel.per_channel:
            (gx, gw), (expected_gx, expected_gw) = gx, expected_gx
            np.testing.assert_allclose(gw, expected_gw, rtol=TOLERANCE[dtype]["rtol"] * 10,
                                       atol=TOLERANCE[dtype]["atol"] * max(1, x.size))
        np.testing.assert_allclose(gx, expected_gx, **TOLERANCE[dtype])

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.name)
def test_large_arrays_use_all_threads_and_agree(kernel, dtype, isa):
    """Large enough for the OpenMP path; the same answer at 1 and 2 threads."""
    import engine
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((64, 4, 1100)) * 5).astype(dtype)
    gy = rng.standard_normal(x.shape).astype(dtype)
    weight = rng.uniform(0, 0.5, 4).astype(dtype)
    before = engine.get_num_threads()
    try:
        results = []
        for threads in (1, 2):
            engine.set_num_threads(threads)
            y = kernel.forward(native, x, weight)
            results.append((y, kernel.backward(native, x, y, gy, weight)))
    finally:
        engine.set_num_threads(before)
    expected = kernel.forward(reference, x, weight)
    np.testing.assert_allclose(results[0][0], expected, **TOLERANCE[dtype])
    np.testing.assert_array_equal(results[0][0], results[1][0])
    if kernel.per_channel:
        np.testing.assert_array_equal(results[0][1][1], results[1][1][1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel", [k for k in KERNELS if not k.per_channel], ids=lambda k: k.name)
def test_out_buffer_and_in_place(kernel, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 7)).astype(dtype)
    expected = kernel.forward(reference, x)
    out = np.empty_like(x)
    assert kernel.forward(native, x, out=out) is out
    np.testing.assert_allclose(out, expected, **TOLERANCE[dtype])
    in_place = x.copy()
    kernel.forward(native, in_place, out=in_place)
    np.testing.assert_allclose(in_place, expected, **TOLERANCE[dtype])
    gy = rng.standard_normal(x.shape).astype(dtype)
    expected_gx = kernel.backward(reference, x, expected, gy)
    gx = kernel.backward(native, x, expected, gy.copy(), out=None)
    np.testing.assert_allclose(gx, expected_gx, **TOLERANCE[dtype])


@pytest.mark.parametrize("backend", ["reference", "native"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_values_stay_finite_and_exact(backend, dtype):
    k = reference if backend == "reference" else native
    x = np.array([-1000, -100, -30, -1e-5, 0, 1e-5, 30, 100, 1000], dtype=dtype)
    np.testing.assert_array_equal(k.sigmoid(x)[[0, -1]], [0, 1])
    np.testing.assert_array_equal(k.tanh(x)[[0, -1]], [-1, 1])
    np.testing.assert_allclose(k.softplus(x)[-1], 1000)
    assert k.softplus(x)[0] >= 0
    # tanh near zero keeps its relative accuracy: tanh(1e-5) = 1e-5 − 3.3e-16
    np.testing.assert_allclose(k.tanh(x)[[3, 5]], [-1e-5, 1e-5], rtol=1e-6)
    np.testing.assert_allclose(k.elu(x, 1.0)[0], -1)
    big = np.array([[1000, 1001, 1002]], dtype=dtype)
    np.testing.assert_allclose(k.softmax(big, -1), np.exp([[-2, -1, 0]]) / np.exp([-2, -1, 0]).sum(),
                               rtol=1e-6)
    shifted = np.array([-2.0, -1.0, 0.0])
    np.testing.assert_allclose(k.log_softmax(big, -1)[0], shifted - np.log(np.exp(shifted).sum()),
                               rtol=1e-6)
    for name in ("relu", "sigmoid", "tanh", "softplus", "elu", "heaviside", "leaky_relu"):
        out = getattr(k, name)(np.array([np.nan, 1.0], dtype=dtype))
        assert np.isnan(out[0]), f"{name} must propagate NaN, not hide it"


@pytest.mark.parametrize("backend", ["reference", "native"])
def test_exact_values(backend):
    k = reference if backend == "reference" else native
    x = np.array([-2.0, -0.0, 0.0, 3.0], dtype=np.float32)
    np.testing.assert_array_equal(k.relu(x), [0, 0, 0, 3])
    np.testing.assert_array_equal(k.heaviside(x, 1.0), [0, 1, 1, 1])
    np.testing.assert_array_equal(k.heaviside(x, 0.0), [0, 0, 0, 1])
    np.testing.assert_array_equal(k.leaky_relu(x, 0.5), [-1, 0, 0, 3])
    np.testing.assert_array_equal(k.relu_backward(x, np.ones_like(x)), [0, 0, 0, 1])
    np.testing.assert_array_equal(k.heaviside_backward(x, np.ones_like(x)), [0, 0, 0, 0])
    np.testing.assert_allclose(k.sigmoid(np.zeros(3, np.float32)), 0.5)
    slopes = np.array([0.5, 0.25], dtype=np.float32)
    x2 = np.array([[-4.0, -4.0], [2.0, -8.0]], dtype=np.float32)
    np.testing.assert_array_equal(k.prelu(x2, slopes), [[-2, -1], [2, -2]])
    gx, gw = k.prelu_backward(x2, slopes, np.ones_like(x2))
    np.testing.assert_array_equal(gx, [[0.5, 0.25], [1, 0.25]])
    np.testing.assert_array_equal(gw, [-4, -12])


@pytest.mark.parametrize("backend", ["reference", "native"])
class TestBadInput:
    def kernels(self, backend):
        return reference if backend == "reference" else native

    @pytest.mark.parametrize("data", [np.arange(4), np.arange(4) + 1j, np.array(["a"]),
                                      np.array([1, None], dtype=object), [1.0, 2.0]])
    def test_non_float_arrays_raise_type_error(self, backend, data):
        with pytest.raises(TypeError, match="float32 or float64|NumPy array"):
            self.kernels(backend).relu(data)

    def test_gradient_shape_mismatch(self, backend):
        x = np.ones((2, 3), np.float32)
        with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
            self.kernels(backend).relu_backward(x, np.ones((3, 2), np.float32))

    def test_gradient_dtype_mismatch(self, backend):
        x = np.ones(3, np.float32)
        with pytest.raises(TypeError, match="float32.*float64"):
            self.kernels(backend).sigmoid_backward(x, np.ones(3, np.float64))

    def test_bad_out_buffer(self, backend):
        k = self.kernels(backend)
        x = np.ones(3, np.float32)
        with pytest.raises(ValueError, match="shape"):
            k.relu(x, out=np.empty(4, np.float32))
        with pytest.raises(TypeError, match="dtype"):
            k.relu(x, out=np.empty(3, np.float64))

    def test_prelu_channel_mismatch(self, backend):
        with pytest.raises(ValueError, match="3 slopes"):
            self.kernels(backend).prelu(np.ones((2, 4), np.float32), np.ones(3, np.float32))

    def test_softmax_axis_out_of_range(self, backend):
        with pytest.raises(ValueError, match="axis 2"):
            self.kernels(backend).softmax(np.ones((2, 2)), 2)


def test_isa_selection_errors():
    with pytest.raises(ValueError):
        _C.set_kernel_isa("activations", "sse9")
    with pytest.raises(ValueError):
        _C.kernel_isa("no-such-family")
    assert _C.kernel_isa("activations") in _C.available_isas()
    assert "generic" in _C.available_isas()
