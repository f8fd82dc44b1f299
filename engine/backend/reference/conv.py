"""im2col / col2im in NumPy: the slides' view of a convolution, written plainly.

im2col lays the patches of a chunk of n images out as the columns of one matrix:

    cols[(c, k), (i, l)] = x_pad[i, c, l·s + k·d]     shape (C·K, n·L)

(per spatial axis: output position l, kernel offset k, stride s, dilation d; ``x_pad`` is x
with p zeros on each side). K = number of kernel elements, L = number of output positions.
A convolution is then one matrix product, Y = W·cols (+ b); col2im is im2col's adjoint
(transpose): it adds every column entry back onto the input element it came from.
The compiled twin is ``engine/backend/native/conv.py`` (csrc's im2col).
"""
import numpy as np

from .._checks import (by_chunk_grads_input, col2im_input, conv_geometry, direct_input,
                       float_input, output, weight_grad_input)

__all__ = ["im2col", "col2im", "conv_weight_grad", "conv_direct", "conv_by_chunk_work",
           "conv_by_chunk", "conv_by_chunk_grads"]


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
    cols_out = output(out, (c * geo.K, n * geo.L), x.dtype)
    x_pad = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in geo.padding])
    cols = cols_out.reshape((c,) + geo.kernel + (n,) + geo.out_size)
    for offset in np.ndindex(*geo.kernel):
        patch = x_pad[(slice(None), slice(None)) + _window(offset, geo)]   # (n, C, *out)
        cols[(slice(None),) + offset] = patch.swapaxes(0, 1)               # (C, n, *out)
    return cols_out


def col2im(cols, x_shape, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """Fold cols (C·K, n·L) back to x_shape (n, C, *spatial), summing overlapping entries."""
    cols, x_shape, geo = col2im_input(cols, x_shape, kernel_size, stride, padding, dilation)
    n, c = x_shape[:2]
    result = output(out, x_shape, cols.dtype)
    blocks = cols.reshape((c,) + geo.kernel + (n,) + geo.out_size)
    x_pad = np.zeros((n, c) + tuple(i + 2 * p for i, p in zip(geo.in_size, geo.padding)),
                     dtype=cols.dtype)
    for offset in np.ndindex(*geo.kernel):
        # within one kernel offset the windows' positions are distinct: += is safe
        x_pad[(slice(None), slice(None)) + _window(offset, geo)] += \
            blocks[(slice(None),) + offset].swapaxes(0, 1)
    inside = tuple(slice(p, p + i) for p, i in zip(geo.padding, geo.in_size))
    result[...] = x_pad[(slice(None), slice(None)) + inside]
    return result


def conv_weight_grad(x, gy, kernel_size, stride=1, padding=0, dilation=1, out=None):
    """A convolution's weight gradient dW = dY·colsᵀ (O, C·K) with cols = im2col(x) and dY the
    output gradient gy (n, O, *out) laid out as (O, n·L): the slides' formula, columns and all."""
    x, gy, geo = weight_grad_input(x, gy, kernel_size, stride, padding, dilation)
    o = gy.shape[1]
    dy = gy.reshape(gy.shape[0], o, geo.L).transpose(1, 0, 2).reshape(o, -1)
    result = output(out, (o, geo.channels * geo.K), x.dtype)
    result[...] = dy @ im2col(x, geo.kernel, geo.stride, geo.padding, geo.dilation).T
    return result


def conv_direct(x, weight, bias, stride=1, padding=0, dilation=1, out=None):
    """A convolution's forward, one group: y = W·im2col(x) + b as (n, O, *out) -- the name of
    the native backend's column-free forward, computed here the slides' way, columns and all."""
    x, weight, geo = direct_input(x, weight, bias, stride, padding, dilation)
    n, o = x.shape[0], weight.shape[0]
    y = output(out, (n, o) + geo.out_size, x.dtype)
    cols = im2col(x, geo.kernel, geo.stride, geo.padding, geo.dilation)
    y3 = (weight.reshape(o, -1) @ cols).reshape(o, n, geo.L).transpose(1, 0, 2)
    y.reshape(n, o, geo.L)[...] = y3 if bias is None else y3 + bias.reshape(1, o, 1)
    return y


# ------------------------------------------- the names of the native path in chunks
# (csrc/conv/conv.h: the same products, a cache-sized chunk of images at a time; NumPy gains
# nothing from chunks, so these compute the whole batch at once, the slides' way)

def conv_by_chunk_work(x_shape, weight_shape, dtype, stride=1, padding=0, dilation=1,
                       backward=False):
    """The values the native twin wants in ``work``; NumPy needs none: 0."""
    conv_geometry(tuple(x_shape), tuple(weight_shape[2:]), stride, padding, dilation,
                  "conv_by_chunk")
    return 0


def conv_by_chunk(x, weight, bias, stride=1, padding=0, dilation=1, out=None, work=None):
    """A convolution's forward, one group:  Y = W·im2col(x) + b, as (n, O, *out)
    (``work`` is not used here)."""
    direct_input(x, weight, bias, stride, padding, dilation, func="conv_by_chunk")
    return conv_direct(x, weight, bias, stride, padding, dilation, out)


def conv_by_chunk_grads(x, weight, gy, stride=1, padding=0, dilation=1, needs=(True, True),
                        gx=None, gw=None, work=None):
    """Its gradients:  dW = dY·im2col(x)ᵀ,  dX = col2im(Wᵀ·dY)  (``needs``: which of
    (input, weight) to compute; None for the other)."""
    x, weight, gy, geo = by_chunk_grads_input(x, weight, gy, stride, padding, dilation, needs)
    n, o = x.shape[0], weight.shape[0]
    if needs[1]:
        gw = output(gw, weight.shape, x.dtype, "gw")
        conv_weight_grad(x, gy, geo.kernel, geo.stride, geo.padding, geo.dilation,
                         out=gw.reshape(o, -1))
    else:
        gw = None
    if needs[0]:
        gx = output(gx, x.shape, x.dtype, "gx")
        dy = gy.reshape(n, o, geo.L).transpose(1, 0, 2).reshape(o, -1)      # (O, n·L)
        col2im(weight.reshape(o, -1).T @ dy, x.shape, geo.kernel, geo.stride, geo.padding,
               geo.dilation, out=gx)
    else:
        gx = None
    return gx, gw
