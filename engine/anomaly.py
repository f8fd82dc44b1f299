"""Anomaly detection: name the first Function whose forward or backward made NaN or Inf.

``with engine.autograd.detect_anomaly(): ...`` (or ``set_detect_anomaly(True)``), as in
PyTorch. While it is on, every Function call remembers where in the program it was made (the
Python stack), its outputs are checked after forward and its gradients after backward, and the
first non-finite value raises a RuntimeError naming the Function and that place. A forward
whose inputs already held NaN/Inf is not blamed: the Function that made them was (or the data
came in that way). It is slow (a scan of every array and a stack walk per operation), so it is
off by default; when off it costs one flag test per operation.
"""
import traceback

_enabled = False      # record where each Function was made
_check_nan = True     # and check outputs and gradients (detect_anomaly(check_nan=False): don't)


def is_anomaly_enabled():
    """True while anomaly detection is on."""
    return _enabled


def set_detect_anomaly(mode, check_nan=True):
    """Turn anomaly detection on or off; returns the previous setting."""
    global _enabled, _check_nan
    for name, value in (("mode", mode), ("check_nan", check_nan)):
        if not isinstance(value, bool):
            raise TypeError(f"set_detect_anomaly: {name} must be True or False, got {value!r}")
    previous, _enabled, _check_nan = _enabled, mode, check_nan
    return previous


class detect_anomaly:
    """Context manager (``with detect_anomaly():``) or decorator that turns anomaly detection
    on and restores the previous setting on exit (``check_nan=False``: record where Functions
    were made, but do not check values)."""

    def __init__(self, check_nan=True):
        if not isinstance(check_nan, bool):
            raise TypeError(f"detect_anomaly: check_nan must be True or False, got {check_nan!r}")
        self.check_nan = check_nan
        self._previous = []

    def __enter__(self):
        self._previous.append((_enabled, _check_nan))
        set_detect_anomaly(True, self.check_nan)
        return self

    def __exit__(self, *exc_info):
        set_detect_anomaly(*self._previous.pop())
        return False

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return func(*args, **kwargs)
        return wrapper


def _is_finite(arr):
    if arr is None or arr.dtype.kind not in "fc":
        return True
    return bool(_xp(arr).isfinite(arr).all())


def _xp(arr):
    if type(arr).__module__.startswith("cupy"):
        import cupy
        return cupy
    import numpy
    return numpy


def creation_stack(depth=12):
    """The innermost ``depth`` frames of the caller's stack, formatted, without the autograd
    frames themselves."""
    return "".join(traceback.format_list(traceback.extract_stack(limit=depth + 2)[:-2]))


def _what(arr):
    """"nan" or "inf" (PyTorch's words), for a non-finite array."""
    return "nan" if bool(_xp(arr).isnan(arr).any()) else "inf"


def check_forward(fn, in_arrays, out_arrays):
    """After ``fn.forward``: raise if it turned finite inputs into non-finite outputs."""
    for i, y in enumerate(out_arrays):
        if not _is_finite(y):
            if all(_is_finite(x) for x in in_arrays):
                raise RuntimeError(
                    f"Function '{type(fn).__name__}' returned {_what(y)} values in its "
                    f"{_ordinal(i)} output in forward, from finite inputs (anomaly detection); "
                    f"it was called at:\n{creation_stack()}")
            return


def check_backward(fn, gxs):
    """After ``fn.backward``: raise if a gradient it returned holds NaN or Inf."""
    for i, gx in enumerate(gxs):
        if gx is not None and not _is_finite(gx):
            where = getattr(fn, "_anomaly_stack", None)
            where = (f"; the forward call that made it was at:\n{where}" if where else
                     " (it was made before anomaly detection was turned on)")
            raise RuntimeError(
                f"Function '{type(fn).__name__}Backward' returned {_what(gx)} values in its "
                f"{_ordinal(i)} output (the gradient of input {i} of {type(fn).__name__}) "
                f"(anomaly detection){where}")


def _ordinal(i):
    return f"{i}th"
