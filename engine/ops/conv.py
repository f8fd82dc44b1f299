"""Convolution as differentiable operations: im2col + GEMM, forward and backward in one place.

The slides' convolution (cross-correlation, as every framework computes it) of an input x
(N, C, *spatial) with a weight W (O, C/groups, *k) and bias b (O,) is, per output channel o
and output position l,

    y[n, o, l] = b[o] + Σ_{c, k} W[o, c, k] · x_pad[n, c, l·s + k·d]

with, per spatial axis, the output size   o = ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1.

Unfolding the patches into columns (``im2col``, see engine/backend/reference/conv.py) makes
this one matrix product per group:

    cols = im2col(X)                  (C·K, N·L)       K = ∏k, L = ∏o
    Y    = W · cols + b               (O, N·L)         W viewed as (O, C·K)
    dW   = dY · colsᵀ                 (O, C·K)
    db   = Σ_{n, l} dY
    dX   = col2im(Wᵀ · dY)            (N, C, *spatial)

(with groups, each group's rows of W, cols and Y form their own product).

Bounded memory: the column matrix of the whole batch can be huge (C·K·N·L elements), so the
batch is processed in chunks whose columns fit in a workspace of at most
``get_workspace_limit()`` bytes (64 MiB by default; ``set_workspace_limit``); for speed, big
batches are cut into cache-sized chunks well below that (see _chunk_size), and on the native
backend the loop over those chunks runs in C (see _c_chunks_count). The workspace
is allocated once and reused by every call (grown when a bigger one is needed), never
allocated per call. The backward recomputes each chunk's columns instead of keeping them,
except when the whole batch was one chunk and no other convolution has used the workspace
since this one's forward (the last convolution of a network, whose backward runs first):
then the columns are still there and the backward reuses them.
One workspace per thread (engine/ops/conv_workspace.py): convolutions may run at once in
several Python threads.
"""
import math

import numpy as np

from ..autograd import Function, is_grad_enabled
from ..backend import backend_of
from ..backend._checks import conv_geometry, expand
from ..dtypes import check_same_dtype
from ..validate import positive_int
from . import conv_workspace as _workspace_module
from .conv_workspace import _WHOLE_BATCH_BYTES, _chunk_size, _columns_kept, _workspace_arrays
from .conv_workspace import (get_workspace_limit, release_workspace,  # noqa: F401  (public here)
                             set_workspace_limit, workspace_size)


def __getattr__(name):
    """``conv._workspace``: the calling thread's workspace buffer as it is now (it is rebound
    when it grows)."""
    if name == "_workspace":
        return _workspace_module._workspace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ------------------------------------------------- 1×1 convolutions: straight to the GEMM

# A 1×1 convolution with stride 1, no padding and one group is a matrix product per image:
# its columns are the image itself, viewed as (C, L). Below this many output positions per
# image one GEMM per image costs more in calls than the columns' copy saves.
_POINTWISE_MIN_L = 64


def _pointwise(geo, groups):
    """True when the convolution is Y[n] = W·X[n] (no im2col, no col2im needed)."""
    return (groups == 1 and geo.L >= _POINTWISE_MIN_L and all(k == 1 for k in geo.kernel)
            and all(s == 1 for s in geo.stride) and all(p == 0 for p in geo.padding))


def _pointwise_forward(B, w_mat, x3, y3, bias):
    """Y[n] = W·X[n] + b, one GEMM per image, straight into the output (O, L) of each image."""
    for i in range(x3.shape[0]):
        B.gemm(w_mat, x3[i], y3[i])
    if bias is not None:
        y3 += bias[:, None]


def _pointwise_backward(B, w_mat, x3, gy3, gx3, gw):
    """dX[n] = Wᵀ·dY[n];  dW = Σ_n dY[n]·X[n]ᵀ  (one GEMM each per image, no col2im)."""
    for i in range(x3.shape[0]):
        if gx3 is not None:
            B.gemm(w_mat, gy3[i], gx3[i], trans_a=True)
        if gw is not None:
            B.gemm(gy3[i], x3[i], gw, beta=0.0 if i == 0 else 1.0, trans_b=True)


# ------------------------------------------------- 3×3 stride 1: Winograd F(m×m, 3×3)

# Winograd's minimal filtering (engine/backend/reference/winograd.py has the equations):
# F(2×2, 3×3) makes 16 multiplications per 2×2 output block and channel pair instead of 36,
# F(4×4, 3×3) 36 per 4×4 block instead of 144, at the price of three cheap transforms; for Y,
# for dX (itself such a convolution) and for dW (the adjoint transforms,
# B.winograd_weight_grad). The multiplications win when there are many channels: the GEMMs
# save in proportion to C·O, the transforms (which touch every tile of every channel) cost in
# proportion to C + O; and they win when there are enough tiles for long GEMMs. Winograd is
# chosen when the smaller channel count is at least MIN_CHANNELS, the output at least
# MIN_OUTPUT pixels, and channels² × pixels at least MIN_WORK (32 channels from 24×24, 64 from
# 12×12, 128 from 8×8), always with the larger tile: wherever either paid, F(4×4, 3×3) was as
# fast or faster (F(2×2, 3×3) stays in the kernels, with less transform arithmetic per
# output and 10 to 15 times less rounding error in float32, reference/winograd.py).
# Measured forward + backward through conv2d, float32, 1 thread, batch 32, C → C channels,
# time ÷ the im2col path's, F(2×2) / F(4×4) at 8², 12², 14², 16², 28², 32²:
#   C = 16:  1.86/1.79 2.06/1.85 1.99/2.25 1.35/1.67 1.32/1.23 0.83/0.88
#   C = 32:  1.70/1.52 1.43/1.21 1.31/1.41 1.05/1.09 1.04/0.90 0.83/0.68
#   C = 64:  1.20/1.10 1.10/0.88 1.03/1.05 0.80/0.80 0.81/0.65 0.64/0.53
#   C = 128: 0.85/0.75 0.80/0.64 0.79/0.73 0.62/0.55 0.66/0.52 0.57/0.47
# (and 256 → 256 at 8² 0.75/0.58; batch 64: 64 → 64 at 12² 1.06/0.86, 32 → 32 at 28² 0.99/0.86).
# Float64 gains more (64 → 64 at 32² 0.61/0.45, at 12² 0.73/0.56; 32 → 32 at 28² 0.77/0.60;
# 128 → 128 at 8² 0.62/0.54); the thresholds are float32's, the dtype students train in.
_WINOGRAD_MIN_CHANNELS = 32
_WINOGRAD_MIN_OUTPUT = 8 * 8
_WINOGRAD_MIN_WORK = (32 * 24) ** 2
_WINOGRAD_TILE = 4


# Only the compiled transforms pay: in NumPy the transforms cost more than the saved
# multiplications, and the reference backend keeps the slide's sliding window (im2col).
_WINOGRAD_BACKENDS = ("native",)


def _winograd(B, geo, groups, out_channels):
    """The output tile m (2 or 4) of the Winograd F(m×m, 3×3) that computes Y, dX and dW on
    backend ``B``, or 0 when they take the im2col path."""
    channels = min(geo.channels, out_channels)
    chosen = (B.name in _WINOGRAD_BACKENDS and geo.dims == 2 and groups == 1
              and geo.kernel == (3, 3) and geo.stride == (1, 1) and geo.dilation == (1, 1)
              and all(p <= 2 for p in geo.padding) and channels >= _WINOGRAD_MIN_CHANNELS
              and geo.L >= _WINOGRAD_MIN_OUTPUT and channels ** 2 * geo.L >= _WINOGRAD_MIN_WORK)
    return _WINOGRAD_TILE if chosen else 0


def _winograd_conv(B, tile, x, weight, padding, y, bias=None):
    """y = conv(x, weight) + bias, 3×3 stride 1, through Winograd's F(tile×tile, 3×3):
    U = G g Gᵀ (filters), then per block of tiles V = Bᵀ d B, M[ξν] = U[ξν]·V[ξν] (one GEMM
    per tile entry) and y = Aᵀ M A, each block while it is in the cache
    (csrc/conv/winograd_fused_body.h).  Raises FloatingPointError when y holds a NaN or an
    infinity: the transforms add and subtract values, so one Inf becomes Inf − Inf = NaN
    across its tile where the direct sum gives Inf (and large values can overflow inside
    them); the caller then takes the im2col path, which agrees with the NumPy twin."""
    return B.winograd_conv(x, B.winograd_filter(weight, tile=tile), padding, bias, out=y,
                           check_finite=True)


def _winograd_input_grad(B, tile, gy, weight, padding, gx):
    """dX of a 3×3 stride-1 convolution is itself one: dY padded by 2 − p, convolved with the
    filters turned by 180° and input/output channels swapped."""
    turned = B.xp.ascontiguousarray(weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
    return _winograd_conv(B, tile, gy, turned, tuple(2 - p for p in padding), gx)


def _winograd_grads(B, tile, x, gy, weight, padding, gx, gw):
    """dX into gx and dW into gw (either None when not wanted) through Winograd; False when
    one of them holds a NaN or an infinity (the caller then computes both by im2col)."""
    try:
        if gx is not None:
            _winograd_input_grad(B, tile, gy, weight, padding, gx)
    except FloatingPointError:
        return False
    if gw is not None:
        B.winograd_weight_grad(x, gy, padding, out=gw.reshape(weight.shape), tile=tile)
        if not bool(B.xp.isfinite(gw.sum())):        # O·C·9 values: a quick look
            return False
    return True


# ------------------------------------------------- few weights: no columns

# A convolution with few weights (O·C·K; LeNet conv1: 6 × 25) does little arithmetic per
# column entry, so writing the columns (5 MB for LeNet conv1's batch of 64) and reading them
# back cost more than the products. The native backend computes such a forward and its weight
# gradient from x in place (B.conv_direct, B.conv_weight_grad: csrc/conv/direct_body.h): the
# forward writes y (N, O, ...) directly, without the channel-major copy, and the weight
# gradient runs when the forward left no columns to reuse. One group, unit width stride;
# with more weights the im2col + GEMM path's register tiles win (LeNet conv2, 16 × 150:
# 0.45 ms for its dW this way against 0.2 through the kept columns).
_WITHOUT_COLUMNS_MAX_WEIGHTS = 512


def _without_columns(B, geo, groups, out_channels):
    return (B.name == "native" and groups == 1 and geo.stride[-1] == 1
            and out_channels * geo.channels * geo.K <= _WITHOUT_COLUMNS_MAX_WEIGHTS)


# ------------------------------------------------- big batches: chunks in C

# When the whole batch's columns would not fit the cache anyway (more than
# _WHOLE_BATCH_BYTES: they are chunked, and the backward recomputes them), the native backend
# runs the im2col path in C, in chunks of images whose columns stay in the L2 cache between
# the im2col and the GEMM (B.conv_by_chunk, B.conv_by_chunk_grads: csrc/conv/conv.h): no
# Python between the chunks, so they can be that small; one image's output block is already
# y's (O, L); and the threads share out whole chunks.  (Each thread's buffers hold one chunk;
# where that exceeds the workspace limit, huge images, the chunks below take over.)
# Measured, forward + backward, this path's time ÷ the Python chunks' (2-core EPYC): at 1
# thread 16→16 3×3 at 32² 0.85, 16→32 at 28² 0.87, 8→16 at 28² 0.90, LeNet conv2 at batch 512
# 0.90, 3→32 stride 2 at batch 1024 0.92, 32→64 at 16² 1.01–1.05; at 2 threads 0.71–0.89 on
# all of these. Below _WHOLE_BATCH_BYTES the whole batch stays one chunk, whose columns the
# backward reuses: LeNet conv2 at batch 64 would take 1.14× its time in C chunks. Without a
# graph (engine.no_grad: evaluation) no backward follows, and a batch whose columns exceed
# _NO_GRAD_WHOLE_BATCH_BYTES (two chunks' worth) goes in C chunks too: the forward alone, C
# chunks ÷ one whole-batch chunk, batch 64, 2 threads: LeNet conv2 0.79, 3→32 stride 2 at 32²
# 0.70, 16→16 at 14² 0.86, 32→32 at 8² 0.95, 3→16 at 32² 1.00, 16→32 at 28² (batch 16) 0.70;
# 1 thread 0.83–1.01. (LeNet conv2 at batch 8, 0.5 MB of columns: 1.07 and 1.34, so not there.)
_NO_GRAD_WHOLE_BATCH_BYTES = 2**20
def _c_chunks_count(B, x_shape, weight_shape, dtype, geo, groups, backward,
                    whole_batch_bytes=_WHOLE_BATCH_BYTES):
    """How many values of work the native kernels in chunks need for this convolution, or
    None where that path is not taken (``whole_batch_bytes``: the columns of a batch below
    this many bytes are kept for the backward instead)."""
    n, itemsize = x_shape[0], np.dtype(dtype).itemsize
    if (B.name != "native" or groups != 1 or n < 2
            or n * geo.channels * geo.K * geo.L * itemsize <= whole_batch_bytes):
        return None
    count = B.conv_by_chunk_work(x_shape, weight_shape, dtype, geo.stride, geo.padding,
                                 geo.dilation, backward=backward)
    return count if count * itemsize <= get_workspace_limit() else None


def _c_chunks_work(B, x, weight, geo, groups, backward):
    """That work buffer, from the calling thread's workspace; None where the path is not
    taken."""
    whole_batch = (_WHOLE_BATCH_BYTES if backward or is_grad_enabled()
                   else _NO_GRAD_WHOLE_BATCH_BYTES)
    count = _c_chunks_count(B, x.shape, weight.shape, x.dtype, geo, groups, backward,
                            whole_batch)
    return None if count is None else _workspace_arrays(B, x.dtype, (count,))[0]


# ------------------------------------------------- channel-major <-> batch-major

def _to_channel_major(B, a, buf):
    """(m, C, L) → (C, m·L): the GEMM's layout, with the images side by side."""
    m, c, l = a.shape
    B.xp.copyto(buf.reshape(c, m, l), a.transpose(1, 0, 2))
    return buf


def _from_channel_major(B, buf, out, bias):
    """(C, m·L) → out (m, C, L), adding ``bias[c]`` on the way (one pass)."""
    m, c, l = out.shape
    src = buf.reshape(c, m, l).transpose(1, 0, 2)
    if bias is None:
        B.xp.copyto(out, src)
    else:
        B.xp.add(src, bias.reshape(1, c, 1), out=out)


def _grouped_gemm(B, groups, a, b, c, beta=0.0, trans_a=False, trans_b=False):
    """c_g = op(a_g)·op(b_g) + β·c_g for each group g: a, b, c are stacks split along rows."""
    a_rows, b_rows, c_rows = a.shape[0] // groups, b.shape[0] // groups, c.shape[0] // groups
    for g in range(groups):
        B.gemm(a[g * a_rows:(g + 1) * a_rows], b[g * b_rows:(g + 1) * b_rows],
                     c[g * c_rows:(g + 1) * c_rows], 1.0, beta, trans_a, trans_b)


def _same_dtype(B, x, weight, bias):
    check_same_dtype("convolution", input=x, weight=weight, bias=bias)   # as PyTorch
    dtype = x.dtype
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"convolution needs float32 or float64 arrays, got {x.dtype} and "
                        f"{weight.dtype}")
    cast = [B.xp.ascontiguousarray(a, dtype=dtype) if a is not None else None
            for a in (x, weight, bias)]
    return cast


def _check_bias(bias, channels, func):
    if bias is not None and bias.shape != (channels,):
        raise ValueError(f"{func}: bias must have shape ({channels},), got {bias.shape}")


# ----------------------------------------------------------------- convolution

class ConvNd(Function):
    """Convolution with 1, 2 or 3 spatial axes (the axes count comes from the input).

    Shapes: x (N, C, *i), weight (O, C/groups, *k), bias (O,) or none → y (N, O, *o),
    o = ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1 per axis.

    Forward   Y = W·im2col(X) + b
    Backward  dW = dY·im2col(X)ᵀ,   db = Σ_{n,l} dY,   dX = col2im(Wᵀ·dY)
    """

    def __init__(self, stride=1, padding=0, dilation=1, groups=1):
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.groups = positive_int(groups, "conv: groups")
        self._token = object()      # names this op's columns in the workspace

    def _geometry(self, x, weight):
        if weight.ndim != x.ndim:
            raise ValueError(f"conv: weight must have {x.ndim} axes (out, in/groups, *kernel) "
                             f"for an input of shape {x.shape}, got shape {weight.shape}")
        c, o, g = x.shape[1], weight.shape[0], self.groups
        if c % g or o % g:
            raise ValueError(f"conv: in_channels {c} and out_channels {o} must be divisible by "
                             f"groups {g}")
        if weight.shape[1] != c // g:
            raise ValueError(f"conv: weight {weight.shape} expects {weight.shape[1] * g} input "
                             f"channels, but the input has {c} (shape {x.shape}, groups {g})")
        return conv_geometry(x.shape, weight.shape[2:], self.stride, self.padding,
                             self.dilation, "conv")

    def forward(self, x, weight, bias=None):
        B = self.B = backend_of(x)
        x, weight, bias = _same_dtype(B, x, weight, bias)
        geo = self._geometry(x, weight)
        _check_bias(bias, weight.shape[0], "conv")
        self.x, self.weight, self.geo = x, weight, geo
        n, out_channels = x.shape[0], weight.shape[0]
        w_mat = _matrix(weight, out_channels)                        # (O, C/g·K)
        y = B.xp.empty((n, out_channels) + geo.out_size, dtype=x.dtype)
        if y.size == 0 or x.size == 0:     # nothing to multiply: the kernels are not called
            return _no_work_output(y, bias)
        y3 = y.reshape(n, out_channels, geo.L)
        if _pointwise(geo, self.groups):
            _pointwise_forward(B, w_mat, x.reshape(n, geo.channels, geo.L), y3, bias)
            return y
        tile = _winograd(B, geo, self.groups, out_channels)
        if tile:
            try:
                return _winograd_conv(B, tile, x, weight, geo.padding, y, bias)
            except FloatingPointError:
                pass                          # a NaN or an infinity: the im2col path below
        if (_without_columns(B, geo, self.groups, out_channels)
                and B.conv_direct(x, weight, bias, geo.stride, geo.padding, geo.dilation,
                                  out=y) is not None):
            return y
        work = _c_chunks_work(B, x, weight, geo, self.groups, backward=False)
        if work is not None:
            return B.conv_by_chunk(x, weight, bias, geo.stride, geo.padding, geo.dilation,
                                   out=y, work=work)
        ck, L = geo.channels * geo.K, geo.L
        chunk = _chunk_size(n, (ck + out_channels) * L, x.dtype)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            cols, ybuf = _workspace_arrays(B, x.dtype, (ck, m * L), (out_channels, m * L),
                                           owner=self._token if m == n else None)
            self._im2col(x[start:start + m], cols)
            if m == 1:      # one image: its (O, L) output is already channel-major
                _grouped_gemm(B, self.groups, w_mat, cols, y3[start])
                if bias is not None:
                    y3[start] += bias[:, None]
                continue
            _grouped_gemm(B, self.groups, w_mat, cols, ybuf)
            _from_channel_major(B, ybuf, y3[start:start + m], bias)
        return y

    def _im2col(self, x, cols):
        geo = self.geo
        self.B.im2col(x, geo.kernel, geo.stride, geo.padding, geo.dilation, out=cols)

    def backward(self, gy):
        need_x, need_w = self.needs_input_grad[:2]
        need_b = len(self.needs_input_grad) > 2 and self.needs_input_grad[2]
        B, x, weight, geo = self.B, self.x, self.weight, self.geo
        n, out_channels = x.shape[0], weight.shape[0]
        ck, L = geo.channels * geo.K, geo.L
        gy3 = B.xp.ascontiguousarray(gy, dtype=x.dtype).reshape(n, out_channels, L)
        if gy.size == 0 or x.size == 0:    # an empty batch: zero gradients, never np.empty's
            return _no_work_grads(B, self.needs_input_grad, x, weight, gy3)
        w_mat = _matrix(weight, out_channels)
        gx = B.xp.empty_like(x) if need_x else None
        gw = B.xp.empty_like(w_mat) if need_w else None
        pointwise = _pointwise(geo, self.groups)
        if pointwise:
            _pointwise_backward(B, w_mat, x.reshape(n, geo.channels, L), gy3,
                                None if gx is None else gx.reshape(n, geo.channels, L), gw)
        tile = _winograd(B, geo, self.groups, out_channels)
        if tile and _winograd_grads(B, tile, x, gy3.reshape(gy.shape), weight, geo.padding,
                                    gx if need_x else None, gw if need_w else None):
            need_x = need_w = False           # done: the im2col loop below has nothing to do
        if (need_w and not pointwise and _without_columns(B, geo, self.groups, out_channels)
                and not _columns_kept(self._token)):
            B.conv_weight_grad(x, gy3.reshape(gy.shape), geo.kernel, geo.stride, geo.padding,
                               geo.dilation, out=gw)
            need_w = False                    # done without the columns
        work = (_c_chunks_work(B, x, weight, geo, self.groups, backward=True)
                if (need_x or need_w) and not pointwise else None)
        if work is not None:
            B.conv_by_chunk_grads(x, weight, gy3.reshape(gy.shape), geo.stride, geo.padding,
                                  geo.dilation, needs=(need_x, need_w), gx=gx,
                                  gw=None if gw is None else gw.reshape(weight.shape),
                                  work=work)
            need_x = need_w = False           # done, in C
        chunk = _chunk_size(n, (ck + out_channels) * L, x.dtype)
        todo = need_x or need_w
        for start in range(0, n if todo and not pointwise else 0, chunk):  # the im2col path
            m = min(chunk, n - start)
            kept = m == n and _columns_kept(self._token)   # the forward's columns are there
            cols, dybuf = _workspace_arrays(B, x.dtype, (ck, m * L), (out_channels, m * L))
            dy = gy3[start] if m == 1 else _to_channel_major(B, gy3[start:start + m], dybuf)
            if need_w:      # dW += dY·colsᵀ  (the columns are recomputed, unless kept)
                if not kept:
                    self._im2col(x[start:start + m], cols)
                _grouped_gemm(B, self.groups, dy, cols, gw,
                              beta=0.0 if start == 0 else 1.0, trans_b=True)
            if need_x:      # dX = col2im(Wᵀ·dY)  (the columns' buffer is reused)
                _grouped_gemm(B, self.groups, w_mat, dy, cols, trans_a=True)
                B.col2im(cols, (m,) + x.shape[1:], geo.kernel, geo.stride,
                                    geo.padding, geo.dilation, out=gx[start:start + m])
        grads = (gx, None if gw is None else gw.reshape(weight.shape))
        if len(self.needs_input_grad) > 2:
            # along the contiguous axis first: NumPy's pairwise sum, ~2× faster than both
            # axes at once
            grads += (gy3.sum(axis=2).sum(axis=0) if need_b else None,)
        return grads


class ConvTransposeNd(Function):
    """Transposed convolution ("deconvolution"): the adjoint of ConvNd w.r.t. its input.

    Shapes: x (N, C_in, *i), weight (C_in, C_out/groups, *k), bias (C_out,) → y (N, C_out, *o),
    o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1 per axis.

    Forward   Y = col2im(Wᵀ·X) + b         (W viewed as (C_in, C_out/g·K))
    Backward  dX = W·im2col(dY),   dW = X·im2col(dY)ᵀ,   db = Σ_{n,l} dY

    i.e. the forward of a transposed convolution is the input gradient of a convolution, and
    its input gradient is a convolution's forward.
    """

    def __init__(self, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.output_padding = output_padding
        self.groups = positive_int(groups, "conv_transpose: groups")

    def _geometry(self, x, weight):
        dims, g = x.ndim - 2, self.groups
        if dims not in (1, 2, 3) or weight.ndim != x.ndim:
            raise ValueError(f"conv_transpose: expected x (N, C_in, *spatial) and weight "
                             f"(C_in, C_out/groups, *kernel) with as many axes, got {x.shape} "
                             f"and {weight.shape}")
        if x.shape[1] != weight.shape[0] or x.shape[1] % g:
            raise ValueError(f"conv_transpose: weight {weight.shape} expects {weight.shape[0]} "
                             f"input channels (divisible by groups {g}), the input has "
                             f"{x.shape[1]}")
        kernel = weight.shape[2:]
        stride = expand(self.stride, dims, "stride", 1)
        padding = expand(self.padding, dims, "padding", 0)
        dilation = expand(self.dilation, dims, "dilation", 1)
        extra = expand(self.output_padding, dims, "output_padding", 0)
        # PyTorch allows output_padding < max(stride, dilation); the extra rows here come from
        # the stride alone (the transposed convolution's geometry holds only then).
        if any(e >= s for e, s in zip(extra, stride)):
            raise ValueError(f"conv_transpose: output_padding {extra} must be smaller than "
                             f"stride {stride}")
        out = tuple((i - 1) * s - 2 * p + d * (k - 1) + e + 1 for i, s, p, d, k, e
                    in zip(x.shape[2:], stride, padding, dilation, kernel, extra))
        if any(o < 1 for o in out):
            raise ValueError(f"conv_transpose: output size {out} must be >= 1")
        y_shape = (x.shape[0], weight.shape[1] * g) + out
        # the convolution this one is the transpose of: from y's shape back to x's
        geo = conv_geometry(y_shape, kernel, stride, padding, dilation, "conv_transpose")
        assert geo.out_size == tuple(x.shape[2:])
        return geo, y_shape

    def forward(self, x, weight, bias=None):
        B = self.B = backend_of(x)
        x, weight, bias = _same_dtype(B, x, weight, bias)
        geo, y_shape = self._geometry(x, weight)
        _check_bias(bias, y_shape[1], "conv_transpose")
        self.x, self.weight, self.geo = x, weight, geo
        n, c_in, c_out = x.shape[0], x.shape[1], y_shape[1]
        w_mat = _matrix(weight, c_in)                                # (C_in, C_out/g·K)
        x3 = x.reshape(n, c_in, geo.L)
        y = B.xp.empty(y_shape, dtype=x.dtype)
        if y.size == 0 or x.size == 0:
            return _no_work_output(y, bias)
        ck, L = c_out * geo.K, geo.L
        chunk = _chunk_size(n, (ck + c_in) * L, x.dtype)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            cols, xbuf = _workspace_arrays(B, x.dtype, (ck, m * L), (c_in, m * L))
            xm = x3[start] if m == 1 else _to_channel_major(B, x3[start:start + m], xbuf)
            _grouped_gemm(B, self.groups, w_mat, xm, cols, trans_a=True)
            B.col2im(cols, (m,) + y_shape[1:], geo.kernel, geo.stride, geo.padding,
                                geo.dilation, out=y[start:start + m])
        if bias is not None:
            y.reshape(n, c_out, -1)[...] += bias[:, None]
        return y

    def backward(self, gy):
        need_x, need_w = self.needs_input_grad[:2]
        need_b = len(self.needs_input_grad) > 2 and self.needs_input_grad[2]
        B, x, weight, geo = self.B, self.x, self.weight, self.geo
        n, c_in = x.shape[:2]
        c_out, L = geo.channels, geo.L
        ck = c_out * geo.K
        gy = B.xp.ascontiguousarray(gy, dtype=x.dtype)
        if gy.size == 0 or x.size == 0:
            return _no_work_grads(B, self.needs_input_grad, x, weight, gy.reshape(n, c_out, math.prod(gy.shape[2:])))
        w_mat = _matrix(weight, c_in)
        x3 = x.reshape(n, c_in, L)
        gx = B.xp.empty_like(x) if need_x else None
        gx3 = None if gx is None else gx.reshape(n, c_in, L)
        gw = B.xp.empty_like(w_mat) if need_w else None
        chunk = _chunk_size(n, (ck + c_in) * L, x.dtype)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            cols, buf = _workspace_arrays(B, x.dtype, (ck, m * L), (c_in, m * L))
            B.im2col(gy[start:start + m], geo.kernel, geo.stride, geo.padding,
                                geo.dilation, out=cols)
            if need_x:      # dX = W·im2col(dY)
                if m == 1:
                    _grouped_gemm(B, self.groups, w_mat, cols, gx3[start])
                else:
                    _grouped_gemm(B, self.groups, w_mat, cols, buf)
                    _from_channel_major(B, buf, gx3[start:start + m], None)
            if need_w:      # dW += X·im2col(dY)ᵀ
                xm = x3[start] if m == 1 else _to_channel_major(B, x3[start:start + m], buf)
                _grouped_gemm(B, self.groups, xm, cols, gw,
                              beta=0.0 if start == 0 else 1.0, trans_b=True)
        grads = (gx, None if gw is None else gw.reshape(weight.shape))
        if len(self.needs_input_grad) > 2:
            grads += (gy.reshape(n, c_out, -1).sum(axis=(0, 2)) if need_b else None,)
        return grads


def _matrix(weight, rows):
    """The weight as a (rows, rest) matrix; not ``reshape(rows, -1)``, ambiguous for rows = 0."""
    return weight.reshape(rows, weight.size // rows if rows else 0)


def _no_work_output(y, bias):
    """A convolution's output when a size is 0 (batch, channels): the bias, or zeros; the
    kernels skip zero-size work, so the np.empty output would otherwise stay uninitialised."""
    y[...] = 0
    if bias is not None and y.size:
        y.reshape(y.shape[0], y.shape[1], -1)[...] += bias[:, None]
    return y


def _no_work_grads(B, needs, x, weight, gy3):
    """Gradients when a size is 0: zeros (an empty sum), never an uninitialised accumulator;
    the bias gradient is Σ gy, which is what is left (input channels of 0 give a real one)."""
    grads = (B.xp.zeros_like(x) if needs[0] else None,
             B.xp.zeros_like(weight) if needs[1] else None)
    if len(needs) > 2:
        grads += (gy3.sum(axis=(0, 2)).astype(x.dtype) if needs[2] else None,)
    return grads


def conv(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Apply ConvNd (any of 1-D, 2-D, 3-D, from the input's shape)."""
    f = ConvNd(stride, padding, dilation, groups)
    return f(x, weight) if bias is None else f(x, weight, bias)


def conv_transpose(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                   dilation=1):
    """Apply ConvTransposeNd."""
    f = ConvTransposeNd(stride, padding, output_padding, groups, dilation)
    return f(x, weight) if bias is None else f(x, weight, bias)
