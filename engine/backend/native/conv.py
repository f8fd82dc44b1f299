"""im2col / col2im by the C kernels of csrc/conv/im2col.c.

The same names and results as ``reference/conv.py`` (read that one for the layout of the
columns). Each function checks its inputs, then hands flat C-contiguous buffers to ``engine._C``.
"""
import numpy as np

from ... import _C
from .._checks import (by_chunk_grads_input, col2im_input, conv_geometry, direct_input,
                       float_input, output, weight_grad_input)

__all__ = ["im2col", "col2im", "conv_weight_grad", "conv_direct", "conv_by_chunk_work",
           "conv_by_chunk", "conv_by_chunk_grads"]


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


def conv_by_chunk_work(x_shape, weight_shape, dtype, stride=1, padding=0, dilation=1,
                       backward=False):
    """How many values of ``dtype`` the ``work`` of conv_by_chunk (``backward``: of
    conv_by_chunk_grads) must hold at the engine's current thread count: each thread's
    columns and output block for one chunk of images, and the backward's partial weight
    gradients (csrc/conv/conv.h)."""
    geo = conv_geometry(tuple(x_shape), tuple(weight_shape[2:]), stride, padding, dilation,
                        "conv_by_chunk")
    return _C.conv_by_chunk_work(x_shape[0], weight_shape[0], np.dtype(dtype).itemsize,
                                 bool(backward), *geo.c_args())


def _work(work, x, weight, geo, backward):
    """``work`` flat (engine._C checks that it is large enough), or a new one."""
    if work is None:
        return np.empty(conv_by_chunk_work(x.shape, weight.shape, x.dtype, geo.stride,
                                           geo.padding, geo.dilation, backward), x.dtype)
    return output(work, work.shape, x.dtype, "work").reshape(-1)


def conv_by_chunk(x, weight, bias, stride=1, padding=0, dilation=1, out=None, work=None):
    """y = conv(x, weight) + bias (n, O, *out), one group, by the im2col path in chunks of
    images whose columns stay in the cache (csrc/conv/conv.h).  ``work``:
    conv_by_chunk_work(...) values (else allocated here)."""
    x, weight, geo = direct_input(x, weight, bias, stride, padding, dilation,
                                  func="conv_by_chunk")
    n, o = x.shape[0], weight.shape[0]
    y = output(out, (n, o) + geo.out_size, x.dtype)
    b = None if bias is None else float_input(bias, "bias").reshape(-1)
    work = _work(work, x, weight, geo, False)
    _C.conv_by_chunk(x.reshape(-1), weight.reshape(-1), b, y.reshape(-1), work, n, o,
                     *geo.c_args())
    return y


def conv_by_chunk_grads(x, weight, gy, stride=1, padding=0, dilation=1, needs=(True, True),
                        gx=None, gw=None, work=None):
    """The input and weight gradients of conv_by_chunk, in the same chunks:
    dX = col2im(Wᵀ·dY), dW = dY·im2col(x)ᵀ.  ``needs`` (input, weight) says which to compute;
    returns (gx, gw) with None for one not needed.  ``gx``, ``gw``: buffers for them;
    ``work``: conv_by_chunk_work(..., backward=True) values."""
    x, weight, gy, geo = by_chunk_grads_input(x, weight, gy, stride, padding, dilation, needs)
    n, o = x.shape[0], weight.shape[0]
    gx = output(gx, x.shape, x.dtype, "gx") if needs[0] else None
    gw = output(gw, weight.shape, x.dtype, "gw") if needs[1] else None
    work = _work(work, x, weight, geo, True)
    _C.conv_by_chunk_grads(x.reshape(-1), weight.reshape(-1), gy.reshape(-1),
                           None if gx is None else gx.reshape(-1),
                           None if gw is None else gw.reshape(-1), work, n, o, *geo.c_args())
    return gx, gw
