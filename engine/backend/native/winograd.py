"""Winograd F(2×2, 3×3) transforms by the C kernels of csrc/conv/winograd.c.

The same names and results as ``reference/winograd.py`` (read that one for the equations and
layouts). Each function checks its inputs, then hands flat C-contiguous buffers to ``engine._C``.
"""
import numpy as np

from ... import _C
from .._checks import (output, winograd_input_geometry, winograd_output_geometry,
                       winograd_weight)

__all__ = ["winograd_filter", "winograd_input", "winograd_output"]


def winograd_filter(w, out=None):
    """U = G g Gᵀ for every (output, input) channel pair: w (O, C, 3, 3) → U (16, O, C)."""
    w, (o, c) = winograd_weight(w)
    u = output(out, (16, o, c), w.dtype)
    _C.winograd_filter(w.reshape(-1), u.reshape(-1), o, c)
    return u


def winograd_input(x, padding=(1, 1), out=None):
    """V = Bᵀ d B for every 4×4 tile: x (n, C, h, w) → V (16, C, n·th·tw)."""
    x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding)
    v = output(out, (16, c, n * th * tw), x.dtype)
    _C.winograd_input(x.reshape(-1), v.reshape(-1), n, c, h, w, padding[0], padding[1])
    return v


def winograd_output(m, out_shape, bias=None, out=None):
    """y = Aᵀ M A per tile (+ bias): M (16, O, n·th·tw) → y ``out_shape`` (n, O, oh, ow)."""
    m, (n, o, oh, ow, _, _) = winograd_output_geometry(m, out_shape)
    y = output(out, (n, o, oh, ow), m.dtype)
    if bias is not None:
        bias = np.ascontiguousarray(bias, dtype=m.dtype)
        if bias.shape != (o,):
            raise ValueError(f"winograd_output: bias must have shape ({o},), got {bias.shape}")
    _C.winograd_output(m.reshape(-1), bias, y.reshape(-1), n, o, oh, ow)
    return y
