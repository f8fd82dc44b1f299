"""Which kernels do the computing: the one dispatch rule.

The rule, followed by every ``Function`` in ``engine.ops``, every optimizer and every layer:

    B = backend_of(x)        # once per call, from the input arrays
    y = B.relu(x)            # the kernels: compiled (native), NumPy (reference), CuPy (cuda)
    z = B.xp.exp(x)          # the array module for everything else (NumPy, or CuPy)

A Function asks for the backend of its inputs once and does all its array work through it:
``B.xp`` is the array module, ``B.<kernel>(...)`` a kernel. The backends are packages with one
module per kernel family and the same file names in each (``activation``, ``gemm``, ``conv``,
``pool``, ``optim``):

* ``native``    -- the compiled C kernels in ``engine._C`` (the default);
* ``reference`` -- plain NumPy, the slides' equations as written (the oracle);
* ``cuda``      -- CuPy on a GPU, for arrays that live there: array-module code that runs with
                   NumPy standing in for CuPy too (``cuda.make_backend(xp)``), which is how CI
                   tests it without a GPU.

Every backend offers the same kernels (``reference.__all__``); asking one for a kernel it
lacks raises ``kernel_set.MissingKernel`` naming the backend and the kernel, never a silent
fall-back. Switching the CPU backend is one assignment here and costs nothing per operation:
``backend_of`` is one type check in the common case.
"""
import contextlib
import importlib
import threading

import numpy as np

from . import cuda, reference, threads
# Keep freed memory for reuse, so each training step's fresh arrays land on pages that are
# already mapped (no page faults); see memory.py. ENGINE_KEEP_FREED_MEMORY=0 turns it off.
from .memory import _apply_default as _keep_memory_default
from .memory import keep_freed_memory, kept_freed_memory  # noqa: F401  (public names)

CPU_BACKENDS = ("native", "reference")

_modules = {"reference": reference}
_active = None  # the CPU backend module in use (set_backend: for the whole process)
_num_threads = 1


class _ThreadChoice(threading.local):
    module = None   # the CPU backend of this thread's innermost `using_backend` block, if any


_this_thread = _ThreadChoice()
_blocks_open = 0    # `using_backend` blocks open in all threads: 0 lets backend_of skip the look-up
_blocks_lock = threading.Lock()


def _cpu_backend():
    """The CPU backend the calling thread uses: its `using_backend` choice, else the process's."""
    if _blocks_open:
        return _this_thread.module or _active
    return _active


def backend_of(array, *others):
    """The backend that computes on these arrays (the first one decides): the active CPU
    backend for NumPy arrays, the CuPy one for GPU arrays. ``B.xp`` is its array module,
    ``B.<kernel>(...)`` its kernels."""
    if type(array) is np.ndarray:  # the common case first: one type check per operation
        return _active if not _blocks_open else _cpu_backend()
    return cuda if cuda.is_cupy_array(array) else _cpu_backend()


def kernels_for(array):
    """``backend_of(array)``: the older name, kept for code written against it."""
    return backend_of(array)


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
    """Choose the CPU kernels: ``"native"`` (compiled, the default) or ``"reference"`` (NumPy).

    The choice is for the whole process (inside a ``using_backend`` block, for that block too).
    """
    global _active
    _active = _load(name)
    if _this_thread.module is not None:
        _this_thread.module = _active


def get_backend():
    """The name of the CPU backend the calling thread uses: ``"native"`` or ``"reference"``."""
    return _cpu_backend().name


@contextlib.contextmanager
def using_backend(name):
    """``with engine.using_backend("reference"): ...`` runs a block on another backend.

    Only the calling thread's operations switch (as grad mode, the choice is per thread):
    other threads keep computing on the process's backend, and blocks in several threads
    may open and close in any order.
    """
    global _blocks_open
    module = _load(name)
    previous = _this_thread.module
    with _blocks_lock:
        _blocks_open += 1
    _this_thread.module = module
    try:
        yield
    finally:
        _this_thread.module = previous
        with _blocks_lock:
            _blocks_open -= 1


def active():
    """The CPU backend module the calling thread uses."""
    return _cpu_backend()


def native_available():
    try:
        _load("native")
    except ImportError:
        return False
    return True


def set_num_threads(n):
    """Use ``n`` OpenMP threads in the compiled kernels: an ``int`` from 1 to
    ``threads.max_threads()`` (4 per usable core, at least 64). ``TypeError`` for a bool,
    float or string, ``ValueError`` outside that range (the message names the maximum)."""
    global _num_threads
    _num_threads = threads.check_thread_count(n, "set_num_threads: n")
    if native_available():
        from .. import _C
        _C.set_num_threads(_num_threads)


def _set_default_threads(most, start, adaptive, resume=False):
    """The default thread count (``threads.apply_default``): ``most`` threads, starting with
    ``start``; with ``adaptive``, fewer while other programs hold our cores
    (csrc/common/team.h), and ``resume`` goes on from what the adaptation had learnt. A
    count the user sets with ``set_num_threads`` stays fixed."""
    global _num_threads
    _num_threads = threads.check_thread_count(most, "the default number of threads")
    if native_available():
        from .. import _C
        _C.set_num_threads(_num_threads, adaptive=adaptive,
                           start=None if resume else min(start, _num_threads))


def use_default_threads(afresh=False):
    """Go back to the default thread count chosen at import (``engine info`` says which and
    why) after ``set_num_threads`` fixed one; an adapting default goes on from what it had
    learnt about the busy cores, or with ``afresh`` starts again from the count chosen."""
    c = threads.CHOICE
    if c["threads"] is None:
        threads.apply_default(_set_default_threads)
    else:
        _set_default_threads(c["most"], c["threads"], c["adaptive"], resume=not afresh)


@contextlib.contextmanager
def thread_setting_kept():
    """Run a block that sets thread counts (a benchmark), then put back what was set before:
    the fixed count, or the adapting default."""
    adaptive = False
    if native_available():
        from .. import _C
        adaptive = _C.thread_adaptation()["adaptive"]
    before = get_num_threads()
    try:
        yield
    finally:
        if adaptive:
            use_default_threads()
        else:
            set_num_threads(before)


def threads_in_use():
    """The threads the compiled kernels use now: ``get_num_threads()``, or fewer while the
    adapting default finds cores held by other programs."""
    if native_available():
        from .. import _C
        return _C.thread_adaptation()["in_use"]
    return _num_threads


def get_num_threads():
    """The number of threads the compiled kernels use (with the default: the most)."""
    if native_available():
        from .. import _C
        return _C.get_num_threads()
    return _num_threads


def _choose_default():
    global _active
    # How OpenMP threads wait, and how many run, chosen for a shared machine (threads.py);
    # the waiting policy must be in the environment before the compiled kernels load.
    threads.prepare_openmp_environment()
    try:
        _active = _load("native")
        threads.apply_default(_set_default_threads)
    except ImportError as err:
        import warnings
        warnings.warn(f"{err}; falling back to the reference backend", RuntimeWarning,
                      stacklevel=3)
        _active = reference


_choose_default()
_keep_memory_default()
