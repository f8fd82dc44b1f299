"""Class imbalance: weights for the loss, or resampling the training set.

The three remedies of the course: class weights (a rare class counts more in the loss),
oversampling the rare classes (repeat their samples), undersampling the common ones.
"""
import numpy as np

from ._utils import as_generator, check_same_length, to_numpy


def class_weights(y, mode="balanced", classes=None):
    """One weight per class: "balanced" gives w_c = n / (k · n_c) (n samples, k classes,
    n_c of class c), so every class contributes the same total weight. ``classes`` defaults to
    0..max(y) for integer labels; a class absent from ``y`` raises ValueError."""
    if mode != "balanced":
        raise ValueError(f"mode must be 'balanced', got {mode!r}")
    y = to_numpy(y, "y").ravel()
    if classes is None:
        classes = np.arange(y.max() + 1) if y.dtype.kind in "iu" else np.unique(y)
    classes = np.asarray(classes)
    counts = np.array([(y == c).sum() for c in classes])
    if (counts == 0).any():
        raise ValueError(f"classes {classes[counts == 0].tolist()} have no samples in y")
    return (len(y) / (len(classes) * counts)).astype(np.float64)


def _resample(x, y, target_of, random_state, replace):
    x, y = to_numpy(x, "x"), to_numpy(y, "y")
    check_same_length(("x", x), ("y", y))
    rng = as_generator(random_state)
    classes, counts = np.unique(y, return_counts=True)
    target = target_of(counts)
    chosen = []
    for cls, count in zip(classes, counts):
        idx = np.flatnonzero(y == cls)
        if replace:            # keep every sample, add random repeats up to the target
            chosen.append(np.concatenate([idx, rng.choice(idx, target - count, replace=True)]))
        else:                  # keep a random subset of the target size
            chosen.append(rng.choice(idx, target, replace=False))
    order = rng.permutation(np.concatenate(chosen))
    return x[order], y[order]


def oversample(x, y, random_state=None):
    """Repeat randomly chosen samples of each smaller class until every class has as many as
    the largest; returns shuffled ``x, y``."""
    return _resample(x, y, lambda counts: counts.max(), random_state, replace=True)


def undersample(x, y, random_state=None):
    """Keep a random subset of each class the size of the smallest; returns shuffled ``x, y``."""
    return _resample(x, y, lambda counts: counts.min(), random_state, replace=False)
