"""``evaluate`` and ``predict``: the model in eval mode (dropout off, batch norm frozen), no
gradients recorded, then put back in the mode it was in."""
import contextlib

import numpy as np

from ..autograd import no_grad
from ..data.loader import DataLoader
from ..devices import check_available
from ..tensor import to_numpy
from ..validate import positive_int
from .batches import as_input, as_loader, split_batch
from .epoch_metrics import compute_metrics, metric_fns


@contextlib.contextmanager
def _inference(model):
    was_training = getattr(model, "training", True)
    model.eval()
    try:
        with no_grad():
            yield
    finally:
        model.train(was_training)


def evaluate(model, loss, data, batch_size=256, metrics=("accuracy",), device=None):
    """Loss and metrics of ``model`` on ``data`` (``(x, y)`` or a DataLoader), in eval mode
    without recording gradients. Returns a dict, e.g. ``{"loss": 0.21, "accuracy": 0.94}``;
    the loss is the sample-weighted mean over batches, metrics use all predictions at once.
    ``device``: where the model is and each batch goes (e.g. "cuda"); the outputs come back
    to the host for the metrics."""
    device = None if device is None else check_available(device)
    fns = metric_fns(metrics, loss)
    total, count, outputs, targets = 0.0, 0, [], []
    with _inference(model):
        for batch in as_loader(data, batch_size, name="data"):
            x, y = split_batch(batch, device)
            out = model(as_input(x))
            if loss is not None:
                total += float(loss(out, y).item()) * len(y)
            count += len(y)
            if fns:
                outputs.append(to_numpy(out))
                targets.append(to_numpy(y))
    if count == 0:
        raise ValueError("evaluate: data gives no samples (a loss and metrics of nothing are "
                         "undefined)")
    logs = {"loss": total / count} if loss is not None else {}
    if fns and outputs:
        logs.update(compute_metrics(fns, np.concatenate(targets), np.concatenate(outputs)))
    return logs


def predict(model, x, batch_size=256, device=None):
    """The model's outputs for inputs ``x`` (an array, Tensor or DataLoader) as one NumPy
    array, computed in eval mode without gradients (dropout off, batch norm frozen), on
    ``device`` when given (where the model is)."""
    device = None if device is None else check_available(device)
    batch_size = positive_int(batch_size, "batch_size", allow_none=True)
    if isinstance(x, DataLoader):
        batches = (split_batch(b)[0] for b in x)
    else:
        arr = to_numpy(x)
        if arr.ndim == 0:
            raise ValueError("predict: x must have a batch dimension, got a scalar")
        step = len(arr) if batch_size is None else batch_size
        batches = (arr[i:i + step] for i in range(0, len(arr), step))
    with _inference(model):
        outputs = [to_numpy(model(as_input(xb, device))) for xb in batches]
    if not outputs:
        raise ValueError("predict: x has no samples")
    return np.concatenate(outputs)
