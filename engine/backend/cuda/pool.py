"""Max and average pooling as array-module code, with strided views (1-D: height 1).

    max pooling      y = max over each window;  argmax = the flat index (row·w + col) of that
                     maximum in its plane;  ∂L/∂x: each window's ∂L/∂y goes to its maximum
    average pooling  y = (1/(kh·kw)) Σ over each window (padding counted as zeros);
                     ∂L/∂x: every element of a window gets ∂L/∂y / (kh·kw); overlaps add up

The windows are one strided view (planes, oh, ow, kh, kw) of the padded planes. The
backwards add onto a strided slice of the padded gradient per kernel offset (kh·kw
elementwise adds, no scatter: deterministic on a GPU too). The same names, signatures and
results as ``reference/pool.py``.
"""
from .._checks import output, pool_gradient, pool_input
from .._pool_names import __all__ as KERNELS  # noqa: F401  (the kernels: methods of Kernels)
from .._pool_names import pooling_kernels


class Kernels:
    """The pooling kernels computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp
        for kernel in pooling_kernels(__name__, self.max_pool, self.max_pool_backward,
                                      self.avg_pool, self.avg_pool_backward):
            setattr(self, kernel.__name__, kernel)

    # ---------------------------------------------------------------- windows
    def _padded(self, planes, geo, fill):
        (ph, pw) = geo.padding
        if not (ph or pw):
            return planes
        return self.xp.pad(planes, [(0, 0), (ph, ph), (pw, pw)], constant_values=fill)

    def _windows(self, padded, geo):
        """The view (planes, oh, ow, kh, kw):
        windows[p, i, j, r, c] = padded[p, i·sh + r, j·sw + c]."""
        sp, sh_, sw_ = padded.strides
        (sh, sw) = geo.stride
        shape = (padded.shape[0],) + tuple(geo.out_size) + tuple(geo.kernel)
        strides = (sp, sh_ * sh, sw_ * sw, sh_, sw_)
        return self.xp.lib.stride_tricks.as_strided(padded, shape=shape, strides=strides)

    def _store(self, value, shape, dtype, out):
        result = output(out, shape, dtype, "out", self.xp)
        result[...] = value.reshape(shape)
        return result

    def _window_origins(self, geo):
        """Each window's top-left position in the unpadded plane: rows (oh, 1), cols (1, ow)."""
        (oh, ow), (sh, sw), (ph, pw) = geo.out_size, geo.stride, geo.padding
        rows = self.xp.arange(oh).reshape(oh, 1) * sh - ph
        cols = self.xp.arange(ow).reshape(1, ow) * sw - pw
        return rows, cols

    # ---------------------------------------------------------------- max
    def max_pool(self, x, kernel_size, stride, padding, dims, name):
        """y = max over each window; argmax = flat index (row·w + col) of that maximum."""
        xp = self.xp
        x, geo, y_shape = pool_input(x, kernel_size, stride, padding, dims, name, xp)
        (h, w), (oh, ow), (kh, kw) = geo.in_size, geo.out_size, geo.kernel
        planes = x.reshape(geo.planes, h, w)
        windows = self._windows(self._padded(planes, geo, -xp.inf), geo)
        flat = windows.reshape(geo.planes, oh, ow, kh * kw)          # one gathering copy
        which = flat.argmax(axis=-1)                 # first maximum, row-major in the window
        y = xp.take_along_axis(flat, which[..., None], axis=-1)[..., 0]
        rows, cols = self._window_origins(geo)
        argmax = ((rows + which // kw) * w + cols + which % kw).astype(xp.int32)
        return y.reshape(y_shape).astype(x.dtype, copy=False), argmax.reshape(y_shape)

    def max_pool_backward(self, gy, argmax, x_shape, kernel_size, stride, padding, dims, name,
                          out):
        """∂L/∂x: each window's gradient goes to its maximum: gx[argmax] += gy."""
        xp = self.xp
        gy, x_shape, geo = pool_gradient(gy, x_shape, kernel_size, stride, padding, dims,
                                         name, xp)
        if getattr(argmax, "shape", None) != gy.shape:
            raise ValueError(f"{name}: argmax must have gy's shape {gy.shape}, "
                             f"got {getattr(argmax, 'shape', type(argmax).__name__)}")
        (h, w), (oh, ow), (kh, kw) = geo.in_size, geo.out_size, geo.kernel
        argmax = xp.asarray(argmax).reshape(geo.planes, oh, ow)
        if argmax.size and (int(argmax.min()) < 0 or int(argmax.max()) >= h * w):
            raise ValueError(f"{name}: argmax holds an index outside [0, {h * w})")
        # each maximum's offset (r, c) inside its window
        rows, cols = self._window_origins(geo)
        r, c = argmax // w - rows, argmax % w - cols
        gy3 = gy.reshape(geo.planes, oh, ow)
        (ph, pw) = geo.padding
        padded = xp.zeros((geo.planes, h + 2 * ph, w + 2 * pw), dtype=gy.dtype)
        windows = self._windows(padded, geo)
        for i in range(kh):
            for j in range(kw):
                windows[:, :, :, i, j] += xp.where((r == i) & (c == j), gy3, 0)
        return self._store(padded[:, ph:ph + h, pw:pw + w], x_shape, gy.dtype, out)

    # ---------------------------------------------------------------- average
    def avg_pool(self, x, kernel_size, stride, padding, dims, name):
        """y = (1 / (kh·kw)) Σ over each window (padding counted as zeros)."""
        xp = self.xp
        x, geo, y_shape = pool_input(x, kernel_size, stride, padding, dims, name, xp)
        (h, w), (kh, kw) = geo.in_size, geo.kernel
        windows = self._windows(self._padded(x.reshape(geo.planes, h, w), geo, 0), geo)
        y = windows.sum(axis=(3, 4)) / (kh * kw)
        return y.reshape(y_shape).astype(x.dtype, copy=False)

    def avg_pool_backward(self, gy, x_shape, kernel_size, stride, padding, dims, name, out):
        """∂L/∂x: every element of a window gets gy / (kh·kw); overlaps add up."""
        xp = self.xp
        gy, x_shape, geo = pool_gradient(gy, x_shape, kernel_size, stride, padding, dims,
                                         name, xp)
        (h, w), (oh, ow), (kh, kw) = geo.in_size, geo.out_size, geo.kernel
        (ph, pw) = geo.padding
        share = gy.reshape(geo.planes, oh, ow) / (kh * kw)
        padded = xp.zeros((geo.planes, h + 2 * ph, w + 2 * pw), dtype=gy.dtype)
        windows = self._windows(padded, geo)
        for i in range(kh):
            for j in range(kw):
                windows[:, :, :, i, j] += share
        return self._store(padded[:, ph:ph + h, pw:pw + w], x_shape, gy.dtype, out)
