"""engine.utils.data: PyTorch's Dataset / TensorDataset / Subset / random_split / DataLoader."""
import warnings

import numpy as np
import pytest

import engine
from engine import Tensor
from engine.tensor import to_numpy
from engine.utils import data


def labels_of(batch_part):
    """Labels come out as int64 (an integer tensor where the engine has them)."""
    a = to_numpy(batch_part)
    assert a.dtype == np.int64
    return a


def test_tensor_dataset_and_loader_yield_tensors():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    ds = data.TensorDataset(Tensor(x), y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert isinstance(xi, Tensor) and np.array_equal(xi.numpy(), x[3])
    loader = data.DataLoader(ds, batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [len(to_numpy(b[0])) for b in batches] == [4, 4, 2]
    assert all(isinstance(b[0], Tensor) and b[0].dtype == np.float32 for b in batches)
    np.testing.assert_array_equal(np.concatenate([labels_of(b[1]) for b in batches]), y)
    assert len(data.DataLoader(ds, batch_size=4, drop_last=True)) == 2
    assert [len(to_numpy(b[1])) for b in data.DataLoader(ds, batch_size=4, drop_last=True)] == [4, 4]
    assert len(data.DataLoader(ds)) == 10               # PyTorch's default batch_size=1


def test_shuffle_visits_everything_once_and_repeats_with_the_seed():
    ds = data.TensorDataset(np.arange(50, dtype=np.float32), np.arange(50))
    engine.manual_seed(3)
    first = np.concatenate([labels_of(y) for _, y in data.DataLoader(ds, 8, shuffle=True)])
    engine.manual_seed(3)
    again = np.concatenate([labels_of(y) for _, y in data.DataLoader(ds, 8, shuffle=True)])
    assert sorted(first) == list(range(50)) and not np.array_equal(first, np.arange(50))
    np.testing.assert_array_equal(first, again)


class Squares(data.Dataset):
    """A map-style dataset read item by item (no batch indexing)."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        if not isinstance(i, int):
            raise TypeError("one index at a time")
        return np.full((2,), float(i)), i * i


def test_item_by_item_dataset_is_collated():
    batches = list(data.DataLoader(Squares(), batch_size=3))
    x, y = batches[0]
    assert isinstance(x, Tensor) and x.shape == (3, 2)
    np.testing.assert_array_equal(labels_of(y), [0, 1, 4])
    assert len(batches) == 3
    collated = list(data.DataLoader(Squares(), batch_size=2, collate_fn=lambda items: items))
    assert isinstance(collated[0], list) and [label for _, label in collated[0]] == [0, 1]
    assert data.default_collate([(1, 2.5), (3, 0.5)])[1].dtype == np.float64


def test_unbatched_and_sampler():
    ds = data.TensorDataset(np.arange(6, dtype=np.float32), np.arange(6))
    single = list(data.DataLoader(ds, batch_size=None))
    assert len(single) == 6 and to_numpy(single[2][0]) == 2.0
    picked = list(data.DataLoader(ds, batch_size=2, sampler=[5, 1, 3]))
    np.testing.assert_array_equal(labels_of(picked[0][1]), [5, 1])
    np.testing.assert_array_equal(labels_of(picked[1][1]), [3])
    with pytest.raises(ValueError, match="sampler"):
        data.DataLoader(ds, sampler=[0], shuffle=True)


def test_worker_settings_are_accepted_with_one_note():
    ds = data.TensorDataset(np.zeros((4, 1), np.float32), np.zeros(4, np.int64))
    data._noted.clear()
    with pytest.warns(UserWarning, match="main process"):
        loader = data.DataLoader(ds, batch_size=2, num_workers=3, pin_memory=True,
                                 persistent_workers=True)
    assert len(list(loader)) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # the same note is not repeated
        data.DataLoader(ds, batch_size=2, num_workers=3, pin_memory=True, persistent_workers=True)
        data.DataLoader(ds, batch_size=2, num_workers=0)   # the defaults need no note
    with pytest.raises(ValueError, match="num_workers"):
        data.DataLoader(ds, num_workers=-1)


def test_random_split_and_subset():
    ds = data.TensorDataset(np.arange(10, dtype=np.float32), np.arange(10))
    engine.manual_seed(0)
    a, b = data.random_split(ds, [7, 3])
    assert (len(a), len(b)) == (7, 3)
    seen = [int(to_numpy(a[i][1])) for i in range(7)] + [int(to_numpy(b[i][1])) for i in range(3)]
    assert sorted(seen) == list(range(10))
    parts = data.random_split(ds, [0.5, 0.3, 0.2], generator=np.random.default_rng(1))
    assert [len(p) for p in parts] == [5, 3, 2]
    with pytest.raises(ValueError, match="add up"):
        data.random_split(ds, [4, 4])
    sub = data.Subset(ds, [9, 0, 4])
    assert len(sub) == 3 and int(to_numpy(sub[0][1])) == 9
    batches = list(data.DataLoader(sub, batch_size=2))
    np.testing.assert_array_equal(labels_of(batches[0][1]), [9, 0])


def test_engine_utils_is_reachable_as_torch_utils():
    import engine as torch
    assert torch.utils.data.DataLoader is data.DataLoader
