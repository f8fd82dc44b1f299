"""im2col / col2im by the C kernels of csrc/conv/im2col.c.

The same names and results as ``reference/conv.py`` (read that one for the layout of the
columns). Each function checks its inputs, then hands flat C-contiguous buffers to ``engine._C``.
"""
from ... import _C
from .._checks import (col2im_input, conv_geometry, direct_input, float_input, output,
                       weight_grad_input)

__all__ = ["im2col", "col2im", "conv_weight_grad", "conv_direct"]


def im2col(x, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Unfold x (n, C, *spatial) into cols (C·K, n·L): one column per output position."""
    x = float_input(x)
    geo = conv_geometry(x.shape, kernel_size, stride, padding, dilation)
    n = x.shape[0]
    cols = output(out, (geo.channels * geo.K, n * geo.L), x.dtype)
    _C.im2col(x.reshape(-1), cols.reshape(-1), n, *geo.c_args())
    return cols


def col2im(cols, x_shape, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Fold cols (C·K, n·L) back to x_shape, summing overlaps (overwrites ``out``)."""
    cols, x_shape, geo = col2im_input(cols, x_shape, kernel_size, stride, padding, dilation)
    x = output(out, x_shape, cols.dtype)
    _C.col2im(cols.reshape(-1), x.reshape(-1), x_shape[0], *geo.c_args())
    return x


def conv_weight_grad(x, gy, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """dW = dY·im2col(x)ᵀ (O, C·K) from x (n, C, *spatial) and gy (n, O, *out), without
    the columns: csrc/conv/direct_body.h reads x's rows in place."""
    x, gy, geo = weight_grad_input(x, gy, kernel_size, stride, padding, dilation)
    n, o = gy.shape[:2]
    gw = output(out, (o, geo.channels * geo.K), x.dtype)
    _C.conv_weight_grad(x.reshape(-1), gy.reshape(-1), gw.reshape(-1), n, o, *geo.c_args())
    return gw


def conv_direct(x, weight, bias, stride=1, padding=0, dilation=1, out=None):
    """y = conv(x, weight) + bias (n, O, *out), one group, without the columns
    (csrc/conv/direct_body.h), or None when this CPU has no such loop for the geometry (a
    width stride other than 1, output rows over 4 vectors, no vector instruction set): the
    caller then takes the im2col path, whose column buffers it keeps between calls."""
    x, weight, geo = direct_input(x, weight, bias, stride, padding, dilation)
    n, o = x.shape[0], weight.shape[0]
    y = output(out, (n, o) + geo.out_size, x.dtype)
    b = None if bias is None else float_input(bias, "bias").reshape(-1)
    if _C.conv_direct(x.reshape(-1), weight.reshape(-1), b, y.reshape(-1), n, o,
                      *geo.c_args()):
        return y
    return None
