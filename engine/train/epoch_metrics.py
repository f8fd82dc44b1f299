"""The metrics ``fit`` and ``evaluate`` report, computed once on a whole epoch's outputs.

An epoch's precision, AUC ... is not the mean of its batches' values, so the loop keeps every
output and target of the epoch and calls these at its end. "accuracy" is
``engine.metrics.accuracy_score`` of the labels the outputs predict (see
``engine.metrics.accuracy.predicted_labels``); any other metric is a function
``fn(y_true, outputs) -> float``.
"""
from ..metrics import accuracy_score
from ..metrics.accuracy import predicted_labels


def accuracy(y_true, outputs):
    """Accuracy of the class labels predicted by ``outputs`` (argmax, or > 0.5 for one column)."""
    return accuracy_score(y_true, predicted_labels(outputs))


def metric_fns(metrics):
    """``{name: fn(y_true, outputs)}`` for ``metrics``: "accuracy" (or "acc") and functions.
    A dict of that form (what this returns) is taken as it is."""
    if isinstance(metrics, dict):
        return dict(metrics)
    fns = {}
    for m in metrics or ():
        if m in ("accuracy", "acc"):
            fns["accuracy"] = accuracy
        elif callable(m):
            fns[getattr(m, "__name__", "metric")] = m
        else:
            raise ValueError(f"unknown metric {m!r}: use 'accuracy' or a function fn(y_true, outputs)")
    return fns


def compute_metrics(fns, y_true, outputs):
    """``{name: value}`` of every metric on the epoch's targets and outputs."""
    logs = {}
    for name, fn in fns.items():
        if name == "accuracy" and y_true.dtype.kind not in "iub":
            continue          # accuracy is for class labels, not real-valued targets
        logs[name] = float(fn(y_true, outputs))
    return logs
