"""The rule for values loaded into existing state (``Module.load_state_dict``,
``Optimizer.load_state_dict``, training checkpoints): what may be cast, and what is refused.

Loading copies each value into an array of the target's dtype, as PyTorch's ``copy_`` does,
with these refusals (each a ValueError naming the entry):

* complex values (the imaginary part would be dropped), strings, objects, dicts, None;
* bool into a number array or numbers into a bool array (a mix-up, not a value);
* floats into an integer array unless every value is a whole number (no truncation);
* values outside the target's range: integers that do not fit, and finite floats that become
  infinite in a narrower float (1e300 into float32).

Accepted: floats into floats of any width (float64 → float32 rounds, as PyTorch does),
integers into floats, NaN and infinities where the source already holds them (a loaded NaN is
data, not a cast's doing). Callers check every entry first and assign only when all passed,
so a refused dict leaves the target as it was.
"""
import numbers

import numpy as np

from .tensor import Tensor, to_numpy


def as_plain_array(value, name):
    """``value`` as a host NumPy array of bool, integer or float dtype, else ValueError."""
    if not (isinstance(value, (Tensor, np.ndarray, np.generic, numbers.Number, list, tuple))
            or hasattr(value, "__array__")):
        raise ValueError(f"{name}: expected an array or a number, got {type(value).__name__}")
    try:
        arr = to_numpy(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name}: not an array of numbers ({err})") from None
    if arr.dtype.kind not in "biuf":
        what = "complex values" if arr.dtype.kind == "c" else f"dtype {arr.dtype}"
        raise ValueError(f"{name}: {what} cannot be loaded (bool, integer or float expected)")
    return arr


def cast_for_load(value, dtype, name, shape=None):
    """A new host array holding ``value`` as ``dtype`` (of ``shape`` when given), under the
    rule of this module's docstring."""
    arr = as_plain_array(value, name)
    target = np.dtype(dtype)
    if shape is not None and tuple(arr.shape) != tuple(shape):
        raise ValueError(f"{name}: shape {tuple(arr.shape)} given, {tuple(shape)} expected")
    if (arr.dtype.kind == "b") != (target.kind == "b"):
        raise ValueError(f"{name}: {arr.dtype} values cannot be loaded into {target}")
    if target.kind in "iu" and arr.size:
        if arr.dtype.kind == "f":
            if not np.isfinite(arr).all() or (arr != np.trunc(arr)).any():
                raise ValueError(f"{name}: float values that are not whole numbers cannot be "
                                 f"loaded into {target} (they would be truncated)")
        lo, hi = np.iinfo(target).min, np.iinfo(target).max
        low, high = arr.min(), arr.max()
        low, high = (int(low), int(high)) if arr.dtype.kind != "f" else (float(low), float(high))
        if low < lo or high > hi:
            raise ValueError(f"{name}: values {low}..{high} do not fit in {target}")
    with np.errstate(over="ignore", invalid="ignore"):      # overflow is checked below
        out = arr.astype(target, copy=True)
    if target.kind == "f" and arr.dtype.kind == "f" and target.itemsize < arr.dtype.itemsize:
        if (np.isinf(out) & np.isfinite(arr)).any():
            raise ValueError(f"{name}: values beyond the range of {target} (they would become "
                             "infinite)")
    return out


def plain_number(value, name, like=None):
    """A loaded hyper-parameter or counter as a Python number (bool, int or float): 0-d arrays
    are unwrapped; complex, strings and arrays are refused; ints stay ints; a float given
    where ``like`` is an int must be whole."""
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise ValueError(f"{name}: expected a number, got an array of shape {value.shape}")
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if isinstance(like, numbers.Integral) and not isinstance(like, bool):
            if not value.is_integer():
                raise ValueError(f"{name}: {value} given where a whole number is expected")
            return int(value)
        return value
    raise ValueError(f"{name}: expected a real number, got {type(value).__name__} {value!r}")
