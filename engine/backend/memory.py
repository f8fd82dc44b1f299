"""Keep freed memory for reuse: fresh arrays without fresh pages.

Every op returns a new array (the autograd graph keeps its outputs), so a training step
allocates and frees the same few megabytes again and again. With glibc's default malloc
tuning, a freed large block goes back to the operating system (``munmap``, or ``trim`` of
the heap top), and the next step's allocation of the same size gets brand-new pages: the
first write to each 4 KiB page is a page fault (~1.5 µs here). In the LeNet-5 training step
(batch 64) these faults cost about a third of the step, landing in whichever kernel first
writes an output (ReLU, pooling, the convolution's layout copy).

``keep_freed_memory(nbytes)`` tells glibc to

* serve blocks below 32 MiB from its heap instead of separate ``mmap``s
  (``M_MMAP_THRESHOLD``), and
* keep up to ``nbytes`` of free memory at the heap top instead of returning it
  (``M_TRIM_THRESHOLD``),

so the next step reuses pages that are already mapped. The process keeps that memory
(``nbytes`` at most, beyond what it uses) — the trade every framework's caching allocator
makes. ``import engine`` calls it once with 256 MiB unless the environment variable
``ENGINE_KEEP_FREED_MEMORY=0``. It is a process-wide malloc setting, and only glibc has it:
elsewhere (macOS, musl, Windows) the call does nothing and returns False.
"""
import ctypes
import ctypes.util
import os

import numpy as np

_M_TRIM_THRESHOLD = -1           # glibc's <malloc.h> parameter numbers
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 2**20     # glibc's own ceiling for its dynamic threshold
DEFAULT_KEEP = 256 * 2**20

_kept = None                     # bytes last set, or None


def _mallopt():
    """glibc's ``mallopt``, or None on another C library."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        gnu_version = libc.gnu_get_libc_version        # only glibc has it
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    gnu_version.restype = ctypes.c_char_p
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt


def keep_freed_memory(nbytes=DEFAULT_KEEP):
    """Let malloc keep up to ``nbytes`` of freed memory for reuse; True if it could be set.

    ``nbytes`` = 0 returns freed memory to the system at once again (but large blocks stay
    on the heap rather than in separate mappings, as the threshold is no longer dynamic).
    """
    global _kept
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)):
        raise TypeError(f"keep_freed_memory: nbytes must be an int, got {nbytes!r}")
    if not 0 <= nbytes < 2**31:
        raise ValueError(f"keep_freed_memory: nbytes must be in [0, 2**31), got {nbytes}")
    mallopt = _mallopt()
    if mallopt is None:
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) == 1
    ok = mallopt(_M_TRIM_THRESHOLD, int(nbytes)) == 1 and ok
    if ok:
        _kept = int(nbytes)
    return ok


def kept_freed_memory():
    """The ``nbytes`` last set by ``keep_freed_memory`` (None if never set)."""
    return _kept


def _apply_default():
    if os.environ.get("ENGINE_KEEP_FREED_MEMORY", "1").strip() not in ("0", "false", "no"):
        keep_freed_memory(DEFAULT_KEEP)
