"""Reference (pure NumPy) im2col / col2im and pooling: the slides' view, written plainly.

Imported into ``engine.backend.reference``; ``native_conv.py`` has the same names in C.

im2col lays the patches of a chunk of n images out as the columns of one matrix:

    cols[(c, k), (i, l)] = x_pad[i, c, l·s + k·d]     shape (C·K, n·L)

(per spatial axis: output position l, kernel offset k, stride s, dilation d; ``x_pad`` is x
with p zeros on each side). K = number of kernel elements, L = number of output positions.
A convolution is then one matrix product, Y = W·cols (+ b); col2im is im2col's adjoint
(transpose): it adds every column entry back onto the input element it came from.
"""
import numpy as np

from ._checks import float_input
from ._conv_checks import checked_shape, conv_geometry, pool_geometry, pool_output_shape


def _result(value, dtype, out, name="out"):
    if out is None:
        return np.ascontiguousarray(value, dtype=dtype)
    if not isinstance(out, np.ndarray) or out.shape != value.shape or out.dtype != dtype:
        raise ValueError(f"{name} must be a {dtype} array of shape {value.shape}")
    out[...] = value
    return out


def _window(offset, geo):
    """Per spatial axis, the slice of the padded input that kernel offset ``offset`` sees:
    positions offset·d, offset·d + s, ..., one per output position."""
    return tuple(slice(k * d, k * d + s * (o - 1) + 1, s)
                 for k, d, s, o in zip(offset, geo.dilation, geo.stride, geo.out_size))


def im2col(x, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Unfold x (n, C, *spatial) into cols (C·K, n·L): one column per output position."""
    x = float_input(x)
    geo = conv_geometry(x.shape, kernel_size, stride, padding, dilation)
    n, c = x.shape[:2]
    x_pad = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in geo.padding])
    cols = np.empty((c,) + geo.kernel + (n,) + geo.out_size, dtype=x.dtype)
    for offset in np.ndindex(*geo.kernel):
        patch = x_pad[(slice(None), slice(None)) + _window(offset, geo)]   # (n, C, *out)
        cols[(slice(None),) + offset] = patch.swapaxes(0, 1)               # (C, n, *out)
    return _result(cols.reshape(c * geo.K, n * geo.L), x.dtype, out)


def col2im(cols, x_shape, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Fold cols (C·K, n·L) back to x_shape (n, C, *spatial), summing overlapping entries."""
    cols = float_input(cols, "cols")
    x_shape = checked_shape(x_shape, "x_shape")
    geo = conv_geometry(x_shape, kernel_size, stride, padding, dilation, "col2im")
    n, c = x_shape[:2]
    if cols.shape != (c * geo.K, n * geo.L):
        raise ValueError(f"col2im: cols must have shape {(c * geo.K, n * geo.L)} for x_shape "
                         f"{x_shape}, got {cols.shape}")
    blocks = cols.reshape((c,) + geo.kernel + (n,) + geo.out_size)
    x_pad = np.zeros((n, c) + tuple(i + 2 * p for i, p in zip(geo.in_size, geo.padding)),
                     dtype=cols.dtype)
    for offset in np.ndindex(*geo.kernel):
        # within one kernel offset the windows' positions are distinct: += is safe
        x_pad[(slice(None), slice(None)) + _window(offset, geo)] += \
            blocks[(slice(None),) + offset].swapaxes(0, 1)
    inside = tuple(slice(p, p + i) for p, i in zip(geo.padding, geo.in_size))
    return _result(x_pad[(slice(None), slice(None)) + inside], cols.dtype, out)


# ------------------------------------------------------------------ pooling

def _pool_windows(x, geo, fill):
    """All windows as one array (kh·kw, planes, oh, ow), padding filled with ``fill``."""
    (h, w), (oh, ow) = geo.in_size, geo.out_size
    (kh, kw), (sh, sw), (ph, pw) = geo.kernel, geo.stride, geo.padding
    planes = x.reshape(geo.planes, h, w)
    padded = np.pad(planes, [(0, 0), (ph, ph), (pw, pw)], constant_values=fill)
    return np.stack([padded[:, r:r + sh * (oh - 1) + 1:sh, c:c + sw * (ow - 1) + 1:sw]
                     for r in range(kh) for c in range(kw)])


def _pool(x, kernel_size, stride, padding, dims, name):
    x = float_input(x)
    geo = pool_geometry(x.shape, kernel_size, stride, padding, dims, name)
    return x, geo, pool_output_shape(x.shape, geo, dims)


def _max_pool(x, kernel_size, stride, padding, dims, name):
    """y = max over each window; argmax = flat index (row·w + col) of that maximum in its plane."""
    x, geo, y_shape = _pool(x, kernel_size, stride, padding, dims, name)
    windows = _pool_windows(x, geo, -np.inf)
    which = windows.argmax(axis=0)                    # first maximum, row-major in the window
    y = np.take_along_axis(windows, which[None], axis=0)[0]
    (oh, ow), (_, kw) = geo.out_size, geo.kernel
    rows = np.arange(oh)[:, None] * geo.stride[0] - geo.padding[0] + which // kw
    cols = np.arange(ow)[None, :] * geo.stride[1] - geo.padding[1] + which % kw
    argmax = (rows * geo.in_size[1] + cols).astype(np.int32)
    return y.reshape(y_shape).astype(x.dtype), argmax.reshape(y_shape)


def _max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, dims, name, out):
    """∂L/∂x: each window's gradient goes to its maximum: gx[argmax] += gy."""
    gy = float_input(gy, "gy")
    x_shape = checked_shape(x_shape, "x_shape")
    geo = pool_geometry(x_shape, kernel_size, stride, padding, dims, name)
    y_shape = pool_output_shape(x_shape, geo, dims)
    if gy.shape != y_shape or np.shape(argmax) != y_shape:
        raise ValueError(f"{name}: gy and argmax must have shape {y_shape}, got {gy.shape} "
                         f"and {np.shape(argmax)}")
    plane = geo.in_size[0] * geo.in_size[1]
    argmax = np.asarray(argmax).reshape(geo.planes, -1)
    if argmax.size and (argmax.min() < 0 or argmax.max() >= plane):
        raise ValueError(f"{name}: argmax holds an index outside [0, {plane})")
    gx = np.zeros((geo.planes, plane), dtype=gy.dtype)
    np.add.at(gx, (np.arange(geo.planes)[:, None], argmax), gy.reshape(geo.planes, -1))
    return _result(gx.reshape(x_shape), gy.dtype, out)


def _avg_pool(x, kernel_size, stride, padding, dims, name):
    """y = (1 / (kh·kw)) Σ over each window (padding counted as zeros)."""
    x, geo, y_shape = _pool(x, kernel_size, stride, padding, dims, name)
    y = _pool_windows(x, geo, 0).mean(axis=0)
    return y.reshape(y_shape).astype(x.dtype)


def _avg_pool_backward(gy, x_shape, kernel_size, stride, padding, dims, name, out):
    """∂L/∂x: every element of a window gets gy / (kh·kw); overlaps add up."""
    gy = float_input(gy, "gy")
    x_shape = checked_shape(x_shape, "x_shape")
    geo = pool_geometry(x_shape, kernel_size, stride, padding, dims, name)
    y_shape = pool_output_shape(x_shape, geo, dims)
    if gy.shape != y_shape:
        raise ValueError(f"{name}: gy must have shape {y_shape}, got {gy.shape}")
    (h, w), (oh, ow) = geo.in_size, geo.out_size
    (kh, kw), (sh, sw), (ph, pw) = geo.kernel, geo.stride, geo.padding
    share = gy.reshape(geo.planes, oh, ow) / (kh * kw)
    padded = np.zeros((geo.planes, h + 2 * ph, w + 2 * pw), dtype=gy.dtype)
    for r in range(kh):
        for c in range(kw):
            padded[:, r:r + sh * (oh - 1) + 1:sh, c:c + sw * (ow - 1) + 1:sw] += share
    return _result(padded[:, ph:ph + h, pw:pw + w].reshape(x_shape), gy.dtype, out)


def max_pool1d(x, kernel_size, stride=None, padding=0):
    """Max pooling over the last axis of x (N, C, L) or (C, L): returns (y, argmax)."""
    return _max_pool(x, kernel_size, stride, padding, 1, "max_pool1d")


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling over the last two axes of x (N, C, H, W) or (C, H, W): returns (y, argmax)."""
    return _max_pool(x, kernel_size, stride, padding, 2, "max_pool2d")


def max_pool1d_backward(gy, argmax, x_shape, kernel_size, stride=None, padding=0, out=None):
    return _max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, 1,
                              "max_pool1d_backward", out)


def max_pool2d_backward(gy, argmax, x_shape, kernel_size, stride=None, padding=0, out=None):
    return _max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, 2,
                              "max_pool2d_backward", out)


def avg_pool1d(x, kernel_size, stride=None, padding=0):
    """Average pooling over the last axis (padding counts as zeros)."""
    return _avg_pool(x, kernel_size, stride, padding, 1, "avg_pool1d")


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Average pooling over the last two axes (padding counts as zeros)."""
    return _avg_pool(x, kernel_size, stride, padding, 2, "avg_pool2d")


def avg_pool1d_backward(gy, x_shape, kernel_size, stride=None, padding=0, out=None):
    return _avg_pool_backward(gy, x_shape, kernel_size, stride, padding, 1,
                              "avg_pool1d_backward", out)


def avg_pool2d_backward(gy, x_shape, kernel_size, stride=None, padding=0, out=None):
    return _avg_pool_backward(gy, x_shape, kernel_size, stride, padding, 2,
                              "avg_pool2d_backward", out)


__all__ = ["im2col", "col2im", "max_pool1d", "max_pool2d", "max_pool1d_backward",
           "max_pool2d_backward", "avg_pool1d", "avg_pool2d", "avg_pool1d_backward",
           "avg_pool2d_backward"]
