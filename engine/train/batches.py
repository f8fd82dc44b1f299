"""From what a user hands to ``fit``/``evaluate``/``predict`` to the batches the model sees.

The one place that knows the accepted shapes of data: an ``(x, y)`` pair of arrays (or ``(x,)``
alone, for a model that reproduces its input), a ``TensorDataset`` or a ``DataLoader``.
Inputs reach the model as engine Tensors; targets reach the loss as NumPy arrays (integer class
labels cannot be Tensors, which hold floats).
"""
from ..data.loader import DataLoader, TensorDataset
from ..devices import move
from ..tensor import Tensor, to_numpy


def as_loader(data, batch_size, shuffle=False, generator=None, name="data"):
    """A ``DataLoader`` over ``data``; a DataLoader is used as it is (with its own batch size,
    order and device)."""
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, (tuple, list)) and 1 <= len(data) <= 2:
        data = TensorDataset(*data)
    if isinstance(data, TensorDataset):
        return DataLoader(data, batch_size, shuffle=shuffle, generator=generator)
    raise TypeError(f"{name} must be an (x, y) pair of arrays, a TensorDataset or a DataLoader; "
                    f"got {type(data).__name__}")


def split_batch(batch, device=None):
    """``(inputs, targets)`` of a batch; a batch of one array is its own target. With a
    ``device`` both go there (the copy ``fit(device=...)`` asks for); else the targets are
    host arrays."""
    if not isinstance(batch, (tuple, list)):
        batch = (batch,)
    x = batch[0]
    y = batch[1] if len(batch) > 1 else batch[0]
    if device is None:
        return x, to_numpy(y)
    y = y.data if isinstance(y, Tensor) else y
    return as_input(x, device), move(y if hasattr(y, "dtype") else to_numpy(y), device)


def as_input(x, device=None):
    """The model's input as a Tensor (a Tensor is passed through, keeping its graph), on
    ``device`` when one is given."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    return x if device is None else x.to(device)
