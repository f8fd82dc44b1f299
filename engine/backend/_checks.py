"""Input checks shared by every backend, so bad input fails the same way everywhere.

A kernel only ever sees C-contiguous float32/float64 arrays; everything else is
either converted here (non-contiguous views are copied) or refused with a
message that names what was expected and what was given.
"""
import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_input(x, name="x"):
    """Return ``x`` as a C-contiguous float32/float64 NumPy array, or raise TypeError."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(x).__name__}")
    if x.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be float32 or float64, got dtype {x.dtype}")
    return x if x.flags.c_contiguous else np.ascontiguousarray(x)


def same_as(x, other, name, other_name="x"):
    """Check that ``other`` matches ``x`` in shape and dtype (e.g. a gradient and its input)."""
    other = float_input(other, name)
    if other.shape != x.shape:
        raise ValueError(f"{name} must have the shape of {other_name} {x.shape}, got {other.shape}")
    if other.dtype != x.dtype:
        raise TypeError(f"{name} must have the dtype of {other_name} ({x.dtype}), got {other.dtype}")
    return other


def output(out, like, name="out"):
    """A buffer for a result shaped like ``like``: ``out`` after checking it, or a new array.

    ``out=`` lets a training loop reuse its buffers instead of allocating (and
    page-faulting) a fresh array on every call.
    """
    if out is None:
        return np.empty_like(like)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(out).__name__}")
    if out.shape != like.shape:
        raise ValueError(f"{name} must have shape {like.shape}, got {out.shape}")
    if out.dtype != like.dtype:
        raise TypeError(f"{name} must have dtype {like.dtype}, got {out.dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{name} must be a writeable C-contiguous array")
    return out


def normalize_axis(axis, ndim):
    """A non-negative axis index, or ValueError when ``axis`` is out of range."""
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array with {ndim} dimension(s)")
    return int(axis) % ndim


def split_at_axis(shape, axis):
    """View ``shape`` as (outer, n, inner) around ``axis``: what the softmax kernels loop over."""
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, shape[axis], inner


def prelu_layout(x, weight):
    """View ``x`` as (outer, channels, inner) for PReLU's per-channel slope.

    As in PyTorch, the channel axis is axis 1; one shared slope (``weight.size == 1``)
    treats the whole array as one channel.
    """
    if weight.ndim != 1:
        raise ValueError(f"PReLU weight must be 1-D (num_parameters,), got shape {weight.shape}")
    if weight.size == 1:
        return 1, 1, x.size
    if x.ndim < 2 or x.shape[1] != weight.size:
        raise ValueError(
            f"PReLU with {weight.size} slopes needs an input of shape (N, {weight.size}, ...), "
            f"got {x.shape}")
    return x.shape[0], weight.size, x.size // max(1, x.shape[0] * weight.size)


def gemm_operands(a, b, c, trans_a, trans_b):
    """Check C = α·op(A)·op(B) + β·C's operands; return (a, b, m, n, k).

    ``a`` and ``b`` are 2-D float arrays of one dtype (any strides: a kernel packs them);
    ``c``, when given, is (m, n) of that dtype.
    """
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"gemm: {name} must be a NumPy array, got {type(x).__name__}")
        if x.dtype not in FLOAT_DTYPES:
            raise TypeError(f"gemm: {name} must be float32 or float64, got dtype {x.dtype}")
        if x.ndim != 2:
            raise ValueError(f"gemm: {name} must be 2-D, got shape {x.shape}")
    if a.dtype != b.dtype:
        raise TypeError(f"gemm: a and b must have one dtype, got {a.dtype} and {b.dtype}")
    m, k = a.shape[::-1] if trans_a else a.shape
    k_b, n = b.shape[::-1] if trans_b else b.shape
    if k != k_b:
        raise ValueError(f"gemm: op(a) is ({m}, {k}) and op(b) is ({k_b}, {n}): "
                         f"inner sizes {k} and {k_b} differ")
    if c is not None:
        if not isinstance(c, np.ndarray) or c.dtype != a.dtype:
            raise TypeError(f"gemm: c must be a {a.dtype} NumPy array")
        if c.shape != (m, n):
            raise ValueError(f"gemm: c must have shape ({m}, {n}), got {c.shape}")
    return m, n, k
