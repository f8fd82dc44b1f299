"""1×1 convolutions go straight to the GEMM (ops/conv.py, _pointwise): the same forward and
gradients as the im2col path, on both CPU backends, float32 and float64."""
import numpy as np
import pytest

import engine
from engine import Tensor, backend
from engine.nn import functional as F
from engine.ops import conv as conv_ops


def _run(x, w, b):
    xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv2d(xt, wt, bt)
    gy = np.random.default_rng(3).standard_normal(y.shape).astype(x.dtype)
    y.backward(Tensor(gy))
    return y.numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


@pytest.mark.parametrize("impl", ["native", "reference"])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape", [(3, 5, 8, 8), (1, 4, 9, 11), (2, 3, 2, 2)])
def test_pointwise_matches_the_im2col_path(monkeypatch, impl, dtype, tol, shape):
    if impl == "native" and not backend.native_available():
        pytest.skip("no compiled extension")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((6, shape[1], 1, 1)).astype(dtype)
    b = rng.standard_normal(6).astype(dtype)
    with engine.using_backend(impl):
        monkeypatch.setattr(conv_ops, "_POINTWISE_MIN_L", 1)       # straight to the GEMM
        fast = _run(x, w, b)
        monkeypatch.setattr(conv_ops, "_POINTWISE_MIN_L", 10**9)   # the im2col path
        slow = _run(x, w, b)
    for got, want in zip(fast, slow):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_pointwise_is_chosen_only_where_it_applies():
    from engine.backend._checks import conv_geometry
    geo = conv_geometry((2, 3, 16, 16), (1, 1), 1, 0, 1)
    assert conv_ops._pointwise(geo, 1)
    assert not conv_ops._pointwise(geo, 3)                                    # groups
    assert not conv_ops._pointwise(conv_geometry((2, 3, 16, 16), (1, 1), 2, 0, 1), 1)
    assert not conv_ops._pointwise(conv_geometry((2, 3, 16, 16), (1, 1), 1, 1, 1), 1)
    assert not conv_ops._pointwise(conv_geometry((2, 3, 16, 16), (3, 3), 1, 1, 1), 1)
    assert not conv_ops._pointwise(conv_geometry((2, 3, 4, 4), (1, 1), 1, 0, 1), 1)  # L < 64
