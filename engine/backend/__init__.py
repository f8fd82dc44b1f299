"""Which kernels do the computing.

Every backend module offers the same functions (``relu``, ``relu_backward``, ...):

* ``native``    -- the compiled C kernels in ``engine._C`` (the default);
* ``reference`` -- plain NumPy, the slides' equations as written (the oracle);
* ``cuda``      -- CuPy on a GPU (used for arrays that live on the GPU).

Operations ask ``kernels_for(array)`` for the module to call, so switching the CPU
backend is one assignment here and costs nothing per operation.
"""
import contextlib
import importlib

import numpy as np

from . import cuda, reference

CPU_BACKENDS = ("native", "reference")

_modules = {"reference": reference}
_active = None  # the CPU backend module in use
_num_threads = 1


def _load(name):
    if name not in CPU_BACKENDS:
        raise ValueError(f"unknown backend {name!r}: expected one of {', '.join(CPU_BACKENDS)}")
    if name not in _modules:
        try:
            _modules[name] = importlib.import_module(f"{__name__}.{name}")
        except ImportError as err:
            raise ImportError(
                f"the {name} backend needs the compiled extension engine._C, which did not "
                f"import ({err}); install engine with pip (it builds the extension) or use "
                f"engine.set_backend('reference')") from err
    return _modules[name]


def set_backend(name):
    """Choose the CPU kernels: ``"native"`` (compiled, the default) or ``"reference"`` (NumPy)."""
    global _active
    _active = _load(name)


def get_backend():
    """The name of the CPU backend in use: ``"native"`` or ``"reference"``."""
    return _active.name


@contextlib.contextmanager
def using_backend(name):
    """``with engine.using_backend("reference"): ...`` runs a block on another backend."""
    global _active
    previous = _active
    set_backend(name)
    try:
        yield
    finally:
        _active = previous


def kernels_for(array):
    """The backend module that computes on ``array``: the active CPU one, or CuPy's for GPU arrays."""
    if type(array) is np.ndarray:  # the common case first: one type check per operation
        return _active
    return cuda if cuda.is_cupy_array(array) else _active


def backend_of(*arrays):
    """The backend that computes on these arrays (their first one decides): ``B.xp`` is its
    array module, ``B.<kernel>(...)`` its kernels."""
    return kernels_for(arrays[0])


def active():
    """The active CPU backend module."""
    return _active


def native_available():
    try:
        _load("native")
    except ImportError:
        return False
    return True


def set_num_threads(n):
    """Use ``n`` OpenMP threads in the compiled kernels."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"the number of threads must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"the number of threads must be at least 1, got {n}")
    global _num_threads
    _num_threads = int(n)
    if native_available():
        from .. import _C
        _C.set_num_threads(_num_threads)


def get_num_threads():
    """The number of threads the compiled kernels use."""
    if native_available():
        from .. import _C
        return _C.get_num_threads()
    return _num_threads


def _choose_default():
    global _active
    try:
        _active = _load("native")
    except ImportError as err:
        import warnings
        warnings.warn(f"{err}; falling back to the reference backend", RuntimeWarning,
                      stacklevel=3)
        _active = reference


_choose_default()


# Keep freed memory for reuse, so each training step's fresh arrays land on pages that are
# already mapped (no page faults); see engine/backend/memory.py. ENGINE_KEEP_FREED_MEMORY=0
# turns it off.
from .memory import _apply_default as _keep_memory_default  # noqa: E402
from .memory import keep_freed_memory, kept_freed_memory  # noqa: E402,F401

_keep_memory_default()
