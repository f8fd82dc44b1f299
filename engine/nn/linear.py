"""``Linear`` (alias ``Dense``): the fully connected layer y = x·Wᵀ + b."""
import numpy as np

from .. import dtypes
from ..validate import boolean, fits_in_memory, positive_int
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """y = x·Wᵀ + b with x (N, in_features), W ``weight`` (out_features, in_features),
    b ``bias`` (out_features,).  Initialised as PyTorch: W, b ~ U(±1/√in_features).
    The forward and backward are those of ``F.linear``."""

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = positive_int(in_features, "in_features")
        self.out_features = positive_int(out_features, "out_features")
        bias = boolean(bias, "bias")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        fits_in_memory((self.out_features, self.in_features), dtype, "Linear weight")
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        init.default_linear_init_(self.weight, self.bias)

    def forward(self, x):
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expects inputs "
                             f"with {self.in_features} features (last axis), got shape {x.shape}")
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


Dense = Linear
