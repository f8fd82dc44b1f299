"""Native im2col / col2im and pooling: the C kernels in csrc/im2col.c and csrc/pool.c.

Imported into ``engine.backend.native``; same names and results as ``reference_conv.py``
(read that one for the equations). Each function checks its inputs, then hands flat
C-contiguous buffers to ``engine._C``.
"""
import numpy as np

from .. import _C
from ._checks import float_input
from ._conv_checks import checked_shape, conv_geometry, pool_geometry, pool_output_shape


def _buffer(out, shape, dtype, name="out"):
    """``out`` checked (writeable, C-contiguous, shape, dtype) or a new array."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{name} must be a {dtype} array of shape {tuple(shape)}, "
                         f"got {out.dtype} {out.shape}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{name} must be a writeable C-contiguous array")
    return out


def im2col(x, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Unfold x (n, C, *spatial) into cols (C·K, n·L) (layout: reference_conv / im2col.h)."""
    x = float_input(x)
    geo = conv_geometry(x.shape, kernel_size, stride, padding, dilation)
    n = x.shape[0]
    cols = _buffer(out, (geo.channels * geo.K, n * geo.L), x.dtype)
    _C.im2col(x.reshape(-1), cols.reshape(-1), n, *geo.c_args())
    return cols


def col2im(cols, x_shape, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Fold cols (C·K, n·L) back to x_shape, summing overlaps (overwrites ``out``)."""
    cols = float_input(cols, "cols")
    x_shape = checked_shape(x_shape, "x_shape")
    geo = conv_geometry(x_shape, kernel_size, stride, padding, dilation, "col2im")
    n = x_shape[0]
    if cols.shape != (geo.channels * geo.K, n * geo.L):
        raise ValueError(f"col2im: cols must have shape {(geo.channels * geo.K, n * geo.L)} "
                         f"for x_shape {x_shape}, got {cols.shape}")
    x = _buffer(out, x_shape, cols.dtype)
    _C.col2im(cols.reshape(-1), x.reshape(-1), n, *geo.c_args())
    return x


# ------------------------------------------------------------------ pooling

def _max_pool(x, kernel_size, stride, padding, dims, name):
    x = float_input(x)
    geo = pool_geometry(x.shape, kernel_size, stride, padding, dims, name)
    y_shape = pool_output_shape(x.shape, geo, dims)
    y = np.empty(y_shape, dtype=x.dtype)
    argmax = np.empty(y_shape, dtype=np.int32)
    _C.max_pool2d_forward(x.reshape(-1), y.reshape(-1), argmax.reshape(-1), *geo.c_args())
    return y, argmax


def _max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, dims, name, out):
    gy = float_input(gy, "gy")
    x_shape = checked_shape(x_shape, "x_shape")
    geo = pool_geometry(x_shape, kernel_size, stride, padding, dims, name)
    y_shape = pool_output_shape(x_shape, geo, dims)
    if not isinstance(argmax, np.ndarray) or argmax.dtype != np.int32:
        raise TypeError(f"{name}: argmax must be the int32 array the forward returned")
    if gy.shape != y_shape or argmax.shape != y_shape:
        raise ValueError(f"{name}: gy and argmax must have shape {y_shape}, got {gy.shape} "
                         f"and {argmax.shape}")
    gx = _buffer(out, x_shape, gy.dtype)
    _C.max_pool2d_backward(gy.reshape(-1), np.ascontiguousarray(argmax).reshape(-1),
                           gx.reshape(-1), *geo.c_args())
    return gx


def _avg_pool(x, kernel_size, stride, padding, dims, name):
    x = float_input(x)
    geo = pool_geometry(x.shape, kernel_size, stride, padding, dims, name)
    y = np.empty(pool_output_shape(x.shape, geo, dims), dtype=x.dtype)
    _C.avg_pool2d_forward(x.reshape(-1), y.reshape(-1), *geo.c_args())
    return y


def _avg_pool_backward(gy, x_shape, kernel_size, stride, padding, dims, name, out):
    gy = float_input(gy, "gy")
    x_shape = checked_shape(x_shape, "x_shape")
    geo = pool_geometry(x_shape, kernel_size, stride, padding, dims, name)
    y_shape = pool_output_shape(x_shape, geo, dims)
    if gy.shape != y_shape:
        raise ValueError(f"{name}: gy must have shape {y_shape}, got {gy.shape}")
    gx = _buffer(out, x_shape, gy.dtype)
    _C.avg_pool2d_backward(gy.reshape(-1), gx.reshape(-1), *geo.c_args())
    return gx


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
