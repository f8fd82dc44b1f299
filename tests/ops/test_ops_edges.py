"""Silent wrong results at the edges: empty batches, sizes of 0 in a matmul, NaN through fast
paths. Each case runs on both CPU backends; the answer is NumPy's / PyTorch's (zeros for an
empty sum, NaN propagated), or a ValueError that says what is wrong."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn
from engine.backend import reference
from engine.nn import functional as F

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

BACKENDS = ["native", "reference"] if engine.backend.native_available() else ["reference"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    with engine.using_backend(request.param):
        yield request.param


def _t(shape, fill=1.0, dtype=np.float32, grad=True):
    return Tensor(np.full(shape, fill, dtype=dtype), requires_grad=grad)


# ----------------------------------------------------------------- empty batches
# (layer, input shape with N = 0): the weight gradient must be zeros, not np.empty's garbage.
EMPTY_BATCH_LAYERS = {
    "Conv2d 3x3": (lambda: nn.Conv2d(2, 3, 3), (0, 2, 5, 5)),
    "Conv2d 3x3 pad 1 (Winograd size)": (lambda: nn.Conv2d(4, 4, 3, padding=1), (0, 4, 8, 8)),
    "Conv2d 1x1 (pointwise path)": (lambda: nn.Conv2d(2, 3, 1), (0, 2, 5, 5)),
    "Conv2d stride 2": (lambda: nn.Conv2d(2, 3, 3, stride=2), (0, 2, 9, 9)),
    "Conv2d groups 2": (lambda: nn.Conv2d(4, 4, 3, groups=2), (0, 4, 6, 6)),
    "Conv1d": (lambda: nn.Conv1d(2, 3, 3), (0, 2, 7)),
    "Conv3d": (lambda: nn.Conv3d(2, 3, 2), (0, 2, 4, 4, 4)),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3), (0, 2, 5, 5)),
    "ConvTranspose2d stride 2": (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2), (0, 2, 4, 4)),
    "Linear": (lambda: nn.Linear(3, 4), (0, 3)),
    "Linear 3-D": (lambda: nn.Linear(3, 4), (2, 0, 3)),
    "LayerNorm": (lambda: nn.LayerNorm(3), (0, 3)),
    "PReLU": (lambda: nn.PReLU(), (0, 3)),
    "RNN": (lambda: nn.RNN(3, 4), (2, 0, 3)),
    "LSTM": (lambda: nn.LSTM(3, 4), (2, 0, 3)),
}


@pytest.mark.parametrize("name", sorted(EMPTY_BATCH_LAYERS))
def test_an_empty_batch_gives_zero_parameter_gradients(backend, name):
    make, shape = EMPTY_BATCH_LAYERS[name]
    engine.manual_seed(0)
    layer = make()
    for p in layer.parameters():      # a stale gradient must not survive either
        p.grad = np.full(p.shape, np.nan, dtype=p.dtype)
        p.grad = None
    x = _t(shape)
    y = layer(x)
    y = y[0] if isinstance(y, tuple) else y
    assert y.shape[0] == 0 or y.shape[1] == 0
    (y.sum() * 1.0).backward()
    for pname, p in layer.named_parameters():
        assert p.grad is not None, pname
        np.testing.assert_array_equal(p.grad.numpy(), np.zeros(p.shape), err_msg=pname)
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("conv, x_shape, w_shape", [
    (F.conv2d, (0, 2, 6, 6), (3, 2, 3, 3)),
    (F.conv2d, (2, 2, 6, 6), (0, 2, 3, 3)),        # no output channels
    (F.conv2d, (2, 0, 6, 6), (3, 0, 3, 3)),        # no input channels: the output is the bias
    (F.conv_transpose2d, (0, 2, 5, 5), (2, 3, 3, 3)),
    (F.conv_transpose2d, (2, 0, 5, 5), (0, 3, 3, 3)),
])
def test_convolutions_with_a_size_of_zero(backend, conv, x_shape, w_shape):
    x, w = _t(x_shape), _t(w_shape)
    out_channels = w_shape[1] if conv is F.conv_transpose2d else w_shape[0]
    b = _t((out_channels,), 0.5)
    y = conv(x, w, b)
    np.testing.assert_array_equal(y.numpy(), np.full(y.shape, 0.5, np.float32))
    y.backward(np.ones(y.shape, np.float32))
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros(w_shape))
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(x_shape))
    np.testing.assert_array_equal(b.grad.numpy(), np.full(out_channels, y.numel() / max(out_channels, 1)))


EMPTY_MEAN_LOSSES = {
    "mse_loss": lambda x: F.mse_loss(x, Tensor(np.zeros((0, 3), np.float32))),
    "l1_loss": lambda x: F.l1_loss(x, Tensor(np.zeros((0, 3), np.float32))),
    "smooth_l1_loss": lambda x: F.smooth_l1_loss(x, Tensor(np.zeros((0, 3), np.float32))),
    "cross_entropy": lambda x: F.cross_entropy(x, np.zeros((0,), np.int64)),
    "nll_loss": lambda x: F.nll_loss(x, np.zeros((0,), np.int64)),
    "binary_cross_entropy": lambda x: F.binary_cross_entropy(
        x * 0.5, Tensor(np.zeros((0, 3), np.float32))),
    "bce_with_logits": lambda x: F.binary_cross_entropy_with_logits(
        x, Tensor(np.zeros((0, 3), np.float32))),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", sorted(EMPTY_MEAN_LOSSES))
def test_mean_of_an_empty_loss_is_nan_as_in_pytorch(backend, name):
    x = _t((0, 3))
    loss = EMPTY_MEAN_LOSSES[name](x)
    assert np.isnan(loss.item())
    loss.backward()
    assert x.grad.shape == (0, 3)


# ----------------------------------------------------------------- sizes of 0 in a matmul
MATMUL_SHAPES = [((3, 0), (0, 4)), ((0, 5), (5, 4)), ((3, 5), (5, 0)), ((0, 0), (0, 0)),
                 ((2, 3, 0), (0, 4)), ((2, 3, 0), (2, 0, 4)), ((0, 3, 2), (0, 2, 4)),
                 ((3, 0), (0,)), ((0,), (0,)), ((2, 1, 3, 0), (5, 0, 2))]


@pytest.mark.parametrize("a_shape, b_shape", MATMUL_SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_with_a_size_of_zero_is_numpys_answer(backend, a_shape, b_shape, dtype):
    rng = np.random.default_rng(0)
    a0, b0 = rng.normal(size=a_shape).astype(dtype), rng.normal(size=b_shape).astype(dtype)
    a, b = Tensor(a0, requires_grad=True), Tensor(b0, requires_grad=True)
    y = a @ b
    want = a0 @ b0
    assert y.shape == want.shape and y.dtype == dtype
    np.testing.assert_allclose(y.numpy(), want, atol=1e-6)
    gy = rng.normal(size=want.shape).astype(dtype)
    y.backward(gy)
    assert a.grad.shape == a_shape and b.grad.shape == b_shape
    if len(a_shape) == 2 and len(b_shape) == 2:
        np.testing.assert_allclose(a.grad.numpy(), gy @ b0.T, atol=1e-5)
        np.testing.assert_allclose(b.grad.numpy(), a0.T @ gy, atol=1e-5)


@pytest.mark.parametrize("op", ["mm", "bmm", "linear", "linear_bias"])
def test_mm_bmm_and_linear_with_an_inner_size_of_zero(backend, op):
    if op == "mm":
        y = engine.mm(_t((3, 0)), _t((0, 4)))
    elif op == "bmm":
        y = engine.bmm(_t((2, 3, 0)), _t((2, 0, 4)))
    elif op == "linear":
        y = F.linear(_t((3, 0)), _t((4, 0)))
    else:
        y = F.linear(_t((3, 0)), _t((4, 0)), _t((4,), 2.0))
    want = 2.0 if op == "linear_bias" else 0.0
    np.testing.assert_array_equal(y.numpy(), np.full(y.shape, want, np.float32))
    y.sum().backward()


@pytest.mark.parametrize("m, n, k", [(0, 3, 2), (3, 0, 2), (3, 4, 0), (0, 0, 0), (1, 1, 0)])
@pytest.mark.parametrize("trans_a, trans_b", [(False, False), (True, True)])
def test_native_gemm_with_a_size_of_zero_matches_the_reference(m, n, k, trans_a, trans_b):
    if not engine.backend.native_available():
        pytest.skip("engine._C not built")
    native = engine.backend._load("native")
    a = np.ones((k, m) if trans_a else (m, k), np.float32)
    b = np.ones((n, k) if trans_b else (k, n), np.float32)
    c = np.full((m, n), np.nan, np.float32)      # beta = 0: the NaN must not survive
    for kernels in (native, reference):
        np.testing.assert_array_equal(kernels.gemm(a, b, c.copy(), 1.0, 0.0, trans_a, trans_b),
                                      np.zeros((m, n), np.float32))
        np.testing.assert_array_equal(
            kernels.gemm(a, b, np.full((m, n), 3.0, np.float32), 1.0, 2.0, trans_a, trans_b),
            np.full((m, n), 6.0, np.float32))
    batched = [kb.gemm_batched(np.ones((0, m, k)), np.ones((0, k, n))) for kb in (native, reference)]
    assert batched[0].shape == batched[1].shape == (0, m, n)


def test_reference_gemm_alpha_zero_ignores_nan_as_blas_does():
    a = np.array([[np.nan, 1.0]])
    b = np.ones((2, 2))
    np.testing.assert_array_equal(reference.gemm(a, b, None, 0.0), np.zeros((1, 2)))


# ----------------------------------------------------------------- NaN through fast paths
@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 1, 1), (2, 1, 0), (3, 2, 1)])
@pytest.mark.parametrize("where", range(4))
def test_max_pool_propagates_nan_on_every_path(backend, kernel, stride, padding, where):
    """The 2x2 stride-2 window has a branch-free fast path: a NaN anywhere in a window must
    come out, as in the general path and PyTorch (it used to win only as the first element)."""
    x = np.arange(2 * 16, dtype=np.float32).reshape(1, 2, 4, 4)
    x[0, 0, where // 2, where % 2] = np.nan
    x[0, 1, 1 + where // 2, 1 + where % 2] = np.nan
    xt = Tensor(x, requires_grad=True)
    y = F.max_pool2d(xt, kernel, stride, padding)
    with engine.using_backend("reference"):
        want = F.max_pool2d(Tensor(x), kernel, stride, padding).numpy()
    assert np.isnan(y.numpy()[0, 0, 0, 0]) and np.isnan(y.numpy()).sum() >= 2
    np.testing.assert_array_equal(y.numpy(), want)
    y.backward(np.ones(y.shape, np.float32))
    assert xt.grad.numpy()[0, 0, where // 2, where % 2] >= 1


def test_max_pool_nan_on_every_instruction_set(isa):
    from engine.backend import native
    rng = np.random.default_rng(isa.__hash__() % 1000)
    for shape, args in [((2, 3, 8, 8), (2, 2, 0)), ((2, 3, 9, 9), (3, 1, 1)), ((1, 2, 7, 7), (3, 2, 1))]:
        x = rng.normal(size=shape).astype(np.float32)
        x.reshape(-1)[rng.choice(x.size, x.size // 5, replace=False)] = np.nan
        y_n, arg_n = native.max_pool2d(x, *args)
        y_r, arg_r = reference.max_pool2d(x, *args)
        np.testing.assert_array_equal(y_n, y_r)
        np.testing.assert_array_equal(arg_n, arg_r)


SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5], np.float64)
ACTIVATIONS = ["relu", "elu", "sigmoid", "tanh", "softplus", "heaviside", "leaky_relu"]


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("n", [1, 7, 8, 17, 64, 259])   # SIMD bodies and remainders
def test_activations_keep_nan_and_inf_like_the_reference(isa, name, n):
    from engine.backend import native
    rng = np.random.default_rng(n)
    for dtype in (np.float32, np.float64):
        x = rng.choice(SPECIALS, size=n).astype(dtype)
        gy = rng.normal(size=n).astype(dtype)
        np.testing.assert_allclose(getattr(native, name)(x), getattr(reference, name)(x),
                                   rtol=1e-6, equal_nan=True)
        back = name + "_backward"
        if name in ("sigmoid", "tanh"):
            args_n, args_r = (native.__dict__[name](x), gy), (reference.__dict__[name](x), gy)
        else:
            args_n = args_r = (x, gy)
        np.testing.assert_allclose(getattr(native, back)(*args_n), getattr(reference, back)(*args_r),
                                   rtol=1e-6, equal_nan=True)
    for kernel in ("softmax", "log_softmax"):
        x = rng.choice(SPECIALS, size=(3, n))
        np.testing.assert_allclose(getattr(native, kernel)(x), getattr(reference, kernel)(x),
                                   rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("reduce", ["max", "min"])
def test_a_nan_extreme_takes_the_gradient_and_leaves_the_rest_finite(backend, reduce):
    x = Tensor(np.array([[np.nan, 1.0, 2.0], [3.0, 1.0, 3.0]]), requires_grad=True)
    y = getattr(x, reduce)(axis=1)
    assert np.isnan(y.numpy()[0])
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 0.0],
                                                   [0.5 if reduce == "max" else 0.0,
                                                    0.0 if reduce == "max" else 1.0,
                                                    0.5 if reduce == "max" else 0.0]])
    whole = Tensor(np.array([np.nan, 1.0, np.nan]), requires_grad=True)
    getattr(whole, reduce)().backward()
    np.testing.assert_array_equal(whole.grad.numpy(), [0.5, 0.0, 0.5])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("where", ["x", "w", "gy"])
@pytest.mark.parametrize("special", [np.nan, np.inf, -np.inf])
def test_convolution_paths_propagate_nan_and_inf_like_the_reference(dtype, where, special):
    """Winograd (3x3 pad 1, 64 channels), pointwise (1x1) and im2col (strided) against the
    NumPy twin. Winograd's transforms turned a lone Inf into Inf - Inf = NaN over its tile."""
    from engine.ops import conv as conv_ops
    rng = np.random.default_rng(3)
    winograd = ((1, 64, 16, 16), (64, 64, 3, 3), {"padding": 1})
    for x_shape, w_shape, kwargs in [winograd, ((2, 3, 8, 8), (4, 3, 1, 1), {}),
                                     ((1, 8, 9, 9), (8, 8, 3, 3), {"stride": 2})]:
        x, w = rng.normal(size=x_shape).astype(dtype), rng.normal(size=w_shape).astype(dtype)
        results = []
        for name in BACKENDS:
            with engine.using_backend(name):
                xt, wt = Tensor(x.copy(), requires_grad=True), Tensor(w.copy(), requires_grad=True)
                if where != "gy":
                    (xt if where == "x" else wt).data.reshape(-1)[5] = special
                y = F.conv2d(xt, wt, **kwargs)
                gy = np.ones(y.shape, dtype)
                if where == "gy":
                    gy.reshape(-1)[7] = special
                y.backward(gy)
                results.append([y.numpy(), xt.grad.numpy(), wt.grad.numpy()])
        if (x_shape, w_shape, kwargs) == winograd and engine.backend.native_available():
            geo = engine.backend._checks.conv_geometry(x_shape, (3, 3), 1, 1, 1, "conv")
            assert conv_ops._winograd(engine.backend._load("native"), geo, 1, 64)
        for got, want in zip(results[0], results[-1]):
            np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
            np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3, equal_nan=True)


# ----------------------------------------------------------------- other sizes of 0
def test_flatten_keeps_an_empty_batch():
    assert nn.Flatten()(_t((0, 3, 4))).shape == (0, 12)
    assert _t((2, 0, 4)).flatten(1).shape == (2, 0)
    assert engine.flatten(_t((0, 2, 2)), 1).shape == (0, 4)


CLEAR_ERRORS = {
    "max of an empty tensor": lambda: _t((0, 3)).max(),
    "min over an empty axis": lambda: _t((0, 3)).min(axis=0),
    "RNN with a 0-length sequence": lambda: nn.RNN(3, 4)(_t((0, 2, 3))),
    "LSTM with a 0-length sequence (batch_first)": lambda: nn.LSTM(3, 4, batch_first=True)(_t((2, 0, 3))),
    "batch_norm with 0 channels": lambda: F.batch_norm(_t((4, 0)), None, None, training=True),
    "adaptive_avg_pool2d of an empty plane": lambda: F.adaptive_avg_pool2d(_t((1, 2, 0, 4)), 2),
}


@pytest.mark.parametrize("name", sorted(CLEAR_ERRORS))
def test_sizes_of_zero_without_an_answer_are_a_clear_value_error(backend, name):
    with pytest.raises(ValueError, match=r"empty|length|channel|zero"):
        CLEAR_ERRORS[name]()


@pytest.mark.parametrize("mode, align_corners, shape", [
    ("nearest", None, (1, 2, 4, 4)), ("bilinear", False, (1, 2, 4, 4)),
    ("bilinear", True, (1, 2, 4, 4)), ("nearest", None, (1, 2, 6)), ("linear", False, (1, 2, 6))])
@pytest.mark.parametrize("special", [np.nan, np.inf])
def test_resizing_keeps_nan_and_inf_local(backend, mode, align_corners, shape, special):
    """Each output pixel reads at most two neighbours per axis; a dense (out x in) matrix
    product multiplied every NaN/Inf by the zeros and spread NaN over whole rows."""
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    x[(0, 0) + (1,) * (len(shape) - 2)] = special
    xt = Tensor(x, requires_grad=True)
    y = F.interpolate(xt, scale_factor=2, mode=mode, align_corners=align_corners)
    y.backward(np.ones(y.shape))
    clean = np.where(np.isfinite(x), x, 0.0)
    y_clean = F.interpolate(Tensor(clean), scale_factor=2, mode=mode,
                            align_corners=align_corners).numpy()
    touched = ~np.isfinite(y.numpy())
    assert touched[0, 0].sum() <= 5 ** (len(shape) - 2)     # only the neighbours (as PyTorch)
    assert not touched[0, 1].any()                        # the other channel is untouched
    np.testing.assert_allclose(y.numpy()[~touched], y_clean[~touched])
    assert np.isfinite(xt.grad.numpy()).all()             # gradients of finite ∂L/∂y stay finite


@pytest.mark.parametrize("norm_type", [2.0, float("inf"), 1.0])
@pytest.mark.parametrize("nan_in", [0, 1])
def test_clip_grad_norm_never_drops_a_nan(norm_type, nan_in):
    """Python's max(1.0, nan) is 1.0: a NaN in the second parameter's gradient vanished from
    the inf-norm, and a NaN norm skipped the clipping; PyTorch makes every gradient NaN."""
    params = [nn.Parameter(np.ones(3)), nn.Parameter(np.ones(2))]
    params[0].grad = np.array([1.0, 2.0, 3.0])
    params[1].grad = np.array([1.0, 1.0])
    params[nan_in].grad.numpy()[0] = np.nan
    total = nn.utils.clip_grad_norm_(params, 1.0, norm_type)
    assert np.isnan(total.item())
    for p in params:
        assert np.isnan(p.grad.numpy()).all()


@pytest.mark.parametrize("m, n, k", [(0, 3, 2), (3, 4, 0), (2, 2, 2)])
def test_cuda_backend_gemm_with_an_empty_batch_and_alpha_zero(cuda_kernels, m, n, k):
    """The cuda backend's GEMM twin: an empty batch (it indexed a[0]) and α = 0 with NaN."""
    kernels, put, get = cuda_kernels.kernels, cuda_kernels.put, cuda_kernels.get
    out = kernels.gemm_batched(put(np.ones((0, m, k))), put(np.ones((0, k, n))))
    assert get(out).shape == (0, m, n)
    a = np.full((m, k), np.nan)
    np.testing.assert_array_equal(get(kernels.gemm(put(a), put(np.ones((k, n))), None, 0.0)),
                                  np.zeros((m, n)))
