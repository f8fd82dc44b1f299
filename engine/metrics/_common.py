"""What every metric does first, written once: turn labels and scores into checked 1-D NumPy
arrays, read sample weights, and divide by counts that may be zero."""
import warnings

import numpy as np

from ..tensor import to_numpy


class UndefinedMetricWarning(UserWarning):
    """A ratio had a zero denominator and was set to ``zero_division``."""


def labels_1d(a, name):
    """``a`` (array, list or Tensor) as a 1-D NumPy array; a column (N, 1) is flattened."""
    a = to_numpy(a)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {a.shape}")
    return a


def check_lengths(y_true, other, other_name):
    """One entry of ``other`` (predictions or scores) per entry of ``y_true``."""
    if len(y_true) != len(other):
        raise ValueError(f"y_true and {other_name} have different lengths: "
                         f"{len(y_true)} and {len(other)}")


def label_pair(y_true, y_pred):
    """``y_true, y_pred`` as 1-D arrays of the same, non-zero length."""
    y_true, y_pred = labels_1d(y_true, "y_true"), labels_1d(y_pred, "y_pred")
    check_lengths(y_true, y_pred, "y_pred")
    if len(y_true) == 0:
        raise ValueError("empty y_true / y_pred")
    return y_true, y_pred


def sample_weights(sample_weight, n):
    """One weight per sample: ``sample_weight``, or ones."""
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=np.float64).ravel()
    if len(w) != n:
        raise ValueError(f"sample_weight has {len(w)} entries for {n} samples")
    return w


def weighted_count(hits, sample_weight, normalize):
    """Σ wᵢ·hitᵢ (the weighted number of hits), divided by Σ wᵢ when ``normalize``."""
    w = sample_weights(sample_weight, len(hits))
    count = float(np.sum(w * hits))
    return count / w.sum() if normalize else count


def divide(num, den, zero_division, what):
    """num / den elementwise; where den == 0 the result is ``zero_division`` (0 for "warn",
    with a warning, as scikit-learn)."""
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    zero = den == 0
    out = np.divide(num, np.where(zero, 1.0, den))
    if zero.any():
        if isinstance(zero_division, str):
            if zero_division != "warn":
                raise ValueError(f"zero_division must be 'warn', 0, 1 or nan, got {zero_division!r}")
            warnings.warn(f"{what} is ill-defined (no samples in the denominator) and set to 0.0; "
                          "use zero_division to choose", UndefinedMetricWarning, stacklevel=4)
            value = 0.0
        else:
            value = float(zero_division)
        out = np.where(zero, value, out)
    return out


def zero_division_value(zero_division):
    """The number a zero denominator gives: 0 for "warn", else ``zero_division`` itself."""
    return 0.0 if isinstance(zero_division, str) else float(zero_division)
