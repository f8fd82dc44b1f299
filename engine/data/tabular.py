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


class _Cell(ValueError):
    """A cell that is not a finite number nor a missing-value marker."""


class Table(NamedTuple):
    """What the loaders return: ``x, y, feature_names, classes = load_csv(...)``."""
    x: np.ndarray                  # (N, F) float64 features, NaN where missing
    y: Optional[np.ndarray]        # (N,) int64 class codes or float64 values; None without target
    feature_names: list
    classes: Optional[list]        # class names for string targets (y indexes it), else None


def _to_float(value):
    """A cell as a finite float, NaN when it is a missing-value marker (the strings in MISSING,
    or JSON null); raises _Cell for anything else, infinities (``inf``, ``1e999``, JSON
    ``Infinity``) and JSON's ``NaN`` token included (only the markers mean "missing")."""
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        try:
            out = float(value)
        except OverflowError:
            raise _Cell("too large for a float") from None
    else:
        text = str(value).strip()
        if text.lower() in MISSING:
            return np.nan
        try:
            out = float(text)
        except (ValueError, OverflowError):
            raise _Cell("not a number") from None
        if np.isnan(out):
            raise _Cell("a NaN spelling that is not a missing-value marker")
    if not np.isfinite(out):
        raise _Cell("not finite")
    return out


def _file_path(path):
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{path}: a directory, not a table file")
    return path


def _non_finite_text(cell):
    """Whether a label cell spells an infinity or NaN (a numeric column gone wrong, not a class)."""
    try:
        return not np.isfinite(float(str(cell).strip()))
    except (ValueError, OverflowError):
        return False


def _resolve(path, names, key, what):
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if not -len(names) <= key < len(names):
            raise ValueError(f"{path}: {what} index {key} out of range for {len(names)} columns")
        return int(key) % len(names)
    if key not in names:
        raise ValueError(f"{path}: {what} {key!r} is not a column; columns are {names}")
    return names.index(key)


def _build(path, names, rows, target, columns, where):
    """rows: list of lists of raw cells (str or JSON values), one per sample; ``where(r)``
    names row r in messages ("line 7", "record 3")."""
    if not rows:
        raise ValueError(f"{path}: no data rows (only a header, or nothing)")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"{path}: duplicate column names {dup}")
    t = None if target is None else _resolve(path, names, target, "target")
    if columns is None:
        feature_idx = [i for i in range(len(names)) if i != t]
    else:
        feature_idx = [_resolve(path, names, c, "column") for c in columns]
    x = np.empty((len(rows), len(feature_idx)), dtype=np.float64)
    for r, row in enumerate(rows):
        if len(row) != len(names):
            raise ValueError(f"{path}: {where(r)} has {len(row)} fields, expected {len(names)}")
        for j, i in enumerate(feature_idx):
            try:
                x[r, j] = _to_float(row[i])
            except _Cell as why:
                raise ValueError(
                    f"{path}: {where(r)}, column {names[i]!r} holds {row[i]!r} ({why}); "
                    "leave non-numeric columns out with columns=[...] or use them as target="
                    ) from None
    y, classes = None, None
    if t is not None:
        cells = [row[t] for row in rows]
        try:
            y = np.array([_to_float(c) for c in cells], dtype=np.float64)
        except _Cell:
            y = None
        if y is None:                     # labels: strings → integer codes, classes sorted
            for r, c in enumerate(cells):
                if c is None or str(c).strip().lower() in MISSING:
                    raise ValueError(f"{path}: {where(r)}: the target column {names[t]!r} has a "
                                     "missing label")
                if _non_finite_text(c):
                    raise ValueError(f"{path}: {where(r)}: the target column {names[t]!r} "
                                     f"holds {c!r}")
                if isinstance(c, (list, dict)):
                    raise ValueError(f"{path}: {where(r)}: the target column {names[t]!r} "
                                     f"holds a {type(c).__name__}, not a label")
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
    and picked by index. Refused with a ValueError naming the file and line: a file with no
    data rows, rows of differing lengths, duplicate column names, and feature cells that are
    neither finite numbers nor missing-value markers (``inf`` included).
    """
    path = _file_path(path)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=delimiter)
            lines, rows = [], []
            for row in reader:
                if row:
                    lines.append(reader.line_num)
                    rows.append(row)
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except csv.Error as err:
        raise ValueError(f"{path}: line {reader.line_num}: malformed CSV ({err})") from None
    if not rows:
        raise ValueError(f"{path}: empty CSV file")
    if header:
        names, rows, lines = [n.strip() for n in rows[0]], rows[1:], lines[1:]
    else:
        names = [str(i) for i in range(len(rows[0]))]
    return _build(path, names, rows, target, columns, lambda r: f"line {lines[r]}")


def _unique_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate keys {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def load_json(path, target=None, columns=None):
    """Read a JSON table into ``Table(x, y, feature_names, classes)``.

    Two layouts: a list of records ``[{"a": 1, "label": "x"}, ...]`` (every record with the
    same keys) or a dict of columns ``{"a": [1, ...], "label": ["x", ...]}`` (lists of one
    length). ``null`` is a missing value (NaN); ``NaN`` and ``Infinity`` tokens, duplicate
    keys and empty tables are refused with a ValueError naming the file (and the record).
    """
    path = _file_path(path)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: line {err.lineno}: not valid JSON ({err.msg})") from None
    except RecursionError:
        raise ValueError(f"{path}: JSON nested too deeply") from None
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None
    if isinstance(data, list):
        if not data or not all(isinstance(r, dict) for r in data):
            raise ValueError(f"{path}: expected a non-empty list of records (objects)")
        names = list(data[0])
        for r, rec in enumerate(data):
            if set(rec) != set(names):
                raise ValueError(f"{path}: record {r} has keys {sorted(rec)}, record 0 has "
                                 f"{sorted(names)}")
        rows = [[rec[n] for n in names] for rec in data]
    elif isinstance(data, dict):
        names = list(data)
        lengths = {len(v) if isinstance(v, list) else -1 for v in data.values()}
        if len(lengths) != 1 or -1 in lengths:
            raise ValueError(f"{path}: a dict of columns needs lists of one common length")
        rows = [list(r) for r in zip(*data.values())]
    else:
        raise ValueError(f"{path}: expected a list of records or a dict of columns, "
                         f"got {type(data).__name__}")
    return _build(path, names, rows, target, columns, lambda r: f"record {r}")
