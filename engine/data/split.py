"""Splitting data: train / validation / test, and k-fold cross-validation.

The course's rule: tune on the validation set, retrain on train + val, report once on test;
with little data use k-fold cross-validation (k = 10).
"""
import numpy as np

from ..validate import boolean, finite_real, is_int
from ._utils import as_generator, check_same_length, to_numpy


def _split_counts(n, ratios):
    """Sizes for ``ratios`` summing to n: every part but the first is rounded, the first
    (train) takes the rest."""
    sizes = [int(round(n * r)) for r in ratios[1:]]
    return [n - sum(sizes)] + sizes


def train_val_test_split(x, y=None, ratios=(0.7, 0.15, 0.15), stratify=False, random_state=None):
    """Shuffle and split into ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.

    ``ratios``: fractions summing to 1 (three parts; two parts give train/test only).
    ``stratify=True`` keeps each class's share of ``y`` in every part (or pass the labels to
    stratify by). Without ``y`` each part is just the x array.
    """
    x = to_numpy(x, "x")
    y = None if y is None else to_numpy(y, "y")
    n = check_same_length(("x", x), ("y", y))
    if not isinstance(ratios, (tuple, list)):
        raise TypeError(f"ratios must be a tuple of 2 or 3 fractions, got {ratios!r}")
    ratios = tuple(finite_real(r, "each ratio") for r in ratios)
    if len(ratios) not in (2, 3) or min(ratios) < 0 or abs(sum(ratios) - 1) > 1e-6:
        raise ValueError(f"ratios must be 2 or 3 non-negative fractions summing to 1, got {ratios}")
    rng = as_generator(random_state)
    parts = [[] for _ in ratios]
    if stratify is not False and stratify is not None:
        labels = y if stratify is True else to_numpy(stratify, "stratify")
        if labels is None or len(labels) != n:
            raise ValueError("stratify=True needs y (or pass labels of length len(x))")
        for cls in np.unique(labels):
            idx = rng.permutation(np.flatnonzero(labels == cls))
            bounds = np.cumsum(_split_counts(len(idx), ratios))[:-1]
            for part, chunk in zip(parts, np.split(idx, bounds)):
                part.append(chunk)
        index_sets = [rng.permutation(np.concatenate(p)) for p in parts]
    else:
        idx = rng.permutation(n)
        index_sets = np.split(idx, np.cumsum(_split_counts(n, ratios))[:-1])
    if y is None:
        return tuple(x[i] for i in index_sets)
    return tuple((x[i], y[i]) for i in index_sets)


class KFold:
    """k-fold cross-validation: ``for train_idx, test_idx in KFold(10).split(x): ...``.

    The first ``n % k`` folds have one sample more (as scikit-learn). ``shuffle=True`` permutes
    the samples first (seeded with ``random_state``).
    """

    def __init__(self, n_splits=5, shuffle=False, random_state=None):
        if not is_int(n_splits) or n_splits < 2:
            raise ValueError(f"n_splits must be an int >= 2, got {n_splits!r}")
        self.n_splits = int(n_splits)
        self.shuffle = boolean(shuffle, "shuffle")
        as_generator(random_state)          # a bad seed is refused now, not at split()
        self.random_state = random_state

    def get_n_splits(self, x=None, y=None, groups=None):
        return self.n_splits

    def _fold_of(self, x, y):
        """An array giving each sample's test fold."""
        n = len(x)
        if self.n_splits > n:
            raise ValueError(f"cannot make {self.n_splits} folds from {n} samples")
        order = as_generator(self.random_state).permutation(n) if self.shuffle else np.arange(n)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        fold = np.empty(n, dtype=np.int64)
        fold[order] = np.repeat(np.arange(self.n_splits), sizes)
        return fold

    def split(self, x, y=None, groups=None):
        fold = self._fold_of(x, y)
        for k in range(self.n_splits):
            yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)


class StratifiedKFold(KFold):
    """k-fold with each class spread evenly over the folds (sample i of a class, in order or
    shuffled, goes to fold i mod k, continuing across classes so fold sizes differ by ≤ 1)."""

    def _fold_of(self, x, y):
        if y is None:
            raise ValueError("StratifiedKFold.split needs the labels y")
        y = to_numpy(y, "y")
        n = check_same_length(("x", x), ("y", y))
        if self.n_splits > n:
            raise ValueError(f"cannot make {self.n_splits} folds from {n} samples")
        rng = as_generator(self.random_state) if self.shuffle else None
        ordered = []
        for cls in np.unique(y):
            idx = np.flatnonzero(y == cls)
            ordered.append(rng.permutation(idx) if rng is not None else idx)
        ordered = np.concatenate(ordered)
        fold = np.empty(n, dtype=np.int64)
        fold[ordered] = np.arange(n) % self.n_splits
        return fold
