"""ConvNd on the native backend runs a big batch's im2col path in C, in cache-sized chunks of
images (B.conv_by_chunk, B.conv_by_chunk_grads). The path must be invisible: the output and all
three gradients equal the reference backend's, it is gradchecked in float64, and it is taken
exactly where engine/ops/conv.py says (a batch whose columns exceed _WHOLE_BATCH_BYTES, one
group, within the workspace limit)."""
import numpy as np
import pytest

import engine
from engine import Tensor
from engine.gradcheck import gradcheck
from engine.nn import functional as F
from engine.ops import conv as conv_ops

pytestmark = pytest.mark.skipif(not engine.backend.native_available(),
                                reason="engine._C not built")
CASES = [  # (x shape, weight shape, stride, padding, dilation)
    ((6, 3, 11, 10), (5, 3, 3, 3), 1, 1, 1),
    ((5, 2, 12, 9), (4, 2, 3, 2), 2, (1, 0), (2, 1)),
    ((7, 4, 13), (3, 4, 5), 1, 2, 1),
    ((3, 2, 6, 5, 7), (4, 2, 3, 3, 3), 1, 1, 1),
]


def _conv(x, w, b, stride, padding, dilation):
    return {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[x.ndim - 2](x, w, b, stride, padding,
                                                                dilation)


def _run(backend, x, w, b, gy, stride, padding, dilation):
    with engine.using_backend(backend):
        xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
        y = _conv(xt, wt, bt, stride, padding, dilation)
        (y * Tensor(gy)).sum().backward()
        return [y.numpy()] + [t.grad.numpy() for t in (xt, wt, bt)]


def _spy(monkeypatch):
    calls = []
    native = engine.backend.native
    for name in ("conv_by_chunk", "conv_by_chunk_grads"):
        original = getattr(native, name)
        monkeypatch.setattr(native, name, lambda *a, _f=original, _n=name, **k:
                            calls.append(_n) or _f(*a, **k))
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES)
def test_the_chunks_in_c_give_the_reference_values(monkeypatch, dtype, case):
    monkeypatch.setattr(conv_ops, "_WHOLE_BATCH_BYTES", 0)   # every batch takes the C path
    monkeypatch.setattr(conv_ops, "_WITHOUT_COLUMNS_MAX_WEIGHTS", 0)
    x_shape, w_shape, stride, padding, dilation = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)
    with engine.using_backend("reference"):
        out_shape = _conv(Tensor(x), Tensor(w), Tensor(b), stride, padding, dilation).shape
    gy = rng.standard_normal(out_shape).astype(dtype)
    want = _run("reference", x, w, b, gy, stride, padding, dilation)
    calls = _spy(monkeypatch)
    got = _run("native", x, w, b, gy, stride, padding, dilation)
    assert calls == ["conv_by_chunk", "conv_by_chunk_grads"]
    tol = 2e-4 if dtype == np.float32 else 1e-11
    for a, c in zip(got, want):
        np.testing.assert_allclose(a, c, rtol=tol, atol=tol * max(1.0, np.abs(c).max()))


@pytest.mark.parametrize("case", CASES[:3])
def test_the_chunks_in_c_are_gradchecked(monkeypatch, case):
    monkeypatch.setattr(conv_ops, "_WHOLE_BATCH_BYTES", 0)
    monkeypatch.setattr(conv_ops, "_WITHOUT_COLUMNS_MAX_WEIGHTS", 0)
    x_shape, w_shape, stride, padding, dilation = case
    rng = np.random.default_rng(2)
    x = Tensor(rng.standard_normal((2,) + x_shape[1:]), requires_grad=True)
    w = Tensor(rng.standard_normal(w_shape), requires_grad=True)
    b = Tensor(rng.standard_normal(w_shape[0]), requires_grad=True)
    calls = _spy(monkeypatch)
    with engine.using_backend("native"):
        assert gradcheck(lambda x, w, b: _conv(x, w, b, stride, padding, dilation), (x, w, b))
    assert "conv_by_chunk" in calls and "conv_by_chunk_grads" in calls


def test_where_the_path_is_taken(monkeypatch):
    rng = np.random.default_rng(3)
    calls = _spy(monkeypatch)
    big = Tensor(rng.standard_normal((64, 16, 32, 32)).astype(np.float32))     # 37.7 MB of columns
    w = Tensor(rng.standard_normal((16, 16, 3, 3)).astype(np.float32), requires_grad=True)
    with engine.using_backend("native"):
        F.conv2d(big, w, padding=1).sum().backward()
        assert calls == ["conv_by_chunk", "conv_by_chunk_grads"]
        calls.clear()
        F.conv2d(big[:8], w, padding=1)                      # 4.7 MB: the whole batch at once
        F.conv2d(big[:1], w, padding=1)                      # one image
        F.conv2d(big, Tensor(rng.standard_normal((16, 8, 3, 3)).astype(np.float32)),
                 padding=1, groups=2)                         # groups
        limit = conv_ops.get_workspace_limit()
        try:
            conv_ops.set_workspace_limit(2**16)              # the chunks' buffers do not fit
            F.conv2d(big, w, padding=1)
        finally:
            conv_ops.set_workspace_limit(limit)
        assert calls == []
        with engine.no_grad():                 # no backward to keep the columns for
            y = F.conv2d(big[:8], w, padding=1)
            assert calls == ["conv_by_chunk"]
            F.conv2d(big[:1], w, padding=1)
            F.conv2d(big[:2, :, :8, :8], w, padding=1)       # 74 KB: the whole batch at once
            assert calls == ["conv_by_chunk"]
    with engine.using_backend("reference"):
        np.testing.assert_allclose(y.numpy(), F.conv2d(big[:8], w, padding=1).numpy(),
                                   rtol=1e-4, atol=1e-4)
        F.conv2d(big[:20], w, padding=1)
        assert calls == ["conv_by_chunk"]
