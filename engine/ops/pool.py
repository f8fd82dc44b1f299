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
from ..backend import backend_of


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


def max_pool(x, kernel_size, stride=None, padding=0, dims=2):
    return MaxPool(kernel_size, stride, padding, dims)(x)


def avg_pool(x, kernel_size, stride=None, padding=0, dims=2):
    return AvgPool(kernel_size, stride, padding, dims)(x)
