"""GEMM by the packed C kernels of csrc/gemm/: C = α·op(A)·op(B) + β·C.

The same names and results as ``reference/gemm.py``.  They are ``engine._C``'s functions
themselves: those check the operands (before they release the GIL) with the messages of
``_checks.gemm_operands``, and read big-endian or misaligned arrays through a native copy.
A Python function in between would cost ~0.1 µs a call, 4% of a 64 × 64 product.
"""
from ... import _C

__all__ = ["gemm", "gemm_batched"]

gemm = _C.gemm
gemm_batched = _C.gemm_batched
