"""Upsampling (``nn.Upsample``, ``F.interpolate``) as one differentiable operation.

Nearest and (bi)linear resizing make every output pixel a weighted sum of at most two input
pixels along each axis, one axis at a time (rows, then columns). Per axis, output index i
reads input ``left[i]`` with weight ``1 − λ_i`` and ``right[i]`` with weight ``λ_i``:

    y[i]       = (1 − λ_i)·x[left_i] + λ_i·x[right_i]        (nearest: y[i] = x[left_i])
    ∂L/∂x[j]   = Σ_{i: left_i = j} (1 − λ_i)·∂L/∂y[i] + Σ_{i: right_i = j} λ_i·∂L/∂y[i]

Where output index i falls in the input follows PyTorch's conventions, so the results match
``torch.nn.functional.interpolate``, with scale = in / out:

    nearest               src = ⌊i · scale⌋                         left = src
    linear, corners off   src = max((i + ½) · scale − ½, 0)         left = ⌊src⌋, right = left + 1
    linear, corners on    src = i · (in − 1) / (out − 1)             λ = src − ⌊src⌋
(the right neighbour is clamped to the last pixel).

The same thing is a product with a sparse (out × in) matrix A, y = A_h · x · A_wᵀ, but
computing it as a dense product would multiply every NaN or Inf of x by the zeros of A and
spread NaN over the whole row and column; gathering the two neighbours keeps it local, as
PyTorch does.
"""
import math

from ..autograd import Function
from ..backend import backend_of


def resize_taps(xp, n_in, n_out, mode, align_corners, scale, dtype):
    """One axis's taps: ``(left, None, None, None)`` for nearest, else ``(left, right,
    w_left, w_right)`` -- which input pixels output pixel i reads, with what weights.

    ``scale`` is in/out as PyTorch uses it (1/scale_factor when a factor is given).
    """
    rows = xp.arange(n_out)
    if mode == "nearest":
        return xp.minimum(xp.floor(rows * scale).astype(int), n_in - 1), None, None, None
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        src = rows * step
    else:
        src = xp.maximum((rows + 0.5) * scale - 0.5, 0.0)
    left = xp.minimum(xp.floor(src).astype(int), n_in - 1)
    right = xp.minimum(left + 1, n_in - 1)
    lam = (src - left).astype(dtype)
    return left, right, (1 - lam).astype(dtype), lam


def resize_matrix(xp, n_in, n_out, mode, align_corners, scale, dtype):
    """The (n_out, n_in) matrix A of one axis (row i: the weights of output pixel i): the
    taps written densely, for reading and for tests."""
    left, right, w_left, w_right = resize_taps(xp, n_in, n_out, mode, align_corners, scale, dtype)
    a = xp.zeros((n_out, n_in), dtype=dtype)
    rows = xp.arange(n_out)
    if right is None:
        a[rows, left] = 1
        return a
    a[rows, left] += w_left
    a[rows, right] += w_right
    return a


def _along(w, axis, ndim):
    """A weight vector shaped to broadcast along ``axis`` of an ``ndim``-axis array."""
    shape = [1] * ndim
    shape[axis] = -1
    return w.reshape(shape)


def _resize_axis(xp, x, axis, taps):
    left, right, w_left, w_right = taps
    picked = xp.take(x, left, axis=axis)
    if right is None:
        return picked
    return picked * _along(w_left, axis, x.ndim) + \
        xp.take(x, right, axis=axis) * _along(w_right, axis, x.ndim)


def _resize_axis_backward(xp, gy, axis, taps, n_in):
    """Scatter-add each output's gradient back onto the (at most two) pixels it read."""
    left, right, w_left, w_right = taps
    g = xp.moveaxis(gy, axis, 0)
    gx = xp.zeros((n_in,) + g.shape[1:], dtype=gy.dtype)
    if right is None:
        xp.add.at(gx, left, g)
    else:
        xp.add.at(gx, left, g * _along(w_left, 0, g.ndim))
        xp.add.at(gx, right, g * _along(w_right, 0, g.ndim))
    return xp.moveaxis(gx, 0, axis)


class Resize(Function):
    """Resize the last one (3-D input) or two (4-D input) axes: each output pixel a weighted
    sum of its (at most two) neighbours per axis; ∂L/∂x scatters ∂L/∂y back to them.

    ``size``: the output's spatial size (one int per resized axis); ``scales``: in/out per
    axis (what PyTorch uses to place the samples); ``mode``: "nearest" or "linear" (bilinear
    on 4-D input is linear along each of the two axes).
    """

    def __init__(self, size, scales, mode="nearest", align_corners=False):
        self.size, self.scales = size, scales
        self.mode, self.align_corners = mode, align_corners

    def forward(self, x):
        xp = backend_of(x).xp
        self.in_size = x.shape[2:]
        self.taps = [resize_taps(xp, n_in, n_out, self.mode, self.align_corners, s, x.dtype)
                     for n_in, n_out, s in zip(self.in_size, self.size, self.scales)]
        y = x
        for k, taps in enumerate(self.taps):           # rows, then columns
            y = _resize_axis(xp, y, 2 + k, taps)
        return xp.ascontiguousarray(y)

    def backward(self, gy):
        xp = backend_of(gy).xp
        g = gy
        for k in reversed(range(len(self.taps))):     # columns, then rows
            g = _resize_axis_backward(xp, g, 2 + k, self.taps[k], self.in_size[k])
        return xp.ascontiguousarray(g)


_MODES = {"nearest": (3, 4), "linear": (3,), "bilinear": (4,)}


_MAX_ELEMENTS = 2 ** 31     # about 8 GiB of float32: far beyond any image a layer resizes


def interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize x (N, C, L) or (N, C, H, W) to ``size`` or by ``scale_factor`` (PyTorch's
    ``F.interpolate``): modes "nearest", "linear" (3-D) and "bilinear" (4-D)."""
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, _MODES))}, got {mode!r}")
    if x.ndim not in _MODES[mode]:
        raise ValueError(f"mode {mode!r} expects {' or '.join(f'{n}-D' for n in _MODES[mode])} "
                         f"input (N, C, spatial...), got shape {tuple(x.shape)}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("align_corners only applies to the linear modes, not 'nearest'")
    if (size is None) == (scale_factor is None):
        raise ValueError("give exactly one of size and scale_factor")
    spatial = tuple(x.shape[2:])
    dims = len(spatial)
    if min(spatial) < 1:
        raise ValueError(f"interpolate: the input's spatial sizes must be >= 1 (as in PyTorch), "
                         f"got shape {tuple(x.shape)}")

    def per_axis(value, name):
        values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims
        if len(values) != dims:
            raise ValueError(f"{name} needs {dims} values for input of shape {tuple(x.shape)}, "
                             f"got {value!r}")
        return values

    if size is not None:
        size = per_axis(size, "size")
        for s in size:
            if isinstance(s, bool) or not isinstance(s, int) or s < 1:
                raise ValueError(f"size must be positive ints, got {size!r}")
        scales = tuple(n_in / n_out for n_in, n_out in zip(spatial, size))
    else:
        factors = per_axis(scale_factor, "scale_factor")
        for f in factors:
            if isinstance(f, bool) or not isinstance(f, (int, float)) or not 0 < f < math.inf:
                raise ValueError(f"scale_factor must be positive numbers, got {scale_factor!r}")
        size = tuple(int(math.floor(n * f)) for n, f in zip(spatial, factors))
        if min(size) < 1:
            raise ValueError(f"scale_factor {scale_factor!r} makes an empty output from "
                             f"spatial size {spatial}")
        scales = tuple(1.0 / f for f in factors)
    # An absurd size or factor (1e12) is refused here, by name, instead of failing to
    # allocate the output or the resize matrices (n_out × n_in per axis).
    elements = max(math.prod(x.shape[:2]), 1) * math.prod(size)
    matrices = max(n_out * n_in for n_out, n_in in zip(size, spatial))
    if max(elements, matrices) > _MAX_ELEMENTS:
        raise ValueError(f"interpolate: size {size} from input {tuple(x.shape)} would need "
                         f"{max(elements, matrices):,} elements (more than {_MAX_ELEMENTS:,})")
    linear = "linear" if mode != "nearest" else "nearest"
    return Resize(size, scales, linear, bool(align_corners))(x)
