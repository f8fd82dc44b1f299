"""Accuracy and its variants: plain, balanced (robust to class imbalance) and top-k; and the
rule that turns a network's outputs into predicted labels."""
import warnings

import numpy as np

from ..tensor import to_numpy
from ..validate import positive_int
from ._common import check_lengths, class_labels, finite_scores, label_pair, weighted_count
from .confusion import confusion_matrix


def predicted_labels(outputs, threshold=None):
    """The class each sample's outputs predict: the argmax of its row when there is one output
    per class, else ``output > threshold`` (one score per sample). ``threshold=None`` decides
    from the outputs: 0.5 when they all lie in [0, 1] (probabilities, after a sigmoid), else 0
    (logits); pass it when you know which (``fit`` does, from the loss)."""
    out = to_numpy(outputs)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    out = out.reshape(len(out))
    if threshold is None:
        threshold = 0.5 if out.size and out.min() >= 0 and out.max() <= 1 else 0.0
    return (out > threshold).astype(np.int64)


def accuracy_score(y_true, y_pred, normalize=True, sample_weight=None):
    """Fraction (or, with ``normalize=False``, number) of correct predictions:
    (tp + tn) / n for two classes."""
    y_true, y_pred = label_pair(y_true, y_pred)
    return weighted_count(y_true == y_pred, sample_weight, normalize)


def balanced_accuracy_score(y_true, y_pred, sample_weight=None, adjusted=False):
    """Mean over the classes of ``y_true`` of the recall (tp / (tp + fn)) — 0.5 for a classifier
    that always answers "negative" on 95 negatives and 5 positives (accuracy 0.95).
    ``adjusted``: rescaled so that chance is 0 and perfect 1."""
    y_true, y_pred = label_pair(y_true, y_pred)
    cm = confusion_matrix(y_true, y_pred, sample_weight=sample_weight).astype(np.float64)
    with np.errstate(all="ignore"):
        per_class = np.diag(cm) / cm.sum(axis=1)
    if np.isnan(per_class).any():
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
        per_class = per_class[~np.isnan(per_class)]
    score = float(per_class.mean())
    if adjusted:
        if len(per_class) < 2:
            raise ValueError("adjusted balanced accuracy needs at least two classes in y_true "
                             "(chance and perfect are the same with one)")
        chance = 1 / len(per_class)
        score = (score - chance) / (1 - chance)
    return score


def top_k_accuracy_score(y_true, y_score, k=2, normalize=True, sample_weight=None, labels=None):
    """Fraction of samples whose true class is among the ``k`` highest scores.

    ``y_score`` (N, n_classes); column j is ``labels[j]`` (default the sorted classes of
    ``y_true``). Ties rank the higher column first (as scikit-learn). For binary 1-D scores,
    k = 1 thresholds at 0.5 (probabilities) or 0 (decision values); k ≥ 2 is always a hit.
    """
    y_true = class_labels(y_true, "y_true")
    y_score = finite_scores(y_score, "y_score")
    k = positive_int(k, "k")             # k <= 0 would slice silently
    check_lengths(y_true, y_score, "y_score")
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if y_score.ndim == 1:
        if len(classes) != 2:
            raise ValueError(f"1-D y_score is only valid for binary y_true; y_true has "
                             f"{len(classes)} classes (pass labels= with both classes)")
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
    return weighted_count(hits, sample_weight, normalize)
