"""Upsampling (``nn.Upsample``, ``F.interpolate``) as one differentiable operation.

Nearest and (bi)linear resizing both make every output pixel a weighted sum of input pixels,
one axis at a time, so they are two small matrices: ``A_h`` (H_out × H_in) for the rows and
``A_w`` (W_out × W_in) for the columns.  Forward and backward are then

    y  = A_h · x · A_wᵀ            (on the last two axes of x (N, C, H, W))
    ∂L/∂x = A_hᵀ · ∂L/∂y · A_w

and for 3-D input x (N, C, L) only the last axis is resized: y = x · A_wᵀ, ∂L/∂x = ∂L/∂y · A_w.

The rows of A come from where output index i falls in the input (PyTorch's conventions, so
the results match ``torch.nn.functional.interpolate``), with scale = in / out:

    nearest               src = ⌊i · scale⌋                         A[i, src] = 1
    linear, corners off   src = max((i + ½) · scale − ½, 0)         A[i, ⌊src⌋] = 1 − λ,
    linear, corners on    src = i · (in − 1) / (out − 1)             A[i, ⌊src⌋ + 1] = λ,
                                                                    λ = src − ⌊src⌋
(the right neighbour is clamped to the last pixel).
"""
import math

from ..autograd import Function
from ..backend import backend_of


def resize_matrix(xp, n_in, n_out, mode, align_corners, scale, dtype):
    """The (n_out, n_in) matrix A of one axis: row i holds the weights of output pixel i.

    ``scale`` is in/out as PyTorch uses it (1/scale_factor when a factor is given).
    """
    a = xp.zeros((n_out, n_in), dtype=dtype)
    rows = xp.arange(n_out)
    if mode == "nearest":
        src = xp.minimum(xp.floor(rows * scale).astype(int), n_in - 1)
        a[rows, src] = 1
        return a
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        src = rows * step
    else:
        src = xp.maximum((rows + 0.5) * scale - 0.5, 0.0)
    left = xp.minimum(xp.floor(src).astype(int), n_in - 1)
    right = xp.minimum(left + 1, n_in - 1)
    lam = (src - left).astype(dtype)
    a[rows, left] += 1 - lam
    a[rows, right] += lam
    return a


class Resize(Function):
    """y = A_h · x · A_wᵀ (4-D) or y = x · A_wᵀ (3-D); ∂L/∂x = A_hᵀ · ∂L/∂y · A_w.

    ``size``: the output's spatial size (one int per resized axis); ``scales``: in/out per
    axis (what PyTorch uses to place the samples); ``mode``: "nearest" or "linear" (bilinear
    on 4-D input is linear along each of the two axes).
    """

    def __init__(self, size, scales, mode="nearest", align_corners=False):
        self.size, self.scales = size, scales
        self.mode, self.align_corners = mode, align_corners

    def forward(self, x):
        B = backend_of(x)
        xp = B.xp
        self.mats = [resize_matrix(xp, n_in, n_out, self.mode, self.align_corners, s, x.dtype)
                     for n_in, n_out, s in zip(x.shape[2:], self.size, self.scales)]
        if x.ndim == 3:
            (a_w,) = self.mats
            return xp.ascontiguousarray(x @ a_w.T)
        a_h, a_w = self.mats
        return xp.ascontiguousarray(a_h @ x @ a_w.T)

    def backward(self, gy):
        if len(self.mats) == 1:
            (a_w,) = self.mats
            return gy @ a_w
        a_h, a_w = self.mats
        return a_h.T @ gy @ a_w


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
