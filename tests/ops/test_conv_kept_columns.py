"""ConvNd's backward reuses the forward's columns when the workspace still holds them.

The reuse must be invisible: gradients equal those of a run where every backward recomputes
its columns (a tiny workspace limit forces that), whatever order forwards and backwards
run in, for both backends and dtypes. A counter on im2col shows the reuse does happen.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import engine
from engine import Tensor
from engine.nn import functional as F
from engine.ops import conv as conv_ops

BACKENDS = ["reference", "native"] if engine.backend.native_available() else ["reference"]


def _two_conv_grads(x, w1, w2, b2, order):
    """conv → relu → conv; the backward runs after ``order``'s extra forward (or none)."""
    xt = Tensor(x, requires_grad=True)
    w1t, w2t, b2t = (Tensor(a, requires_grad=True) for a in (w1, w2, b2))
    h = F.relu(F.conv2d(xt, w1t, padding=1))
    y = F.conv2d(h, w2t, b2t, stride=1)
    if order == "other conv in between":      # overwrites the workspace's columns
        F.conv2d(Tensor(x), w1t, padding=1)
    (y * y).sum().backward()
    return [t.grad.numpy() for t in (xt, w1t, w2t, b2t)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), size=st.integers(3, 7),
       order=st.sampled_from(["straight", "other conv in between"]), seed=st.integers(0, 99))
def test_reused_columns_give_the_recomputed_gradients(backend, dtype, n, c, size, order, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, size, size)).astype(dtype)
    w1 = rng.standard_normal((4, c, 3, 3)).astype(dtype)
    w2 = rng.standard_normal((2, 4, 2, 2)).astype(dtype)
    b2 = rng.standard_normal(2).astype(dtype)
    limit = conv_ops.get_workspace_limit()
    with engine.using_backend(backend):
        kept = _two_conv_grads(x, w1, w2, b2, order)
        try:
            conv_ops.set_workspace_limit(1)        # one image per chunk: nothing kept
            recomputed = _two_conv_grads(x, w1, w2, b2, order)
        finally:
            conv_ops.set_workspace_limit(limit)
    # one chunk against one image per chunk: the weight gradient's sums run in another order,
    # so the tolerance scales with the gradient's size (entries cancel down to ~1e-4 of it)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    for a, b in zip(kept, recomputed):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(b).max()))


@pytest.mark.parametrize("backend", BACKENDS)
def test_backward_right_after_forward_skips_im2col(backend, monkeypatch):
    monkeypatch.setattr(conv_ops, "_WITHOUT_COLUMNS_MAX_WEIGHTS", 0)   # the im2col path
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((4, 2, 6, 6)))
    w = Tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    calls = []
    with engine.using_backend(backend):
        kernels = engine.backend.active()
        original = kernels.im2col
        monkeypatch.setattr(kernels, "im2col", lambda *a, **k: calls.append(1) or original(*a, **k))
        F.conv2d(x, w).sum().backward()
        assert len(calls) == 1                      # the backward reused the columns
        y = F.conv2d(x, w)
        F.conv2d(x, w)                              # another forward takes the workspace
        y.sum().backward()
        assert len(calls) == 4                      # so this backward recomputed them


@pytest.mark.skipif("native" not in BACKENDS, reason="the direct weight gradient is native")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dims, kernel, stride, padding", [(2, 5, 1, 2), (2, 3, 2, 1), (1, 3, 1, 1),
                                                           (3, 3, 1, 1), (2, (3, 2), 1, (1, 0))])
def test_weight_gradient_without_columns_equals_the_im2col_one(dtype, dims, kernel, stride,
                                                                padding, monkeypatch):
    """A convolution with few weights runs its forward and (its columns not kept: the first of
    two convolutions) its weight gradient from x in place, without im2col (a unit width stride
    only): the same output and gradients as the im2col path."""
    rng = np.random.default_rng(dims)
    x = rng.standard_normal((3, 2) + (7,) * dims).astype(dtype)
    w1 = rng.standard_normal((4, 2) + ((kernel,) * dims if isinstance(kernel, int)
                                         else kernel)).astype(dtype)
    conv = getattr(F, f"conv{dims}d")

    def grads():
        xt, wt = Tensor(x, requires_grad=True), Tensor(w1, requires_grad=True)
        h = conv(xt, wt, stride=stride, padding=padding)
        conv(h, Tensor(np.ones((1, 4) + (2,) * dims, dtype))).sum().backward()  # another conv
        return h.numpy(), xt.grad.numpy(), wt.grad.numpy()

    with engine.using_backend("native"):
        kernels = engine.backend.active()
        calls = []
        original = kernels.conv_weight_grad
        monkeypatch.setattr(kernels, "conv_weight_grad",
                            lambda *a, **k: calls.append(1) or original(*a, **k))
        direct = grads()
        assert bool(calls) == (stride == 1)            # a width stride of 2: im2col
        monkeypatch.setattr(conv_ops, "_WITHOUT_COLUMNS_MAX_WEIGHTS", 0)
        via_columns = grads()
    tol = 1e-4 if dtype == np.float32 else 1e-12
    for a, b in zip(direct, via_columns):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
