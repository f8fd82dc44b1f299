"""The dtypes a Tensor may hold, and small helpers to check and combine them.

As in PyTorch: float32 and float64 tensors can require gradients; integer tensors (int64 by
default, for labels and indices) and bool tensors (from comparisons, for masks) cannot.
The dtypes are the NumPy dtypes themselves, so ``t.dtype == engine.float32`` and
``arr.astype(engine.int64)`` both work. PyTorch's aliases are here too: ``engine.float`` is
float32, ``engine.double`` float64, ``engine.long`` int64, ``engine.int`` int32.
"""
import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)

FLOAT_DTYPES = (float32, float64)
INTEGER_DTYPES = (int8, int16, int32, int64, uint8)
TENSOR_DTYPES = FLOAT_DTYPES + INTEGER_DTYPES + (bool_,)

# The dtype given to Python numbers, lists and integer/bool arrays (as in PyTorch).
_default_dtype = float32


def get_default_dtype():
    """The dtype used for data that carries no float dtype of its own (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype):
    """Change the default float dtype (e.g. to float64 for numerical experiments)."""
    global _default_dtype
    _default_dtype = as_float_dtype(dtype)


def _one_of(dtype, allowed):
    """``dtype`` as a NumPy dtype if it is one of ``allowed``, else None."""
    if dtype is None:          # np.dtype(None) means float64 to NumPy; here it is no dtype
        return None
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        return None
    return dt if dt in allowed else None


def as_float_dtype(dtype):
    """Return ``dtype`` as ``float32`` or ``float64``; raise TypeError for anything else.

    Accepts anything NumPy understands as one of these two dtypes
    (``np.float32``, ``"float64"``, ``engine.float32`` ...).
    """
    dt = _one_of(dtype, FLOAT_DTYPES)
    if dt is not None:
        return dt
    raise TypeError(f"expected dtype float32 or float64, got {dtype!r}")


def check_float_array(arr, name="array"):
    """Return ``arr`` unchanged if it holds float32/float64 data; raise TypeError otherwise."""
    dt = getattr(arr, "dtype", None)
    # isinstance first: NumPy compares np.dtype("float64") == None as True.
    if not (isinstance(dt, np.dtype) and dt in FLOAT_DTYPES):
        given = dt if dt is not None else type(arr).__name__
        raise TypeError(f"{name} must be a float32 or float64 array, got {given}")
    return arr


def as_dtype(dtype):
    """Return ``dtype`` as one of the dtypes a Tensor may hold (``TENSOR_DTYPES``); raise
    TypeError naming it otherwise (complex, float16, strings ...)."""
    dt = _one_of(dtype, TENSOR_DTYPES)
    if dt is not None:
        return dt
    names = ", ".join(str(d) for d in TENSOR_DTYPES)
    raise TypeError(f"expected a tensor dtype ({names}), got {dtype!r}")


def check_same_dtype(op, **arrays):
    """Refuse to mix dtypes in a matrix product (matmul, linear, convolution), as PyTorch
    does: say which operands differ and how to convert. ``None`` values (no bias) are skipped."""
    given = {name: a.dtype for name, a in arrays.items() if a is not None}
    if len(set(given.values())) > 1:
        shown = ", ".join(f"{name} {dt}" for name, dt in given.items())
        raise TypeError(f"{op}: expected operands of the same dtype, got {shown}; convert one "
                        f"first (x.float() or x.double(), or model.double())")


def result_type(a, b):
    """The dtype of an elementwise operation on arrays ``a`` and ``b``, by PyTorch's rule:
    a float operand wins over an integer or bool one (int64 + float32 gives float32, where
    NumPy would give float64); two floats give the wider; integers and bools combine as in
    NumPy (bool + int8 gives int8, int32 + int64 gives int64)."""
    da, db = a.dtype, b.dtype
    if da == db:
        return da
    fa, fb = da.kind == "f", db.kind == "f"
    if fa != fb:
        return da if fa else db
    return np.result_type(da, db)


# PyTorch's names for the same dtypes (they shadow builtins only inside this module).
float = float32            # noqa: A001
double = float64
long = int64
int = int32                # noqa: A001
short = int16
bool = bool_               # noqa: A001
