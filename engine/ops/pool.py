"""Pooling as differentiable operations: max and average over windows, forward beside backward.

For a window of kernel k, stride s and padding p along each pooled axis (output size
o = ⌊(i + 2p − k)/s⌋ + 1):

    max pooling      y = max_{window} x          ∂L/∂x = ∂L/∂y at the window's argmax, 0 elsewhere
    average pooling  y = (1/|k|) Σ_{window} x     ∂L/∂x = Σ over windows containing x of ∂L/∂y / |k|

Max pooling ignores the padding (it never wins); average pooling counts it as zeros, so the
divisor is always |k| = the number of kernel elements (PyTorch's ``count_include_pad=True``).
The forward keeps the argmax indices so the backward needs no search.
"""
from ..autograd import Function
from ..backend import kernels_for


class MaxPool(Function):
    """Max pooling over the last 1 (``dims=1``) or 2 axes of x (N, C, *i) or (C, *i)."""

    def __init__(self, kernel_size, stride=None, padding=0, dims=2):
        self.args = (kernel_size, stride, padding)
        self.dims = dims

    def forward(self, x):
        self.kernels, self.x_shape = kernels_for(x), x.shape
        pool = self.kernels.max_pool1d if self.dims == 1 else self.kernels.max_pool2d
        y, self.argmax = pool(x, *self.args)
        return y

    def backward(self, gy):
        back = (self.kernels.max_pool1d_backward if self.dims == 1
                else self.kernels.max_pool2d_backward)
        return back(gy, self.argmax, self.x_shape, *self.args)


class AvgPool(Function):
    """Average pooling over the last 1 (``dims=1``) or 2 axes of x (N, C, *i) or (C, *i)."""

    def __init__(self, kernel_size, stride=None, padding=0, dims=2):
        self.args = (kernel_size, stride, padding)
        self.dims = dims

    def forward(self, x):
        self.kernels, self.x_shape = kernels_for(x), x.shape
        pool = self.kernels.avg_pool1d if self.dims == 1 else self.kernels.avg_pool2d
        return pool(x, *self.args)

    def backward(self, gy):
        back = (self.kernels.avg_pool1d_backward if self.dims == 1
                else self.kernels.avg_pool2d_backward)
        return back(gy, self.x_shape, *self.args)


def max_pool(x, kernel_size, stride=None, padding=0, dims=2):
    return MaxPool(kernel_size, stride, padding, dims)(x)


def avg_pool(x, kernel_size, stride=None, padding=0, dims=2):
    return AvgPool(kernel_size, stride, padding, dims)(x)
