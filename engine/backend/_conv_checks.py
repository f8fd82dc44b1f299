"""Shape arithmetic and checks for convolution and pooling, shared by every backend.

A convolution (or pooling) window along one axis of size ``i``, with kernel ``k``, stride
``s``, padding ``p`` and dilation ``d``, fits this many times:

    o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1

The kernels work on 3 spatial axes (depth, height, width); 1-D and 2-D inputs get size-1
leading axes with kernel 1, stride 1, padding 0 and dilation 1.
"""
from dataclasses import dataclass

import numpy as np


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
    return values


def output_size(size, kernel, stride, padding, dilation=1):
    """o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1 (may be < 1: the caller raises)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@dataclass(frozen=True)
class ConvGeometry:
    """Everything a kernel needs about one convolution's windows.

    ``in_size``, ``out_size``, ``kernel`` ... are the spatial values (``dims`` of them);
    ``*3`` are the same padded to 3 axes for the C kernels.
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
        return int(np.prod(self.kernel))

    @property
    def L(self):            # output positions per image
        return int(np.prod(self.out_size))

    def c_args(self):
        """(channels, in, out, kernel, stride, padding, dilation), each padded to 3 axes."""
        def pad3(t, fill):
            return (fill,) * (3 - self.dims) + tuple(t)
        return (self.channels, pad3(self.in_size, 1), pad3(self.out_size, 1),
                pad3(self.kernel, 1), pad3(self.stride, 1), pad3(self.padding, 0),
                pad3(self.dilation, 1))


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
    planes = int(np.prod(x_shape[:-dims], dtype=np.int64))
    if dims == 1:   # the kernels see a 1-D pooling as a 2-D one of height 1
        in_size, out, kernel, stride, padding = ((1,) + in_size, (1,) + out, (1,) + kernel,
                                                 (1,) + stride, (0,) + padding)
    return PoolGeometry(planes, in_size, out, kernel, stride, padding)


def pool_output_shape(x_shape, geo, dims):
    return tuple(x_shape[:-dims]) + tuple(geo.out_size[-dims:])


def checked_shape(shape, name):
    """``shape`` as a tuple of non-negative ints, or TypeError."""
    try:
        shape = tuple(int(v) for v in shape)
    except TypeError:
        raise TypeError(f"{name} must be a tuple of ints, got {shape!r}") from None
    if any(v < 0 for v in shape):
        raise ValueError(f"{name} must not have negative sizes, got {shape}")
    return shape
