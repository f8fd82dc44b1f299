"""The metrics ``fit`` and ``evaluate`` report, computed once on a whole epoch's outputs.

An epoch's precision, AUC ... is not the mean of its batches' values, so the loop keeps every
output and target of the epoch and calls these at its end. "accuracy" is
``engine.metrics.accuracy_score`` of the labels the outputs predict; any other metric is a
function ``fn(y_true, outputs) -> float``.

How outputs become labels (``engine.metrics.accuracy.predicted_labels``): several columns →
the argmax; one output per sample → a threshold chosen by the loss, which says what the
outputs are: ``BCEWithLogitsLoss`` / ``binary_cross_entropy_with_logits`` → logits, threshold
0; ``BCELoss`` / ``binary_cross_entropy`` → probabilities, threshold 0.5; ``HingeLoss`` →
margins, labels −1 / +1 by the sign. Any other loss: probabilities when every output lies in
[0, 1], else logits. Accuracy is reported whenever the targets are class labels: integers,
bools, or floats that are all whole numbers (0./1. targets of shape (N,) or (N, 1)).
"""
import numpy as np

from ..metrics import accuracy_score
from ..metrics.accuracy import predicted_labels
from ..tensor import to_numpy

_LOGIT_LOSSES = ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits",
                 "BinaryCrossEntropyWithLogits")
_PROBABILITY_LOSSES = ("BCELoss", "binary_cross_entropy", "BinaryCrossEntropy")
_MARGIN_LOSSES = ("HingeLoss", "hinge_loss")


def output_kind(loss):
    """"logits", "probabilities", "margins" or None (unknown) for the outputs ``loss`` takes."""
    name = getattr(loss, "__name__", None) or type(loss).__name__
    if name in _LOGIT_LOSSES:
        return "logits"
    if name in _PROBABILITY_LOSSES:
        return "probabilities"
    if name in _MARGIN_LOSSES:
        return "margins"
    return None


def accuracy_for(kind=None):
    """The accuracy metric for outputs of ``kind`` (see ``output_kind``)."""
    def accuracy(y_true, outputs):
        """Accuracy of the class labels the outputs predict (module docstring)."""
        out = to_numpy(outputs)
        if kind == "margins" and (out.ndim == 1 or out.ndim == 2 and out.shape[1] == 1):
            labels = np.where(out.reshape(len(out)) > 0, 1, -1)
        else:
            threshold = {"logits": 0.0, "probabilities": 0.5}.get(kind)
            labels = predicted_labels(outputs, threshold)
        return accuracy_score(y_true, labels)
    return accuracy


accuracy = accuracy_for(None)


def metric_fns(metrics, loss=None):
    """``{name: fn(y_true, outputs)}`` for ``metrics``: "accuracy" (or "acc") and functions;
    ``loss`` says what single outputs are (logits or probabilities). A dict of that form
    (what this returns) is taken as it is."""
    if isinstance(metrics, dict):
        return dict(metrics)
    if isinstance(metrics, str):
        metrics = (metrics,)
    fns = {}
    for m in metrics or ():
        if isinstance(m, str) and m in ("accuracy", "acc"):
            fns["accuracy"] = accuracy_for(output_kind(loss))
        elif callable(m):
            fns[getattr(m, "__name__", "metric")] = m
        else:
            raise ValueError(f"unknown metric {m!r}: use 'accuracy' or a function fn(y_true, outputs)")
    return fns


def _are_labels(y_true):
    if y_true.dtype.kind in "iub":
        return True
    if y_true.dtype.kind != "f" or y_true.size == 0:
        return False
    return bool(np.isfinite(y_true).all() and (y_true == np.round(y_true)).all())


def compute_metrics(fns, y_true, outputs):
    """``{name: value}`` of every metric on the epoch's targets and outputs."""
    logs = {}
    for name, fn in fns.items():
        if name == "accuracy" and not _are_labels(y_true):
            continue          # accuracy is for class labels, not real-valued targets
        logs[name] = float(fn(y_true, outputs))
    return logs
