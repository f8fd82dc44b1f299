"""What every metric does first, written once: turn labels and scores into checked 1-D NumPy
arrays, read sample weights, and divide by counts that may be zero."""
import numbers
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
        what = "multilabel-indicator targets (N, k) are not supported; " if a.ndim == 2 else ""
        raise ValueError(f"{name} must be a 1-D array of labels, {what}got shape {a.shape}")
    return a


def _kind_of(a, name):
    """``a`` with object arrays made plain, and what its values are: "string", "number"
    (whole numbers, bools) or "continuous" (floats with a fraction). NaN, infinity, complex
    values and mixes of strings and numbers raise ValueError, as scikit-learn does."""
    if a.dtype.kind == "O":
        kinds = {"string" if isinstance(v, str) else
                 "number" if isinstance(v, numbers.Real) else "other" for v in a.tolist()}
        if "other" in kinds:
            raise ValueError(f"{name} holds values that are neither strings nor real numbers")
        if len(kinds) > 1:
            raise ValueError(f"Mix of label input types (string and number) in {name}")
        a = a.astype(str) if kinds == {"string"} else a.astype(np.float64)
    if a.dtype.kind in "US":
        return a, "string"
    if a.dtype.kind == "c":
        raise ValueError(f"{name}: complex values are not labels")
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name}: values of dtype {a.dtype} are not labels")
    if a.dtype.kind == "f":
        if np.isnan(a).any():
            raise ValueError(f"Input {name} contains NaN.")
        if np.isinf(a).any():
            raise ValueError(f"Input {name} contains infinity or a value too large for "
                             f"{a.dtype}.")
        if (a != np.round(a)).any():
            return a, "continuous"
    return a, "number"


def _target_type(a, kind):
    if kind == "continuous":
        return "continuous"
    return "binary" if len(np.unique(a)) <= 2 else "multiclass"


def class_labels(a, name):
    """1-D class labels (numbers or strings), checked as ``label_pair`` checks each side:
    continuous values (probabilities, scores) are refused."""
    a, kind = _kind_of(labels_1d(a, name), name)
    if kind == "continuous":
        raise ValueError(f"{name}: continuous values are not class labels (got e.g. "
                         f"{a[a != np.round(a)][0]!r}); classification metrics need labels")
    if len(a) == 0:
        raise ValueError(f"empty {name}")
    return a


def finite_scores(a, name):
    """Scores as a float64 array, refusing NaN and infinity (as scikit-learn does)."""
    a = to_numpy(a)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if np.isnan(a).any():
        raise ValueError(f"Input {name} contains NaN.")
    if np.isinf(a).any():
        raise ValueError(f"Input {name} contains infinity.")
    return a


def check_lengths(y_true, other, other_name):
    """One entry of ``other`` (predictions or scores) per entry of ``y_true``."""
    if len(y_true) != len(other):
        raise ValueError(f"y_true and {other_name} have different lengths: "
                         f"{len(y_true)} and {len(other)}")


def label_pair(y_true, y_pred):
    """``y_true, y_pred`` as 1-D arrays of labels of the same, non-zero length and one type.

    Raised as scikit-learn raises: multilabel against multiclass targets, probabilities or
    other continuous values where labels belong ("can't handle a mix of binary and
    continuous targets"), NaN or infinity, strings against numbers."""
    shapes = [np.shape(to_numpy(v)) for v in (y_true, y_pred)]
    multi = [len(sh) == 2 and sh[1] > 1 for sh in shapes]
    if multi[0] != multi[1]:
        types = ["multilabel-indicator" if m else "multiclass" for m in multi]
        raise ValueError(f"Classification metrics can't handle a mix of {types[0]} and "
                         f"{types[1]} targets")
    y_true, y_pred = labels_1d(y_true, "y_true"), labels_1d(y_pred, "y_pred")
    check_lengths(y_true, y_pred, "y_pred")
    if len(y_true) == 0:
        raise ValueError("empty y_true / y_pred")
    (y_true, kt), (y_pred, kp) = _kind_of(y_true, "y_true"), _kind_of(y_pred, "y_pred")
    if "continuous" in (kt, kp):
        raise ValueError(f"Classification metrics can't handle a mix of "
                         f"{_target_type(y_true, kt)} and {_target_type(y_pred, kp)} targets "
                         "(probabilities or scores where labels belong: threshold them first)")
    if kt != kp:
        raise ValueError(f"Mix of label input types (string and number): labels in y_true "
                         f"and y_pred should be of the same type. Got y_true="
                         f"{np.unique(y_true)[:5]} and y_pred={np.unique(y_pred)[:5]}")
    return y_true, y_pred


def sample_weights(sample_weight, n):
    """One weight per sample: ``sample_weight``, or ones."""
    if sample_weight is None:
        return np.ones(n)
    w = finite_scores(sample_weight, "sample_weight")
    if w.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D, got shape {w.shape}")
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
