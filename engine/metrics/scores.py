"""Scores that are ratios of the one-vs-rest counts tp, fp, fn, tn (see ``confusion``):

    precision = tp / (tp + fp)          recall (TPR, sensitivity) = tp / (tp + fn)
    specificity (TNR) = tn / (tn + fp)  FPR = fp / (tn + fp) = 1 − TNR
    F_β = (1 + β²)·P·R / (β²·P + R),    F1 = 2·P·R / (P + R) = 2·tp / (2·tp + fp + fn)

For more than two classes each label is scored against the rest, then ``average``d:
"binary" (only ``pos_label``), "micro" (the counts summed over labels first), "macro" (the
plain mean over labels), "weighted" (the mean weighted by each label's support tp + fn), or
None (one value per label).
"""
import numbers

import numpy as np

from ._common import divide, label_pair, zero_division_value
from .confusion import one_vs_rest_counts

_AVERAGES = (None, "micro", "macro", "weighted")


def _select_labels(y_true, y_pred, labels, average, pos_label):
    """The labels to score: ``[pos_label]`` for "binary", else ``labels`` or all present."""
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if len(present) > 2:
            raise ValueError(f"Target is multiclass ({len(present)} labels) but average='binary'; "
                             "choose average='macro', 'micro', 'weighted' or None")
        if pos_label not in present and len(present) >= 2:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label: {present.tolist()}")
        return np.asarray([pos_label])
    if average not in _AVERAGES:
        raise ValueError(f"average must be 'binary', 'micro', 'macro', 'weighted' or None, "
                         f"got {average!r}")
    return present if labels is None else np.asarray(labels)


def _counts(y_true, y_pred, labels, pos_label, average, sample_weight):
    """The checked labels, then tp, fp, fn, tn of each label to score."""
    y_true, y_pred = label_pair(y_true, y_pred)
    chosen = _select_labels(y_true, y_pred, labels, average, pos_label)
    return one_vs_rest_counts(y_true, y_pred, chosen, sample_weight)


def _average(values, average, support, zero_division):
    """Per-label ``values`` reduced as ``average`` says (micro is done on the counts)."""
    if average is None or average == "binary":
        return values if average is None else float(values[0])
    if average == "weighted":
        if support.sum() == 0:
            return zero_division_value(zero_division)
        mask = ~np.isnan(values)
        if not mask.any():
            return float("nan")
        return float(np.average(values[mask], weights=support[mask])) if support[mask].sum() else 0.0
    mask = ~np.isnan(values)                        # macro: nan (zero_division=nan) left out
    return float(values[mask].mean()) if mask.any() else float("nan")


def precision_recall_fscore_support(y_true, y_pred, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Precision, recall, F-beta and support per label, or averaged (see ``precision_score``)."""
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not np.isfinite(beta) \
            or beta < 0:
        raise ValueError(f"beta should be a finite number >= 0 in the F-beta score, got {beta!r}")
    tp, fp, fn, _ = _counts(y_true, y_pred, labels, pos_label, average, sample_weight)
    support = tp + fn
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    # Only the scores named in warn_for warn about a zero denominator; the others are silent.
    zd = {name: (zero_division if name in warn_for else
                 (zero_division_value(zero_division) if isinstance(zero_division, str)
                  else zero_division))
          for name in ("precision", "recall", "f-score")}
    precision = divide(tp, tp + fp, zd["precision"], "precision")
    recall = divide(tp, tp + fn, zd["recall"], "recall")
    b2 = beta * beta
    # F_β = (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp), equal to (1+β²)PR/(β²P + R) when defined
    f = divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, zd["f-score"], "F-score")
    if average is None:
        return precision, recall, f, support.astype(np.int64) if sample_weight is None else support
    if average == "micro":
        return float(precision[0]), float(recall[0]), float(f[0]), None
    return (_average(precision, average, support, zero_division),
            _average(recall, average, support, zero_division),
            _average(f, average, support, zero_division), None)


def precision_score(y_true, y_pred, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    """tp / (tp + fp): of the samples predicted positive, the fraction that are.

    ``average``: "binary" (the class ``pos_label``), "micro" (global counts), "macro" (mean over
    labels), "weighted" (mean weighted by support), None (per label array).
    ``zero_division``: the value when tp + fp = 0 ("warn" = 0 with a warning, 0, 1, nan).
    """
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, warn_for=("precision",),
                                           sample_weight=sample_weight,
                                           zero_division=zero_division)[0]


def recall_score(y_true, y_pred, labels=None, pos_label=1, average="binary", sample_weight=None,
                 zero_division="warn"):
    """tp / (tp + fn) (sensitivity, TPR): of the positive samples, the fraction found."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, warn_for=("recall",),
                                           sample_weight=sample_weight,
                                           zero_division=zero_division)[1]


def fbeta_score(y_true, y_pred, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    """F_β = (1 + β²)·P·R / (β²·P + R)."""
    return precision_recall_fscore_support(y_true, y_pred, beta=beta, labels=labels,
                                           pos_label=pos_label, average=average,
                                           warn_for=("f-score",), sample_weight=sample_weight,
                                           zero_division=zero_division)[2]


def f1_score(y_true, y_pred, labels=None, pos_label=1, average="binary", sample_weight=None,
             zero_division="warn"):
    """F1 = 2·P·R / (P + R), the harmonic mean of precision and recall."""
    return fbeta_score(y_true, y_pred, 1.0, labels=labels, pos_label=pos_label, average=average,
                       sample_weight=sample_weight, zero_division=zero_division)


def _negative_rate(y_true, y_pred, labels, pos_label, average, sample_weight, zero_division,
                   of, what):
    """``of`` / (tn + fp) over the actual negatives, with ``of`` "tn" (specificity) or "fp"."""
    tp, fp, fn, tn = _counts(y_true, y_pred, labels, pos_label, average, sample_weight)
    num = tn if of == "tn" else fp
    if average == "micro":
        return float(divide(num.sum(), tn.sum() + fp.sum(), zero_division, what))
    return _average(divide(num, tn + fp, zero_division, what), average, tp + fn, zero_division)


def specificity_score(y_true, y_pred, labels=None, pos_label=1, average="binary",
                      sample_weight=None, zero_division="warn"):
    """True negative rate tn / (tn + fp): of the negative samples, the fraction called negative.
    Averages as ``precision_score`` (per label: that label against the rest)."""
    return _negative_rate(y_true, y_pred, labels, pos_label, average, sample_weight,
                          zero_division, "tn", "specificity")


def fpr_score(y_true, y_pred, labels=None, pos_label=1, average="binary", sample_weight=None,
              zero_division="warn"):
    """False positive rate fp / (fp + tn) = 1 − specificity."""
    return _negative_rate(y_true, y_pred, labels, pos_label, average, sample_weight,
                          zero_division, "fp", "FPR")


false_positive_rate = fpr_score
