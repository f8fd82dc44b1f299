"""Convolution layers: ``Conv1d``, ``Conv2d``, ``Conv3d``, ``ConvTranspose2d``.

Each holds ``weight`` and (optionally) ``bias`` with PyTorch's names and shapes, so a PyTorch
state_dict converted to NumPy loads as is; the computation is ``F.conv2d`` etc. (forward
Y = W·im2col(X) + b and its backward: ``engine.ops.conv``).
"""
import math

from .. import dtypes
from ..backend._checks import expand
from ..random import get_generator
from ..validate import boolean, fits_in_memory, one_of, positive_int
from . import functional as F
from .module import Module
from .parameter import Parameter


def _uniform_parameter(shape, fan_in, dtype):
    """PyTorch's default init for conv (and linear) layers: kaiming-uniform with a = √5, i.e.
    U(−1/√fan_in, 1/√fan_in) -- the same bound for the weight and the bias."""
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return Parameter(get_generator().uniform(-bound, bound, size=shape).astype(dtype))


class _ConvNd(Module):
    """A convolution layer: its weight and bias, and ``function`` (``F.conv1d`` ...) applied."""

    dims = 2
    transposed = False
    function = None     # set by each layer: its F.conv*d

    def forward(self, x):
        return type(self).function(x, self.weight, self.bias, self.stride, self.padding,
                                   self.dilation, self.groups)

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, dtype=None, output_padding=0):
        super().__init__()
        d = self.dims
        self.in_channels = positive_int(in_channels, "in_channels")
        self.out_channels = positive_int(out_channels, "out_channels")
        self.groups = positive_int(groups, "groups")
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(f"in_channels {in_channels} and out_channels {out_channels} must "
                             f"be divisible by groups {groups}")
        self.kernel_size = expand(kernel_size, d, "kernel_size", 1)
        self.stride = expand(stride, d, "stride", 1)
        if isinstance(padding, str):
            self.padding = one_of(padding, "padding", ("same", "valid"))
            if self.padding == "same" and expand(stride, d, "stride", 1) != (1,) * d:
                raise ValueError(f"padding='same' needs stride 1, got stride={stride!r}")
        else:
            self.padding = expand(padding, d, "padding", 0)
        bias = boolean(bias, "bias")
        self.dilation = expand(dilation, d, "dilation", 1)
        self.output_padding = expand(output_padding, d, "output_padding", 0)
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        if self.transposed:     # (in, out/groups, *k); PyTorch's fan_in is then out/groups·K
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:                   # (out, in/groups, *k)
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        fits_in_memory(shape, dtype, f"{type(self).__name__} weight")
        fan_in = shape[1] * math.prod(self.kernel_size)
        self.weight = _uniform_parameter(shape, fan_in, dtype)
        self.bias = _uniform_parameter((self.out_channels,), fan_in, dtype) if bias else None

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self.dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.transposed and self.output_padding != (0,) * self.dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    """1-D convolution: (N, C_in, L) → (N, C_out, L_out); weight (C_out, C_in/groups, k)."""
    dims = 1
    function = staticmethod(F.conv1d)


class Conv2d(_ConvNd):
    """2-D convolution: (N, C_in, H, W) → (N, C_out, oh, ow); weight (C_out, C_in/groups, kh, kw).

    o = ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1 per axis; Y = W·im2col(X) + b.
    """
    dims = 2
    function = staticmethod(F.conv2d)


class Conv3d(_ConvNd):
    """3-D convolution: (N, C_in, D, H, W) → (N, C_out, od, oh, ow); weight (C_out, C_in/groups, *k)."""
    dims = 3
    function = staticmethod(F.conv3d)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution; weight (C_in, C_out/groups, kh, kw).

    o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1 per axis; Y = col2im(Wᵀ·X) + b.
    """
    dims = 2
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, dtype=None):
        if isinstance(padding, str):
            raise ValueError("ConvTranspose2d takes an int or tuple padding, not a string")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, dtype, output_padding)

    def forward(self, x):
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                  self.output_padding, self.groups, self.dilation)
