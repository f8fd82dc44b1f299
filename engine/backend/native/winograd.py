"""Winograd F(2×2, 3×3) and F(4×4, 3×3) transforms by the C kernels of csrc/conv/winograd.c.

The same names and results as ``reference/winograd.py`` (read that one for the equations and
layouts). Each function checks its inputs, then hands flat C-contiguous buffers to ``engine._C``.
"""
import numpy as np

from ... import _C
from .._checks import (output, winograd_conv_geometry, winograd_entries, winograd_grad_geometry,
                       winograd_input_geometry, winograd_output_geometry, winograd_weight)
from ..reference.winograd import NONFINITE

__all__ = ["winograd_filter", "winograd_input", "winograd_output", "winograd_conv",
           "winograd_weight_grad"]


def winograd_filter(w, out=None, *, tile=2):
    """U = G g Gᵀ for every (output, input) channel pair: w (O, C, 3, 3) → U (K, O, C)."""
    k = winograd_entries(tile)
    w, (o, c) = winograd_weight(w)
    u = output(out, (k, o, c), w.dtype)
    _C.winograd_filter(w.reshape(-1), u.reshape(-1), o, c, tile)
    return u


def winograd_input(x, padding=(1, 1), out=None, *, tile=2):
    """V = Bᵀ d B for every (m+2)×(m+2) tile: x (n, C, h, w) → V (K, C, n·th·tw)."""
    k = winograd_entries(tile)
    x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding, tile=tile)
    v = output(out, (k, c, n * th * tw), x.dtype)
    _C.winograd_input(x.reshape(-1), v.reshape(-1), n, c, h, w, padding[0], padding[1], tile)
    return v


def winograd_output(m, out_shape, bias=None, out=None):
    """y = Aᵀ M A per tile (+ bias): M (K, O, n·th·tw) → y ``out_shape`` (n, O, oh, ow)."""
    m, (n, o, oh, ow, _, _, tile) = winograd_output_geometry(m, out_shape)
    y = output(out, (n, o, oh, ow), m.dtype)
    if bias is not None:
        bias = np.ascontiguousarray(bias, dtype=m.dtype)
        if bias.shape != (o,):
            raise ValueError(f"winograd_output: bias must have shape ({o},), got {bias.shape}")
    _C.winograd_output(m.reshape(-1), bias, y.reshape(-1), n, o, oh, ow, tile)
    return y


def winograd_conv(x, u, padding=(1, 1), bias=None, out=None, *, check_finite=False):
    """The whole 3×3 stride-1 convolution from the filters' transform u = winograd_filter(w):
    x (n, C, h, w), u (K, O, C) → y (n, O, oh, ow), plus bias (O,); the tile from u's K.
    The same result as winograd_output(U·V, ...) of the three-pass way, computed block by
    block of tiles so that V and M stay in the cache (csrc/conv/winograd_fused_body.h).
    ``check_finite``: raise FloatingPointError when y holds a NaN or an infinity (the output
    transform notes them as it writes), so that the caller can compute it another way."""
    x, u, (n, o, oh, ow), tile = winograd_conv_geometry(x, u, padding)
    u = np.ascontiguousarray(u)
    c, h, w = x.shape[1:]
    ph, pw = padding
    y = output(out, (n, o, oh, ow), x.dtype)
    if bias is not None:
        bias = np.ascontiguousarray(bias, dtype=x.dtype)
        if bias.shape != (o,):
            raise ValueError(f"winograd_conv: bias must have shape ({o},), got {bias.shape}")
    finite = _C.winograd_conv(x.reshape(-1), u.reshape(-1), bias, y.reshape(-1), n, c, o, h, w,
                              ph, pw, tile)
    if check_finite and not finite:
        raise FloatingPointError(NONFINITE)
    return y


def winograd_weight_grad(x, gy, padding=(1, 1), out=None, *, tile=2):
    """∂L/∂w (O, C, 3, 3) of the 3×3 stride-1 convolution y = conv(x, w) from x (n, C, h, w)
    and gy = ∂L/∂y (n, O, oh, ow): dU[ξν] = Σ_tiles (A dy Aᵀ)[ξν]·(Bᵀ d B)[ξν]ᵀ (K GEMMs
    over the tiles), then ∂L/∂w = Gᵀ dU G (csrc/conv/winograd_grad_body.h)."""
    x, gy, (n, c, h, w, _, _, o, _, _) = winograd_grad_geometry(x, gy, padding, tile=tile)
    gy = np.ascontiguousarray(gy)
    ph, pw = padding
    dw = output(out, (o, c, 3, 3), x.dtype)
    _C.winograd_weight_grad(x.reshape(-1), gy.reshape(-1), dw.reshape(-1), n, c, o, h, w, ph, pw,
                            tile)
    return dw
