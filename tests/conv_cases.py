"""Hypothesis draws of convolution windows, shared by the kernel and the op tests."""
from hypothesis import assume, strategies as st


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
