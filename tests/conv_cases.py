"""Hypothesis draws of convolution and pooling windows, shared by the kernel, backend and op
tests."""
import numpy as np
import pytest
from hypothesis import assume, strategies as st

import engine
from engine import Tensor, backend
from engine.nn import functional as F


def draw_window(draw, dims, side, max_kernel, max_dilation):
    """(size, kernel, stride, padding, dilation), ``dims`` of each, for which a window fits."""
    size = tuple(draw(st.integers(1, side)) for _ in range(dims))
    kernel = tuple(draw(st.integers(1, max_kernel)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, max_dilation)) for _ in range(dims))
    assume(all(i + 2 * p - d * (k - 1) - 1 >= 0
               for i, k, p, d in zip(size, kernel, padding, dilation)))
    return size, kernel, stride, padding, dilation


@st.composite
def conv_case(draw, sides, max_dims=3):
    """(shape (n, c, *size), kernel, stride, padding, dilation) of a convolution that fits;
    ``sides``: the largest input size for each number of spatial axes."""
    dims = draw(st.integers(1, max_dims))
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    size, kernel, stride, padding, dilation = draw_window(draw, dims, sides[dims], 4, 3)
    return (n, c) + size, kernel, stride, padding, dilation


@st.composite
def pool_case(draw, max_size):
    """(dims, shape, kernel, stride, padding) of a 1-D or 2-D pooling, with or without a batch
    axis; stride None (the kernel's) or drawn, padding at most half the kernel."""
    dims = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    stride = draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * dims)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    size = tuple(draw(st.integers(max(1, k - 2 * p), max_size)) for k, p in zip(kernel, padding))
    lead = (draw(st.integers(1, 3)),) if draw(st.booleans()) else ()
    return dims, lead + (draw(st.integers(1, 3)),) + size, kernel, stride, padding


def conv2d_results(x, w, b, padding=0):
    """y and the gradients of x, w and b of ``F.conv2d`` for a fixed random ∂L/∂y."""
    xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.conv2d(xt, wt, bt, padding=padding)
    y.backward(Tensor(np.random.default_rng(3).standard_normal(y.shape).astype(x.dtype)))
    return y.numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def assert_paths_agree(impl, shape, kernel, dtype, tol, fast_path, slow_path, padding=0):
    """A conv2d of an input ``shape`` with six ``kernel`` × ``kernel`` filters gives the same
    output and gradients (within ``tol``) on backend ``impl`` after ``fast_path()`` and after
    ``slow_path()`` (each sets the thresholds that choose the path)."""
    if impl == "native" and not backend.native_available():
        pytest.skip("no compiled extension")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((6, shape[1], kernel, kernel)).astype(dtype)
    b = rng.standard_normal(6).astype(dtype)
    with engine.using_backend(impl):
        fast_path()
        fast = conv2d_results(x, w, b, padding)
        slow_path()
        slow = conv2d_results(x, w, b, padding)
    for got, want in zip(fast, slow):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
