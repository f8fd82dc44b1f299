"""Checks of user-given settings, written once: every constructor and function that takes a size,
a count or a rate calls these, so a bad value gets the same clear message everywhere.

Each check returns the value in the type the code uses (a Python ``int`` or ``float``), so a
caller writes ``self.size = positive_int(size, "size")`` and never converts twice.
"""
import numbers

import numpy as np


def is_int(value):
    """True for Python and NumPy integers, but not for ``bool`` (``True`` is not a layer size)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def positive_int(value, name, allow_none=False):
    """``value`` as an ``int`` >= 1; a clear ``ValueError`` naming ``name`` otherwise."""
    if allow_none and value is None:
        return None
    if not is_int(value) or value < 1:
        also = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a positive int{also}, got {value!r}")
    return int(value)


def non_negative_int(value, name):
    """``value`` as an ``int`` >= 0; a clear ``ValueError`` naming ``name`` otherwise."""
    if not is_int(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return int(value)


def real_number(value, name):
    """``value`` as a ``float``: a real number, not a bool, a string or a complex number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    return float(value)
