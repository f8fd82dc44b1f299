"""The confusion matrix, and from it the one-vs-rest counts tp, fp, fn, tn of each label that
every score in ``scores`` is a ratio of."""
import numpy as np

from ._common import label_pair, sample_weights


def _codes(y, labels, sorter):
    """The index of each entry of ``y`` in ``labels``; -1 for a value not in ``labels``."""
    pos = np.clip(np.searchsorted(labels, y, sorter=sorter), 0, len(labels) - 1)
    idx = sorter[pos]
    return np.where(labels[idx] == y, idx, -1)


def confusion_matrix(y_true, y_pred, labels=None, sample_weight=None, normalize=None):
    """C[i, j] = number of samples of true class ``labels[i]`` predicted as ``labels[j]``.

    ``labels`` default: the sorted union of both vectors. ``normalize``: "true" (rows sum to
    1), "pred" (columns), "all", or None (counts).
    """
    y_true, y_pred = label_pair(y_true, y_pred)
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    else:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError(f"labels must be a non-empty 1-D list, got shape {labels.shape}")
        if len(np.unique(labels)) != len(labels):
            raise ValueError(f"labels must be unique, got {labels.tolist()}")
        if labels.dtype.kind in "US" and y_true.dtype.kind not in "US" or \
                y_true.dtype.kind in "US" and labels.dtype.kind not in "US" or \
                not np.isin(y_true, labels).any():
            raise ValueError("At least one label specified must be in y_true (labels "
                             f"{labels.tolist()[:5]}, y_true holds {np.unique(y_true)[:5].tolist()})")
    w = sample_weights(sample_weight, len(y_true))
    sorter = np.argsort(labels, kind="stable")
    ti, pi = _codes(y_true, labels, sorter), _codes(y_pred, labels, sorter)
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


def one_vs_rest_counts(y_true, y_pred, labels, sample_weight):
    """Per label of ``labels``, that label against all the others: arrays tp, fp, fn, tn.

    With C the confusion matrix over every label present: tp = C[c, c], fp = column c's sum
    − tp, fn = row c's sum − tp, tn = n − tp − fp − fn.
    """
    full = np.union1d(np.union1d(y_true, y_pred), labels)
    cm = confusion_matrix(y_true, y_pred, labels=full,
                          sample_weight=sample_weight).astype(np.float64)
    idx = np.searchsorted(full, labels)
    total = sample_weights(sample_weight, len(y_true)).sum()
    tp = np.diag(cm)[idx]
    fp = cm.sum(axis=0)[idx] - tp
    fn = cm.sum(axis=1)[idx] - tp
    tn = total - tp - fp - fn
    return tp, fp, fn, tn
