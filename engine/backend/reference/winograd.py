"""Winograd's minimal filtering F(2×2, 3×3) and F(4×4, 3×3) in NumPy (Lavin and Gray, 2016):
the transforms.

A 3×3 stride-1 convolution computes each m×m block of outputs from an (m+2)×(m+2) tile of
the (padded) input. Directly that is m·m·9 multiplications per channel; Winograd does it with
(m+2)², the product of two transformed tiles, element by element:

    Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A        g: 3×3 filter, d: (m+2)² input tile, Y: m×m

F(2×2, 3×3), ``tile=2``: 16 multiplications for 4 outputs instead of 36 (2.25× fewer):

    Bᵀ = [[1, 0, -1, 0],    G = [[1,    0,   0  ],    Aᵀ = [[1, 1,  1,  0],
          [0, 1,  1, 0],         [1/2, 1/2, 1/2],           [0, 1, -1, -1]]
          [0,-1,  1, 0],         [1/2,-1/2, 1/2],
          [0, 1,  0,-1]]         [0,    0,   1  ]]

F(4×4, 3×3), ``tile=4``: 36 multiplications for 16 outputs instead of 144 (4× fewer), from
the interpolation points 0, ±1, ±2 and ∞:

    Bᵀ = [[4,  0, -5,  0, 1, 0],    G = [[ 1/4,     0,    0],    Aᵀ = [[1, 1,  1, 1,  1, 0],
          [0, -4, -4,  1, 1, 0],         [-1/6,  -1/6, -1/6],          [0, 1, -1, 2, -2, 0],
          [0,  4, -4, -1, 1, 0],         [-1/6,   1/6, -1/6],          [0, 1,  1, 4,  4, 0],
          [0, -2, -1,  2, 1, 0],         [1/24,  1/12,  1/6],          [0, 1, -1, 8, -8, 1]]
          [0,  2, -1, -2, 1, 0],         [1/24, -1/12,  1/6],
          [0,  4,  0, -5, 0, 1]]         [   0,     0,    1]]

Over channels the element-wise products add up, so for each of the (m+2)² tile entries (ξ, ν)
the sum over input channels c is one matrix product (K = (m+2)² entries):

    U[ξν] = (G g Gᵀ)[ξν]        (K, O, C)   filter transform   (winograd_filter)
    V[ξν] = (Bᵀ d B)[ξν]        (K, C, P)   input transform    (winograd_input), P = n·tiles
    M[ξν] = U[ξν] · V[ξν]       (K, O, P)   K GEMMs            (the engine's gemm_batched)
    y     = Aᵀ M A per tile     (n, O, oh, ow)                 (winograd_output)

Tiles: th = ⌈oh/m⌉ by tw = ⌈ow/m⌉ per image, oh = h + 2·ph − 2; tile (i, j) of image n reads
the padded input rows m·i .. m·i+m+1, columns m·j .. m·j+m+1 (zeros outside the image), and
is column p = (n·th + i)·tw + j of V and M; entry (ξ, ν) is row ξ·(m+2) + ν. Edge tiles of an
output size that m does not divide compute rows or columns that ``winograd_output`` drops.

Numerical error: the transforms add at most a (input), b (output) and scale by at most c
(filter) numbers of the operands' size, so in floating point (unit roundoff ε)

    |y_winograd − y| ≤ (C + K) · ε · S · C · max|g| · max|d|,   S = a·b·c

(first order), with S = 4 · 9 · 9/4 = 81 for F(2×2, 3×3) and S = 100 · 361 · 1 = 36100 for
F(4×4, 3×3) (the largest row sums of |Bᵀ|, |Aᵀ| and |G|, squared: 10, 19 and 1); the direct
im2col sum is bounded by (9·C) · ε · 9·C · max|g|·max|d|. The larger tile trades accuracy
for speed: its transforms weigh values by up to 8, so its rounding errors are larger (in
float32 10 to 15 times F(2×2, 3×3)'s, about 1e-5 of the output's size: the tests measure
both against a float64 convolution). The compiled twin is ``engine/backend/native/winograd.py``
(csrc/conv/winograd.c).
"""
import numpy as np

from .._checks import winograd_tiles  # noqa: F401  (imported from here elsewhere)
from .._checks import (output, winograd_conv_geometry, winograd_entries, winograd_grad_geometry,
                       winograd_input_geometry, winograd_output_geometry, winograd_weight)

__all__ = ["winograd_filter", "winograd_input", "winograd_output", "winograd_conv",
           "winograd_weight_grad"]

B_T = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)
A_T = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)

B4_T = np.array([[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                 [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
                dtype=np.float64)
G4 = np.array([[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
               [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]], dtype=np.float64)
A4_T = np.array([[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0],
                 [0, 1, -1, 8, -8, 1]], dtype=np.float64)

# the output block's side m → (Bᵀ, G, Aᵀ)
MATRICES = {2: (B_T, G, A_T), 4: (B4_T, G4, A4_T)}


def winograd_filter(w, out=None, *, tile=2):
    """U = G g Gᵀ for every (output, input) channel pair: w (O, C, 3, 3) → U (K, O, C)."""
    k = winograd_entries(tile)
    w, (o, c) = winograd_weight(w)
    u = output(out, (k, o, c), w.dtype)
    g = MATRICES[tile][1].astype(w.dtype)
    u[...] = np.einsum("ai,ocij,bj->aboc", g, w, g).reshape(k, o, c)
    return u


def winograd_input(x, padding=(1, 1), out=None, *, tile=2):
    """V = Bᵀ d B for every (m+2)×(m+2) tile: x (n, C, h, w) → V (K, C, n·th·tw)."""
    k = winograd_entries(tile)
    x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding, tile=tile)
    ph, pw = padding
    x_pad = np.zeros((n, c, tile * th + 2, tile * tw + 2), dtype=x.dtype)
    rows, cols = min(h, tile * th + 2 - ph), min(w, tile * tw + 2 - pw)
    x_pad[:, :, ph:ph + rows, pw:pw + cols] = x[:, :, :rows, :cols]
    # d[n, c, i, j, a, b] = x_pad[n, c, m·i + a, m·j + b]
    d = np.lib.stride_tricks.sliding_window_view(x_pad, (tile + 2, tile + 2),
                                                 axis=(2, 3))[:, :, ::tile, ::tile]
    bt = MATRICES[tile][0].astype(x.dtype)
    v = output(out, (k, c, n * th * tw), x.dtype)
    v[...] = np.einsum("ka,ncijab,lb->klcnij", bt, d, bt).reshape(k, c, n * th * tw)
    return v


def winograd_output(m, out_shape, bias=None, out=None):
    """y = Aᵀ M A per tile (+ bias): M (K, O, n·th·tw) → y ``out_shape`` (n, O, oh, ow); the
    tile is read from M's entries K (16: F(2×2, 3×3), 36: F(4×4, 3×3))."""
    m, (n, o, oh, ow, th, tw, tile) = winograd_output_geometry(m, out_shape)
    at = MATRICES[tile][2].astype(m.dtype)
    side = tile + 2
    tiles = np.einsum("ka,abonij,lb->onikjl", at, m.reshape(side, side, o, n, th, tw), at)
    y = output(out, (n, o, oh, ow), m.dtype)
    y[...] = tiles.reshape(o, n, tile * th, tile * tw)[:, :, :oh, :ow].transpose(1, 0, 2, 3)
    if bias is not None:
        y += np.asarray(bias, dtype=m.dtype).reshape(1, o, 1, 1)
    return y


# what winograd_conv(..., check_finite=True) raises (all backends)
NONFINITE = ("winograd_conv: the result holds a NaN or an infinity (in the data, or an overflow "
             "in the transforms)")


def winograd_conv(x, u, padding=(1, 1), bias=None, out=None, *, check_finite=False):
    """The whole 3×3 stride-1 convolution from the filters' transform u = winograd_filter(w):
    x (n, C, h, w), u (K, O, C) → y (n, O, oh, ow), plus bias (O,): the three steps in turn,
    M[ξν] = U[ξν]·V[ξν] for the K entries (the compiled twin runs them block by block).
    The tile comes from u (K = 16 or 36).  ``check_finite``: raise FloatingPointError when y
    holds a NaN or an infinity, so that the caller can compute it another way: the transforms
    add and subtract values, so one Inf becomes Inf − Inf = NaN over its tile where the direct
    sum gives Inf, and large finite values can overflow inside them."""
    x, u, out_shape, tile = winograd_conv_geometry(x, u, padding)
    m = np.matmul(u, winograd_input(x, padding, tile=tile))
    y = winograd_output(m, out_shape, bias, out)
    if check_finite and not np.isfinite(y).all():
        raise FloatingPointError(NONFINITE)
    return y


def winograd_weight_grad(x, gy, padding=(1, 1), out=None, *, tile=2):
    """∂L/∂w (O, C, 3, 3) of the 3×3 stride-1 convolution y = conv(x, w) from x (n, C, h, w)
    and gy = ∂L/∂y (n, O, oh, ow), by the adjoints of the forward's steps: y = Aᵀ M A per tile
    gives dM = A dy Aᵀ (the rows and columns of dy past the output count as zero);
    M[ξν] = U[ξν]·V[ξν] gives dU[ξν] = dM[ξν]·V[ξν]ᵀ (K GEMMs, summing over the tiles);
    U = G g Gᵀ gives ∂L/∂g = Gᵀ dU G.  Numerical error (F(2×2, 3×3)): each dU entry sums
    P = n·th·tw products with |V| ≤ 4·max|d| and |dM| ≤ 4·max|dy|, weighed by at most 9/4 in
    Gᵀ dU G, so |∂L/∂g_winograd − ∂L/∂g| ≤ (P + 16)·ε·36·P·max|d|·max|dy| (first order;
    tested); F(4×4, 3×3): |V| ≤ 100·max|d|, |dM| ≤ 361·max|dy| (A's row sums 19), weighed by
    at most 1, so (P + 36)·ε·36100·P·max|d|·max|dy|."""
    k = winograd_entries(tile)
    x, gy, (n, c, h, w, th, tw, o, oh, ow) = winograd_grad_geometry(x, gy, padding, tile=tile)
    gy_pad = np.zeros((n, o, tile * th, tile * tw), dtype=x.dtype)
    gy_pad[:, :, :oh, :ow] = gy
    dy = gy_pad.reshape(n, o, th, tile, tw, tile)              # dy[n, o, i, r, j, s]
    _, g, a_t = MATRICES[tile]
    a = a_t.T.astype(x.dtype)                                   # A (m+2, m)
    dm = np.einsum("kr,noirjs,ls->klonij", a, dy, a).reshape(k, o, n * th * tw)
    du = np.matmul(dm, winograd_input(x, padding, tile=tile).transpose(0, 2, 1))  # (K, O, C)
    g = g.astype(x.dtype)
    dw = output(out, (o, c, 3, 3), x.dtype)
    dw[...] = np.einsum("ar,aboc,bs->ocrs", g, du.reshape(tile + 2, tile + 2, o, c), g)
    return dw
