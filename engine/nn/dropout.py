"""``Dropout``: randomly zero activations while training (a regulariser)."""
from ..ops.dropout import Dropout as _DropoutFn
from .module import Module


def dropout(x, p=0.5, training=True):
    """Inverted dropout (see ``engine.ops.dropout.Dropout``); the identity when not training."""
    if not training or p == 0:
        return x
    return _DropoutFn(p)(x)


class Dropout(Module):
    """Zero each element with probability ``p`` in training mode and scale the rest by
    1/(1 − p), so eval mode (where the layer is the identity) needs no rescaling."""

    def __init__(self, p=0.5):
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = float(p)

    def forward(self, x):
        return dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"
