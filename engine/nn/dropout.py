"""``Dropout`` and ``Dropout2d``: randomly zero activations (or whole channels) while training."""
import warnings

from ..ops.dropout import Dropout as _DropoutFn
from ..validate import boolean, probability


def _check(p, training, inplace):
    """Dropout's settings: p in [0, 1) (p = 1 would scale by 1/0), the flags bools."""
    boolean(training, "training")
    boolean(inplace, "inplace")
    return probability(p, "dropout probability p", allow_one=False)
from .module import Module


def dropout(x, p=0.5, training=True, inplace=False):
    """Inverted dropout (see ``engine.ops.dropout.Dropout``); the identity when not training.
    ``inplace`` (PyTorch's memory saving) is accepted; the result is a new tensor."""
    p = _check(p, training, inplace)
    if not training or p == 0:
        return x
    return _DropoutFn(p)(x)


def dropout2d(x, p=0.5, training=True, inplace=False):
    """Zero whole channels: each (sample, channel) map of (N, C, H, W) is kept with probability
    1 − p and scaled by 1/(1 − p).  See ``engine.ops.dropout.Dropout`` (channelwise).
    A 2-D input (N, features) has no maps: as PyTorch (which warns that this is deprecated),
    each element is dropped on its own."""
    p = _check(p, training, inplace)
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"dropout2d expects (N, C, H, W) or (C, H, W), got shape {tuple(x.shape)}")
    if x.ndim == 2:
        warnings.warn("dropout2d got a 2-D input: it has no feature maps, so each element is "
                      "dropped on its own (as plain dropout; PyTorch deprecates this too)",
                      stacklevel=2)
        return dropout(x, p, training)
    if not training or p == 0:
        return x
    if x.ndim == 3:                 # (C, H, W): one sample, as PyTorch treats it
        return _DropoutFn(p, channelwise=True)(x.reshape((1,) + tuple(x.shape))).reshape(x.shape)
    return _DropoutFn(p, channelwise=True)(x)


class Dropout(Module):
    """Zero each element with probability ``p`` in training mode and scale the rest by
    1/(1 − p), so eval mode (where the layer is the identity) needs no rescaling."""

    function = staticmethod(dropout)

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = _check(p, True, inplace)

    def forward(self, x):
        return type(self).function(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


class Dropout2d(Dropout):
    """Zero whole channels (feature maps) of (N, C, H, W) with probability ``p`` in training,
    scaling the rest by 1/(1 − p): neighbouring pixels are correlated, so dropping single
    pixels regularises a convolution little."""

    function = staticmethod(dropout2d)
