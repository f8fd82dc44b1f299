"""GEMM by the packed C kernels of csrc/gemm/: C = α·op(A)·op(B) + β·C.

The same names and results as ``reference/gemm.py``; ``engine._C`` checks the operands
itself (before it releases the GIL), so these are direct calls.
"""
import numpy as np

from ... import _C
from .._checks import native_layout

__all__ = ["gemm", "gemm_batched"]


def gemm(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """General matrix multiply: C = α·op(A)·op(B) + β·C, op(X) = X or Xᵀ.

    ``c`` (m, n) is updated in place and returned; without it a new array is returned
    (β is then ignored).  β = 0 overwrites ``c`` (a NaN there does not leak through).
    ``a`` and ``b`` may have any strides (slices, transposed views): the packed C GEMM of
    csrc/gemm/ reads them through their strides, without a copy.  All checks (dtype,
    2-D, matching inner sizes, ``c``'s shape) happen in ``_C.gemm`` before the GIL is
    released, with the messages of ``_checks.gemm_operands``.
    """
    try:
        return _C.gemm(a, b, c, alpha, beta, trans_a, trans_b)
    except (TypeError, ValueError):          # before any work: nothing was written yet
        a2, b2 = _readable(a), _readable(b)
        if a2 is a and b2 is b:
            raise
        return _C.gemm(a2, b2, c, alpha, beta, trans_a, trans_b)


def gemm_batched(a, b, c=None, alpha=1.0, beta=0.0, trans_a=False, trans_b=False):
    """``gemm`` on each matrix of a batch: C[i] = α·op(A[i])·op(B[i]) + β·C[i] (3-D arrays,
    the same batch size; op transposes the last two axes)."""
    try:
        return _C.gemm_batched(a, b, c, alpha, beta, trans_a, trans_b)
    except (TypeError, ValueError):
        a2, b2 = _readable(a), _readable(b)
        if a2 is a and b2 is b:
            raise
        return _C.gemm_batched(a2, b2, c, alpha, beta, trans_a, trans_b)


def _readable(x):
    """An operand as the C GEMM reads it: big-endian or misaligned arrays (a file's bytes, a
    buffer at an odd offset), which ``_C`` refuses, as a native, aligned copy; anything else
    untouched (a wrong type or dtype is left for ``_C`` to refuse with its message). Only
    tried after ``_C`` refused: the common call pays nothing for it."""
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return native_layout(x)
    return x
