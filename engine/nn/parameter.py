"""``Parameter``: a tensor a Module learns (it requires grad and is found by ``parameters()``)."""
from ..tensor import Tensor


class Parameter(Tensor):
    """A learnable tensor. ``Module`` registers every Parameter assigned to one of its attributes."""

    def __init__(self, data, requires_grad=True, dtype=None):
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
