"""gather, sort, topk, cumsum and the selection methods built on them: against NumPy over
random shapes, against PyTorch when installed, gradchecked in float64, and bad arguments."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
import engine.nn.functional as F
from engine import gradcheck

DTYPES = [np.float32, np.float64]


def _x(shape, dtype=np.float64, seed=0, grad=False):
    data = np.random.default_rng(seed).normal(size=shape).astype(dtype)
    return engine.tensor(data, requires_grad=grad)


shapes = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data(), dtype=st.sampled_from(DTYPES))
def test_gather_matches_take_along_axis(shape, data, dtype):
    x = _x(shape, dtype)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    idx_shape = tuple(data.draw(st.integers(1, s)) if a != dim % len(shape) else
                      data.draw(st.integers(1, 6)) for a, s in enumerate(shape))
    idx = np.random.default_rng(1).integers(0, n, size=idx_shape)
    part = tuple(slice(0, i) if a != dim % len(shape) else slice(None)
                 for a, i in enumerate(idx_shape))
    expected = np.take_along_axis(x.data[part], idx, axis=dim)
    np.testing.assert_array_equal(engine.gather(x, dim, engine.tensor(idx)).data, expected)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data(), dtype=st.sampled_from(DTYPES))
def test_sort_topk_cumsum_match_numpy(shape, data, dtype):
    x = _x(shape, dtype)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    values, indices = x.sort(dim)
    np.testing.assert_array_equal(values.data, np.sort(x.data, axis=dim))
    np.testing.assert_array_equal(np.take_along_axis(x.data, indices.data, axis=dim), values.data)
    down = x.sort(dim, descending=True).values.data
    np.testing.assert_array_equal(down, np.flip(np.sort(x.data, axis=dim), axis=dim))
    k = data.draw(st.integers(0, shape[dim]))
    np.testing.assert_array_equal(x.topk(k, dim).values.data, np.take(down, range(k), axis=dim))
    np.testing.assert_allclose(x.cumsum(dim).data, np.cumsum(x.data, axis=dim), rtol=1e-6)


def test_sort_is_stable_and_puts_nan_where_pytorch_does():
    x = engine.tensor([2.0, np.nan, 1.0, 2.0, -np.inf])
    assert x.sort().indices.data.tolist() == [4, 2, 0, 3, 1]            # NaN last
    assert x.sort(descending=True).indices.data.tolist() == [1, 0, 3, 2, 4]   # NaN first
    assert x.topk(2).indices.data.tolist() == [1, 0]


def test_integer_sort_and_cumsum():
    x = engine.tensor([3, -1, 2, np.iinfo(np.int64).min])
    assert x.sort(descending=True).values.data.tolist() == [3, 2, -1, np.iinfo(np.int64).min]
    assert engine.tensor([1, 2, 3]).cumsum(0).data.tolist() == [1, 3, 6]
    assert engine.tensor([True, True]).cumsum(0).dtype == engine.int64


@pytest.mark.parametrize("name, fn", [
    ("gather", lambda a: a.gather(1, engine.tensor([[0, 0], [2, 1]]))),
    ("sort", lambda a: a.sort(1, descending=True).values),
    ("topk", lambda a: a.topk(2, 0).values),
    ("cumsum", lambda a: a.cumsum(-1)),
    ("repeat", lambda a: a.repeat(2, 1, 3)),
    ("tile", lambda a: a.tile(2)),
    ("flip", lambda a: a.flip(0, 1)),
    ("roll", lambda a: a.roll((1, -2), (0, 1))),
    ("roll flat", lambda a: a.roll(4)),
    ("narrow", lambda a: a.narrow(1, 1, 2)),
    ("movedim", lambda a: a.movedim(0, 1)),
    ("tril", lambda a: a.tril(-1)),
    ("triu", lambda a: a.triu(1)),
    ("logsumexp", lambda a: a.logsumexp(1)),
    ("masked_select", lambda a: a.masked_select(a.data > 0)),
    ("nan_to_num", lambda a: a.nan_to_num()),
    ("outer", lambda a: a[0].outer(a[1])),
    ("dot", lambda a: a[0].dot(a[1])),
    ("mv", lambda a: a.mv(a[0])),
])
def test_gradients(name, fn):
    assert gradcheck(fn, (_x((3, 3), grad=True, seed=3),))


def test_pytorch_agrees():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(5).normal(size=(3, 4)).astype(np.float32)
    x, t = engine.tensor(a), torch.from_numpy(a.copy())
    pairs = [
        (x.sort(1, descending=True).indices, t.sort(dim=1, descending=True, stable=True).indices),
        (x.topk(3, 1).values, t.topk(3, 1).values),
        (x.cumsum(0), t.cumsum(0)),
        (x.repeat(2, 1, 2), t.repeat(2, 1, 2)),
        (x.roll((1, 2), (0, 1)), t.roll((1, 2), (0, 1))),
        (x.roll(-3), t.roll(-3)),
        (x.flip(1), t.flip(1)),
        (x.tril(1), t.tril(1)),
        (x.triu(-1), t.triu(-1)),
        (x.logsumexp(1), t.logsumexp(1)),
        (x.movedim((0, 1), (1, 0)), t.movedim((0, 1), (1, 0))),
        (x.tile((2, 1, 1)), t.tile((2, 1, 1))),
        ((x > 0).nonzero(), (t > 0).nonzero()),
        (x.gather(0, engine.tensor([[2, 0, 1, 1]])), t.gather(0, torch.tensor([[2, 0, 1, 1]]))),
        (F.one_hot(engine.tensor([2, 0])), torch.nn.functional.one_hot(torch.tensor([2, 0]))),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_logsumexp_does_not_overflow():
    x = engine.tensor([[1000.0, 1000.0], [-np.inf, -np.inf]], dtype=engine.float64)
    out = x.logsumexp(1).data
    assert out[0] == pytest.approx(1000.0 + np.log(2.0)) and out[1] == -np.inf


BAD = [
    ("gather float index", lambda x: x.gather(1, engine.tensor([[0.0]])), TypeError),
    ("gather index out of range", lambda x: x.gather(1, engine.tensor([[5]])), IndexError),
    ("gather index ndim", lambda x: x.gather(1, engine.tensor([0])), ValueError),
    ("gather index too large", lambda x: x.gather(1, engine.tensor([[0]] * 9)), ValueError),
    ("gather dim", lambda x: x.gather(2, engine.tensor([[0]])), IndexError),
    ("sort dim", lambda x: x.sort(5), IndexError),
    ("sort descending str", lambda x: x.sort(0, "yes"), TypeError),
    ("topk k > n", lambda x: x.topk(9), ValueError),
    ("topk k -1", lambda x: x.topk(-1), ValueError),
    ("topk k float", lambda x: x.topk(1.5), ValueError),
    ("cumsum dim str", lambda x: x.cumsum("a"), TypeError),
    ("repeat too few", lambda x: x.repeat(2), ValueError),
    ("repeat negative", lambda x: x.repeat(-1, 1), ValueError),
    ("repeat float", lambda x: x.repeat(1.5, 1), TypeError),
    ("flip dim", lambda x: x.flip(3), IndexError),
    ("roll mismatch", lambda x: x.roll((1, 2), 0), ValueError),
    ("roll float", lambda x: x.roll(1.5), TypeError),
    ("narrow past end", lambda x: x.narrow(0, 2, 5), ValueError),
    ("narrow negative length", lambda x: x.narrow(0, 0, -1), ValueError),
    ("movedim repeated", lambda x: x.movedim((0, 0), (0, 1)), ValueError),
    ("tril 1-D", lambda x: x[0].tril(), ValueError),
    ("tril diagonal float", lambda x: x.tril(0.5), TypeError),
    ("masked_select float mask", lambda x: x.masked_select(x.data), TypeError),
    ("masked_select shape", lambda x: x.masked_select(np.ones(5, dtype=bool)), ValueError),
    ("dot 2-D", lambda x: x.dot(x), ValueError),
    ("dot lengths", lambda x: x[0].dot(x[0, :2]), ValueError),
    ("mv shapes", lambda x: x.mv(x), ValueError),
    ("one_hot negative", lambda x: F.one_hot(engine.tensor([-1, 0])), ValueError),
    ("one_hot too large", lambda x: F.one_hot(engine.tensor([3]), 3), ValueError),
    ("one_hot float", lambda x: F.one_hot(engine.tensor([1.0])), TypeError),
    ("one_hot num_classes 0", lambda x: F.one_hot(engine.tensor([0]), 0), ValueError),
    ("one_hot empty, no count", lambda x: F.one_hot(engine.tensor([], dtype=engine.int64)),
     ValueError),
    ("function on a list", lambda x: engine.sort([3, 1]), TypeError),
]


@pytest.mark.parametrize("name, call, error", BAD, ids=[b[0] for b in BAD])
def test_bad_arguments_raise(name, call, error):
    with pytest.raises(error):
        call(_x((3, 3)))
