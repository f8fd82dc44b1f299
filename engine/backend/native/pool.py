"""Max and average pooling by the C kernels of csrc/conv/pool.c.

The same names and results as ``reference/pool.py`` (read that one for the equations); a 1-D
pooling runs as a 2-D one of height 1.
"""
import numpy as np

from ... import _C
from .._checks import output, pool_gradient, pool_input
from .._pool_names import __all__, pooling_kernels  # noqa: F401  (the names this module exports)


def max_pool(x, kernel_size, stride, padding, dims, name):
    """y = max over each window, and the flat index of that maximum in its plane (int32)."""
    x, geo, y_shape = pool_input(x, kernel_size, stride, padding, dims, name)
    y = np.empty(y_shape, dtype=x.dtype)
    argmax = np.empty(y_shape, dtype=np.int32)
    _C.max_pool2d_forward(x.reshape(-1), y.reshape(-1), argmax.reshape(-1), *geo.c_args())
    return y, argmax


def max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, dims, name, out):
    """∂L/∂x: each window's gradient goes to its maximum."""
    gy, x_shape, geo = pool_gradient(gy, x_shape, kernel_size, stride, padding, dims, name)
    if not isinstance(argmax, np.ndarray) or argmax.dtype != np.int32:
        raise TypeError(f"{name}: argmax must be the int32 array the forward returned")
    if argmax.shape != gy.shape:
        raise ValueError(f"{name}: argmax must have gy's shape {gy.shape}, got {argmax.shape}")
    gx = output(out, x_shape, gy.dtype)
    _C.max_pool2d_backward(gy.reshape(-1), np.ascontiguousarray(argmax).reshape(-1),
                           gx.reshape(-1), *geo.c_args())
    return gx


def avg_pool(x, kernel_size, stride, padding, dims, name):
    """y = (1 / (kh·kw)) Σ over each window (padding counted as zeros)."""
    x, geo, y_shape = pool_input(x, kernel_size, stride, padding, dims, name)
    y = np.empty(y_shape, dtype=x.dtype)
    _C.avg_pool2d_forward(x.reshape(-1), y.reshape(-1), *geo.c_args())
    return y


def avg_pool_backward(gy, x_shape, kernel_size, stride, padding, dims, name, out):
    """∂L/∂x: every element of a window gets gy / (kh·kw); overlaps add up."""
    gy, x_shape, geo = pool_gradient(gy, x_shape, kernel_size, stride, padding, dims, name)
    gx = output(out, x_shape, gy.dtype)
    _C.avg_pool2d_backward(gy.reshape(-1), gx.reshape(-1), *geo.c_args())
    return gx


(max_pool1d, max_pool2d, max_pool1d_backward, max_pool2d_backward,
 avg_pool1d, avg_pool2d, avg_pool1d_backward, avg_pool2d_backward) = pooling_kernels(
    __name__, max_pool, max_pool_backward, avg_pool, avg_pool_backward)
