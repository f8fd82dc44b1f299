"""Data loaders, splits and samplers refuse bad settings when built, naming the setting."""
import math

import numpy as np
import pytest

from engine.data import DataLoader as PlainLoader
from engine.data.split import KFold, train_val_test_split
from engine.utils import data as udata

X = np.arange(20.0).reshape(10, 2)
Y = np.arange(10)
NAN, INF = math.nan, math.inf

BATCH_SIZES = [0, -1, 2.5, True, "4", NAN, INF]
FLAGS = [1, 0, "yes", None, 1.0]

CASES = {
    "engine.data.DataLoader": [(lambda v=v: PlainLoader((X, Y), batch_size=v), ValueError,
                                "batch_size") for v in BATCH_SIZES] +
    [(lambda v=v: PlainLoader((X, Y), shuffle=v), TypeError, "shuffle") for v in FLAGS] +
    [(lambda v=v: PlainLoader((X, Y), drop_last=v), TypeError, "drop_last") for v in FLAGS] +
    [(lambda v=v: PlainLoader((X, Y), as_tensor=v), TypeError, "as_tensor") for v in FLAGS] +
    [(lambda v=v: PlainLoader((X, Y), transform=v), TypeError, "transform") for v in (3, "f")] +
    [(lambda v=v: PlainLoader((X, Y), generator=v), TypeError, "generator")
     for v in (3, "rng", np.random.RandomState(0))] +
    [(lambda v=v: PlainLoader((X, Y), seed=v, shuffle=True), (TypeError, ValueError),
      "random_state") for v in (-1, 2.5, "s")] +
    [(lambda v=v: PlainLoader(v), TypeError, "dataset") for v in (3, None)],
    "engine.utils.data.DataLoader": [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), v),
                                      ValueError, "batch_size") for v in BATCH_SIZES] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), shuffle=v), TypeError, "shuffle")
     for v in (1, "yes", 0.0)] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), drop_last=v), TypeError, "drop_last")
     for v in FLAGS] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), num_workers=v), ValueError,
      "num_workers") for v in (-1, 1.5, True, "2", None)] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), pin_memory=v), TypeError,
      "pin_memory") for v in (1, "yes", None)] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), timeout=v), (ValueError, TypeError),
      "timeout") for v in (-1, NAN, "5", None)] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), collate_fn=v), TypeError,
      "collate_fn") for v in (3, "stack")] +
    [(lambda v=v: udata.DataLoader(udata.TensorDataset(X), sampler=v), TypeError, "sampler")
     for v in (3, iter([1, 2]))] +
    [(lambda: udata.DataLoader(udata.TensorDataset(X), sampler=[0, 1], shuffle=True), ValueError,
      "sampler")],
    "random_split": [(lambda v=v: udata.random_split(udata.TensorDataset(X), v), ValueError,
                      "lengths") for v in ([0.5, 0.4], [0.7, 0.7], [NAN, 1.0], [INF, 0],
                                           [True, False], [5, 6], [11, -1], [0.5, "0.5"],
                                           [None, 10], [], [2.5, 7.5], [-0.5, 1.5])] +
    [(lambda v=v: udata.random_split(udata.TensorDataset(X), v), TypeError, "lengths")
     for v in (10, "55", None)] +
    [(lambda: udata.random_split(udata.TensorDataset(X), [5, 5], generator=3), TypeError,
      "generator"),
     (lambda: udata.random_split(3, [1]), TypeError, "dataset")],
    "train_val_test_split": [(lambda v=v: train_val_test_split(X, Y, ratios=v), (ValueError, TypeError),
                              "ratio") for v in ((NAN, 0.5, 0.5), (0.5, INF), (1.2, -0.2),
                                                 (0.5, 0.4), ("0.5", 0.5), (True, False), 0.5,
                                                 (0.25,) * 4)],
    "KFold": [(lambda v=v: KFold(v), ValueError, "n_splits") for v in (1, 0, 2.5, True, "5", None)] +
    [(lambda v=v: KFold(3, shuffle=v), TypeError, "shuffle") for v in (1, "yes", None)] +
    [(lambda v=v: KFold(3, True, random_state=v), (ValueError, TypeError), "random_state")
     for v in (-1, 2.5, "seed")],
}

ALL = [(group, make, exc, name) for group, cases in CASES.items() for make, exc, name in cases]


@pytest.mark.parametrize("group, make, exc, name", ALL,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ALL)])
def test_bad_setting_is_refused_with_its_name(group, make, exc, name):
    with pytest.raises(exc, match=name):
        make()


def test_random_split_takes_pytorch_fractions_and_counts():
    ds = udata.TensorDataset(X)
    assert [len(s) for s in udata.random_split(ds, [0.5, 0.5])] == [5, 5]
    assert [len(s) for s in udata.random_split(ds, [1, 0])] == [10, 0]       # fractions
    assert [len(s) for s in udata.random_split(ds, [3, 7])] == [3, 7]
    assert [len(s) for s in udata.random_split(ds, [np.int64(4), 6])] == [4, 6]
    one = udata.TensorDataset(X[:1])
    assert [len(s) for s in udata.random_split(one, [1, 0])] == [1, 0]


def count_bad_inputs():
    return {group: len(cases) for group, cases in CASES.items()}


def test_an_empty_dataset_as_one_batch_has_no_batches():
    # ZeroDivisionError in len() with batch_size=None
    loader = PlainLoader((np.zeros((0, 2)), np.zeros(0)), batch_size=None)
    assert len(loader) == 0 and list(loader) == []


@pytest.mark.parametrize("sampler", [[15, 0], [-1], [0.5], ["0"]])
def test_a_sampler_index_outside_the_dataset_is_a_value_error(sampler):
    # IndexError from the dataset (or 0.5 silently read as 0)
    loader = udata.DataLoader(udata.TensorDataset(X), sampler=sampler)
    with pytest.raises(ValueError, match="sampler"):
        list(loader)


@pytest.mark.parametrize("indices, exc", [([10], ValueError), ([-1], ValueError),
                                          ([0.5], TypeError)])
def test_subset_indices_are_checked_when_built(indices, exc):
    # IndexError at the first access
    with pytest.raises(exc, match="Subset"):
        udata.Subset(udata.TensorDataset(X), indices)
