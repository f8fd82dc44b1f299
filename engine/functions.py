"""PyTorch's top-level functions: ``engine.zeros(2, 3)``, ``engine.randn(...)``, ``engine.cat``,
``engine.argmax`` ..., with PyTorch's names, signatures and dtypes.

Creation functions take the size as separate ints or one tuple (``zeros(2, 3)`` or
``zeros((2, 3))``) and the keywords ``dtype=``, ``requires_grad=`` and ``device=``. Random ones
draw from the engine's one generator, so ``engine.manual_seed(n)`` makes them repeatable. The
math functions (``engine.exp(x)``, ``engine.cat`` ...) are written in engine/math_functions.py
and re-exported here.
"""
import builtins
import math

import numpy as np

from . import cuda, dtypes, random
from .devices import check_available, device, move
from .math_functions import (  # PyTorch's math functions, part of the same top level
    abs, add, allclose, argmax, argmin, bmm, cat, clamp, clip, concat, div, eq, equal, exp,
    flatten, ge, gt, le, log, lt, matmul, max, maximum, mean, min, minimum, mm, mul, ne,
    permute, reshape, sigmoid, sqrt, squeeze, stack, sub, sum, tanh, transpose, unsqueeze,
    where)
from .math_functions import (  # picking, sorting, tiling: the Tensor methods as functions
    argsort, cumsum, dot, flip, gather, isfinite, isinf, isnan, logsumexp, masked_select, movedim,
    mv, nan_to_num, narrow, nonzero, outer, roll, sort, tile, topk, tril, triu)
from .math_functions import _SELECTION
from .tensor import Tensor, _wrap, as_tensor_array, to_numpy
from .validate import real_number


def check_device(where):
    """``device=`` of a creation function as an ``engine.device`` (None: the CPU); a GPU this
    machine cannot use raises, saying what to install (``engine.devices.check_available``)."""
    return None if where is None else check_available(where)


def place(t, where):
    """``t`` with its data on ``where`` (a checked device or None), still a leaf tensor."""
    if where is not None and where.type != "cpu":
        t.data = move(t.data, where)
    return t


def _size(size, name):
    """``(2, 3)`` from ``f(2, 3)`` or ``f((2, 3))`` (or ``f([2, 3])``); checked."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, builtins.bool) or not isinstance(n, (builtins.int, np.integer)):
            raise TypeError(f"{name}: sizes must be ints, got {n!r} in {size}")
        if n < 0:
            raise ValueError(f"{name}: sizes must be non-negative, got {size}")
    return tuple(builtins.int(n) for n in size)


def _make(arr, requires_grad, where):
    t = place(_wrap(arr), check_device(where))
    if requires_grad:
        t.requires_grad_()
    return t


def _float_dtype(dtype, name):
    dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{name} draws real numbers: dtype must be float32 or float64, got {dtype}")
    return dtype


def _dtype(dtype):
    return dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype)


# ------------------------------------------------------------------ creation
def zeros(*size, dtype=None, requires_grad=False, device=None):
    """A tensor of zeros (default float32)."""
    return _make(np.zeros(_size(size, "zeros"), _dtype(dtype)), requires_grad, device)


def ones(*size, dtype=None, requires_grad=False, device=None):
    """A tensor of ones."""
    return _make(np.ones(_size(size, "ones"), _dtype(dtype)), requires_grad, device)


def empty(*size, dtype=None, requires_grad=False, device=None):
    """A tensor whose values are whatever the memory held (fill it before reading)."""
    return _make(np.empty(_size(size, "empty"), _dtype(dtype)), requires_grad, device)


def _dtype_of_value(value):
    """The dtype ``torch.full`` and ``arange`` infer: bool, int64, or the default float."""
    if isinstance(value, (builtins.bool, np.bool_)):
        return dtypes.bool_
    if isinstance(value, (builtins.int, np.integer)):
        return dtypes.int64
    return dtypes.get_default_dtype()


def full(size, fill_value, *, dtype=None, requires_grad=False, device=None):
    """A tensor of shape ``size`` filled with ``fill_value`` (dtype inferred from it)."""
    fill_value = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    dtype = _dtype_of_value(fill_value) if dtype is None else dtypes.as_dtype(dtype)
    return _make(np.full(_size((size,), "full"), fill_value, dtype), requires_grad, device)


def arange(start, end=None, step=1, *, dtype=None, requires_grad=False, device=None):
    """``[start, start + step, ...]`` up to (not including) ``end``; ``arange(n)`` is 0..n-1.
    int64 when all of start, end, step are ints, else the default float dtype."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    for name, value in (("start", start), ("end", end), ("step", step)):
        if not math.isfinite(real_number(value, f"arange: {name}")):
            raise ValueError(f"arange: {name} must be finite, got {value}")
    if step == 0:
        raise ValueError("arange: step must be non-zero")
    if dtype is None:
        ints = all(isinstance(v, (builtins.int, np.integer)) and not isinstance(v, builtins.bool)
                   for v in (start, end, step))
        dtype = dtypes.int64 if ints else dtypes.get_default_dtype()
    dtype = dtypes.as_dtype(dtype)
    n = builtins.max(0, math.ceil((end - start) / step))     # PyTorch's count
    arr = (start + step * np.arange(n, dtype=np.float64)).astype(dtype) if dtype.kind == "f" \
        else np.arange(start, start + n * step, step)[:n].astype(dtype)
    return _make(arr, requires_grad, device)


def linspace(start, end, steps, *, dtype=None, requires_grad=False, device=None):
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included)."""
    if isinstance(steps, builtins.bool) or not isinstance(steps, (builtins.int, np.integer)) \
            or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
    arr = np.linspace(start, end, builtins.int(steps)).astype(_dtype(dtype))
    return _make(arr, requires_grad, device)


def eye(n, m=None, *, dtype=None, requires_grad=False, device=None):
    """The ``n`` × ``m`` identity matrix (``m = n`` by default)."""
    n, m = _size((n, n if m is None else m), "eye")
    return _make(np.eye(n, m, dtype=_dtype(dtype)), requires_grad, device)


def rand(*size, dtype=None, requires_grad=False, device=None):
    """Uniform samples from [0, 1) (from the engine's generator: ``manual_seed``)."""
    dtype = _float_dtype(dtype, "rand")
    arr = random.get_generator().random(_size(size, "rand"), dtype=dtype)
    return _make(arr, requires_grad, device)


def randn(*size, dtype=None, requires_grad=False, device=None):
    """Standard normal samples N(0, 1)."""
    dtype = _float_dtype(dtype, "randn")
    arr = random.get_generator().standard_normal(_size(size, "randn"), dtype=dtype)
    return _make(arr, requires_grad, device)


def randint(low, high=None, size=None, *, dtype=None, requires_grad=False, device=None):
    """Integers drawn uniformly from [low, high), int64 by default: ``randint(10, (3,))`` or
    ``randint(2, 10, (3,))``."""
    if size is None:                       # randint(high, size)
        if high is None:
            raise TypeError("randint needs a size: randint(high, size) or randint(low, high, size)")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if not low < high:
        raise ValueError(f"randint: low must be below high, got low={low}, high={high}")
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    arr = random.get_generator().integers(low, high, _size((size,), "randint")).astype(dtype)
    return _make(arr, requires_grad, device)


def randperm(n, *, dtype=None, requires_grad=False, device=None):
    """A random permutation of 0..n-1 (int64)."""
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    return _make(random.get_generator().permutation(n).astype(dtype), requires_grad, device)


def _check_tensor(input, name):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{name} expects a Tensor, got {type(input).__name__}")


def _like(name, make):
    def like(input, *, dtype=None, requires_grad=False, device=None, **kwargs):   # noqa: A002
        _check_tensor(input, f"{name}_like")
        dtype = input.dtype if dtype is None else dtype
        return make(input.shape, dtype=dtype, requires_grad=requires_grad, device=device,
                    **kwargs)
    like.__name__ = f"{name}_like"
    like.__doc__ = f"``{name}`` with ``input``'s shape and dtype (unless ``dtype=`` says otherwise)."
    return like


zeros_like = _like("zeros", zeros)
ones_like = _like("ones", ones)
empty_like = _like("empty", empty)
rand_like = _like("rand", rand)
randn_like = _like("randn", randn)


def full_like(input, fill_value, *, dtype=None, requires_grad=False, device=None):  # noqa: A002
    """``full`` with ``input``'s shape and dtype."""
    _check_tensor(input, "full_like")
    return full(input.shape, fill_value, dtype=input.dtype if dtype is None else dtype,
                requires_grad=requires_grad, device=device)


def randint_like(input, low, high=None, *, dtype=None, requires_grad=False, device=None):  # noqa: A002
    """``randint`` with ``input``'s shape and dtype."""
    _check_tensor(input, "randint_like")
    low, high = (0, low) if high is None else (low, high)
    return randint(low, high, input.shape, dtype=input.dtype if dtype is None else dtype,
                   requires_grad=requires_grad, device=device)


def from_numpy(array):
    """A tensor sharing ``array``'s memory (changes to one show in the other), as
    ``torch.from_numpy``; the array must hold a tensor dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a NumPy array, got {type(array).__name__}")
    arr = as_tensor_array(array)
    if arr is not array and not array.dtype.isnative:
        raise TypeError(f"from_numpy: the array's byte order ({array.dtype.str}) is not this "
                        f"machine's, so the memory cannot be shared (as in PyTorch); use "
                        f"engine.tensor(array) for a copy, which keeps the precision")
    if arr is not array:
        raise TypeError(f"from_numpy: dtype {array.dtype} is not a tensor dtype, so the memory "
                        f"cannot be shared; use engine.tensor(array) for a converted copy")
    return _wrap(arr)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing memory with a NumPy array (or tensor) when no conversion
    is needed, as ``torch.as_tensor``."""
    where = check_device(device)
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtypes.as_dtype(dtype)) \
            and (where is None or data.device == where):
        return data
    return place(_wrap(as_tensor_array(to_numpy(data), dtype)), where)


_DLPACK_CPU = 1


def from_dlpack(ext_tensor):
    """A tensor sharing the memory of another library's array or tensor (anything with
    ``__dlpack__``: NumPy, PyTorch, CuPy, JAX ...), as ``torch.from_dlpack``. A PyTorch tensor
    that requires grad must be ``.detach()``-ed first (PyTorch refuses to export it). Data of a
    dtype engine does not hold (float16 ...) is converted, which copies."""
    if not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack expects an object with __dlpack__ (a NumPy array, a "
                        f"torch.Tensor ...), got {type(ext_tensor).__name__}")
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    device_type = ext_tensor.__dlpack_device__()[0]
    if device_type == _DLPACK_CPU:
        arr = np.from_dlpack(ext_tensor)
    else:
        try:
            import cupy
        except ImportError:
            raise RuntimeError(f"from_dlpack: the data is on a device of DLPack type "
                               f"{device_type}, not the CPU, and CuPy is not installed") from None
        arr = cupy.from_dlpack(ext_tensor)
    return _wrap(as_tensor_array(arr))


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):   # noqa: A002
    return input.numel()


__all__ = [
    "device", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "rand", "randn",
    "randint", "randperm", "zeros_like", "ones_like", "empty_like", "full_like", "rand_like",
    "randn_like", "randint_like", "from_numpy", "from_dlpack", "as_tensor", "is_tensor", "numel", "cat", "concat",
    "stack", "flatten", "reshape", "transpose", "permute", "squeeze", "unsqueeze", "exp", "log",
    "sqrt", "abs", "clamp", "clip", "sigmoid", "tanh", "sum", "mean", "max", "min", "argmax",
    "argmin", "maximum", "minimum", "matmul", "add", "sub", "mul", "div", "mm", "bmm", "where", "eq", "ne", "lt", "le", "gt",
    "ge", "equal", "allclose", *_SELECTION,
]
