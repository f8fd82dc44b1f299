"""Tabular data from CSV and JSON files: numeric features, and targets as numbers or classes.

Missing values ('' , NA, NaN, null, ?) become NaN (fill them with ``SimpleImputer``).
A target column of strings becomes integer codes 0..k-1 with the class names returned.
"""
import csv
import json
import os
from typing import NamedTuple, Optional

import numpy as np

MISSING = {"", "na", "nan", "n/a", "null", "none", "?"}


class Table(NamedTuple):
    """What the loaders return: ``x, y, feature_names, classes = load_csv(...)``."""
    x: np.ndarray                  # (N, F) float64 features, NaN where missing
    y: Optional[np.ndarray]        # (N,) int64 class codes or float64 values; None without target
    feature_names: list
    classes: Optional[list]        # class names for string targets (y indexes it), else None


def _to_float(value):
    """A cell as a float, NaN when missing; raises ValueError for non-numbers."""
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text.lower() in MISSING:
        return np.nan
    return float(text)


def _resolve(names, key, what):
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if not -len(names) <= key < len(names):
            raise ValueError(f"{what} index {key} out of range for {len(names)} columns")
        return int(key) % len(names)
    if key not in names:
        raise ValueError(f"{what} {key!r} is not a column; columns are {names}")
    return names.index(key)


def _build(path, names, rows, target, columns):
    """rows: list of lists of raw cells (str or JSON values), one per sample."""
    t = None if target is None else _resolve(names, target, "target")
    if columns is None:
        feature_idx = [i for i in range(len(names)) if i != t]
    else:
        feature_idx = [_resolve(names, c, "column") for c in columns]
    x = np.empty((len(rows), len(feature_idx)), dtype=np.float64)
    for r, row in enumerate(rows):
        if len(row) != len(names):
            raise ValueError(f"{path}: row {r + 1} has {len(row)} fields, expected {len(names)}")
        for j, i in enumerate(feature_idx):
            try:
                x[r, j] = _to_float(row[i])
            except (TypeError, ValueError):
                raise ValueError(
                    f"{path}: column {names[i]!r} row {r + 1} holds {row[i]!r}, not a number; "
                    "leave non-numeric columns out with columns=[...] or use them as target=")
    y, classes = None, None
    if t is not None:
        cells = [row[t] for row in rows]
        try:
            y = np.array([_to_float(c) for c in cells], dtype=np.float64)
        except (TypeError, ValueError):
            y = None
        if y is None:                     # labels: strings → integer codes, classes sorted
            if any(c is None or str(c).strip().lower() in MISSING for c in cells):
                raise ValueError(f"{path}: the target column {names[t]!r} has missing labels")
            labels = [str(c).strip() for c in cells]
            classes = sorted(set(labels))
            code = {c: k for k, c in enumerate(classes)}
            y = np.array([code[c] for c in labels], dtype=np.int64)
    return Table(x, y, [names[i] for i in feature_idx], classes)


def load_csv(path, target=None, columns=None, header=True, delimiter=","):
    """Read a CSV file into ``Table(x, y, feature_names, classes)``.

    ``target``: the column (name or index) to return as ``y``; string labels become int64 codes
    into ``classes`` (sorted), numbers stay float64. ``columns``: the feature columns (names or
    indices; default all but the target). ``header=False``: columns are named "0", "1", ...
    and picked by index.
    """
    path = os.fspath(path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f, delimiter=delimiter) if row]
    if not rows:
        raise ValueError(f"{path}: empty CSV file")
    if header:
        names, rows = [n.strip() for n in rows[0]], rows[1:]
    else:
        names = [str(i) for i in range(len(rows[0]))]
    return _build(path, names, rows, target, columns)


def load_json(path, target=None, columns=None):
    """Read a JSON table into ``Table(x, y, feature_names, classes)``.

    Two layouts: a list of records ``[{"a": 1, "label": "x"}, ...]`` or a dict of columns
    ``{"a": [1, ...], "label": ["x", ...]}``. ``null`` is a missing value (NaN).
    """
    path = os.fspath(path)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, list):
        if not data or not all(isinstance(r, dict) for r in data):
            raise ValueError(f"{path}: expected a non-empty list of records (objects)")
        names = list(data[0])
        rows = [[rec.get(n) for n in names] for rec in data]
    elif isinstance(data, dict):
        names = list(data)
        lengths = {len(v) if isinstance(v, list) else -1 for v in data.values()}
        if len(lengths) != 1 or -1 in lengths:
            raise ValueError(f"{path}: a dict of columns needs lists of one common length")
        rows = [list(r) for r in zip(*data.values())]
    else:
        raise ValueError(f"{path}: expected a list of records or a dict of columns, "
                         f"got {type(data).__name__}")
    return _build(path, names, rows, target, columns)
