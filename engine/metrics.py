"""Classification metrics with scikit-learn's signatures and results.

Compute them on a whole epoch's predictions (all of ``y_true``, ``y_pred`` at once), never as
an average of per-batch values: precision, recall, AUC ... of a union are not the mean of the
parts. With tp, fp, tn, fn the counts of true/false positives/negatives:

    precision = tp / (tp + fp)          recall (TPR, sensitivity) = tp / (tp + fn)
    specificity (TNR) = tn / (tn + fp)  FPR = fp / (tn + fp) = 1 − TNR
    F1 = 2·P·R / (P + R) = 2·tp / (2·tp + fp + fn)
    accuracy = (tp + tn) / n            balanced accuracy = mean over classes of recall
"""
import warnings

import numpy as np

__all__ = ["confusion_matrix", "accuracy_score", "balanced_accuracy_score", "precision_score",
           "recall_score", "f1_score", "fbeta_score", "specificity_score", "fpr_score",
           "false_positive_rate", "precision_recall_fscore_support", "roc_curve",
           "roc_auc_score", "auc", "precision_recall_curve", "average_precision_score",
           "top_k_accuracy_score", "classification_report"]


class UndefinedMetricWarning(UserWarning):
    """A ratio had a zero denominator and was set to ``zero_division``."""


# ----------------------------------------------------------------------------- helpers
def _labels_1d(a, name):
    if hasattr(a, "numpy") and not isinstance(a, np.ndarray):
        a = a.numpy()
    a = np.asarray(a)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {a.shape}")
    return a


def _pair(y_true, y_pred):
    y_true, y_pred = _labels_1d(y_true, "y_true"), _labels_1d(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("empty y_true / y_pred")
    return y_true, y_pred


def _weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=np.float64).ravel()
    if len(w) != n:
        raise ValueError(f"sample_weight has {len(w)} entries for {n} samples")
    return w


def _divide(num, den, zero_division, what):
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


def _zd_value(zero_division):
    return 0.0 if isinstance(zero_division, str) else float(zero_division)


# ----------------------------------------------------------------------------- confusion
def confusion_matrix(y_true, y_pred, labels=None, sample_weight=None, normalize=None):
    """C[i, j] = number of samples of true class ``labels[i]`` predicted as ``labels[j]``.

    ``labels`` default: the sorted union of both vectors. ``normalize``: "true" (rows sum to
    1), "pred" (columns), "all", or None (counts).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    labels = np.union1d(y_true, y_pred) if labels is None else np.asarray(labels)
    if labels.size == 0:
        raise ValueError("labels is empty")
    w = _weights(sample_weight, len(y_true))
    sorter = np.argsort(labels, kind="stable")
    def code(y):
        pos = np.clip(np.searchsorted(labels, y, sorter=sorter), 0, len(labels) - 1)
        idx = sorter[pos]
        return np.where(labels[idx] == y, idx, -1)
    ti, pi = code(y_true), code(y_pred)
    keep = (ti >= 0) & (pi >= 0)
    k = len(labels)
    cm = np.bincount(ti[keep] * k + pi[keep], weights=w[keep], minlength=k * k).reshape(k, k)
    if sample_weight is None:
        cm = cm.astype(np.int64)
    if normalize is None:
        return cm
    with np.errstate(all="ignore"):
        if normalize == "true":
            cm = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            cm = cm / cm.sum(axis=0, keepdims=True)
        elif normalize == "all":
            cm = cm / cm.sum()
        else:
            raise ValueError(f"normalize must be 'true', 'pred', 'all' or None, got {normalize!r}")
    return np.nan_to_num(cm)


def _multilabel_counts(y_true, y_pred, labels, sample_weight):
    """Per label: tp, fp, fn, tn (one-vs-rest)."""
    cm = confusion_matrix(y_true, y_pred, labels=np.union1d(np.union1d(y_true, y_pred), labels),
                          sample_weight=sample_weight).astype(np.float64)
    full = np.union1d(np.union1d(y_true, y_pred), labels)
    idx = np.searchsorted(full, labels)
    total = _weights(sample_weight, len(y_true)).sum()
    tp = np.diag(cm)[idx]
    fp = cm.sum(axis=0)[idx] - tp
    fn = cm.sum(axis=1)[idx] - tp
    tn = total - tp - fp - fn
    return tp, fp, fn, tn


# ----------------------------------------------------------------------------- accuracy
def accuracy_score(y_true, y_pred, normalize=True, sample_weight=None):
    """Fraction (or, with ``normalize=False``, number) of correct predictions."""
    y_true, y_pred = _pair(y_true, y_pred)
    w = _weights(sample_weight, len(y_true))
    correct = float(np.sum(w * (y_true == y_pred)))
    return correct / w.sum() if normalize else correct


def balanced_accuracy_score(y_true, y_pred, sample_weight=None, adjusted=False):
    """Mean over the classes of ``y_true`` of the recall (tp / (tp + fn)) — 0.5 for a classifier
    that always answers "negative" on 95 negatives and 5 positives (accuracy 0.95).
    ``adjusted``: rescaled so that chance is 0 and perfect 1."""
    y_true, y_pred = _pair(y_true, y_pred)
    cm = confusion_matrix(y_true, y_pred, sample_weight=sample_weight).astype(np.float64)
    with np.errstate(all="ignore"):
        per_class = np.diag(cm) / cm.sum(axis=1)
    if np.isnan(per_class).any():
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
        per_class = per_class[~np.isnan(per_class)]
    score = float(per_class.mean())
    if adjusted:
        chance = 1 / len(per_class)
        score = (score - chance) / (1 - chance)
    return score


# ----------------------------------------------------------------------------- P, R, F
def _select_labels(y_true, y_pred, labels, average, pos_label):
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if len(present) > 2:
            raise ValueError(f"Target is multiclass ({len(present)} labels) but average='binary'; "
                             "choose average='macro', 'micro', 'weighted' or None")
        if pos_label not in present and len(present) >= 2:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label: {present.tolist()}")
        return np.asarray([pos_label])
    if average not in (None, "micro", "macro", "weighted"):
        raise ValueError(f"average must be 'binary', 'micro', 'macro', 'weighted' or None, "
                         f"got {average!r}")
    return present if labels is None else np.asarray(labels)


def _average(values, average, support, zero_division):
    if average is None or average == "binary":
        return values if average is None else float(values[0])
    if average == "weighted":
        if support.sum() == 0:
            return _zd_value(zero_division)
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
    y_true, y_pred = _pair(y_true, y_pred)
    chosen = _select_labels(y_true, y_pred, labels, average, pos_label)
    tp, fp, fn, _ = _multilabel_counts(y_true, y_pred, chosen, sample_weight)
    support = tp + fn
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    zd = {name: (zero_division if name in warn_for else
                 (_zd_value(zero_division) if isinstance(zero_division, str) else zero_division))
          for name in ("precision", "recall", "f-score")}
    precision = _divide(tp, tp + fp, zd["precision"], "precision")
    recall = _divide(tp, tp + fn, zd["recall"], "recall")
    b2 = beta * beta
    # F_β = (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp), equal to (1+β²)PR/(β²P + R) when defined
    f = _divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, zd["f-score"], "F-score")
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


def specificity_score(y_true, y_pred, labels=None, pos_label=1, average="binary",
                      sample_weight=None, zero_division="warn"):
    """True negative rate tn / (tn + fp): of the negative samples, the fraction called negative.
    Averages as ``precision_score`` (per label: that label against the rest)."""
    y_true, y_pred = _pair(y_true, y_pred)
    chosen = _select_labels(y_true, y_pred, labels, average, pos_label)
    tp, fp, fn, tn = _multilabel_counts(y_true, y_pred, chosen, sample_weight)
    if average == "micro":
        return float(_divide(tn.sum(), tn.sum() + fp.sum(), zero_division, "specificity"))
    tnr = _divide(tn, tn + fp, zero_division, "specificity")
    return _average(tnr, average, tp + fn, zero_division)


def fpr_score(y_true, y_pred, labels=None, pos_label=1, average="binary", sample_weight=None,
              zero_division="warn"):
    """False positive rate fp / (fp + tn) = 1 − specificity."""
    y_true, y_pred = _pair(y_true, y_pred)
    chosen = _select_labels(y_true, y_pred, labels, average, pos_label)
    tp, fp, fn, tn = _multilabel_counts(y_true, y_pred, chosen, sample_weight)
    if average == "micro":
        return float(_divide(fp.sum(), tn.sum() + fp.sum(), zero_division, "FPR"))
    return _average(_divide(fp, tn + fp, zero_division, "FPR"), average, tp + fn, zero_division)


false_positive_rate = fpr_score


# ----------------------------------------------------------------------------- curves
def _binary_scores(y_true, y_score, pos_label):
    y_true, y_score = _labels_1d(y_true, "y_true"), _labels_1d(y_score, "y_score")
    if len(y_true) != len(y_score):
        raise ValueError(f"y_true and y_score have different lengths: {len(y_true)}, {len(y_score)}")
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
    w = _weights(sample_weight, len(y))[order]
    last = np.r_[np.flatnonzero(np.diff(score)), len(y) - 1]    # last index of each score run
    tps = np.cumsum(y * w)[last]
    fps = np.cumsum((1 - y) * w)[last]
    return fps, tps, score[last]


def roc_curve(y_true, y_score, pos_label=None, sample_weight=None, drop_intermediate=True):
    """ROC curve: ``fpr, tpr, thresholds`` — for each threshold t (decreasing, the first one
    ∞), the FPR and TPR of "positive when score ≥ t". Collinear points are dropped unless
    ``drop_intermediate=False``."""
    y, score = _binary_scores(y_true, y_score, pos_label)
    fps, tps, thresholds = _threshold_counts(y, score, sample_weight)
    if drop_intermediate and len(fps) > 2:
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    if fps[-1] <= 0:
        warnings.warn("no negative samples in y_true: FPR is undefined", UndefinedMetricWarning, 2)
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn("no positive samples in y_true: TPR is undefined", UndefinedMetricWarning, 2)
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


def auc(x, y):
    """Area under a curve through the points (x, y) by the trapezoidal rule (x monotonic)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
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
    y_true = _labels_1d(y_true, "y_true")
    y_score = np.asarray(y_score, dtype=np.float64)
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if y_score.ndim == 2 and y_score.shape[1] > 2 or len(classes) > 2:
        if multi_class != "ovr":
            raise ValueError("multi-class ROC AUC needs multi_class='ovr'")
        if y_score.ndim != 2 or y_score.shape[1] != len(classes):
            raise ValueError(f"y_score must have one column per class ({len(classes)}), "
                             f"got shape {y_score.shape}")
        scores = np.array([_binary_auc((y_true == c).astype(int), y_score[:, i], sample_weight)
                           for i, c in enumerate(classes)])
        if average == "macro":
            return float(scores.mean())
        if average == "weighted":
            prevalence = np.array([(y_true == c).sum() for c in classes], dtype=np.float64)
            return float(np.average(scores, weights=prevalence))
        if average is None:
            return scores
        raise ValueError(f"average must be 'macro', 'weighted' or None, got {average!r}")
    if y_score.ndim == 2:
        y_score = y_score[:, -1]
    if len(classes) != 2:
        raise ValueError("Only one class present in y_true: ROC AUC is not defined")
    return _binary_auc((y_true == classes[1]).astype(int), y_score, sample_weight)


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


def average_precision_score(y_true, y_score, average="macro", pos_label=1, sample_weight=None):
    """AP = Σ_n (R_n − R_{n−1}) · P_n over the thresholds (a step-wise area under the PR curve).
    Multi-class: ``y_score`` (N, k), each class against the rest, then ``average``."""
    y_true = _labels_1d(y_true, "y_true")
    y_score = np.asarray(y_score, dtype=np.float64)
    def binary_ap(y, s):
        precision, recall, _ = precision_recall_curve(y, s, pos_label=1, sample_weight=sample_weight)
        return float(-np.sum(np.diff(recall) * precision[:-1]))
    if y_score.ndim == 2 and y_score.shape[1] > 1:
        classes = np.unique(y_true)
        if y_score.shape[1] != len(classes):
            raise ValueError(f"y_score needs one column per class ({len(classes)}), got {y_score.shape}")
        scores = np.array([binary_ap((y_true == c).astype(int), y_score[:, i])
                           for i, c in enumerate(classes)])
        if average == "macro":
            return float(scores.mean())
        if average == "weighted":
            return float(np.average(scores, weights=[(y_true == c).sum() for c in classes]))
        if average is None:
            return scores
        raise ValueError(f"average must be 'macro', 'weighted' or None, got {average!r}")
    present = np.unique(y_true)
    if len(present) > 2:
        raise ValueError("multi-class y_true needs y_score of shape (N, n_classes)")
    if len(present) == 2 and pos_label not in present:
        raise ValueError(f"pos_label={pos_label!r} is not a valid label: {present.tolist()}")
    return binary_ap((y_true == pos_label).astype(int), y_score.reshape(len(y_true), -1)[:, -1])


def top_k_accuracy_score(y_true, y_score, k=2, normalize=True, sample_weight=None, labels=None):
    """Fraction of samples whose true class is among the ``k`` highest scores.

    ``y_score`` (N, n_classes); column j is ``labels[j]`` (default the sorted classes of
    ``y_true``). Ties rank the higher column first (as scikit-learn). For binary 1-D scores,
    k = 1 thresholds at 0.5 (probabilities) or 0 (decision values); k ≥ 2 is always a hit.
    """
    y_true = _labels_1d(y_true, "y_true")
    y_score = np.asarray(y_score, dtype=np.float64)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")    # k <= 0 would slice silently
    if len(y_score) != len(y_true):
        raise ValueError(f"y_true and y_score have different lengths: {len(y_true)}, {len(y_score)}")
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    w = _weights(sample_weight, len(y_true))
    if y_score.ndim == 1:
        if len(classes) > 2:
            raise ValueError("1-D y_score is only valid for binary y_true")
        positive = y_true == classes[-1]
        if k == 1:
            threshold = 0.5 if y_score.min() >= 0 and y_score.max() <= 1 else 0.0
            hits = (y_score > threshold) == positive
        else:
            hits = np.ones(len(y_true), dtype=bool)
    else:
        if y_score.shape != (len(y_true), len(classes)):
            raise ValueError(f"y_score must have shape (n_samples, n_classes) = "
                             f"{(len(y_true), len(classes))}, got {y_score.shape}; pass labels= "
                             "when y_true lacks some classes")
        if not np.isin(y_true, classes).all():
            raise ValueError("y_true has labels not in labels")
        code = np.searchsorted(np.sort(classes), y_true)
        code = np.argsort(classes)[code]
        top = np.argsort(y_score, axis=1, kind="mergesort")[:, ::-1][:, :k]
        hits = (top == code[:, None]).any(axis=1)
    correct = float(np.sum(w * hits))
    return correct / w.sum() if normalize else correct


# ----------------------------------------------------------------------------- report
def classification_report(y_true, y_pred, labels=None, target_names=None, sample_weight=None,
                          digits=2, output_dict=False, zero_division="warn"):
    """Precision, recall, F1 and support per class, then accuracy, macro and weighted averages,
    as a text table (or a dict with ``output_dict=True``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    labels = np.union1d(y_true, y_pred) if labels is None else np.asarray(labels)
    names = [str(n) for n in (target_names if target_names is not None else labels)]
    if len(names) != len(labels):
        raise ValueError(f"{len(names)} target_names for {len(labels)} labels")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None,
                                                 sample_weight=sample_weight,
                                                 zero_division=zero_division)
    rows = {name: {"precision": p[i], "recall": r[i], "f1-score": f[i], "support": s[i]}
            for i, name in enumerate(names)}
    total = s.sum()
    micro_is_accuracy = set(labels.tolist()) >= set(np.union1d(y_true, y_pred).tolist())
    averages = {}
    if micro_is_accuracy:
        averages["accuracy"] = accuracy_score(y_true, y_pred, sample_weight=sample_weight)
    else:
        mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average="micro",
                                                        sample_weight=sample_weight,
                                                        zero_division=zero_division)
        averages["micro avg"] = {"precision": mp, "recall": mr, "f1-score": mf, "support": total}
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg,
                                                        sample_weight=sample_weight,
                                                        zero_division=zero_division)
        averages[f"{avg} avg"] = {"precision": ap, "recall": ar, "f1-score": af, "support": total}
    if output_dict:
        out = {name: {k: (float(v) if k != "support" else int(v)) for k, v in row.items()}
               for name, row in rows.items()}
        for key, value in averages.items():
            out[key] = value if key == "accuracy" else {
                k: (float(v) if k != "support" else int(v)) for k, v in value.items()}
        return out
    width = max([len(n) for n in names] + [len("weighted avg"), digits])
    head = f"{'':>{width}} " + " ".join(f"{h:>9}" for h in ("precision", "recall", "f1-score", "support"))
    lines = [head, ""]
    fmt = lambda v: f"{v:>9.{digits}f}"
    for name, row in rows.items():
        lines.append(f"{name:>{width}} {fmt(row['precision'])} {fmt(row['recall'])} "
                     f"{fmt(row['f1-score'])} {int(row['support']):>9}")
    lines.append("")
    for key, value in averages.items():
        if key == "accuracy":
            lines.append(f"{key:>{width}} {'':>9} {'':>9} {fmt(value)} {int(total):>9}")
        else:
            lines.append(f"{key:>{width}} {fmt(value['precision'])} {fmt(value['recall'])} "
                         f"{fmt(value['f1-score'])} {int(value['support']):>9}")
    return "\n".join(lines) + "\n"
