"""3×3 stride-1 convolutions through Winograd F(2×2, 3×3) (ops/conv.py, _winograd): the same
output and gradients as the im2col path (which is gradchecked), both CPU backends."""
import numpy as np
import pytest

import engine
from engine import Tensor, backend
from engine.backend._checks import conv_geometry
from engine.nn import functional as F
from engine.ops import conv as conv_ops


def _run(x, w, b, padding):
    xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv2d(xt, wt, bt, padding=padding)
    y.backward(Tensor(np.random.default_rng(3).standard_normal(y.shape).astype(x.dtype)))
    return y.numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


@pytest.mark.parametrize("impl", ["native", "reference"])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape, padding", [((2, 4, 9, 8), 1), ((3, 5, 6, 7), 0),
                                            ((1, 3, 5, 5), 2), ((2, 2, 3, 4), (1, 0))])
def test_winograd_matches_the_im2col_path(monkeypatch, impl, dtype, tol, shape, padding):
    if impl == "native" and not backend.native_available():
        pytest.skip("no compiled extension")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((6, shape[1], 3, 3)).astype(dtype)
    b = rng.standard_normal(6).astype(dtype)
    with engine.using_backend(impl):
        monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_CHANNELS", 1)
        monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_OUTPUT", 1)
        fast = _run(x, w, b, padding)
        monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_CHANNELS", 10**9)
        slow = _run(x, w, b, padding)
    for got, want in zip(fast, slow):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_winograd_is_chosen_only_where_it_applies():
    def chosen(shape, kernel=(3, 3), stride=1, padding=1, dilation=1, groups=1, out=64):
        return conv_ops._winograd(conv_geometry(shape, kernel, stride, padding, dilation),
                                  groups, out)
    assert chosen((2, 64, 32, 32))
    assert not chosen((2, 64, 32, 32), stride=2)
    assert not chosen((2, 64, 32, 32), dilation=2, padding=2)
    assert not chosen((2, 64, 32, 32), kernel=(5, 5))
    assert not chosen((2, 64, 32, 32), groups=2)
    assert not chosen((2, 64, 32, 32), padding=3)
    assert not chosen((2, 8, 32, 32))                 # few channels: does not pay
    assert not chosen((2, 64, 6, 6))                  # few tiles: does not pay
    assert not chosen((2, 64, 32), kernel=(3,))       # 1-D
