"""Winograd F(2×2, 3×3) and F(4×4, 3×3) transforms as array-module code (see reference/winograd.py for the
equations and layouts): each transform is one ``einsum`` with the small matrices, over a
strided view of the tiles. The same names, signatures and results as ``reference/winograd.py``.
"""
from .._checks import (output, winograd_conv_geometry, winograd_entries, winograd_grad_geometry,
                       winograd_input_geometry, winograd_output_geometry, winograd_weight)
from ..reference.winograd import MATRICES, NONFINITE

# the kernels (the reference twins' names), methods of Kernels(xp)
KERNELS = ["winograd_filter", "winograd_input", "winograd_output", "winograd_conv",
           "winograd_weight_grad"]


class Kernels:
    """The three transforms computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp

    def _matrix(self, m, dtype):
        return self.xp.asarray(m, dtype=dtype)

    def winograd_filter(self, w, out=None, *, tile=2):
        """U = G g Gᵀ for every (output, input) channel pair: w (O, C, 3, 3) → U (K, O, C)."""
        k = winograd_entries(tile)
        w, (o, c) = winograd_weight(w, self.xp)
        u = output(out, (k, o, c), w.dtype, "out", self.xp)
        g = self._matrix(MATRICES[tile][1], w.dtype)
        u[...] = self.xp.einsum("ai,ocij,bj->aboc", g, w, g).reshape(k, o, c)
        return u

    def winograd_input(self, x, padding=(1, 1), out=None, *, tile=2):
        """V = Bᵀ d B for every (m+2)×(m+2) tile: x (n, C, h, w) → V (K, C, n·th·tw)."""
        xp = self.xp
        k = winograd_entries(tile)
        x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding, xp, tile)
        ph, pw = padding
        x_pad = xp.zeros((n, c, tile * th + 2, tile * tw + 2), dtype=x.dtype)
        rows, cols = min(h, tile * th + 2 - ph), min(w, tile * tw + 2 - pw)
        x_pad[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
        s = x_pad.strides        # d[n, c, i, j, a, b] = x_pad[n, c, m·i + a, m·j + b]
        d = xp.lib.stride_tricks.as_strided(
            x_pad, shape=(n, c, th, tw, tile + 2, tile + 2),
            strides=(s[0], s[1], tile * s[2], tile * s[3], s[2], s[3]))
        bt = self._matrix(MATRICES[tile][0], x.dtype)
        v = output(out, (k, c, n * th * tw), x.dtype, "out", xp)
        v[...] = xp.einsum("ka,ncijab,lb->klcnij", bt, d, bt).reshape(k, c, n * th * tw)
        return v

    def winograd_output(self, m, out_shape, bias=None, out=None):
        """y = Aᵀ M A per tile (+ bias): M (K, O, n·th·tw) → y ``out_shape`` (n, O, oh, ow)."""
        xp = self.xp
        m, (n, o, oh, ow, th, tw, tile) = winograd_output_geometry(m, out_shape, xp)
        at = self._matrix(MATRICES[tile][2], m.dtype)
        side = tile + 2
        tiles = xp.einsum("ka,abonij,lb->onikjl", at, m.reshape(side, side, o, n, th, tw), at)
        y = output(out, (n, o, oh, ow), m.dtype, "out", xp)
        y[...] = tiles.reshape(o, n, tile * th, tile * tw)[:, :, :oh, :ow].transpose(1, 0, 2, 3)
        if bias is not None:
            y += xp.asarray(bias, dtype=m.dtype).reshape(1, o, 1, 1)
        return y

    def winograd_conv(self, x, u, padding=(1, 1), bias=None, out=None, *, check_finite=False):
        """The whole 3×3 stride-1 convolution from u = winograd_filter(w): x (n, C, h, w),
        u (K, O, C) → y (n, O, oh, ow) (+ bias): the three steps in turn, M = U·V;
        ``check_finite`` as in reference/winograd.py."""
        xp = self.xp
        x, u, out_shape, tile = winograd_conv_geometry(x, u, padding, xp)
        m = xp.matmul(u, self.winograd_input(x, padding, tile=tile))
        y = self.winograd_output(m, out_shape, bias, out)
        if check_finite and not bool(xp.isfinite(y).all()):
            raise FloatingPointError(NONFINITE)
        return y

    def winograd_weight_grad(self, x, gy, padding=(1, 1), out=None, *, tile=2):
        """∂L/∂w (O, C, 3, 3) from x (n, C, h, w) and gy (n, O, oh, ow): the adjoints of the
        forward's steps, as in reference/winograd.py."""
        xp = self.xp
        k = winograd_entries(tile)
        x, gy, (n, c, h, w, th, tw, o, oh, ow) = winograd_grad_geometry(x, gy, padding, xp, tile)
        gy_pad = xp.zeros((n, o, tile * th, tile * tw), dtype=x.dtype)
        gy_pad[:, :, :oh, :ow] = gy
        _, g, a_t = MATRICES[tile]
        a = self._matrix(a_t.T, x.dtype)
        dm = xp.einsum("kr,noirjs,ls->klonij", a,
                       gy_pad.reshape(n, o, th, tile, tw, tile), a)
        du = xp.matmul(dm.reshape(k, o, n * th * tw),
                       self.winograd_input(x, padding, tile=tile).transpose(0, 2, 1))
        g = self._matrix(g, x.dtype)
        dw = output(out, (o, c, 3, 3), x.dtype, "out", xp)
        dw[...] = xp.einsum("ar,aboc,bs->ocrs", g, du.reshape(tile + 2, tile + 2, o, c), g)
        return dw
