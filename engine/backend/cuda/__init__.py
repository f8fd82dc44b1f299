"""The cuda backend: every kernel of ``reference`` as array-module code, run by CuPy on a GPU.

One module per kernel family, the same file names as in ``reference/`` and ``native/``
(``activation``, ``gemm``, ``conv``, ``pool``, ``optim``). Each family is a class
``Kernels(xp)`` written against an array module ``xp`` — ``xp.matmul`` (cuBLAS), strided
views (``xp.lib.stride_tricks.as_strided``), reductions, and elementwise expressions fused
into one kernel each (``cupy.fuse``) — using only what CuPy and NumPy both offer.
``make_backend(xp)`` builds the backend on any such module:

* ``make_backend(cupy)`` is this package itself: ``backend_of`` returns it for CuPy arrays,
  and ``engine.backend.cuda.relu(x)`` runs on the GPU (built on first use);
* ``make_backend(numpy)`` is the same code with NumPy standing in for CuPy: the CPU test
  suite runs it against the reference backend, so every line is tested without a GPU.

Without CuPy (or without a GPU) nothing here imports CuPy and the CPU backends work as
before; asking this package for a kernel then raises ``CudaUnavailable`` saying what to
install. ``available()``, ``device_summary()`` and ``device_facts()`` describe the GPU for
``engine.cuda`` and ``engine info``.
"""
import sys
import types

from ..kernel_set import FAMILIES, MissingKernel, missing_kernel
from . import activation as _activation
from . import conv as _conv
from . import gemm as _gemm
from . import optim as _optim
from . import pool as _pool
from . import winograd as _winograd

name = "cuda"

__all__ = [*_activation.KERNELS, *_gemm.KERNELS, *_conv.KERNELS, *_pool.KERNELS, *_optim.KERNELS,
           *_winograd.KERNELS]

_FAMILY_MODULES = (_activation, _gemm, _conv, _pool, _optim, _winograd)

INSTALL_HINT = ('pip install "engine[gpu]" (CUDA 12: engine[gpu-cuda12] / cupy-cuda12x; '
                'CUDA 13: engine[gpu-cuda13] / cupy-cuda13x)')

# The family modules are attributes of this package once imported; the kernel ``gemm`` and
# the family names must not be mistaken for kernels, so their names are freed here (the
# modules stay importable as engine.backend.cuda.<family>).
for _family in FAMILIES:
    globals().pop(_family, None)


class CudaUnavailable(MissingKernel, RuntimeError):
    """A kernel of the cuda backend was asked for where CuPy or a GPU is missing."""


def make_backend(xp):
    """The cuda backend's kernels computed with the array module ``xp`` (``cupy``, or
    ``numpy`` standing in for it): a module-like object with ``name``, ``xp``, ``__all__``
    and every kernel, whose missing kernels raise ``MissingKernel`` as every backend's do."""
    backend = types.ModuleType(f"{__name__}[{xp.__name__}]", f"The cuda backend on {xp.__name__}.")
    backend.name, backend.xp, backend.__all__ = name, xp, list(__all__)
    for family in _FAMILY_MODULES:
        kernels = family.Kernels(xp)
        for kernel in family.KERNELS:
            setattr(backend, kernel, getattr(kernels, kernel))

    def __getattr__(kernel):
        raise missing_kernel(name, kernel)

    backend.__getattr__ = __getattr__
    return backend


# ------------------------------------------------------------------ CuPy and the GPU

def _cupy():
    """The cupy module, or None when it is not installed (or fails to import)."""
    try:
        import cupy
    except Exception:  # ImportError, or CuPy's own error when its CUDA libraries are missing
        return None
    return cupy


def is_cupy_array(array):
    """True for a CuPy array (without importing CuPy when it is not already loaded)."""
    return type(array).__module__.startswith("cupy")


def device_count():
    """How many GPUs CuPy sees (0 without CuPy or without a driver)."""
    cupy = _cupy()
    if cupy is None:
        return 0
    try:
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # CuPy raises its own CUDA errors when no driver is present
        return 0


def available():
    """``(True, "")`` when tensors can live on the GPU, else ``(False, why not)``."""
    cupy = _cupy()
    if cupy is None:
        return False, f"no CuPy: {INSTALL_HINT}"
    if device_count() == 0:
        return False, f"no GPU: CuPy {cupy.__version__} sees no CUDA device"
    return True, ""


def device_facts():
    """The GPU's name, memory and the CuPy/CUDA versions, as a dict (for ``engine info``);
    only ``cupy`` / ``gpu`` saying what is missing when there is no CuPy or no GPU."""
    cupy = _cupy()
    if cupy is None:
        return {"cupy": "no CuPy", "gpu": "no GPU"}
    facts = {"cupy": cupy.__version__}
    if device_count() == 0:
        facts["gpu"] = "no GPU"
        return facts
    runtime = cupy.cuda.runtime
    props = runtime.getDeviceProperties(0)
    gpu_name = props["name"]
    facts["gpu"] = gpu_name.decode() if isinstance(gpu_name, bytes) else str(gpu_name)
    facts["gpu_count"] = device_count()
    facts["gpu_memory_gib"] = round(props["totalGlobalMem"] / 2**30, 1)
    facts["cuda_runtime"] = _cuda_version(runtime.runtimeGetVersion())
    facts["cuda_driver"] = _cuda_version(runtime.driverGetVersion())
    return facts


def _cuda_version(number):
    """CUDA's version numbers are 1000·major + 10·minor: 12040 → "12.4"."""
    return f"{number // 1000}.{number % 1000 // 10}"


def device_summary():
    """A one-line description of CuPy and the GPUs it sees, for ``engine info``."""
    facts = device_facts()
    if facts["cupy"] == "no CuPy":
        return f"no CuPy ({INSTALL_HINT})"
    if facts["gpu"] == "no GPU":
        return f"CuPy {facts['cupy']}, no GPU"
    return (f"CuPy {facts['cupy']}, CUDA {facts['cuda_runtime']} (driver {facts['cuda_driver']}), "
            f"{facts['gpu_count']} GPU(s): {facts['gpu']}, {facts['gpu_memory_gib']} GiB")


# ------------------------------------------------ this package as the CuPy backend

def _build_on_cupy():
    """Make this package the cuda backend on CuPy: every kernel and ``xp`` become its
    attributes (built once, on first use; later look-ups are plain attribute reads)."""
    ok, reason = available()
    if not ok:
        raise CudaUnavailable(f"the cuda backend cannot run here: {reason}")
    import cupy
    backend = make_backend(cupy)
    module = sys.modules[__name__]
    module.xp = cupy
    for kernel in __all__:
        setattr(module, kernel, getattr(backend, kernel))


def __getattr__(kernel):
    """A kernel (or ``xp``) of the CuPy backend, built on first use; a clear error without
    CuPy or a GPU, and ``MissingKernel`` for a name that is no kernel."""
    if kernel.startswith("__") or (kernel not in __all__ and kernel != "xp"):
        raise missing_kernel(name, kernel)
    _build_on_cupy()
    return globals()[kernel]
