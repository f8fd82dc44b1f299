"""Datasets and the mini-batch loader.

``DataLoader`` yields batches as tuples of NumPy arrays (or engine Tensors for float arrays
with ``as_tensor=True``; integer labels stay NumPy arrays, since a Tensor holds only floats).
It is cheap by design: a ``TensorDataset`` is indexed once per batch with a slice (no copy)
or, when shuffling, with an index array (one gather per array and batch).
"""
import numpy as np

from ..devices import check_available, move
from ..validate import boolean, positive_int
from ._utils import as_generator, check_same_length, to_numpy


def _array(a):
    """``a`` itself when it is an array (NumPy's or CuPy's), else as a NumPy array."""
    return a if hasattr(a, "dtype") and hasattr(a, "shape") else np.asarray(a)


class TensorDataset:
    """Arrays sharing their first dimension: ``TensorDataset(x, y)[i] == (x[i], y[i])``.

    Indexing with a slice or an index array gives whole batches at once.
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(to_numpy(a, f"array {i}") for i, a in enumerate(arrays))
        check_same_length(*((f"array {i}", a) for i, a in enumerate(self.arrays)))

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over ``dataset`` in batches.

    DataLoader(dataset, batch_size=32, shuffle=False, drop_last=False, seed=None,
               generator=None, transform=None, as_tensor=False)

    ``dataset``: a ``TensorDataset``, an ``(x, y)`` tuple of arrays, or any object with
    ``__len__`` and ``__getitem__`` (batched with index arrays when it supports them, else item
    by item and stacked). ``batch_size=None`` gives the whole set as one batch (batch gradient
    descent). ``shuffle``: a new order each epoch, drawn from ``generator`` (a numpy Generator),
    else a generator seeded with ``seed``, else the engine's generator. ``transform`` is applied
    to the first array of each batch (the inputs), e.g. augmentation. ``device="cuda"`` copies
    each batch to the GPU as it is handed out (the data set itself stays on the host).
    """

    def __init__(self, dataset, batch_size=32, shuffle=False, drop_last=False, seed=None,
                 generator=None, transform=None, as_tensor=False, device=None):
        if isinstance(dataset, (tuple, list)):
            dataset = TensorDataset(*dataset)
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"dataset needs __len__ and __getitem__, got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = positive_int(batch_size, "batch_size", allow_none=True)
        self.shuffle = boolean(shuffle, "shuffle")
        self.drop_last = boolean(drop_last, "drop_last")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"generator must be a numpy.random.Generator or None, got "
                            f"{type(generator).__name__}")
        self.generator = generator if generator is not None else (
            as_generator(seed) if seed is not None else None)
        if transform is not None and not callable(transform):
            raise TypeError(f"transform must be a function or None, got {type(transform).__name__}")
        self.transform = transform
        self.as_tensor = boolean(as_tensor, "as_tensor")
        # where the batches go ("cuda": each batch is copied to the GPU as it is handed out)
        self.device = None if device is None else check_available(device)

    def _batch(self):
        return len(self.dataset) if self.batch_size is None else self.batch_size

    def __len__(self):
        n, b = len(self.dataset), self._batch()
        if n == 0:
            return 0            # an empty data set has no batches (batch_size=None: b is 0)
        return n // b if self.drop_last else -(-n // b)

    def _fetch(self, index):
        if isinstance(self.dataset, TensorDataset):
            return self.dataset[index]
        try:
            batch = self.dataset[index]
            if isinstance(batch, tuple):
                return batch
        except (TypeError, IndexError, KeyError):
            pass
        items = [self.dataset[int(i)] for i in np.arange(len(self.dataset))[index]]
        if not isinstance(items[0], tuple):
            return (np.stack(items),)
        return tuple(np.stack(column) for column in zip(*items))

    def _wrap(self, batch):
        if self.transform is not None:
            batch = (self.transform(batch[0]),) + tuple(batch[1:])
        if self.device is not None:
            batch = tuple(move(np.asarray(a), self.device) for a in batch)
        if self.as_tensor:
            from ..tensor import Tensor
            batch = tuple(Tensor(a) if a.dtype.kind == "f" else a for a in map(_array, batch))
        return batch

    def epoch_order(self):
        """The sample order of the next epoch (draws from the generator when shuffling)."""
        if not self.shuffle:
            return None
        rng = self.generator if self.generator is not None else as_generator(None)
        return rng.permutation(len(self.dataset))

    def iter_batches(self, order, start=0):
        """Batches of one epoch in ``order`` (None: in sequence), skipping the first ``start``."""
        n, b = len(self.dataset), self._batch()
        for k in range(start, len(self)):
            lo, hi = k * b, min(n, (k + 1) * b)
            index = slice(lo, hi) if order is None else order[lo:hi]
            yield self._wrap(self._fetch(index))

    def __iter__(self):
        return self.iter_batches(self.epoch_order())
