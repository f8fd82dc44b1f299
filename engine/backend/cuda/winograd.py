"""Winograd F(2×2, 3×3) transforms as array-module code (see reference/winograd.py for the
equations and layouts): each transform is one ``einsum`` with the small matrices, over a
strided view of the tiles. The same names, signatures and results as ``reference/winograd.py``.
"""
from .._checks import (output, winograd_conv_geometry, winograd_grad_geometry,
                       winograd_input_geometry, winograd_output_geometry, winograd_weight)
from ..reference.winograd import A_T, B_T, G

# the kernels (the reference twins' names), methods of Kernels(xp)
KERNELS = ["winograd_filter", "winograd_input", "winograd_output", "winograd_conv",
           "winograd_weight_grad"]


class Kernels:
    """The three transforms computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp

    def _matrix(self, m, dtype):
        return self.xp.asarray(m, dtype=dtype)

    def winograd_filter(self, w, out=None):
        """U = G g Gᵀ for every (output, input) channel pair: w (O, C, 3, 3) → U (16, O, C)."""
        w, (o, c) = winograd_weight(w, self.xp)
        u = output(out, (16, o, c), w.dtype, "out", self.xp)
        g = self._matrix(G, w.dtype)
        u[...] = self.xp.einsum("ai,ocij,bj->aboc", g, w, g).reshape(16, o, c)
        return u

    def winograd_input(self, x, padding=(1, 1), out=None):
        """V = Bᵀ d B for every 4×4 tile: x (n, C, h, w) → V (16, C, n·th·tw)."""
        xp = self.xp
        x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding, xp)
        ph, pw = padding
        x_pad = xp.zeros((n, c, 2 * th + 2, 2 * tw + 2), dtype=x.dtype)
        rows, cols = min(h, 2 * th + 2 - ph), min(w, 2 * tw + 2 - pw)
        x_pad[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
        s = x_pad.strides        # d[n, c, i, j, a, b] = x_pad[n, c, 2i + a, 2j + b]
        d = xp.lib.stride_tricks.as_strided(
            x_pad, shape=(n, c, th, tw, 4, 4), strides=(s[0], s[1], 2 * s[2], 2 * s[3], s[2], s[3]))
        bt = self._matrix(B_T, x.dtype)
        v = output(out, (16, c, n * th * tw), x.dtype, "out", xp)
        v[...] = xp.einsum("ka,ncijab,lb->klcnij", bt, d, bt).reshape(16, c, n * th * tw)
        return v

    def winograd_output(self, m, out_shape, bias=None, out=None):
        """y = Aᵀ M A per tile (+ bias): M (16, O, n·th·tw) → y ``out_shape`` (n, O, oh, ow)."""
        xp = self.xp
        m, (n, o, oh, ow, th, tw) = winograd_output_geometry(m, out_shape, xp)
        at = self._matrix(A_T, m.dtype)
        tiles = xp.einsum("ka,abonij,lb->onikjl", at, m.reshape(4, 4, o, n, th, tw), at)
        y = output(out, (n, o, oh, ow), m.dtype, "out", xp)
        y[...] = tiles.reshape(o, n, 2 * th, 2 * tw)[:, :, :oh, :ow].transpose(1, 0, 2, 3)
        if bias is not None:
            y += xp.asarray(bias, dtype=m.dtype).reshape(1, o, 1, 1)
        return y

    def winograd_conv(self, x, u, padding=(1, 1), bias=None, out=None):
        """The whole 3×3 stride-1 convolution from u = winograd_filter(w): x (n, C, h, w),
        u (16, O, C) → y (n, O, oh, ow) (+ bias): the three steps in turn, M = U·V."""
        xp = self.xp
        x, u, out_shape = winograd_conv_geometry(x, u, padding, xp)
        m = xp.matmul(u, self.winograd_input(x, padding))
        return self.winograd_output(m, out_shape, bias,
                                    out)

    def winograd_weight_grad(self, x, gy, padding=(1, 1), out=None):
        """∂L/∂w (O, C, 3, 3) from x (n, C, h, w) and gy (n, O, oh, ow): the adjoints of the
        forward's steps, as in reference/winograd.py."""
        xp = self.xp
        x, gy, (n, c, h, w, th, tw, o, oh, ow) = winograd_grad_geometry(x, gy, padding, xp)
        gy_pad = xp.zeros((n, o, 2 * th, 2 * tw), dtype=x.dtype)
        gy_pad[:, :, :oh, :ow] = gy
        a = self._matrix(A_T.T, x.dtype)
        dm = xp.einsum("kr,noirjs,ls->klonij", a, gy_pad.reshape(n, o, th, 2, tw, 2), a)
        du = xp.matmul(dm.reshape(16, o, n * th * tw),
                       self.winograd_input(x, padding).transpose(0, 2, 1))
        g = self._matrix(G, x.dtype)
        dw = output(out, (o, c, 3, 3), x.dtype, "out", xp)
        dw[...] = xp.einsum("ar,aboc,bs->ocrs", g, du.reshape(4, 4, o, c), g)
        return dw
