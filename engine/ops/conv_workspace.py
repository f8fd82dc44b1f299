"""The convolutions' column workspace: one buffer per thread, reused by every call.

The column matrix of a whole batch can be huge (C·K·N·L elements), so engine/ops/conv.py
processes the batch in chunks (``_chunk_size``) whose buffers are carved from this workspace
(``_workspace_arrays``) of at most ``get_workspace_limit()`` bytes (64 MiB by default;
``set_workspace_limit``). The workspace is allocated once and grown when a bigger one is
needed, never allocated per call. ``_columns_kept`` tells a convolution's backward whether its
forward's columns are still there (nothing else used the workspace since), so it can reuse them.

Threads: each Python thread has its own workspace (and its own record of whose columns it
holds), so convolutions running at once in several threads never write into each other's
columns; a backward run in another thread than its forward finds nothing kept there and
recomputes the columns. A thread's workspace is freed when the thread ends. The limit is one
setting for the process; ``set_workspace_limit`` and ``release_workspace`` apply to the
workspaces of all threads (a thread in the middle of a convolution keeps the buffer it is
using until that call returns, then allocates afresh).
"""
import math
import threading
import weakref

import numpy as np

# ---------------------------------------------------------------- workspace

_DEFAULT_LIMIT = 64 * 2**20
_ALIGN = 64                       # bytes: each carved array starts on a cache line
_EMPTY = np.empty(0, dtype=np.uint8)
_workspace_limit = _DEFAULT_LIMIT


class _Workspace:
    """One thread's host memory for the CPU backends' column buffers."""

    def __init__(self):
        self.buffer = _EMPTY
        self.owner = None         # token of the ConvNd whose whole-batch columns are there


class _ThisThread(threading.local):
    def __init__(self):           # runs once in each thread, at its first convolution
        self.workspace = _Workspace()
        with _registry_lock:
            _all_workspaces.add(self.workspace)


_all_workspaces = weakref.WeakSet()   # every live thread's workspace (gone with its thread)
_registry_lock = threading.Lock()     # a thread's first convolution may add to it meanwhile
_this_thread = _ThisThread()


def _mine():
    return _this_thread.workspace


def _drop_all(larger_than=-1):
    """Forget the columns of every thread and free its buffer if above ``larger_than`` bytes.
    (Only references are dropped: arrays a running call carved stay valid until it ends.)"""
    with _registry_lock:
        workspaces = list(_all_workspaces)
    for ws in workspaces:
        ws.owner = None
        if ws.buffer.nbytes > larger_than:
            ws.buffer = _EMPTY


def set_workspace_limit(nbytes):
    """Let convolutions use at most ``nbytes`` of column workspace (the batch is chunked).

    A single image that needs more than the limit is still processed (alone, one per chunk).
    Shrinking the limit frees every thread's workspace larger than the new limit.
    """
    global _workspace_limit
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)):
        raise TypeError(f"the workspace limit must be an int number of bytes, got {nbytes!r}")
    if nbytes < 1:
        raise ValueError(f"the workspace limit must be positive, got {nbytes}")
    _workspace_limit = int(nbytes)
    _drop_all(larger_than=_workspace_limit)


def get_workspace_limit():
    """The most bytes of column workspace a convolution uses (unless one image needs more)."""
    return _workspace_limit


def workspace_size():
    """Bytes of workspace the calling thread has now (the peak its convolutions so far needed)."""
    return _mine().buffer.nbytes


def release_workspace():
    """Free the workspace of every thread (the next convolution allocates it again)."""
    _drop_all()


def __getattr__(name):
    """``_workspace``: the calling thread's buffer as it is now (it is rebound when it grows)."""
    if name == "_workspace":
        return _mine().buffer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _padded(nbytes):
    return -(-nbytes // _ALIGN) * _ALIGN


def _workspace_arrays(B, dtype, *shapes, owner=None):
    """C-contiguous arrays of ``shapes`` carved from the calling thread's workspace (grown if
    needed).

    The host workspace serves the CPU backends; the cuda backend gets fresh arrays of its own
    array module instead (CuPy's memory pool hands freed device blocks out again, so this is
    cheap there), and keeps no columns between forward and backward.

    They are only valid until the thread's next call: the same memory is handed out again.
    ``owner``: a token of the op whose columns the first array holds afterwards (see
    _columns_kept; a token, not the op, so the workspace keeps no graph alive); any other
    call forgets the previous owner.
    """
    ws = _mine()
    if B.name == "cuda":
        ws.owner = None
        return [B.xp.empty(shape, dtype) for shape in shapes]
    ws.owner = owner
    itemsize = np.dtype(dtype).itemsize
    sizes = [_padded(math.prod(s) * itemsize) for s in shapes]
    total = sum(sizes) + _ALIGN
    buffer = ws.buffer
    if buffer.nbytes < total:
        buffer = ws.buffer = np.empty(total, dtype=np.uint8)
    start = (-buffer.ctypes.data) % _ALIGN
    arrays = []
    for shape, size in zip(shapes, sizes):
        count = math.prod(shape)
        arrays.append(buffer[start:start + count * itemsize].view(dtype).reshape(shape))
        start += size
    return arrays


def _columns_kept(owner):
    """True if the calling thread's workspace still holds the columns ``owner`` computed (and
    nothing else ran there since)."""
    return owner is not None and _mine().owner is owner


# Chunking for speed, within the limit. A batch whose buffers take at most _WHOLE_BATCH_BYTES
# runs as one chunk: its columns then stay in the cache between the im2col and the GEMM, and
# the backward can reuse them. A bigger batch has to be recomputed in the backward anyway, and
# runs fastest in chunks of at most _CHUNK_BYTES, whose columns are still in the L2/L3 cache
# when the GEMM packs them (64→64 3×3 at 32², fwd+bwd, 1 thread: 99 ms in chunks of one image,
# 2.6 MB each, against 126 ms in chunks of 64 MiB and 128 ms in chunks of 8 MB).
_WHOLE_BATCH_BYTES = 8 * 2**20
_CHUNK_BYTES = 4 * 2**20


def _chunk_size(n, elements_per_image, dtype):
    """How many images' buffers a chunk holds (at least 1): the whole batch when its buffers
    are small, else what fits a cache-sized chunk, and never more than the workspace limit."""
    per_image = _padded(elements_per_image * np.dtype(dtype).itemsize) + 2 * _ALIGN
    budget = _WHOLE_BATCH_BYTES if n * per_image <= _WHOLE_BATCH_BYTES else _CHUNK_BYTES
    budget = min(budget, _workspace_limit)
    return max(1, min(n, (budget - _ALIGN) // per_image))
