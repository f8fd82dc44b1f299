"""Hypothesis draws of convolution and pooling windows, shared by the kernel, backend and op
tests."""
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
