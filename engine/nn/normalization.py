"""``LayerNorm``: normalise each sample over its last axes (transformers, MLP blocks)."""
import numpy as np

from .. import dtypes
from ..ops.normalization import LayerNorm as _LayerNormFn
from ..validate import boolean, fits_in_memory, is_int, positive_int, positive_real
from .module import Module
from .parameter import Parameter


def _shape(normalized_shape):
    shape = (normalized_shape,) if is_int(normalized_shape) else normalized_shape
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"normalized_shape must be a positive int or a tuple of them, got "
                         f"{normalized_shape!r}")
    return tuple(positive_int(d, "normalized_shape") for d in shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = γ·(x − μ)/√(σ² + ε) + β over the last ``len(normalized_shape)`` axes
    (PyTorch's signature). See ``engine.ops.normalization.LayerNorm``."""
    shape = _shape(normalized_shape)
    eps = positive_real(eps, "eps")
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ValueError(f"layer_norm: the input's last axes {tuple(input.shape)} do not match "
                         f"normalized_shape {shape}")
    fn = _LayerNormFn(len(shape), eps)
    if weight is None and bias is None:
        return fn(input)
    if weight is None:
        weight = np.ones(shape, dtype=input.dtype)
    return fn(input, weight) if bias is None else fn(input, weight, bias)


class LayerNorm(Module):
    """Normalise over the last axes given by ``normalized_shape``, with a learnt scale γ
    (ones) and shift β (zeros) of that shape when ``elementwise_affine`` (``bias=False``:
    no β).  Unlike BatchNorm it keeps no running statistics: training and eval agree."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 dtype=None):
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps = positive_real(eps, "eps")
        self.elementwise_affine = boolean(elementwise_affine, "elementwise_affine")
        bias = boolean(bias, "bias")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        fits_in_memory((2,) + self.normalized_shape, dtype, "LayerNorm's parameters")
        self.weight = self.bias = None
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
