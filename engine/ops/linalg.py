"""Matrix multiplication (NumPy's ``@``, with all of np.matmul's cases)."""
from ..autograd import Function
from .shape import unbroadcast


class MatMul(Function):
    """y = a @ b;  ∂L/∂a = ∂L/∂y @ bᵀ,  ∂L/∂b = aᵀ @ ∂L/∂y  (ᵀ swaps the last two axes).

    np.matmul also allows
      * 1-D operands: a 1-D ``a`` acts as a row (1, k), a 1-D ``b`` as a
        column (k, 1), and that axis is dropped from the result;
      * batches: leading axes broadcast, e.g. (2, 1, 3, 4) @ (5, 4, 6) -> (2, 5, 3, 6).
    Backward handles both by making the operands at least 2-D, using the two
    formulas above, summing over broadcast batch axes (unbroadcast) and
    reshaping back to the original operand shapes.
    """

    def forward(self, a, b):
        try:
            return a @ b
        except ValueError:
            inner = ("" if a.ndim == 0 or b.ndim == 0 else
                     f" (inner sizes {a.shape[-1]} and {b.shape[-2] if b.ndim > 1 else b.shape[0]}"
                     " must be equal, batch axes must broadcast)")
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned{inner}") from None

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        a2 = a.data if a.ndim > 1 else a.data.reshape(1, -1)    # row vector
        b2 = b.data if b.ndim > 1 else b.data.reshape(-1, 1)    # column vector
        # Give gy the shape a2 @ b2 would have had: put back the axes that
        # 1-D operands removed.  Batch axes are what is left of y's shape.
        batch = gy.shape[:gy.ndim - (a.ndim > 1) - (b.ndim > 1)]
        gy = gy.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        ga = unbroadcast(gy @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape) if need_a else None
        gb = unbroadcast(a2.swapaxes(-1, -2) @ gy, b2.shape).reshape(b.shape) if need_b else None
        return ga, gb


def matmul(a, b):
    return MatMul()(a, b)
