"""Convolution and pooling ops: the slides' examples, a direct-loop oracle, both backends,
gradients against central differences, the bounded workspace, the layers, and PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import engine
from conv_cases import draw_window
from engine import Tensor, gradcheck
from engine.nn import functional as F
from engine.ops import conv as conv_ops

BACKENDS = ["reference", "native"] if engine.backend.native_available() else ["reference"]


def direct_conv(x, w, b, stride, padding, dilation, groups):
    """y[n, o, l] = b[o] + Σ_{c,k} W[o, c, k]·x_pad[n, g·C/g + c, l·s + k·d], one offset at a time."""
    dims = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    out = [(i + 2 * p - d * (k - 1) - 1) // s + 1 for i, k, s, p, d
           in zip(x.shape[2:], w.shape[2:], stride, padding, dilation)]
    o, cg = w.shape[0], w.shape[1]
    og = o // groups
    y = np.zeros((x.shape[0], o) + tuple(out))
    for offset in np.ndindex(*w.shape[2:]):
        sl = tuple(slice(k * d, k * d + s * (n - 1) + 1, s)
                   for k, d, s, n in zip(offset, dilation, stride, out))
        patch = xp[(slice(None), slice(None)) + sl]
        for g in range(groups):
            wg = w[(slice(g * og, (g + 1) * og), slice(None)) + offset]       # (og, cg)
            y[:, g * og:(g + 1) * og] += np.einsum("oc,nc...->no...", wg,
                                                   patch[:, g * cg:(g + 1) * cg])
    if b is not None:
        y += b.reshape((1, o) + (1,) * dims)
    return y


# ------------------------------------------------------------ the slides' examples

@pytest.mark.parametrize("backend", BACKENDS)
def test_slides_convolution_example(backend):
    x = np.array([[2, 1, 0, 1, 1], [1, 1, 0, 2, 0], [0, 0, 1, 1, 1], [1, 2, 2, 0, 2],
                  [2, 0, 1, 2, 1]], np.float32)
    k = np.array([[0, 1, -1], [-1, 1, 0], [0, 1, 1]], np.float32)
    with engine.using_backend(backend):
        y = F.conv2d(Tensor(x[None, None]), Tensor(k[None, None]), stride=2, padding=1)
    np.testing.assert_array_equal(y.numpy()[0, 0], [[4, 1, 0], [3, 1, 2], [1, 3, 1]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_slides_max_pool_example(backend):
    x = np.array([[2, 13, 0, 1], [1, 20, 2, 3], [15, 14, 7, 1], [10, 2, 2, 9]], np.float32)
    with engine.using_backend(backend):
        xt = Tensor(x[None, None], requires_grad=True)
        y = F.max_pool2d(xt, 2)
        y.sum().backward()
    np.testing.assert_array_equal(y.numpy()[0, 0], [[20, 3], [15, 9]])
    np.testing.assert_array_equal(xt.grad.numpy()[0, 0], [[0, 0, 0, 0], [0, 1, 0, 1],
                                                          [1, 0, 0, 0], [0, 0, 0, 1]])


# ------------------------------------------------------- against the direct loops

@st.composite
def conv_setup(draw):
    dims = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n = draw(st.integers(1, 3))
    side = {1: 10, 2: 7, 3: 5}[dims]
    size, kernel, stride, padding, dilation = draw_window(draw, dims, side, 3, 2)
    bias = draw(st.booleans())
    return (n, cg * groups) + size, (og * groups, cg) + kernel, bias, stride, padding, \
        dilation, groups


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@settings(max_examples=30)
@given(setup=conv_setup(), seed=st.integers(0, 2**16))
def test_conv_forward_backward_match_direct_loops(backend, dtype, setup, seed):
    x_shape, w_shape, has_bias, stride, padding, dilation, groups = setup
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0]) if has_bias else None
    want = direct_conv(x, w, b, stride, padding, dilation, groups)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    f = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[len(x_shape) - 2]
    with engine.using_backend(backend):
        xt = Tensor(x.astype(dtype), requires_grad=True)
        wt = Tensor(w.astype(dtype), requires_grad=True)
        bt = None if b is None else Tensor(b.astype(dtype), requires_grad=True)
        y = f(xt, wt, bt, stride, padding, dilation, groups)
        assert y.dtype == dtype
        np.testing.assert_allclose(y.numpy(), want, **tol)
        gy = rng.standard_normal(y.shape)
        y.backward(Tensor(gy.astype(dtype)))
    # the gradients of Σ y·gy, from the direct loops by linearity: ⟨gy, conv(e_i)⟩
    # are checked in float64 with gradcheck below; here the two backends must agree
    with engine.using_backend("reference" if backend == "native" else backend):
        xr, wr = Tensor(x.astype(dtype), requires_grad=True), Tensor(w.astype(dtype), requires_grad=True)
        br = None if b is None else Tensor(b.astype(dtype), requires_grad=True)
        f(xr, wr, br, stride, padding, dilation, groups).backward(Tensor(gy.astype(dtype)))
    np.testing.assert_allclose(xt.grad.numpy(), xr.grad.numpy(), **tol)
    np.testing.assert_allclose(wt.grad.numpy(), wr.grad.numpy(), **tol)
    if b is not None:
        np.testing.assert_allclose(bt.grad.numpy(), gy.sum(axis=tuple(
            a for a in range(gy.ndim) if a != 1)), **tol)


# ------------------------------------------------------------------- gradcheck

def _t(rng, shape):
    return Tensor(rng.standard_normal(shape), requires_grad=True, dtype=engine.float64)


GRAD_CASES = [
    # (conv function, x shape, w shape, kwargs)
    (F.conv1d, (2, 4, 9), (6, 2, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (F.conv2d, (2, 3, 6, 5), (4, 3, 3, 2), dict(stride=(2, 1), padding=(1, 0))),
    (F.conv2d, (2, 4, 7, 7), (4, 2, 3, 3), dict(stride=1, padding=2, dilation=2, groups=2)),
    (F.conv2d, (1, 3, 5, 5), (3, 1, 3, 3), dict(padding=1, groups=3)),          # depthwise
    (F.conv3d, (2, 2, 4, 5, 4), (3, 2, 2, 3, 2), dict(stride=(1, 2, 1), padding=1,
                                                      dilation=(1, 1, 2))),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", range(len(GRAD_CASES)))
def test_conv_gradcheck(backend, case):
    f, xs, ws, kw = GRAD_CASES[case]
    rng = np.random.default_rng(case)
    x, w, b = _t(rng, xs), _t(rng, ws), _t(rng, ws[0])
    with engine.using_backend(backend):
        assert gradcheck(lambda x, w, b: f(x, w, b, **kw), (x, w, b))
        assert gradcheck(lambda x, w: f(x, w, None, **kw), (x, w))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kw", [dict(stride=2, padding=1, output_padding=1),
                                dict(stride=(1, 2), padding=(0, 1), groups=2, dilation=2),
                                dict(stride=3, output_padding=(2, 0), dilation=(1, 3))])
def test_conv_transpose2d_gradcheck(backend, kw):
    rng = np.random.default_rng(7)
    x, w, b = _t(rng, (2, 4, 3, 4)), _t(rng, (4, 3, 2, 3)), _t(rng, 3 * kw.get("groups", 1))
    with engine.using_backend(backend):
        assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw), (x, w, b))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("pool", ["max_pool1d", "avg_pool1d", "max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("args", [(2,), (3, 2, 1), (3, 1, 1), (2, 3, 0)])
def test_pool_gradcheck(backend, pool, args):
    rng = np.random.default_rng(3)
    shape = (2, 3, 7) if pool.endswith("1d") else (2, 2, 6, 7)
    # distinct values far apart: max pooling is differentiable away from ties
    x = Tensor(rng.permutation(np.prod(shape)).reshape(shape) * 0.1, requires_grad=True,
               dtype=engine.float64)
    with engine.using_backend(backend):
        assert gradcheck(lambda x: getattr(F, pool)(x, *args), (x,), eps=1e-4)


# ------------------------------------------------------------------ workspace

def test_workspace_is_bounded_and_reused():
    limit = conv_ops.get_workspace_limit()
    try:
        conv_ops.release_workspace()
        conv_ops.set_workspace_limit(256 * 1024)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((64, 3, 16, 16)).astype(np.float32)  # columns: 3.5 MiB in all
        w = rng.standard_normal((8, 3, 3, 3)).astype(np.float32)
        xt, wt = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
        y = F.conv2d(xt, wt, padding=1)
        y.backward(Tensor(np.ones(y.shape, np.float32)))
        size = conv_ops.workspace_size()
        assert 0 < size <= 256 * 1024
        buffer = conv_ops._workspace
        F.conv2d(Tensor(x), wt, padding=1)
        assert conv_ops._workspace is buffer           # reused, not reallocated
        # chunked results equal the one-chunk results
        conv_ops.set_workspace_limit(64 * 2**20)
        xt2, wt2 = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
        y2 = F.conv2d(xt2, wt2, padding=1)
        y2.backward(Tensor(np.ones(y.shape, np.float32)))
        np.testing.assert_allclose(y.numpy(), y2.numpy(), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(xt.grad.numpy(), xt2.grad.numpy(), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(wt.grad.numpy(), wt2.grad.numpy(), rtol=1e-4, atol=1e-3)
    finally:
        conv_ops.set_workspace_limit(limit)


def test_workspace_limit_checks():
    with pytest.raises(ValueError):
        conv_ops.set_workspace_limit(0)
    with pytest.raises(TypeError):
        conv_ops.set_workspace_limit(1.5)


# -------------------------------------------------------------------- errors

def test_conv_bad_shapes_raise():
    x = Tensor(np.ones((1, 4, 5, 5), np.float32))
    with pytest.raises(ValueError, match="input channels"):
        F.conv2d(x, Tensor(np.ones((2, 3, 3, 3), np.float32)))
    with pytest.raises(ValueError, match="divisible"):
        F.conv2d(x, Tensor(np.ones((3, 2, 3, 3), np.float32)), groups=2)
    with pytest.raises(ValueError, match="bias"):
        F.conv2d(x, Tensor(np.ones((2, 4, 3, 3), np.float32)), Tensor(np.ones(3, np.float32)))
    with pytest.raises(ValueError, match="axes"):
        F.conv1d(x, Tensor(np.ones((2, 4, 3, 3), np.float32)))
    with pytest.raises(ValueError, match="output size"):
        F.conv2d(x, Tensor(np.ones((2, 4, 7, 7), np.float32)))
    with pytest.raises(ValueError, match="output_padding"):
        F.conv_transpose2d(x, Tensor(np.ones((4, 2, 3, 3), np.float32)), output_padding=1)


def test_same_padding():
    x = Tensor(np.ones((1, 1, 6, 6)))
    assert F.conv2d(x, Tensor(np.ones((1, 1, 3, 5))), padding="same").shape == (1, 1, 6, 6)
    assert F.conv2d(x, Tensor(np.ones((1, 1, 3, 3))), padding="valid").shape == (1, 1, 4, 4)


# --------------------------------------------------------------------- layers

def test_layers_shapes_init_and_dtype():
    engine.manual_seed(0)
    conv = engine.nn.Conv2d(6, 16, 5, groups=2, dtype=engine.float64)
    assert conv.weight.shape == (16, 3, 5, 5) and conv.bias.shape == (16,)
    assert conv.weight.dtype == engine.float64
    bound = 1 / np.sqrt(3 * 25)
    assert np.abs(conv.weight.numpy()).max() <= bound and np.abs(conv.weight.numpy()).max() > bound / 2
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    assert engine.nn.Conv1d(2, 4, 3, bias=False).bias is None
    assert engine.nn.Conv3d(2, 4, (1, 2, 3)).weight.shape == (4, 2, 1, 2, 3)
    tconv = engine.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert tconv.weight.shape == (4, 3, 3, 3)
    x = Tensor(np.ones((2, 4, 5, 5), np.float32))
    assert tconv(x).shape == (2, 6, 10, 10)
    model = engine.nn.Sequential(engine.nn.Conv2d(4, 8, 3, padding=1), engine.nn.ReLU(),
                                 engine.nn.MaxPool2d(2), engine.nn.AvgPool2d(2, 1),
                                 engine.nn.Flatten())
    assert model(x).shape == (2, 8 * 1 * 1)
    seq = Tensor(np.ones((2, 3, 8), np.float32))
    assert engine.nn.MaxPool1d(2)(seq).shape == (2, 3, 4)
    assert engine.nn.AvgPool1d(3, 1, 1)(seq).shape == (2, 3, 8)
    with pytest.raises(ValueError, match="divisible"):
        engine.nn.Conv2d(3, 4, 3, groups=2)


# -------------------------------------------------------------------- PyTorch

def _torch_check(f_engine, f_torch, arrays, rng, tol):
    torch = pytest.importorskip("torch")
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    es = [Tensor(a, requires_grad=True) for a in arrays]
    ty, ey = f_torch(*ts), f_engine(*es)
    np.testing.assert_allclose(ey.numpy(), ty.detach().numpy(), **tol)
    gy = rng.standard_normal(ey.shape).astype(arrays[0].dtype)
    ty.backward(torch.tensor(gy))
    ey.backward(Tensor(gy))
    for t, e in zip(ts, es):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_against_pytorch(dtype):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(0)
    tol = dict(rtol=2e-4, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-9)

    def r(*shape):
        return rng.standard_normal(shape).astype(dtype)

    kw1 = dict(stride=2, padding=1, dilation=2, groups=2)
    _torch_check(lambda x, w, b: F.conv1d(x, w, b, **kw1), lambda x, w, b: tf.conv1d(x, w, b, **kw1),
                 [r(3, 4, 17), r(6, 2, 3), r(6)], rng, tol)
    kw2 = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=3)
    _torch_check(lambda x, w, b: F.conv2d(x, w, b, **kw2), lambda x, w, b: tf.conv2d(x, w, b, **kw2),
                 [r(4, 6, 11, 10), r(9, 2, 3, 3), r(9)], rng, tol)
    kw3 = dict(stride=(1, 2, 2), padding=1)
    _torch_check(lambda x, w, b: F.conv3d(x, w, b, **kw3), lambda x, w, b: tf.conv3d(x, w, b, **kw3),
                 [r(2, 3, 5, 6, 7), r(4, 3, 3, 2, 3), r(4)], rng, tol)
    kwt = dict(stride=2, padding=1, output_padding=1, groups=2, dilation=1)
    _torch_check(lambda x, w, b: F.conv_transpose2d(x, w, b, **kwt),
                 lambda x, w, b: tf.conv_transpose2d(x, w, b, **kwt),
                 [r(3, 4, 5, 6), r(4, 3, 3, 3), r(6)], rng, tol)
    for kernel, stride, padding in [(2, None, 0), (3, 2, 1), ((3, 2), (1, 2), (1, 0))]:
        x = r(3, 4, 9, 8)
        _torch_check(lambda x: F.max_pool2d(x, kernel, stride, padding),
                     lambda x: tf.max_pool2d(x, kernel, stride, padding), [x], rng, tol)
        _torch_check(lambda x: F.avg_pool2d(x, kernel, stride, padding),
                     lambda x: tf.avg_pool2d(x, kernel, stride, padding), [x], rng, tol)
    for kernel, stride, padding in [(2, None, 0), (3, 2, 1)]:
        x = r(3, 4, 11)
        _torch_check(lambda x: F.max_pool1d(x, kernel, stride, padding),
                     lambda x: tf.max_pool1d(x, kernel, stride, padding), [x], rng, tol)
        _torch_check(lambda x: F.avg_pool1d(x, kernel, stride, padding),
                     lambda x: tf.avg_pool1d(x, kernel, stride, padding), [x], rng, tol)
