"""Max and average pooling in NumPy, written plainly (the oracle of native/pool.py).

    max pooling      y = max over each window;  argmax = the flat index (row·w + col) of that
                     maximum in its plane;  ∂L/∂x: each window's ∂L/∂y goes to its maximum
    average pooling  y = (1/(kh·kw)) Σ over each window (padding counted as zeros);
                     ∂L/∂x: every element of a window gets ∂L/∂y / (kh·kw); overlaps add up

A 1-D pooling is a 2-D one of height 1 (see ``_checks.pool_geometry``).
"""
import numpy as np

from .._checks import float_input, output, pool_gradient, pool_input
from .._pool_names import __all__, pooling_kernels  # noqa: F401  (the names this module exports)


def _pool_windows(x, geo, fill):
    """All windows as one array (kh·kw, planes, oh, ow), padding filled with ``fill``."""
    (h, w), (oh, ow) = geo.in_size, geo.out_size
    (kh, kw), (sh, sw), (ph, pw) = geo.kernel, geo.stride, geo.padding
    planes = x.reshape(geo.planes, h, w)
    padded = np.pad(planes, [(0, 0), (ph, ph), (pw, pw)], constant_values=fill)
    return np.stack([padded[:, r:r + sh * (oh - 1) + 1:sh, c:c + sw * (ow - 1) + 1:sw]
                     for r in range(kh) for c in range(kw)])


def _store(value, shape, dtype, out):
    result = output(out, shape, dtype)
    result[...] = value.reshape(shape)
    return result


def max_pool(x, kernel_size, stride, padding, dims, name):
    """y = max over each window; argmax = flat index (row·w + col) of that maximum in its plane."""
    x, geo, y_shape = pool_input(x, kernel_size, stride, padding, dims, name)
    windows = _pool_windows(x, geo, -np.inf)
    which = windows.argmax(axis=0)                    # first maximum, row-major in the window
    y = np.take_along_axis(windows, which[None], axis=0)[0]
    (oh, ow), (_, kw) = geo.out_size, geo.kernel
    rows = np.arange(oh)[:, None] * geo.stride[0] - geo.padding[0] + which // kw
    cols = np.arange(ow)[None, :] * geo.stride[1] - geo.padding[1] + which % kw
    argmax = (rows * geo.in_size[1] + cols).astype(np.int32)
    return y.reshape(y_shape).astype(x.dtype), argmax.reshape(y_shape)


def max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, dims, name, out):
    """∂L/∂x: each window's gradient goes to its maximum: gx[argmax] += gy."""
    gy, x_shape, geo = pool_gradient(gy, x_shape, kernel_size, stride, padding, dims, name)
    if np.shape(argmax) != gy.shape:
        raise ValueError(f"{name}: argmax must have gy's shape {gy.shape}, "
                         f"got {np.shape(argmax)}")
    plane = geo.in_size[0] * geo.in_size[1]
    windows = geo.out_size[0] * geo.out_size[1]     # not -1: there may be no planes at all
    argmax = np.asarray(argmax).reshape(geo.planes, windows)
    if argmax.size and (argmax.min() < 0 or argmax.max() >= plane):
        raise ValueError(f"{name}: argmax holds an index outside [0, {plane})")
    gx = np.zeros((geo.planes, plane), dtype=gy.dtype)
    np.add.at(gx, (np.arange(geo.planes)[:, None], argmax), gy.reshape(geo.planes, windows))
    return _store(gx, x_shape, gy.dtype, out)


def avg_pool(x, kernel_size, stride, padding, dims, name):
    """y = (1 / (kh·kw)) Σ over each window (padding counted as zeros)."""
    x, geo, y_shape = pool_input(x, kernel_size, stride, padding, dims, name)
    y = _pool_windows(x, geo, 0).mean(axis=0)
    return y.reshape(y_shape).astype(x.dtype)


def avg_pool_backward(gy, x_shape, kernel_size, stride, padding, dims, name, out):
    """∂L/∂x: every element of a window gets gy / (kh·kw); overlaps add up."""
    gy, x_shape, geo = pool_gradient(gy, x_shape, kernel_size, stride, padding, dims, name)
    (h, w), (oh, ow) = geo.in_size, geo.out_size
    (kh, kw), (sh, sw), (ph, pw) = geo.kernel, geo.stride, geo.padding
    share = gy.reshape(geo.planes, oh, ow) / (kh * kw)
    padded = np.zeros((geo.planes, h + 2 * ph, w + 2 * pw), dtype=gy.dtype)
    for r in range(kh):
        for c in range(kw):
            padded[:, r:r + sh * (oh - 1) + 1:sh, c:c + sw * (ow - 1) + 1:sw] += share
    return _store(padded[:, ph:ph + h, pw:pw + w], x_shape, gy.dtype, out)


(max_pool1d, max_pool2d, max_pool1d_backward, max_pool2d_backward,
 avg_pool1d, avg_pool2d, avg_pool1d_backward, avg_pool2d_backward) = pooling_kernels(
    __name__, max_pool, max_pool_backward, avg_pool, avg_pool_backward)
