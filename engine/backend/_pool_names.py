"""The public pooling kernels of a backend — 1-D and 2-D, forward and backward — written once.

Each backend's ``pool.py`` computes pooling for either number of axes in four functions
(``max_pool(x, kernel_size, stride, padding, dims, name)``, its backward, and the same for
average pooling); ``pooling_kernels`` gives the eight names every backend exposes.
"""
__all__ = ["max_pool1d", "max_pool2d", "max_pool1d_backward", "max_pool2d_backward",
           "avg_pool1d", "avg_pool2d", "avg_pool1d_backward", "avg_pool2d_backward"]


def pooling_kernels(module_name, max_pool, max_pool_backward, avg_pool, avg_pool_backward):
    """The eight public pooling kernels, in ``__all__``'s order, for one backend's four."""

    def max_pool1d(x, kernel_size, stride=None, padding=0):
        """Max pooling over the last axis of x (N, C, L) or (C, L): returns (y, argmax)."""
        return max_pool(x, kernel_size, stride, padding, 1, "max_pool1d")

    def max_pool2d(x, kernel_size, stride=None, padding=0):
        """Max pooling over the last two axes of x (N, C, H, W) or (C, H, W): (y, argmax)."""
        return max_pool(x, kernel_size, stride, padding, 2, "max_pool2d")

    def max_pool1d_backward(gy, argmax, x_shape, kernel_size, stride=None, padding=0, out=None):
        """∂L/∂x of max_pool1d: each window's gradient goes to its maximum."""
        return max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, 1,
                                 "max_pool1d_backward", out)

    def max_pool2d_backward(gy, argmax, x_shape, kernel_size, stride=None, padding=0, out=None):
        """∂L/∂x of max_pool2d: each window's gradient goes to its maximum."""
        return max_pool_backward(gy, argmax, x_shape, kernel_size, stride, padding, 2,
                                 "max_pool2d_backward", out)

    def avg_pool1d(x, kernel_size, stride=None, padding=0):
        """Average pooling over the last axis (padding counts as zeros)."""
        return avg_pool(x, kernel_size, stride, padding, 1, "avg_pool1d")

    def avg_pool2d(x, kernel_size, stride=None, padding=0):
        """Average pooling over the last two axes (padding counts as zeros)."""
        return avg_pool(x, kernel_size, stride, padding, 2, "avg_pool2d")

    def avg_pool1d_backward(gy, x_shape, kernel_size, stride=None, padding=0, out=None):
        """∂L/∂x of avg_pool1d: every element of a window gets gy / k; overlaps add up."""
        return avg_pool_backward(gy, x_shape, kernel_size, stride, padding, 1,
                                 "avg_pool1d_backward", out)

    def avg_pool2d_backward(gy, x_shape, kernel_size, stride=None, padding=0, out=None):
        """∂L/∂x of avg_pool2d: every element of a window gets gy / (kh·kw); overlaps add up."""
        return avg_pool_backward(gy, x_shape, kernel_size, stride, padding, 2,
                                 "avg_pool2d_backward", out)

    kernels = (max_pool1d, max_pool2d, max_pool1d_backward, max_pool2d_backward,
               avg_pool1d, avg_pool2d, avg_pool1d_backward, avg_pool2d_backward)
    for kernel in kernels:
        kernel.__module__, kernel.__qualname__ = module_name, kernel.__name__
    return kernels
