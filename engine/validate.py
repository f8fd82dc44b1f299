"""Checks of user-given settings, written once: every constructor and function that takes a size,
a count or a rate calls these, so a bad value gets the same clear message everywhere.

Each check returns the value in the type the code uses (a Python ``int`` or ``float``), so a
caller writes ``self.size = positive_int(size, "size")`` and never converts twice.
"""
import math
import os
import numbers

import numpy as np


# The largest size, stride or padding taken (a C ``int64`` holds it, with room for products
# of a few of them to be checked): 2**31 − 1, beyond any array this machine holds.
MAX_SIZE = 2 ** 31 - 1


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
    try:
        return float(value)
    except OverflowError:       # an int such as 10**400: no float holds it
        raise ValueError(f"{name} must be a real number a float can hold, got an int of "
                         f"{len(str(abs(int(value))))} digits") from None


def _bounds_text(low, high, low_open, high_open):
    if low is None and high is None:
        return ""
    if high is None:
        return f" {'>' if low_open else '>='} {low}"
    if low is None:
        return f" {'<' if high_open else '<='} {high}"
    return f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def finite_real(value, name, low=None, high=None, low_open=False, high_open=False):
    """``value`` as a finite ``float``, optionally within [low, high] (either end open).

    A bool, string, None or complex number is a ``TypeError``; NaN, ±infinity or a number out
    of range a ``ValueError``; both name ``name``, what was expected and what was given."""
    number = real_number(value, name)
    wanted = f"{name} must be a finite real number{_bounds_text(low, high, low_open, high_open)}"
    if not math.isfinite(number):
        raise ValueError(f"{wanted}, got {value!r}")
    if low is not None and (number < low or (low_open and number == low)):
        raise ValueError(f"{wanted}, got {value!r}")
    if high is not None and (number > high or (high_open and number == high)):
        raise ValueError(f"{wanted}, got {value!r}")
    return number


def non_negative_real(value, name):
    """A finite ``float`` >= 0 (learning rates, weight decay, eps)."""
    return finite_real(value, name, low=0.0)


def positive_real(value, name):
    """A finite ``float`` > 0 (factors one divides by, temperatures)."""
    return finite_real(value, name, low=0.0, low_open=True)


def probability(value, name, allow_one=True):
    """A finite ``float`` in [0, 1] (or [0, 1) with ``allow_one=False``: dropout's p, betas)."""
    return finite_real(value, name, low=0.0, high=1.0, high_open=not allow_one)


unit_interval = probability


def boolean(value, name):
    """``value`` as a ``bool``: only ``True``/``False`` (or NumPy's), not 0, 1 or "yes"."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {type(value).__name__} "
                        f"{value!r}")
    return bool(value)


def one_of(value, name, options):
    """``value`` itself if it is one of ``options`` (strings such as reductions or modes)."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value


def int_tuple(value, n, name, minimum=1):
    """An int, or a tuple/list of ``n`` ints, as a tuple of ``n`` ints each >= ``minimum``
    (kernel sizes, strides, paddings, dilations)."""
    items = (value,) * n if is_int(value) else value
    if not isinstance(items, (tuple, list)) or len(items) != n or \
            not all(is_int(v) and minimum <= v <= MAX_SIZE for v in items):
        raise ValueError(f"{name} must be an int in [{minimum}, 2**31 - 1] or a tuple of {n} "
                         f"such ints, got {value!r}")
    return tuple(int(v) for v in items)


def axis_index(value, name="axis"):
    """``value`` as an ``int`` axis (negative counts from the end); its range is checked where
    the array is known.  ``True`` is not axis 1."""
    if not is_int(value):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    return int(value)


def _physical_memory():
    """Bytes of RAM of this machine (None where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def fits_in_memory(shape, dtype, name):
    """Refuse, before allocating, an array (a layer's weight) larger than this machine's
    memory: ``Linear(10**6, 10**6)`` is a ``ValueError`` naming ``name`` and the size, not a
    ``MemoryError`` or a process killed while the weights are filled in."""
    need = math.prod(shape) * np.dtype(dtype).itemsize
    have = _physical_memory()
    if have is not None and need > have:
        raise ValueError(f"{name} of shape {tuple(shape)} needs {need / 2 ** 30:,.1f} GiB, more "
                         f"than this machine's {have / 2 ** 30:,.1f} GiB of memory")
    return tuple(shape)


# ------------------------------------------------------------ dims and shapes given to methods
def axis_or_dim(axis, dim):
    """Accept PyTorch's ``dim=`` as an alias of ``axis=``."""
    if dim is not None:
        if axis is not None:
            raise TypeError("give either axis= or dim=, not both")
        return dim
    return axis


def checked_dim(dim, ndim):
    """``dim`` (possibly negative) as a non-negative axis of an ``ndim``-axis tensor."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise np.exceptions.AxisError(dim, ndim)   # an IndexError (as in PyTorch) and a ValueError
    return dim % max(ndim, 1)


def shape_args(shape):
    """Allow both ``reshape(2, 3)`` and ``reshape((2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape
