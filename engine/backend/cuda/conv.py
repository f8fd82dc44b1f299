"""im2col / col2im as array-module code (1, 2 or 3 spatial axes), with strided views.

    cols[(c, k), (i, l)] = x_pad[i, c, l·s + k·d]     shape (C·K, n·L)

im2col builds one *view* of the padded input with the axes (n, C, *kernel, *out) — its
strides are x_pad's, times the dilation along a kernel axis and times the stride along an
output axis — and copies it into the columns in one pass (one GPU kernel). col2im, the
adjoint, adds each kernel offset's block back onto a strided slice of the padded input:
within one offset the positions are distinct, so each ``+=`` is a plain elementwise add.
The same names, signatures and results as ``reference/conv.py``.
"""
from .._checks import (by_chunk_grads_input, col2im_input, conv_geometry, direct_input,
                       float_input, output, weight_grad_input)

# the kernels (the reference twins' names), methods of Kernels(xp)
KERNELS = ["im2col", "col2im", "conv_weight_grad", "conv_direct", "conv_by_chunk_work",
           "conv_by_chunk", "conv_by_chunk_grads"]


class Kernels:
    """im2col / col2im computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp

    def _patches(self, x_pad, geo):
        """The view (n, C, *kernel, *out) of x_pad:
        patches[i, c, k, l] = x_pad[i, c, l·s + k·d]."""
        spatial = x_pad.strides[2:]
        strides = (x_pad.strides[:2]
                   + tuple(st * d for st, d in zip(spatial, geo.dilation))
                   + tuple(st * s for st, s in zip(spatial, geo.stride)))
        shape = x_pad.shape[:2] + geo.kernel + geo.out_size
        return self.xp.lib.stride_tricks.as_strided(x_pad, shape=shape, strides=strides)

    def _pad(self, x, geo):
        if not any(geo.padding):
            return x
        return self.xp.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in geo.padding])

    def im2col(self, x, kernel_size, stride=1, padding=0, dilation=1, out=None):
        """Unfold x (n, C, *spatial) into cols (C·K, n·L): one column per output position."""
        x = float_input(x, "x", self.xp)
        geo = conv_geometry(x.shape, kernel_size, stride, padding, dilation)
        n, c = x.shape[:2]
        cols = output(out, (c * geo.K, n * geo.L), x.dtype, "out", self.xp)
        patches = self._patches(self._pad(x, geo), geo)          # (n, C, *kernel, *out)
        d = geo.dims
        # to (C, *kernel, n, *out): the columns' layout
        order = (1,) + tuple(range(2, 2 + d)) + (0,) + tuple(range(2 + d, 2 + 2 * d))
        self.xp.copyto(cols.reshape((c,) + geo.kernel + (n,) + geo.out_size),
                       patches.transpose(order))
        return cols

    def col2im(self, cols, x_shape, kernel_size, stride=1, padding=0, dilation=1, out=None):
        """Fold cols (C·K, n·L) back to x_shape (n, C, *spatial), summing overlapping entries."""
        cols, x_shape, geo = col2im_input(cols, x_shape, kernel_size, stride, padding,
                                          dilation, self.xp)
        n, c = x_shape[:2]
        result = output(out, x_shape, cols.dtype, "out", self.xp)
        blocks = cols.reshape((c, geo.K, n) + geo.out_size)
        padded = tuple(i + 2 * p for i, p in zip(geo.in_size, geo.padding))
        x_pad = self.xp.zeros((n, c) + padded, dtype=cols.dtype)
        # x_pad seen as (n, C, *kernel, *out), as in im2col: offset k's windows are one slice
        windows = self._patches(x_pad, geo)
        for k, offset in enumerate(_offsets(geo.kernel)):
            windows[(slice(None), slice(None)) + offset] += blocks[:, k].swapaxes(0, 1)
        inside = tuple(slice(p, p + i) for p, i in zip(geo.padding, geo.in_size))
        self.xp.copyto(result, x_pad[(slice(None), slice(None)) + inside])
        return result

    def conv_weight_grad(self, x, gy, kernel_size, stride=1, padding=0, dilation=1, out=None):
        """dW = dY·im2col(x)ᵀ (O, C·K) from x (n, C, *spatial) and gy (n, O, *out)."""
        x, gy, geo = weight_grad_input(x, gy, kernel_size, stride, padding, dilation, self.xp)
        o = gy.shape[1]
        dy = gy.reshape(gy.shape[0], o, geo.L).transpose(1, 0, 2).reshape(o, -1)
        result = output(out, (o, geo.channels * geo.K), x.dtype, "out", self.xp)
        cols = self.im2col(x, geo.kernel, geo.stride, geo.padding, geo.dilation)
        self.xp.matmul(dy, cols.T, out=result)
        return result

    def conv_direct(self, x, weight, bias, stride=1, padding=0, dilation=1, out=None):
        """y = W·im2col(x) + b as (n, O, *out), one group."""
        x, weight, geo = direct_input(x, weight, bias, stride, padding, dilation, self.xp)
        n, o = x.shape[0], weight.shape[0]
        y = output(out, (n, o) + geo.out_size, x.dtype, "out", self.xp)
        cols = self.im2col(x, geo.kernel, geo.stride, geo.padding, geo.dilation)
        y3 = (weight.reshape(o, -1) @ cols).reshape(o, n, geo.L).transpose(1, 0, 2)
        y.reshape(n, o, geo.L)[...] = y3 if bias is None else y3 + bias.reshape(1, o, 1)
        return y

    # The names of the native path in chunks (csrc/conv/conv.h): a GPU gains nothing from
    # cache-sized chunks, so these compute the whole batch at once (the same results).
    def conv_by_chunk_work(self, x_shape, weight_shape, dtype, stride=1, padding=0,
                           dilation=1, backward=False):
        """No work buffer here: 0."""
        conv_geometry(tuple(x_shape), tuple(weight_shape[2:]), stride, padding, dilation,
                      "conv_by_chunk")
        return 0

    def conv_by_chunk(self, x, weight, bias, stride=1, padding=0, dilation=1, out=None,
                      work=None):
        """y = W·im2col(x) + b as (n, O, *out), one group (``work`` is not used)."""
        direct_input(x, weight, bias, stride, padding, dilation, self.xp, "conv_by_chunk")
        return self.conv_direct(x, weight, bias, stride, padding, dilation, out)

    def conv_by_chunk_grads(self, x, weight, gy, stride=1, padding=0, dilation=1,
                            needs=(True, True), gx=None, gw=None, work=None):
        """(dX, dW) of conv_by_chunk, None for the one ``needs`` does not ask for."""
        x, weight, gy, geo = by_chunk_grads_input(x, weight, gy, stride, padding, dilation,
                                                  needs, self.xp)
        n, o = x.shape[0], weight.shape[0]
        if needs[1]:
            gw = output(gw, weight.shape, x.dtype, "gw", self.xp)
            self.conv_weight_grad(x, gy, geo.kernel, geo.stride, geo.padding, geo.dilation,
                                  out=gw.reshape(o, -1))
        else:
            gw = None
        if needs[0]:
            gx = output(gx, x.shape, x.dtype, "gx", self.xp)
            dy = gy.reshape(n, o, geo.L).transpose(1, 0, 2).reshape(o, -1)
            self.col2im(weight.reshape(o, -1).T @ dy, x.shape, geo.kernel, geo.stride,
                        geo.padding, geo.dilation, out=gx)
        else:
            gx = None
        return gx, gw


def _offsets(kernel):
    """Every kernel offset (k_1, ..., k_d), row-major (the order of the columns' rows)."""
    offsets = [()]
    for size in kernel:
        offsets = [o + (k,) for o in offsets for k in range(size)]
    return offsets
