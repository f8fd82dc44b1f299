"""Inverted dropout as a differentiable operation."""
from .. import random as _random
from ..autograd import Function
from ..backend import backend_of


class Dropout(Function):
    """Inverted dropout: y = x·mask / (1 − p), mask_i ~ Bernoulli(1 − p) (drawn in forward).

    ∂L/∂x = ∂L/∂y · mask / (1 − p).  Scaling at training time keeps E[y] = x, so evaluation
    needs no rescaling (the layer is the identity in eval mode).  ``mask`` may be given (tests).
    ``channelwise`` (Dropout2d): one mask value per (sample, channel), zeroing whole feature maps.
    """

    def __init__(self, p=0.5, mask=None, channelwise=False):
        self.channelwise = bool(channelwise)
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = float(p)
        self.mask = mask

    def forward(self, x):
        if self.mask is None:
            # drawn on the host by the engine's generator, so that one seed gives one mask on
            # either device; on a GPU the mask is then copied there (part of the op)
            shape = x.shape[:2] + (1,) * (x.ndim - 2) if self.channelwise else x.shape
            keep = _random.get_generator().random(shape) >= self.p
            mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.p))
            self.mask = backend_of(x).xp.asarray(mask)
        else:
            self.mask = backend_of(x).xp.asarray(self.mask, dtype=x.dtype) / (1.0 - self.p)
        return x * self.mask

    def backward(self, gy):
        return gy * self.mask
