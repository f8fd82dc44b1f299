"""``Parameter``: a tensor a Module learns (it requires grad and is found by ``parameters()``)."""
import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A learnable tensor. ``Module`` registers every Parameter assigned to one of its attributes."""

    def __init__(self, data, requires_grad=True, dtype=None):
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)
        arr = self.data
        if type(arr) is np.ndarray and not (arr.flags.c_contiguous and arr.flags.writeable
                                            and arr.flags.aligned):
            # Optimizers update a parameter in place, through C kernels that need a writeable
            # C-contiguous array: a transposed, strided, read-only or broadcast array is copied
            # once here rather than refused at the first step().
            self.data = np.array(arr, order="C")

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
