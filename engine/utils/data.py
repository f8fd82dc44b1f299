"""``engine.utils.data``: PyTorch's data API — ``Dataset``, ``TensorDataset``, ``Subset``,
``random_split`` and a ``DataLoader`` that yields tensors.

The batching itself is ``engine.data.DataLoader``'s (shuffling, ``drop_last``, epoch order);
this one adds PyTorch's signature and conventions on top:

* batches come out as tensors: float data as float Tensors, integer labels as integer
  tensors (int64, as PyTorch's), other data as NumPy arrays;
* a dataset that can fetch a whole batch at once (``dataset[index_array]`` returning a tuple,
  as ``TensorDataset`` and ``engine.vision.datasets`` do) is asked for each batch in one
  call; any other dataset is read item by item and the items are put together by
  ``collate_fn`` (``default_collate`` unless given);
* ``num_workers``, ``pin_memory``, ``persistent_workers``, ``prefetch_factor`` … are accepted
  so PyTorch programs run unchanged; batches are made in the main process, and a note says so
  once when one of them is set to something that would matter in PyTorch.
"""
import math
import numbers
import warnings

import numpy as np

from .. import random as _random
from ..data import loader as _loader
from ..tensor import Tensor, to_numpy
from ..validate import boolean, is_int, non_negative_int, non_negative_real

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "default_collate"]


def _to_tensor(a):
    """A batch column as PyTorch gives it: float → Tensor, integer/bool → an integer tensor
    where the engine has them (else the NumPy array), anything else unchanged."""
    if isinstance(a, Tensor):
        return a
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return Tensor(a)
    if a.dtype.kind in "iub":
        t = Tensor(a.astype(np.int64) if a.dtype.kind in "iu" else a)
        return t if t.dtype.kind == a.dtype.kind or t.dtype.kind in "iub" else a
    return a


class Dataset:
    """The base of map-style datasets: subclasses give ``__len__`` and ``__getitem__(i)``
    (returning one sample, usually a tuple ``(input, label)``)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Tensors (or arrays) sharing their first dimension: ``ds[i] == (x[i], y[i])``, each
    part a tensor.  Indexing with a slice or an index array gives a whole batch at once."""

    def __init__(self, *tensors):
        self._arrays = _loader.TensorDataset(*tensors)
        self.tensors = tuple(_to_tensor(a) for a in self._arrays.arrays)

    def __len__(self):
        return len(self._arrays)

    def __getitem__(self, index):
        return tuple(_to_tensor(a) for a in self._arrays[index])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        indices = np.asarray(to_numpy(indices)).reshape(-1)
        if indices.size and indices.dtype.kind not in "iu":
            raise TypeError(f"Subset indices must be integers, got dtype {indices.dtype}")
        self.indices = indices.astype(np.int64)
        if hasattr(dataset, "__len__") and self.indices.size and \
                (self.indices.min() < 0 or self.indices.max() >= len(dataset)):
            raise ValueError(f"Subset indices must lie in [0, {len(dataset)}) (the dataset's "
                             f"length), got values from {self.indices.min()} to "
                             f"{self.indices.max()}")

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        picked = self.indices[index]
        if np.ndim(picked) == 0:
            return self.dataset[int(picked)]
        return self.dataset[picked]          # a batch: only where the dataset takes one


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping ``Subset``s of the given ``lengths`` (counts, or
    fractions summing to 1: the remainder goes round-robin to the first parts, as PyTorch).
    ``generator``: a NumPy Generator (default: the engine's, so ``manual_seed`` repeats it)."""
    if not hasattr(dataset, "__len__"):
        raise TypeError(f"random_split: dataset needs a length, got {type(dataset).__name__}")
    if generator is not None and not isinstance(generator, np.random.Generator):
        raise TypeError(f"random_split: generator must be a numpy.random.Generator or None, "
                        f"got {type(generator).__name__}")
    n = len(dataset)
    if isinstance(lengths, (str, bytes)) or not hasattr(lengths, "__iter__"):
        raise TypeError(f"random_split: lengths must be a list of counts or fractions, got "
                        f"{lengths!r}")
    lengths = list(lengths)
    wanted = (f"random_split: lengths must be counts adding up to the dataset's {n} samples, "
              f"or fractions in [0, 1] adding up to 1, got {lengths!r}")
    if not lengths or not all(isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))
                              and math.isfinite(x) for x in lengths):
        raise ValueError(wanted)
    counts = all(is_int(x) for x in lengths)
    # Fractions as PyTorch reads them: numbers in [0, 1] adding up to 1 ([1, 0] too, unless
    # the dataset has exactly one sample, when the counts say the same).
    fractions = all(0 <= x <= 1 for x in lengths) and math.isclose(sum(lengths), 1.0) and \
        not (counts and sum(lengths) == n)
    if not fractions and not counts:
        raise ValueError(wanted)
    if fractions:
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(x < 0 for x in lengths):
        raise ValueError(wanted)
    lengths = [int(x) for x in lengths]
    if sum(lengths) != n:
        raise ValueError(f"random_split: the lengths {lengths} add up to {sum(lengths)}, the "
                         f"dataset has {n} samples")
    rng = generator if generator is not None else _random.get_generator()
    order = rng.permutation(n)
    bounds = np.cumsum([0] + lengths)
    return [Subset(dataset, order[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]


def default_collate(items):
    """Put a list of samples together into a batch: tuples column by column, tensors and
    arrays stacked along a new first axis, numbers into a 1-D tensor (ints as int64)."""
    first = items[0]
    if isinstance(first, (tuple, list)):
        return type(first)(default_collate(list(column)) for column in zip(*items)) \
            if isinstance(first, tuple) else [default_collate(list(c)) for c in zip(*items)]
    if isinstance(first, dict):
        return {key: default_collate([item[key] for item in items]) for key in first}
    if isinstance(first, Tensor):
        return _to_tensor(np.stack([to_numpy(item) for item in items]))
    if isinstance(first, (bool, np.bool_)):
        return _to_tensor(np.array(items, dtype=bool))
    if isinstance(first, numbers.Integral):
        return _to_tensor(np.array(items, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return _to_tensor(np.array(items, dtype=np.float64))
    if isinstance(first, np.ndarray):
        return _to_tensor(np.stack(items))
    return items                        # strings and other objects: the list itself


# Settings that only matter for worker processes or GPU copies, with the value that means
# "not used": a different value earns the one-time note.
_IGNORED = {"num_workers": 0, "pin_memory": False, "persistent_workers": False,
            "prefetch_factor": None, "timeout": 0, "worker_init_fn": None,
            "multiprocessing_context": None, "pin_memory_device": "", "in_order": True}
_noted = set()


class DataLoader(_loader.DataLoader):
    """PyTorch's ``DataLoader(dataset, batch_size=1, shuffle=False, ...)`` yielding tensors.

    ``batch_size=None`` yields single samples (no batching), as in PyTorch; ``sampler`` (an
    iterable of indices) replaces the epoch order; ``generator`` is a NumPy Generator for the
    shuffle.  See the module docstring for what happens to ``num_workers`` and the like.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if batch_sampler is not None:
            raise ValueError("DataLoader: batch_sampler is not supported; use batch_size, "
                             "shuffle and sampler")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True cannot be used together")
        given = dict(num_workers=num_workers, pin_memory=pin_memory, timeout=timeout,
                     persistent_workers=persistent_workers, prefetch_factor=prefetch_factor,
                     worker_init_fn=worker_init_fn, pin_memory_device=pin_memory_device,
                     multiprocessing_context=multiprocessing_context, in_order=in_order)
        non_negative_int(num_workers, "num_workers")
        if shuffle is not None:
            boolean(shuffle, "shuffle")
        boolean(drop_last, "drop_last")
        boolean(pin_memory, "pin_memory")
        boolean(persistent_workers, "persistent_workers")
        non_negative_real(timeout, "timeout")
        if sampler is not None and (not hasattr(sampler, "__iter__") or
                                    not hasattr(sampler, "__len__")):
            raise TypeError(f"sampler must be an iterable of indices with a length (a list, "
                            f"an array, a Sampler), got {type(sampler).__name__}")
        for name, fn in (("collate_fn", collate_fn), ("worker_init_fn", worker_init_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be a function or None, got {type(fn).__name__}")
        unused = sorted(k for k, v in given.items() if v != _IGNORED[k])
        if unused and tuple(unused) not in _noted:
            _noted.add(tuple(unused))
            warnings.warn(f"engine's DataLoader makes every batch in the main process: "
                          f"{', '.join(f'{k}={given[k]!r}' for k in unused)} "
                          f"change nothing here", stacklevel=2)
        self.unbatched = batch_size is None
        super().__init__(dataset, batch_size=1 if batch_size is None else batch_size,
                         shuffle=bool(shuffle), drop_last=drop_last, generator=generator)
        self.sampler = sampler
        self.collate_fn = collate_fn
        self.num_workers, self.pin_memory = num_workers, pin_memory

    def __len__(self):
        if self.sampler is None:
            return super().__len__()
        n, b = len(self.sampler), self._batch()
        return n // b if self.drop_last else -(-n // b)

    def epoch_order(self):
        if self.sampler is not None:
            order = list(self.sampler)
            n = len(self.dataset)
            if not all(is_int(i) and 0 <= i < n for i in order):
                bad = next(i for i in order if not (is_int(i) and 0 <= i < n))
                raise ValueError(f"DataLoader: the sampler gave {bad!r}; indices must be ints "
                                 f"in [0, {n}) (the dataset's length)")
            return np.array(order, dtype=np.int64)
        return super().epoch_order()

    def iter_batches(self, order, start=0):
        if order is not None and len(order) != len(self.dataset):   # a sampler's subset
            b = self._batch()
            count = len(order) // b if self.drop_last else -(-len(order) // b)
            for k in range(start, count):
                yield self._wrap(self._fetch(order[k * b:(k + 1) * b]))
            return
        yield from super().iter_batches(order, start)

    def _fetch(self, index):
        batch = self._whole_batch(index)
        if batch is not None:
            return batch
        items = [self.dataset[int(i)] for i in np.arange(len(self.dataset))[index]]
        if self.unbatched:
            return items[0]
        return (self.collate_fn or default_collate)(items)

    def _whole_batch(self, index):
        """The batch from one call ``dataset[index]`` when the dataset takes an index array
        and gives a tuple (TensorDataset does); None otherwise (then item by item)."""
        if self.collate_fn is not None or self.unbatched:
            return None
        try:
            batch = self.dataset[index]
        except (TypeError, IndexError, KeyError, ValueError):
            return None         # a map-style dataset of single items: fetched one by one
        return batch if isinstance(batch, tuple) else None

    def _wrap(self, batch):
        if self.unbatched or self.collate_fn is not None:
            return batch
        if isinstance(batch, tuple):
            return tuple(_to_tensor(a) if isinstance(a, (np.ndarray, Tensor)) else a
                         for a in batch)
        return _to_tensor(batch) if isinstance(batch, np.ndarray) else batch
