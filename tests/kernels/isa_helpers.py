"""For kernel tests: run a call with one kernel family switched to one instruction set."""


def under_isa(family, isa, fn):
    """``fn()`` with ``family``'s kernels on ``isa`` (e.g. "generic", "avx2"), then restored."""
    from engine import _C
    before = _C.kernel_isa(family)
    _C.set_kernel_isa(family, isa)
    try:
        return fn()
    finally:
        _C.set_kernel_isa(family, before)
