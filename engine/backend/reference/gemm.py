"""GEMM in NumPy: C = α·op(A)·op(B) + β·C, the one product every layer is built on.

NumPy's ``@`` (its BLAS) does the multiplying; the compiled twin is
``engine/backend/native/gemm.py`` (the packed C GEMM of csrc/gemm/).
"""
import numpy as np

from .._checks import gemm_operands

__all__ = ["gemm", "gemm_batched"]


def gemm(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """General matrix multiply: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ.

    ``c`` is updated in place and returned; without it a new (m, n) array is returned
    (β is then ignored). Here NumPy's ``@`` (its BLAS) does the work.
    """
    gemm_operands(a, b, c, trans_a, trans_b)
    product = (a.T if trans_a else a) @ (b.T if trans_b else b)
    return _scale_and_add(product, c, alpha, beta)


def _scale_and_add(product, c, alpha, beta):
    """α·product, or c ← α·product + β·c in place when ``c`` is given.

    α = 0 ignores the product, NaN or Inf in A or B included, as BLAS (and the C GEMM) define
    it: 0·NaN would otherwise make this twin disagree with the compiled one.
    """
    if alpha == 0:
        product = np.zeros_like(product)
    if c is None:
        return product * product.dtype.type(alpha) if alpha != 1 else product
    if beta == 0:
        c[...] = 0  # β = 0 overwrites c, even a NaN in it (0·NaN would stay NaN)
    else:
        c *= beta
    c += alpha * product
    return c


def gemm_batched(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """``gemm`` on each matrix of a batch: C[i] = α·op(A[i])·op(B[i]) + β·C[i].

    3-D arrays with one batch size; op(X) swaps X's last two axes when asked.
    """
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, np.ndarray) or x.ndim != 3:
            raise ValueError(f"gemm_batched: {name} must be a 3-D NumPy array, got "
                             f"{getattr(x, 'shape', type(x).__name__)}")
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"gemm_batched: a and b must have the same batch size, "
                         f"got {a.shape[0]} and {b.shape[0]}")
    gemm_operands(_one_matrix(a), _one_matrix(b), None if c is None else _one_matrix(c),
                  trans_a, trans_b)
    product = (a.swapaxes(1, 2) if trans_a else a) @ (b.swapaxes(1, 2) if trans_b else b)
    if c is not None and c.shape != product.shape:
        raise ValueError(f"gemm_batched: c must have shape {product.shape}, got {c.shape}")
    return _scale_and_add(product, c, alpha, beta)


def _one_matrix(x):
    """A matrix of the batch ``x`` for the checks: ``x[0]``, or a stand-in of that shape and
    dtype (no memory) when the batch is empty, so an empty batch checks and computes too."""
    if x.ndim != 3 or x.shape[0]:
        return x[0] if x.ndim == 3 else x
    return np.broadcast_to(np.zeros((), x.dtype), x.shape[1:])
