"""The CuPy (GPU) backend: not implemented yet, and says so clearly.

``available()`` answers why not: CuPy missing, no GPU, or (for now) the kernels
themselves not written. Tensors stay on the CPU until it is. When it is written, it becomes
a package like ``reference/`` and ``native/``, with the same family files.
"""
from .kernel_set import MissingKernel

name = "cuda"

NOT_IMPLEMENTED = "the CuPy backend is not implemented in this version of engine"


def __getattr__(kernel):
    """Every kernel (and ``xp``) of this backend: a clear error until it exists."""
    if kernel.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {kernel!r}")
    raise MissingKernel(f"the cuda backend has no kernel {kernel!r}: {NOT_IMPLEMENTED}")


def _cupy():
    try:
        import cupy
    except ImportError:
        return None
    return cupy


def is_cupy_array(array):
    """True for a CuPy array (without importing CuPy when it is not already loaded)."""
    return type(array).__module__.startswith("cupy")


def device_summary():
    """A one-line description of CuPy and the GPUs it sees, for ``engine info``."""
    cupy = _cupy()
    if cupy is None:
        return "CuPy not installed (pip install engine[gpu])"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CuPy raises its own CUDA errors when no driver is present
        return f"CuPy {cupy.__version__}, no usable GPU ({type(err).__name__}: {err})"
    return f"CuPy {cupy.__version__}, {count} GPU(s)"


def available():
    """``(False, reason)`` until the GPU kernels exist."""
    return False, NOT_IMPLEMENTED
