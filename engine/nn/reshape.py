"""``Reshape``: view each sample with another shape (the batch axis is kept)."""
from ..validate import is_int
from .module import Module


class Reshape(Module):
    """y = x.reshape(N, *shape): e.g. ``Reshape(1, 28, 28)`` turns (N, 784) into (N, 1, 28, 28).

    One entry of ``shape`` may be -1 (inferred).  Backward: the gradient is reshaped back.
    """

    def __init__(self, *shape):
        super().__init__()
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if not all(is_int(n) and (n >= 1 or n == -1) for n in shape) or \
                sum(n == -1 for n in shape) > 1:
            raise ValueError(f"Reshape takes positive ints (and at most one -1), got {shape!r}")
        self.shape = tuple(int(n) for n in shape)

    def forward(self, x):
        return x.reshape((x.shape[0],) + self.shape)

    def extra_repr(self):
        return ", ".join(str(n) for n in self.shape)
