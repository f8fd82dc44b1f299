"""Winograd's minimal filtering F(2×2, 3×3) in NumPy (Lavin and Gray, 2016): the transforms.

A 3×3 stride-1 convolution computes each 2×2 block of outputs from a 4×4 tile of the
(padded) input. Directly that is 2·2·9 = 36 multiplications per channel; Winograd does it
with 16, the product of two transformed tiles, element by element:

    Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A          g: 3×3 filter, d: 4×4 input tile, Y: 2×2

    Bᵀ = [[1, 0, -1, 0],    G = [[1,    0,   0  ],    Aᵀ = [[1, 1,  1,  0],
          [0, 1,  1, 0],         [1/2, 1/2, 1/2],           [0, 1, -1, -1]]
          [0,-1,  1, 0],         [1/2,-1/2, 1/2],
          [0, 1,  0,-1]]         [0,    0,   1  ]]

Over channels the element-wise products add up, so for each of the 16 tile entries (ξ, ν)
the sum over input channels c is one matrix product:

    U[ξν] = (G g Gᵀ)[ξν]        (O, C)   filter transform   (winograd_filter)
    V[ξν] = (Bᵀ d B)[ξν]        (C, P)   input transform    (winograd_input), P = n·tiles
    M[ξν] = U[ξν] · V[ξν]       (O, P)   16 GEMMs            (the engine's gemm_batched)
    y     = Aᵀ M A per tile     (n, O, oh, ow)               (winograd_output)

Tiles: th = ⌈oh/2⌉ by tw = ⌈ow/2⌉ per image, oh = h + 2·ph − 2; tile (i, j) of image n reads
the padded input rows 2i..2i+3, columns 2j..2j+3 (zeros outside the image), and is column
p = (n·th + i)·tw + j of V and M. Edge tiles of an odd output size compute a row or column
that ``winograd_output`` drops.

Numerical error: the transforms add at most 4 (input), 9 (output) and scale by at most
9/4 (filter) numbers of the operands' size, so in floating point (unit roundoff ε)

    |y_winograd − y| ≤ (C + 16) · ε · 81 · C · max|g| · max|d|

(first order; the direct im2col sum is bounded by (9·C) · ε · 9·C · max|g|·max|d|); the
tests check it against a float64 convolution. The compiled twin is
``engine/backend/native/winograd.py`` (csrc/conv/winograd.c).
"""
import numpy as np

from .._checks import (output, winograd_conv_geometry, winograd_grad_geometry,  # noqa: F401
                       winograd_input_geometry, winograd_output_geometry, winograd_tiles,
                       winograd_weight)  # (winograd_tiles: imported from here elsewhere)

__all__ = ["winograd_filter", "winograd_input", "winograd_output", "winograd_conv",
           "winograd_weight_grad"]

B_T = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)
A_T = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)


def winograd_filter(w, out=None):
    """U = G g Gᵀ for every (output, input) channel pair: w (O, C, 3, 3) → U (16, O, C)."""
    w, (o, c) = winograd_weight(w)
    u = output(out, (16, o, c), w.dtype)
    g = G.astype(w.dtype)
    u[...] = np.einsum("ai,ocij,bj->aboc", g, w, g).reshape(16, o, c)
    return u


def winograd_input(x, padding=(1, 1), out=None):
    """V = Bᵀ d B for every 4×4 tile: x (n, C, h, w) → V (16, C, n·th·tw)."""
    x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding)
    ph, pw = padding
    x_pad = np.zeros((n, c, 2 * th + 2, 2 * tw + 2), dtype=x.dtype)
    rows, cols = min(h, 2 * th + 2 - ph), min(w, 2 * tw + 2 - pw)
    x_pad[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
    # d[n, c, i, j, a, b] = x_pad[n, c, 2i + a, 2j + b]
    d = np.lib.stride_tricks.sliding_window_view(x_pad, (4, 4), axis=(2, 3))[:, :, ::2, ::2]
    bt = B_T.astype(x.dtype)
    v = output(out, (16, c, n * th * tw), x.dtype)
    v[...] = np.einsum("ka,ncijab,lb->klcnij", bt, d, bt).reshape(16, c, n * th * tw)
    return v


def winograd_output(m, out_shape, bias=None, out=None):
    """y = Aᵀ M A per tile (+ bias): M (16, O, n·th·tw) → y ``out_shape`` (n, O, oh, ow)."""
    m, (n, o, oh, ow, th, tw) = winograd_output_geometry(m, out_shape)
    at = A_T.astype(m.dtype)
    tiles = np.einsum("ka,abonij,lb->onikjl", at, m.reshape(4, 4, o, n, th, tw), at)
    y = output(out, (n, o, oh, ow), m.dtype)
    y[...] = tiles.reshape(o, n, 2 * th, 2 * tw)[:, :, :oh, :ow].transpose(1, 0, 2, 3)
    if bias is not None:
        y += np.asarray(bias, dtype=m.dtype).reshape(1, o, 1, 1)
    return y


def winograd_conv(x, u, padding=(1, 1), bias=None, out=None):
    """The whole 3×3 stride-1 convolution from the filters' transform u = winograd_filter(w):
    x (n, C, h, w), u (16, O, C) → y (n, O, oh, ow), plus bias (O,): the three steps in turn,
    M[ξν] = U[ξν]·V[ξν] for the 16 entries (the compiled twin runs them block by block)."""
    x, u, out_shape = winograd_conv_geometry(x, u, padding)
    m = np.matmul(u, winograd_input(x, padding))
    return winograd_output(m, out_shape, bias, out)


def winograd_weight_grad(x, gy, padding=(1, 1), out=None):
    """∂L/∂w (O, C, 3, 3) of the 3×3 stride-1 convolution y = conv(x, w) from x (n, C, h, w)
    and gy = ∂L/∂y (n, O, oh, ow), by the adjoints of the forward's steps: y = Aᵀ M A per tile
    gives dM = A dy Aᵀ (an odd size's extra row or column of dy counts as zero);
    M[ξν] = U[ξν]·V[ξν] gives dU[ξν] = dM[ξν]·V[ξν]ᵀ (16 GEMMs, summing over the tiles);
    U = G g Gᵀ gives ∂L/∂g = Gᵀ dU G.  Numerical error: each dU entry sums P = n·th·tw
    products with |V| ≤ 4·max|d| and |dM| ≤ 4·max|dy|, weighed by at most 9/4 in Gᵀ dU G, so
    |∂L/∂g_winograd − ∂L/∂g| ≤ (P + 16)·ε·36·P·max|d|·max|dy| (first order; tested)."""
    x, gy, (n, c, h, w, th, tw, o, oh, ow) = winograd_grad_geometry(x, gy, padding)
    gy_pad = np.zeros((n, o, 2 * th, 2 * tw), dtype=x.dtype)
    gy_pad[:, :, :oh, :ow] = gy
    dy = gy_pad.reshape(n, o, th, 2, tw, 2)                     # dy[n, o, i, r, j, s]
    a = A_T.T.astype(x.dtype)                                   # A (4, 2)
    dm = np.einsum("kr,noirjs,ls->klonij", a, dy, a).reshape(16, o, n * th * tw)
    du = np.matmul(dm, winograd_input(x, padding).transpose(0, 2, 1))     # (16, O, C)
    g = G.astype(x.dtype)
    dw = output(out, (o, c, 3, 3), x.dtype)
    dw[...] = np.einsum("ar,aboc,bs->ocrs", g, du.reshape(4, 4, o, c), g)
    return dw
