"""Pooling layers (``MaxPool1d/2d``, ``AvgPool1d/2d``, ``AdaptiveAvgPool2d``) and ``Flatten``."""
from ..validate import int_tuple, is_int, positive_int
from . import functional as F
from .module import Module


def check_window(kernel_size, stride, padding, dims):
    """Refuse a bad pooling window when the layer is built (not at its first forward):
    sizes of ``dims`` ints (kernel, stride >= 1, padding >= 0), padding at most half the
    kernel (as PyTorch: a window of padding only has no maximum)."""
    kernel = int_tuple(kernel_size, dims, "kernel_size", minimum=1)
    if stride is not None:
        int_tuple(stride, dims, "stride", minimum=1)
    pad = int_tuple(padding, dims, "padding", minimum=0)
    if any(p > k // 2 for p, k in zip(pad, kernel)):
        raise ValueError(f"padding must be at most half of kernel_size, got padding={padding!r} "
                         f"and kernel_size={kernel_size!r}")


class _Pool(Module):
    """A pooling layer: keeps kernel_size, stride and padding, and applies ``function``."""

    function = None     # set by each layer: its F.*_pool*d
    dims = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        check_window(kernel_size, stride, padding, self.dims)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x):
        return type(self).function(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool1d(_Pool):
    """y = max over each window of the last axis of (N, C, L). See ``F.max_pool1d``."""
    dims = 1
    function = staticmethod(F.max_pool1d)


class MaxPool2d(_Pool):
    """y = max over each (kh, kw) window of (N, C, H, W). See ``F.max_pool2d``."""
    function = staticmethod(F.max_pool2d)


class AvgPool1d(_Pool):
    """y = mean over each window of the last axis (padding counted as zeros)."""
    dims = 1
    function = staticmethod(F.avg_pool1d)


class AvgPool2d(_Pool):
    """y = mean over each (kh, kw) window (padding counted as zeros)."""
    function = staticmethod(F.avg_pool2d)


class AdaptiveAvgPool2d(Module):
    """Average-pool (N, C, H, W) to a fixed ``output_size`` (oh, ow) whatever H and W are
    (``None`` keeps that axis).  See ``F.adaptive_avg_pool2d``."""

    def __init__(self, output_size):
        super().__init__()
        sizes = (output_size,) * 2 if is_int(output_size) or output_size is None else output_size
        if not isinstance(sizes, (tuple, list)) or len(sizes) != 2:
            raise ValueError(f"output_size must be a positive int or a pair of them (or None), "
                             f"got {output_size!r}")
        for size in sizes:
            positive_int(size, "output_size", allow_none=True)
        self.output_size = output_size

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class Flatten(Module):
    """Join axes ``start_dim`` … ``end_dim`` into one: (N, C, H, W) → (N, C·H·W) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        for name, dim in (("start_dim", start_dim), ("end_dim", end_dim)):
            if not is_int(dim):
                raise TypeError(f"{name} must be an int (an axis), got {dim!r}")
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
