"""The floating-point dtypes a Tensor may hold, and small helpers to check them.

Tensors hold float32 or float64 data only: gradients need real numbers, and
keeping to two dtypes keeps every op simple.  ``float32`` and ``float64`` are
the NumPy dtypes themselves, so ``t.dtype == engine.float32`` and
``arr.astype(engine.float64)`` both work.
"""
import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)

FLOAT_DTYPES = (float32, float64)

# The dtype given to Python numbers, lists and integer/bool arrays (as in PyTorch).
_default_dtype = float32


def get_default_dtype():
    """The dtype used for data that carries no float dtype of its own (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype):
    """Change the default float dtype (e.g. to float64 for numerical experiments)."""
    global _default_dtype
    _default_dtype = as_float_dtype(dtype)


def as_float_dtype(dtype):
    """Return ``dtype`` as ``float32`` or ``float64``; raise TypeError for anything else.

    Accepts anything NumPy understands as one of these two dtypes
    (``np.float32``, ``"float64"``, ``engine.float32`` ...).
    """
    # np.dtype(None) means float64 to NumPy; here "no dtype" is not a float dtype.
    if dtype is not None:
        try:
            dt = np.dtype(dtype)
        except (TypeError, ValueError):
            pass
        else:
            if dt in FLOAT_DTYPES:
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
