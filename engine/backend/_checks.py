"""Input checks shared by every backend, so bad input fails the same way everywhere.

A kernel only ever sees C-contiguous float32/float64 arrays; everything else is either
converted here (non-contiguous views are copied) or refused with a message that names what
was expected and what was given. The shape arithmetic of convolution and pooling windows is
here too, for the same reason: one formula, one message, in every backend.
"""
import functools
import math
from dataclasses import dataclass

import numpy as np

from ..dtypes import FLOAT_DTYPES

# ------------------------------------------------------------------ arrays


def _kind(xp):
    """How the messages name an array of module ``xp``: "NumPy" or "CuPy"."""
    return "NumPy" if xp is np else "CuPy"


def float_input(x, name="x", xp=np):
    """Return ``x`` as a C-contiguous float32/float64 array of module ``xp`` (NumPy unless a
    backend says otherwise: the cuda backend passes CuPy), or raise TypeError."""
    if not isinstance(x, xp.ndarray):
        raise TypeError(f"{name} must be a {_kind(xp)} array, got {type(x).__name__}")
    flags = x.flags
    if not x.dtype.isnative or not getattr(flags, "aligned", True):
        x = native_layout(x, xp)
        flags = x.flags
    if x.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be float32 or float64, got dtype {x.dtype}")
    return x if flags.c_contiguous else xp.ascontiguousarray(x)


def native_layout(x, xp=np):
    """``x`` in this machine's byte order and aligned, as the C kernels read it: a big-endian
    '>f8' array becomes float64 (not float32: the precision is kept), a misaligned one (a view
    of a byte buffer at an odd offset) an aligned copy. Anything else is returned as it is."""
    if xp is not np:
        return x                             # device arrays are always native and aligned
    if not x.dtype.isnative:
        return x.astype(x.dtype.newbyteorder("="))
    if not x.flags.aligned:
        return x.copy()
    return x


def same_as(x, other, name, other_name="x", xp=np):
    """Check that ``other`` matches ``x`` in shape and dtype (e.g. a gradient and its input)."""
    other = float_input(other, name, xp)
    if other.shape != x.shape:
        raise ValueError(f"{name} must have the shape of {other_name} {x.shape}, got {other.shape}")
    if other.dtype != x.dtype:
        raise TypeError(f"{name} must have the dtype of {other_name} ({x.dtype}), got {other.dtype}")
    return other


class BufferMismatch(ValueError, TypeError):
    """A buffer written in place (``out=``, an optimizer's state) that does not fit the call.

    It is both a ValueError and a TypeError: a buffer of the wrong shape, dtype or layout is
    the wrong value for the call as much as the wrong type, and callers may catch either.
    """


def _writeable(buf):
    # CuPy arrays have no writeable flag: device memory is always writeable
    return getattr(buf.flags, "writeable", True)


def check_buffer(buf, shape, dtype, name="out", xp=np):
    """``buf`` must be a writeable C-contiguous NumPy array of ``shape`` and ``dtype``.

    Every kernel that writes into an array it was given (``out=``, ``cols``, an optimizer's
    state) checks it here, before any C code runs.
    """
    shape = tuple(shape)
    if (isinstance(buf, xp.ndarray) and buf.shape == shape and buf.dtype == dtype
            and buf.flags.c_contiguous and _writeable(buf)):
        return buf
    if isinstance(buf, xp.ndarray):
        given = f"shape {buf.shape} and dtype {buf.dtype}"
        if not (buf.flags.c_contiguous and _writeable(buf)):
            given += ", not writeable and C-contiguous"
    else:
        given = type(buf).__name__
    raise BufferMismatch(f"{name} must be a writeable C-contiguous array of shape {shape} "
                         f"and dtype {np.dtype(dtype)}, got {given}")


def output(out, shape, dtype, name="out", xp=np):
    """A buffer for a result: ``out`` after ``check_buffer``, or a new array.

    ``out=`` lets a training loop reuse its buffers instead of allocating (and
    page-faulting) a fresh array on every call.
    """
    if out is None:
        return xp.empty(shape, dtype)
    return check_buffer(out, shape, dtype, name, xp)


def normalize_axis(axis, ndim):
    """A non-negative axis index, or ValueError when ``axis`` is out of range."""
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array with {ndim} dimension(s)")
    return int(axis) % ndim


def split_at_axis(shape, axis):
    """View ``shape`` as (outer, n, inner) around ``axis``: what the softmax kernels loop over."""
    outer = math.prod(shape[:axis])
    inner = math.prod(shape[axis + 1:])
    return outer, shape[axis], inner


def prelu_layout(x, weight):
    """View ``x`` as (outer, channels, inner) for PReLU's per-channel slope.

    As in PyTorch, the channel axis is axis 1; one shared slope (``weight.size == 1``)
    treats the whole array as one channel.
    """
    if weight.ndim != 1:
        raise ValueError(f"PReLU weight must be 1-D (num_parameters,), got shape {weight.shape}")
    if weight.size == 1:
        return 1, 1, x.size
    if x.ndim < 2 or x.shape[1] != weight.size:
        raise ValueError(
            f"PReLU with {weight.size} slopes needs an input of shape (N, {weight.size}, ...), "
            f"got {x.shape}")
    return x.shape[0], weight.size, x.size // max(1, x.shape[0] * weight.size)


def gemm_operands(a, b, c, trans_a, trans_b, xp=np):
    """Check C = α·op(A)·op(B) + β·C's operands; return (m, n, k).

    ``a`` and ``b`` are 2-D float arrays of one dtype (any strides: a kernel packs them);
    ``c``, when given, is (m, n) of that dtype.
    """
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, xp.ndarray):
            raise TypeError(f"gemm: {name} must be a {_kind(xp)} array, got {type(x).__name__}")
        if x.dtype not in FLOAT_DTYPES:
            raise TypeError(f"gemm: {name} must be float32 or float64, got dtype {x.dtype}")
        if x.ndim != 2:
            raise ValueError(f"gemm: {name} must be 2-D, got shape {x.shape}")
    if a.dtype != b.dtype:
        raise TypeError(f"gemm: a and b must have one dtype, got {a.dtype} and {b.dtype}")
    m, k = a.shape[::-1] if trans_a else a.shape
    k_b, n = b.shape[::-1] if trans_b else b.shape
    if k != k_b:
        raise ValueError(f"gemm: op(a) is ({m}, {k}) and op(b) is ({k_b}, {n}): "
                         f"inner sizes {k} and {k_b} differ")
    if c is not None:
        if not isinstance(c, xp.ndarray) or c.dtype != a.dtype:
            raise TypeError(f"gemm: c must be a {a.dtype} {_kind(xp)} array")
        if c.shape != (m, n):
            raise ValueError(f"gemm: c must have shape ({m}, {n}), got {c.shape}")
    return m, n, k


# ------------------------------------------------- convolution and pooling windows
# A window along one axis of size i, with kernel k, stride s, padding p and dilation d,
# fits o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1 times. The kernels work on 3 spatial axes
# (depth, height, width); 1-D and 2-D inputs get size-1 leading axes with kernel 1,
# stride 1, padding 0 and dilation 1.


def expand(value, dims, name, minimum):
    """An int or a sequence of ``dims`` ints, each >= ``minimum``, as a tuple of ``dims`` ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * dims
    elif isinstance(value, (tuple, list)) and len(value) == dims and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        values = tuple(int(v) for v in value)
    else:
        raise TypeError(f"{name} must be an int or a tuple of {dims} ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    # (no upper bound here: the compiled kernels check their sizes against ptrdiff_t, and an
    # absurd window such as kernel 2**40 with padding 2**39 still has a right answer)
    return values


def output_size(size, kernel, stride, padding, dilation=1):
    """o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1 (may be < 1: the caller raises)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def checked_shape(shape, name):
    """``shape`` as a tuple of non-negative ints, or TypeError."""
    try:
        shape = tuple(int(v) for v in shape)
    except TypeError:
        raise TypeError(f"{name} must be a tuple of ints, got {shape!r}") from None
    if any(v < 0 for v in shape):
        raise ValueError(f"{name} must not have negative sizes, got {shape}")
    return shape


@dataclass(frozen=True)
class ConvGeometry:
    """Everything a kernel needs about one convolution's windows.

    ``in_size``, ``out_size``, ``kernel`` ... are the spatial values (``dims`` of them);
    ``c_args()`` pads them to 3 axes for the C kernels.
    """
    dims: int
    channels: int
    in_size: tuple
    out_size: tuple
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple

    @property
    def K(self):            # kernel elements per channel
        return math.prod(self.kernel)     # Python ints: no silent int64 wrap-around

    @property
    def L(self):            # output positions per image
        return math.prod(self.out_size)

    def c_args(self):
        """(channels, in, out, kernel, stride, padding, dilation), each padded to 3 axes."""
        def pad3(t, fill):
            return (fill,) * (3 - self.dims) + tuple(t)
        return (self.channels, pad3(self.in_size, 1), pad3(self.out_size, 1),
                pad3(self.kernel, 1), pad3(self.stride, 1), pad3(self.padding, 0),
                pad3(self.dilation, 1))


def _remembered(geometry):
    """``geometry`` with its answers kept: a network asks the same few questions every step
    (LeNet: 36 checked window settings per training step). Arguments that cannot be a
    dictionary key (a list) are answered afresh; errors are never kept."""
    kept = functools.lru_cache(maxsize=512, typed=True)(geometry)

    @functools.wraps(geometry)
    def answer(*args, **kwargs):
        try:
            return kept(*args, **kwargs)
        except TypeError as err:
            if "unhashable" not in str(err):
                raise
            return geometry(*args, **kwargs)
    return answer


@_remembered
def conv_geometry(x_shape, kernel_size, stride=1, padding=0, dilation=1, func="im2col"):
    """The ConvGeometry of input shape (N, C, *spatial) with 1 to 3 spatial axes."""
    if len(x_shape) not in (3, 4, 5):
        raise ValueError(f"{func}: expected an input (N, C, L), (N, C, H, W) or (N, C, D, H, W), "
                         f"got shape {tuple(x_shape)}")
    dims = len(x_shape) - 2
    kernel = expand(kernel_size, dims, "kernel_size", 1)
    stride = expand(stride, dims, "stride", 1)
    padding = expand(padding, dims, "padding", 0)
    dilation = expand(dilation, dims, "dilation", 1)
    in_size = tuple(int(v) for v in x_shape[2:])
    out = tuple(output_size(i, k, s, p, d)
                for i, k, s, p, d in zip(in_size, kernel, stride, padding, dilation))
    if any(i < 1 for i in in_size) or any(o < 1 for o in out):
        raise ValueError(
            f"{func}: input size {in_size} with kernel {kernel}, stride {stride}, padding "
            f"{padding}, dilation {dilation} gives output size {out}; each must be >= 1")
    return ConvGeometry(dims, int(x_shape[1]), in_size, out, kernel, stride, padding, dilation)


def col2im_input(cols, x_shape, kernel_size, stride, padding, dilation, xp=np):
    """Check col2im's arguments; return (cols, x_shape, geometry)."""
    cols = float_input(cols, "cols", xp)
    x_shape = checked_shape(x_shape, "x_shape")
    geo = conv_geometry(x_shape, kernel_size, stride, padding, dilation, "col2im")
    expected = (geo.channels * geo.K, x_shape[0] * geo.L)
    if cols.shape != expected:
        raise ValueError(f"col2im: cols must have shape {expected} for x_shape {x_shape}, "
                         f"got {cols.shape}")
    return cols, x_shape, geo


def weight_grad_input(x, gy, kernel_size, stride, padding, dilation, xp=np):
    """Check a weight gradient's arguments: x (n, C, *spatial) and gy (n, O, *out) of one
    float dtype, C-contiguous; return (x, gy, geometry)."""
    x, gy = float_input(x, "x", xp), float_input(gy, "gy", xp)
    if gy.dtype != x.dtype:
        raise TypeError(f"conv_weight_grad: x and gy must have one dtype, got {x.dtype} and "
                        f"{gy.dtype}")
    geo = conv_geometry(x.shape, kernel_size, stride, padding, dilation, "conv_weight_grad")
    if gy.ndim != x.ndim or gy.shape[0] != x.shape[0] or tuple(gy.shape[2:]) != geo.out_size:
        raise ValueError(f"conv_weight_grad: gy must have shape (n, O) + {geo.out_size} with "
                         f"n = {x.shape[0]}, got {gy.shape}")
    return x, gy, geo


def direct_input(x, weight, bias, stride, padding, dilation, xp=np, func="conv_direct"):
    """Check a one-group convolution forward's arguments: x (n, C, *spatial), weight
    (O, C, *kernel) and bias (O,) or None, one float dtype; return (x, weight, geometry)."""
    x, weight = float_input(x, "x", xp), float_input(weight, "weight", xp)
    if weight.dtype != x.dtype or (bias is not None and bias.dtype != x.dtype):
        raise TypeError(f"{func}: x, weight and bias must have one dtype, got {x.dtype}, "
                        f"{weight.dtype} and {None if bias is None else bias.dtype}")
    if weight.ndim != x.ndim or weight.shape[1] != x.shape[1]:
        raise ValueError(f"{func}: weight must be (O, {x.shape[1]}, *kernel) with "
                         f"{x.ndim - 2} kernel axes, got {weight.shape}")
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"{func}: bias must have shape ({weight.shape[0]},), got "
                         f"{bias.shape}")
    geo = conv_geometry(x.shape, weight.shape[2:], stride, padding, dilation, func)
    return x, weight, geo


def by_chunk_grads_input(x, weight, gy, stride, padding, dilation, needs, xp=np):
    """Check conv_by_chunk_grads' arguments: x and weight as for a one-group forward, gy
    (n, O, *out) of their dtype, needs two bools; return (x, weight, gy, geometry)."""
    x, weight, geo = direct_input(x, weight, None, stride, padding, dilation, xp,
                                  "conv_by_chunk_grads")
    gy = float_input(gy, "gy", xp)
    if gy.dtype != x.dtype:
        raise TypeError(f"conv_by_chunk_grads: x and gy must have one dtype, got {x.dtype} "
                        f"and {gy.dtype}")
    expected = (x.shape[0], weight.shape[0]) + geo.out_size
    if tuple(gy.shape) != expected:
        raise ValueError(f"conv_by_chunk_grads: gy must have shape {expected}, got {gy.shape}")
    if (not isinstance(needs, tuple) or len(needs) != 2
            or not all(isinstance(v, (bool, np.bool_)) for v in needs)):
        raise TypeError(f"conv_by_chunk_grads: needs must be a tuple of two bools (input, "
                        f"weight), got {needs!r}")
    return x, weight, gy, geo


@dataclass(frozen=True)
class PoolGeometry:
    """A pooling's windows over the last two axes (1-D pooling: height 1)."""
    planes: int
    in_size: tuple    # (h, w)
    out_size: tuple   # (oh, ow)
    kernel: tuple
    stride: tuple
    padding: tuple

    def c_args(self):
        return (self.planes, self.in_size, self.out_size, self.kernel, self.stride, self.padding)


@_remembered
def pool_geometry(x_shape, kernel_size, stride, padding, dims, func):
    """PoolGeometry for an input (N, C, *spatial) or (C, *spatial) with ``dims`` spatial axes.

    ``stride=None`` means stride = kernel_size (PyTorch's default). Padding must be at most
    half the kernel (as in PyTorch), so that no window lies entirely in the padding.
    """
    if len(x_shape) not in (dims + 1, dims + 2):
        raise ValueError(f"{func}: expected an input with {dims + 1} or {dims + 2} axes "
                         f"((C, ...) or (N, C, ...)), got shape {tuple(x_shape)}")
    kernel = expand(kernel_size, dims, "kernel_size", 1)
    stride = kernel if stride is None else expand(stride, dims, "stride", 1)
    padding = expand(padding, dims, "padding", 0)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(f"{func}: padding {padding} must be at most half of kernel_size {kernel}")
    in_size = tuple(int(v) for v in x_shape[-dims:])
    out = tuple(output_size(i, k, s, p) for i, k, s, p in zip(in_size, kernel, stride, padding))
    if any(i < 1 for i in in_size) or any(o < 1 for o in out):
        raise ValueError(f"{func}: input size {in_size} with kernel {kernel}, stride {stride}, "
                         f"padding {padding} gives output size {out}; each must be >= 1")
    planes = math.prod(x_shape[:-dims])
    if dims == 1:   # the kernels see a 1-D pooling as a 2-D one of height 1
        in_size, out, kernel, stride, padding = ((1,) + in_size, (1,) + out, (1,) + kernel,
                                                 (1,) + stride, (0,) + padding)
    return PoolGeometry(planes, in_size, out, kernel, stride, padding)


def pool_output_shape(x_shape, geo, dims):
    return tuple(x_shape[:-dims]) + tuple(geo.out_size[-dims:])


def pool_input(x, kernel_size, stride, padding, dims, func, xp=np):
    """Check a pooling forward's arguments; return (x, geometry, y's shape)."""
    x = float_input(x, "x", xp)
    geo = pool_geometry(x.shape, kernel_size, stride, padding, dims, func)
    return x, geo, pool_output_shape(x.shape, geo, dims)


def pool_gradient(gy, x_shape, kernel_size, stride, padding, dims, func, xp=np):
    """Check a pooling backward's arguments; return (gy, x_shape, geometry)."""
    gy = float_input(gy, "gy", xp)
    x_shape = checked_shape(x_shape, "x_shape")
    geo = pool_geometry(x_shape, kernel_size, stride, padding, dims, func)
    y_shape = pool_output_shape(x_shape, geo, dims)
    if gy.shape != y_shape:
        raise ValueError(f"{func}: gy must have shape {y_shape}, got {gy.shape}")
    return gy, x_shape, geo


# ------------------------------------------------- Winograd F(m×m, 3×3) transforms
# (reference/winograd.py has the equations and the layouts)

WINOGRAD_TILES = (2, 4)      # the output block's side m: F(2×2, 3×3) and F(4×4, 3×3)


def winograd_entries(tile):
    """(m + 2)²: the entries of one transformed tile, 16 for F(2×2, 3×3), 36 for F(4×4, 3×3)
    (ValueError for any other ``tile``)."""
    if isinstance(tile, bool) or not isinstance(tile, (int, np.integer)):
        raise TypeError(f"winograd: tile (the output block's side) must be an int, 2 or 4, got "
                        f"{type(tile).__name__}")
    if tile not in WINOGRAD_TILES:
        raise ValueError(f"winograd: tile (the output block's side) must be 2 or 4, got {tile}")
    return (tile + 2) ** 2


def winograd_tile_of(entries, func, name, expected):
    """The tile whose transformed tiles have ``entries`` entries (16 → 2, 36 → 4), or
    ValueError saying that ``name`` was expected to have shape ``expected``."""
    for tile in WINOGRAD_TILES:
        if entries == (tile + 2) ** 2:
            return tile
    raise ValueError(f"{func}: expected {name} {expected} (16 entries for F(2×2, 3×3), 36 for "
                     f"F(4×4, 3×3)), got {entries} entries")


def winograd_tiles(out_h, out_w, tile=2):
    """(th, tw): tile×tile output blocks per image."""
    return -(-out_h // tile), -(-out_w // tile)


def winograd_weight(w, xp=np):
    """``w`` checked as winograd_filter's weight (O, C, 3, 3), and (O, C)."""
    w = float_input(w, "w", xp)
    if w.ndim != 4 or w.shape[2:] != (3, 3):
        raise ValueError(f"winograd_filter: expected a weight (O, C, 3, 3), got {w.shape}")
    return w, w.shape[:2]


def winograd_input_geometry(x, padding, xp=np, tile=2):
    """``x`` checked as winograd_input's input (n, C, h, w), and (n, c, h, w, th, tw)."""
    winograd_entries(tile)
    x = float_input(x, "x", xp)
    if x.ndim != 4:
        raise ValueError(f"winograd_input: expected x (n, C, h, w), got {x.shape}")
    n, c, h, w = x.shape
    ph, pw = padding
    if ph < 0 or pw < 0:
        raise ValueError(f"winograd: padding must be >= 0, got {padding}")
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    if oh < 1 or ow < 1:
        raise ValueError(f"winograd: a 3×3 window does not fit an input of {h}×{w} with "
                         f"padding {padding}")
    return x, (n, c, h, w) + winograd_tiles(oh, ow, tile)


def winograd_conv_geometry(x, u, padding, xp=np):
    """``x`` (n, C, h, w) and the filters' transform ``u`` (16 or 36, O, C) of a 3×3 stride-1
    convolution padded by ``padding``, checked; returns x, u (x's dtype), the output shape
    (n, O, oh, ow) and the tile (2 or 4, from u's entries)."""
    x, (n, c, h, w, _, _) = winograd_input_geometry(x, padding, xp)
    u = xp.asarray(u, dtype=x.dtype)
    if u.ndim != 3 or u.shape[2] != c:
        raise ValueError(f"winograd_conv: expected u (16 or 36, O, {c}) for {c} input "
                         f"channels, got {u.shape}")
    tile = winograd_tile_of(u.shape[0], "winograd_conv", "u", f"(16 or 36, O, {c})")
    ph, pw = padding
    return x, u, (n, u.shape[1], h + 2 * ph - 2, w + 2 * pw - 2), tile


def winograd_grad_geometry(x, gy, padding, xp=np, tile=2):
    """``x`` (n, C, h, w) and the output gradient ``gy`` (n, O, oh, ow) of a 3×3 stride-1
    convolution padded by ``padding``, checked; returns x, gy (x's dtype) and
    (n, c, h, w, th, tw, o, oh, ow)."""
    x, (n, c, h, w, th, tw) = winograd_input_geometry(x, padding, xp, tile)
    gy = xp.asarray(gy, dtype=x.dtype)
    ph, pw = padding
    oh, ow = h + 2 * ph - 2, w + 2 * pw - 2
    if gy.ndim != 4 or gy.shape[0] != n or gy.shape[2:] != (oh, ow):
        raise ValueError(f"winograd_weight_grad: expected gy (n={n}, O, {oh}, {ow}) for x "
                         f"{x.shape} and padding {padding}, got {gy.shape}")
    return x, gy, (n, c, h, w, th, tw, gy.shape[1], oh, ow)


def winograd_output_geometry(m, out_shape, xp=np):
    """``m`` checked as winograd_output's products (16 or 36, O, n·th·tw) for an output
    ``out_shape`` (n, O, oh, ow), and (n, o, oh, ow, th, tw, tile); the tile from m's entries."""
    m = float_input(m, "m", xp)
    n, o, oh, ow = (int(s) for s in out_shape)
    tile = winograd_tile_of(m.shape[0] if m.ndim else 0, "winograd_output", "M",
                            f"(16 or 36, {o}, tiles)")
    th, tw = winograd_tiles(oh, ow, tile)
    if m.shape != ((tile + 2) ** 2, o, n * th * tw):
        raise ValueError(f"winograd_output: expected M of shape {((tile + 2) ** 2, o, n * th * tw)} "
                         f"for an output {tuple(out_shape)}, got {m.shape}")
    return m, (n, o, oh, ow, th, tw, tile)
