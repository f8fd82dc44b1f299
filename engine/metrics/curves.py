"""Threshold curves of a score: ROC (TPR against FPR), precision-recall, and their areas.

Every point is the classifier "positive when score ≥ t" for one threshold t, so both curves
come from the same cumulative counts of tp and fp over the samples sorted by score.
"""
import warnings

import numpy as np

from ._common import (UndefinedMetricWarning, check_lengths, class_labels, finite_scores,
                      labels_1d, sample_weights)


def _binary_scores(y_true, y_score, pos_label):
    """y as 0/1 floats (1 where ``y_true == pos_label``) and the scores as floats."""
    y_true = class_labels(y_true, "y_true")
    y_score = finite_scores(labels_1d(y_score, "y_score"), "y_score")
    check_lengths(y_true, y_score, "y_score")
    classes = np.unique(y_true)
    if pos_label is None:
        if not (set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}):
            raise ValueError(f"y_true takes values {classes.tolist()}; give pos_label= for labels "
                             "other than {0, 1} or {-1, 1}")
        pos_label = 1
    return (y_true == pos_label).astype(np.float64), y_score.astype(np.float64)


def _threshold_counts(y, score, sample_weight):
    """For each distinct score s (descending): fp and tp counted over the samples with
    score ≥ s."""
    order = np.argsort(score, kind="mergesort")[::-1]
    score, y = score[order], y[order]
    w = sample_weights(sample_weight, len(y))[order]
    last = np.r_[np.flatnonzero(np.diff(score)), len(y) - 1]    # last index of each score run
    tps = np.cumsum(y * w)[last]
    fps = np.cumsum((1 - y) * w)[last]
    return fps, tps, score[last]


def _one_vs_rest(binary_score, y_true, y_score, classes, average):
    """Multi-class: ``binary_score(y, column)`` of each class against the rest, then averaged:
    "macro" (plain mean), "weighted" (by each class's prevalence) or None (one per class)."""
    scores = np.array([binary_score((y_true == c).astype(int), y_score[:, i])
                       for i, c in enumerate(classes)])
    if average == "macro":
        return float(scores.mean())
    if average == "weighted":
        prevalence = np.array([(y_true == c).sum() for c in classes], dtype=np.float64)
        return float(np.average(scores, weights=prevalence))
    if average is None:
        return scores
    raise ValueError(f"average must be 'macro', 'weighted' or None, got {average!r}")


# ----------------------------------------------------------------------------- ROC
def roc_curve(y_true, y_score, pos_label=None, sample_weight=None, drop_intermediate=True):
    """ROC curve: ``fpr, tpr, thresholds`` — for each threshold t (decreasing, the first one
    ∞), FPR = fp / (fp + tn) and TPR = tp / (tp + fn) of "positive when score ≥ t". Collinear
    points are dropped unless ``drop_intermediate=False``."""
    y, score = _binary_scores(y_true, y_score, pos_label)
    fps, tps, thresholds = _threshold_counts(y, score, sample_weight)
    if drop_intermediate and len(fps) > 2:
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    fpr = _as_rate(fps, "no negative samples in y_true: FPR is undefined")
    tpr = _as_rate(tps, "no positive samples in y_true: TPR is undefined")
    return fpr, tpr, thresholds


def _as_rate(counts, undefined):
    """Cumulative counts divided by their total (the last one); NaN, with a warning, when the
    total is 0."""
    if counts[-1] <= 0:
        warnings.warn(undefined, UndefinedMetricWarning, stacklevel=3)
        return np.full(counts.shape, np.nan)
    return counts / counts[-1]


def auc(x, y):
    """Area under a curve through the points (x, y) by the trapezoidal rule (x monotonic):
    Σ (x_{i+1} − x_i)·(y_i + y_{i+1}) / 2."""
    x, y = finite_scores(x, "x").ravel(), finite_scores(y, "y").ravel()
    check_lengths(x, y, "y")
    if len(x) < 2:
        raise ValueError(f"auc needs at least 2 points, got {len(x)}")
    dx = np.diff(x)
    direction = 1.0
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1.0
        else:
            raise ValueError("x is neither increasing nor decreasing")
    return float(direction * np.sum(dx * (y[1:] + y[:-1]) / 2))


def _binary_auc(y_true, y_score, sample_weight=None):
    if len(np.unique(y_true)) != 2:
        raise ValueError("Only one class present in y_true: ROC AUC is not defined")
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=1, sample_weight=sample_weight,
                            drop_intermediate=False)
    return auc(fpr, tpr)


def roc_auc_score(y_true, y_score, average="macro", sample_weight=None, multi_class="raise",
                  labels=None):
    """Area under the ROC curve: 1 perfect ranking, 0.5 random, 0 perfectly inverted.

    Binary: ``y_score`` (N,) scores of the positive (greater) label, or (N, 2).
    Multi-class: ``y_score`` (N, k) probabilities, ``multi_class="ovr"`` (each class against the
    rest), ``average`` "macro" or "weighted" (by prevalence).
    """
    y_true = class_labels(y_true, "y_true")
    y_score = finite_scores(y_score, "y_score")
    check_lengths(y_true, y_score, "y_score")
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if y_score.ndim == 2 and y_score.shape[1] > 2 or len(classes) > 2:
        if multi_class != "ovr":
            raise ValueError("multi-class ROC AUC needs multi_class='ovr'")
        if y_score.ndim != 2 or y_score.shape[1] != len(classes):
            raise ValueError(f"y_score must have one column per class ({len(classes)}), "
                             f"got shape {y_score.shape}")
        return _one_vs_rest(lambda y, s: _binary_auc(y, s, sample_weight), y_true, y_score,
                            classes, average)
    if y_score.ndim == 2:
        y_score = y_score[:, -1]
    if len(classes) != 2:
        raise ValueError("Only one class present in y_true: ROC AUC is not defined")
    return _binary_auc((y_true == classes[1]).astype(int), y_score, sample_weight)


# ----------------------------------------------------------------------------- precision-recall
def precision_recall_curve(y_true, y_score, pos_label=None, sample_weight=None,
                           drop_intermediate=False, probas_pred=None):
    """``precision, recall, thresholds`` for "positive when score ≥ t", thresholds increasing;
    the last point is precision 1, recall 0 (no threshold)."""
    if probas_pred is not None:
        y_score = probas_pred
    y, score = _binary_scores(y_true, y_score, pos_label)
    fps, tps, thresholds = _threshold_counts(y, score, sample_weight)
    if drop_intermediate and len(fps) > 2:
        # keep a point only where tp changes on one side of it (the PR curve's corners)
        keep = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    ps = tps + fps
    precision = np.where(ps != 0, tps / np.where(ps != 0, ps, 1), 0.0)
    if tps[-1] == 0:
        warnings.warn("no positive class in y_true: recall is set to 1 for all thresholds",
                      UndefinedMetricWarning, 2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def step_area(precision, recall):
    """AP = Σ_n (R_n − R_{n−1})·P_n: the area under a precision-recall curve as
    ``precision_recall_curve`` returns it (recall decreasing), taken as steps, not trapezoids."""
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def average_precision_score(y_true, y_score, average="macro", pos_label=1, sample_weight=None):
    """AP = Σ_n (R_n − R_{n−1}) · P_n over the thresholds (a step-wise area under the PR curve).
    Multi-class: ``y_score`` (N, k), each class against the rest, then ``average``."""
    y_true = class_labels(y_true, "y_true")
    y_score = finite_scores(y_score, "y_score")
    check_lengths(y_true, y_score, "y_score")

    def binary_ap(y, s):
        precision, recall, _ = precision_recall_curve(y, s, pos_label=1, sample_weight=sample_weight)
        return step_area(precision, recall)
    if y_score.ndim == 2 and y_score.shape[1] > 1:
        classes = np.unique(y_true)
        if y_score.shape[1] != len(classes):
            raise ValueError(f"y_score needs one column per class ({len(classes)}), got {y_score.shape}")
        return _one_vs_rest(binary_ap, y_true, y_score, classes, average)
    present = np.unique(y_true)
    if len(present) > 2:
        raise ValueError("multi-class y_true needs y_score of shape (N, n_classes)")
    if len(present) == 2 and pos_label not in present:
        raise ValueError(f"pos_label={pos_label!r} is not a valid label: {present.tolist()}")
    return binary_ap((y_true == pos_label).astype(int), y_score.reshape(len(y_true), -1)[:, -1])
