"""Pooling as differentiable operations: max and average over windows, forward beside backward.

For a window of kernel k, stride s and padding p along each pooled axis (output size
o = ⌊(i + 2p − k)/s⌋ + 1):

    max pooling      y = max_{window} x          ∂L/∂x = ∂L/∂y at the window's argmax, 0 elsewhere
    average pooling  y = (1/|k|) Σ_{window} x     ∂L/∂x = Σ over windows containing x of ∂L/∂y / |k|

Max pooling ignores the padding (it never wins); average pooling counts it as zeros, so the
divisor is always |k| = the number of kernel elements (PyTorch's ``count_include_pad=True``).
The forward keeps the argmax indices so the backward needs no search.
"""
import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..validate import is_int, positive_int


class _Pool(Function):
    """The settings of a pooling over the last ``dims`` (1 or 2) axes of x (N, C, *i) or (C, *i)."""

    def __init__(self, kernel_size, stride=None, padding=0, dims=2):
        self.args = (kernel_size, stride, padding)
        self.dims = dims


class MaxPool(_Pool):
    """Max pooling: y = max over each window;  ∂L/∂x = ∂L/∂y at the window's argmax."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x_shape = x.shape
        pool = B.max_pool1d if self.dims == 1 else B.max_pool2d
        y, self.argmax = pool(x, *self.args)
        return y

    def backward(self, gy):
        B = self.B
        back = B.max_pool1d_backward if self.dims == 1 else B.max_pool2d_backward
        return back(gy, self.argmax, self.x_shape, *self.args)


class AvgPool(_Pool):
    """Average pooling: y = (1/|k|) Σ over each window;  ∂L/∂x = Σ over windows of ∂L/∂y / |k|."""

    def forward(self, x):
        B = self.B = backend_of(x)
        self.x_shape = x.shape
        pool = B.avg_pool1d if self.dims == 1 else B.avg_pool2d
        return pool(x, *self.args)

    def backward(self, gy):
        B = self.B
        back = B.avg_pool1d_backward if self.dims == 1 else B.avg_pool2d_backward
        return back(gy, self.x_shape, *self.args)


class AdaptiveAvgPool(Function):
    """Average pooling to a fixed output size (oh, ow) over the last two axes of (N, C, H, W)
    or (C, H, W).  Output cell (i, j) averages rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1 and the
    columns found the same way (windows may overlap when H is not a multiple of oh):

        y_ij = (1/|R_i|·|C_j|) Σ_{r ∈ R_i, c ∈ C_j} x_rc
        ∂L/∂x_rc = Σ over the cells (i, j) whose window holds (r, c) of ∂L/∂y_ij / (|R_i|·|C_j|)
    """

    def __init__(self, output_size):
        size = (output_size, output_size) if is_int(output_size) or output_size is None \
            else output_size
        if not isinstance(size, (tuple, list)) or len(size) != 2:
            raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got "
                             f"{output_size!r}")
        self.output_size = tuple(positive_int(s, "adaptive_avg_pool2d: output_size",
                                              allow_none=True) for s in size)

    @staticmethod
    def _windows(n_in, n_out):
        return [(i * n_in // n_out, -(-(i + 1) * n_in // n_out)) for i in range(n_out)]

    def forward(self, x):
        if x.ndim not in (3, 4):
            raise ValueError(f"adaptive_avg_pool2d: input must be (N, C, H, W) or (C, H, W), got "
                             f"shape {x.shape}")
        xp = backend_of(x).xp
        h, w = x.shape[-2:]
        if h == 0 or w == 0:     # every window would be empty: a mean of nothing is NaN
            raise ValueError(f"adaptive_avg_pool2d: input must have non-zero height and width, "
                             f"got shape {x.shape}")
        oh, ow = (n if s is None else _adaptive_size(s, n)
                  for s, n in zip(self.output_size, (h, w)))
        self.x_shape = x.shape
        self.rows, self.cols = self._windows(h, oh), self._windows(w, ow)
        y = xp.empty(x.shape[:-2] + (oh, ow), dtype=x.dtype)
        for i, (r0, r1) in enumerate(self.rows):
            for j, (c0, c1) in enumerate(self.cols):
                y[..., i, j] = x[..., r0:r1, c0:c1].mean(axis=(-2, -1))
        return y

    def backward(self, gy):
        xp = backend_of(gy).xp
        gx = xp.zeros(self.x_shape, dtype=gy.dtype)
        for i, (r0, r1) in enumerate(self.rows):
            for j, (c0, c1) in enumerate(self.cols):
                gx[..., r0:r1, c0:c1] += (gy[..., i, j] / ((r1 - r0) * (c1 - c0)))[..., None, None]
        return gx


# An adaptive output may be larger than its input (windows then repeat, as in PyTorch), but at
# most this many times per axis: each output cell is one NumPy call, so an output size in the
# billions would not end (or would exhaust memory listing its windows).
ADAPTIVE_MAX_UPSCALE = 16


def _adaptive_size(size, n_in):
    """One axis of an adaptive output size: an int from 1 to ADAPTIVE_MAX_UPSCALE · n_in."""
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"adaptive_avg_pool2d: output_size must hold ints or None, got "
                        f"{type(size).__name__} {size!r}")
    if not 1 <= size <= ADAPTIVE_MAX_UPSCALE * max(n_in, 1):
        raise ValueError(f"adaptive_avg_pool2d: output_size must be from 1 to "
                         f"{ADAPTIVE_MAX_UPSCALE} x the input size {n_in}, got {size}")
    return int(size)


def adaptive_avg_pool2d(x, output_size):
    return AdaptiveAvgPool(output_size)(x)


def max_pool(x, kernel_size, stride=None, padding=0, dims=2):
    return MaxPool(kernel_size, stride, padding, dims)(x)


def avg_pool(x, kernel_size, stride=None, padding=0, dims=2):
    return AvgPool(kernel_size, stride, padding, dims)(x)
