"""GEMM as array-module code: C = α·op(A)·op(B) + β·C through ``xp.matmul``.

On a GPU ``cupy.matmul`` is cuBLAS: a transposed operand is passed as a transposed *view*
(``a.T``, ``a.swapaxes(1, 2)``: no copy; cuBLAS reads it through its strides), and a 3-D
product is one strided-batched cuBLAS call. With NumPy standing in it is NumPy's BLAS.
The same names, signatures and results as ``reference/gemm.py``.
"""
from .._checks import gemm_operands

# the kernels (the reference twins' names), methods of Kernels(xp)
KERNELS = ["gemm", "gemm_batched"]


class Kernels:
    """The GEMM kernels computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp

    def _scale_and_add(self, product, c, alpha, beta):
        """α·product, or c ← α·product + β·c in place when ``c`` is given (α = 0 ignores
        the product, NaN included, as BLAS and the C GEMM do)."""
        if alpha == 0:
            product = self.xp.zeros_like(product)
        if c is None:
            return product * product.dtype.type(alpha) if alpha != 1 else product
        if beta == 0:
            c[...] = 0      # β = 0 overwrites c, even a NaN in it (0·NaN would stay NaN)
        elif beta != 1:
            c *= c.dtype.type(beta)
        if alpha != 1:
            product *= product.dtype.type(alpha)
        c += product
        return c

    def gemm(self, a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
        """General matrix multiply: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ (a view).

        ``c`` is updated in place and returned; without it a new (m, n) array is returned.
        """
        gemm_operands(a, b, c, trans_a, trans_b, self.xp)
        if c is not None and beta == 0 and alpha == 1 and c.flags.c_contiguous:
            # the common case of a layer: the product written straight into c
            return self.xp.matmul(a.T if trans_a else a, b.T if trans_b else b, out=c)
        product = self.xp.matmul(a.T if trans_a else a, b.T if trans_b else b)
        return self._scale_and_add(product, c, alpha, beta)

    def gemm_batched(self, a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
        """``gemm`` on each matrix of a batch: C[i] = α·op(A[i])·op(B[i]) + β·C[i]."""
        for name, x in (("a", a), ("b", b)):
            if not isinstance(x, self.xp.ndarray) or x.ndim != 3:
                raise ValueError(f"gemm_batched: {name} must be a 3-D array of the cuda "
                                 f"backend's array module, got "
                                 f"{getattr(x, 'shape', type(x).__name__)}")
        if a.shape[0] != b.shape[0]:
            raise ValueError(f"gemm_batched: a and b must have the same batch size, "
                             f"got {a.shape[0]} and {b.shape[0]}")
        first = [None if x is None else x[0] if x.shape[0] else     # an empty batch: a
                 self.xp.broadcast_to(self.xp.zeros((), x.dtype), x.shape[1:])  # stand-in
                 for x in (a, b, c)]
        gemm_operands(*first, trans_a, trans_b, self.xp)
        product = self.xp.matmul(a.swapaxes(1, 2) if trans_a else a,
                                 b.swapaxes(1, 2) if trans_b else b)
        if c is not None and c.shape != product.shape:
            raise ValueError(f"gemm_batched: c must have shape {product.shape}, got {c.shape}")
        return self._scale_and_add(product, c, alpha, beta)
