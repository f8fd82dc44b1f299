"""The convolutions' column workspace: one buffer for the process, reused by every call.

The column matrix of a whole batch can be huge (C·K·N·L elements), so engine/ops/conv.py
processes the batch in chunks (``_chunk_size``) whose buffers are carved from this workspace
(``_workspace_arrays``) of at most ``get_workspace_limit()`` bytes (64 MiB by default;
``set_workspace_limit``). The workspace is allocated once and grown when a bigger one is
needed, never allocated per call. ``_columns_kept`` tells a convolution's backward whether its
forward's columns are still there (nothing else used the workspace since), so it can reuse them.
"""
import math

import numpy as np

# ---------------------------------------------------------------- workspace

_DEFAULT_LIMIT = 64 * 2**20
_ALIGN = 64                       # bytes: each carved array starts on a cache line
_workspace_limit = _DEFAULT_LIMIT
_workspace = np.empty(0, dtype=np.uint8)     # host memory: the CPU backends' column buffers
_columns_owner = None             # token of the ConvNd whose whole-batch columns are there


def set_workspace_limit(nbytes):
    """Let convolutions use at most ``nbytes`` of column workspace (the batch is chunked).

    A single image that needs more than the limit is still processed (alone, one per chunk).
    Shrinking the limit frees a workspace larger than the new limit.
    """
    global _workspace_limit, _workspace, _columns_owner
    _columns_owner = None
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)):
        raise TypeError(f"the workspace limit must be an int number of bytes, got {nbytes!r}")
    if nbytes < 1:
        raise ValueError(f"the workspace limit must be positive, got {nbytes}")
    _workspace_limit = int(nbytes)
    if _workspace.nbytes > _workspace_limit:
        _workspace = np.empty(0, dtype=np.uint8)


def get_workspace_limit():
    """The most bytes of column workspace a convolution uses (unless one image needs more)."""
    return _workspace_limit


def workspace_size():
    """Bytes of workspace allocated now (the peak any convolution so far needed)."""
    return _workspace.nbytes


def release_workspace():
    """Free the workspace (the next convolution allocates it again)."""
    global _workspace, _columns_owner
    _columns_owner = None
    _workspace = np.empty(0, dtype=np.uint8)


def _padded(nbytes):
    return -(-nbytes // _ALIGN) * _ALIGN


def _workspace_arrays(B, dtype, *shapes, owner=None):
    """C-contiguous arrays of ``shapes`` carved from the persistent workspace (grown if needed).

    The host workspace serves the CPU backends; the cuda backend gets fresh arrays of its own
    array module instead (CuPy's memory pool hands freed device blocks out again, so this is
    cheap there), and keeps no columns between forward and backward.

    They are only valid until the next call: the same memory is handed out again.
    ``owner``: a token of the op whose columns the first array holds afterwards (see
    _columns_kept; a token, not the op, so the workspace keeps no graph alive); any other
    call forgets the previous owner.
    """
    global _workspace, _columns_owner
    if B.name == "cuda":
        _columns_owner = None
        return [B.xp.empty(shape, dtype) for shape in shapes]
    _columns_owner = owner
    itemsize = np.dtype(dtype).itemsize
    sizes = [_padded(math.prod(s) * itemsize) for s in shapes]
    total = sum(sizes) + _ALIGN
    if _workspace.nbytes < total:
        _workspace = np.empty(total, dtype=np.uint8)
    start = (-_workspace.ctypes.data) % _ALIGN
    arrays = []
    for shape, size in zip(shapes, sizes):
        count = math.prod(shape)
        arrays.append(_workspace[start:start + count * itemsize].view(dtype).reshape(shape))
        start += size
    return arrays


def _columns_kept(owner):
    """True if the workspace still holds the columns ``owner`` computed (and nothing else ran)."""
    return owner is not None and _columns_owner is owner


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
