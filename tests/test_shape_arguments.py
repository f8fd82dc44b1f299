"""Shape and dim arguments of Tensor's methods: a bad one raises a clear error (never a silent
wrong shape, a ZeroDivisionError or an index error from deep inside)."""
import numpy as np
import pytest

import engine
from engine import nn

BAD_SHAPE_CALLS = [
    ("reshape -2", lambda t: t.reshape(-2, -6), ValueError),
    ("reshape two -1", lambda t: t.reshape(-1, -1), ValueError),
    ("reshape float", lambda t: t.reshape(2.5, 4), TypeError),
    ("reshape bool", lambda t: t.reshape(True, 12), TypeError),
    ("reshape str", lambda t: t.view("12"), TypeError),
    ("expand -2", lambda t: t[:1].expand(-2, 4), ValueError),
    ("expand float", lambda t: t[:1].expand(3.0, 4), TypeError),
    ("sum dim str", lambda t: t.sum(dim="a"), TypeError),
    ("sum dim 5", lambda t: t.sum(dim=5), IndexError),
    ("sum dims repeated", lambda t: t.sum(dim=(0, -2)), ValueError),
    ("mean dim float", lambda t: t.mean(dim=0.0), TypeError),
    ("transpose 0 7", lambda t: t.transpose(0, 7), IndexError),
    ("swapaxes -3", lambda t: t.swapaxes(-3, 0), IndexError),
    ("permute short", lambda t: t.permute(0), ValueError),
    ("permute repeated", lambda t: t.permute(0, 0), ValueError),
    ("permute out of range", lambda t: t.permute(0, 2), IndexError),
    ("flatten 5", lambda t: t.flatten(5), IndexError),
    ("flatten start > end", lambda t: t.flatten(1, 0), ValueError),
    ("squeeze 9", lambda t: t.squeeze(9), IndexError),
    ("unsqueeze 9", lambda t: t.unsqueeze(9), IndexError),
    ("split 0", lambda t: t.split(0), ValueError),
    ("split -1", lambda t: t.split(-1), ValueError),
    ("split float", lambda t: t.split(1.5), ValueError),
    ("split sizes negative", lambda t: t.split([4, -1]), ValueError),
    ("split sizes wrong sum", lambda t: t.split([1, 1]), ValueError),
    ("split dim 4", lambda t: t.split(1, dim=4), IndexError),
    ("chunk 0", lambda t: t.chunk(0), ValueError),
    ("chunk -2", lambda t: t.chunk(-2), ValueError),
    ("unbind 2", lambda t: t.unbind(2), IndexError),
    ("index_select dim 3", lambda t: t.index_select(3, engine.tensor([0])), IndexError),
]


@pytest.mark.parametrize("name, call, error", BAD_SHAPE_CALLS, ids=[c[0] for c in BAD_SHAPE_CALLS])
def test_bad_shape_argument_raises(name, call, error):
    t = engine.randn(3, 4, requires_grad=True)
    with pytest.raises(error):
        call(t)


def test_dim_errors_are_also_value_errors():
    """An axis out of range is NumPy's AxisError: both an IndexError (PyTorch) and a ValueError."""
    t = engine.randn(3, 4)
    with pytest.raises(ValueError, match="axis 5"):
        t.sum(dim=5)


@pytest.mark.parametrize("call, expected", [
    (lambda t: t.reshape(-1, 3), (4, 3)),
    (lambda t: t[:1].expand(2, -1, -1), (2, 1, 4)),
    (lambda t: t.flatten(-2, -1), (12,)),
    (lambda t: t.squeeze(-1), (3, 4)),
    (lambda t: t.permute(-1, 0), (4, 3)),
    (lambda t: t.split([3, 0])[1], (0, 4)),
    (lambda t: t[:0].split(2)[0], (0, 4)),
    (lambda t: t.chunk(5)[-1], (1, 4)),
])
def test_valid_shape_arguments_still_work(call, expected):
    assert call(engine.randn(3, 4)).shape == expected


def test_zero_dim_reduction_over_dim_0_is_the_value():
    t = engine.tensor(2.5)
    assert t.sum(dim=0).item() == 2.5 and t.sum(dim=-1).item() == 2.5
    with pytest.raises(IndexError):
        t.sum(dim=1)


def test_embedding_takes_integer_tensors():
    emb = nn.Embedding(5, 3)
    idx = engine.tensor([[0, 4], [2, 2]])
    assert idx.dtype == engine.int64
    out = emb(idx)
    np.testing.assert_array_equal(out.data, emb.weight.data[idx.data])
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        emb(engine.tensor([5]))
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        emb(engine.tensor([-1]))
    with pytest.raises(TypeError, match="integers"):
        emb(engine.tensor([1.0]))


BAD_CREATION_CALLS = [
    ("arange inf", lambda: engine.arange(0, float("inf")), ValueError),
    ("arange nan", lambda: engine.arange(float("nan")), ValueError),
    ("arange step inf", lambda: engine.arange(0, 5, float("inf")), ValueError),
    ("arange str", lambda: engine.arange("a"), TypeError),
    ("zeros_like str", lambda: engine.zeros_like("a"), TypeError),
    ("randn_like list", lambda: engine.randn_like([1.0, 2.0]), TypeError),
    ("full_like array", lambda: engine.full_like(np.ones(2), 1.0), TypeError),
    ("cat a tensor", lambda: engine.cat(engine.randn(3, 4)), TypeError),
    ("stack a tensor", lambda: engine.stack(engine.randn(3, 4)), TypeError),
    ("normal_ std < 0", lambda: engine.randn(3).normal_(0.0, -1.0), ValueError),
    ("normal_ mean nan", lambda: engine.randn(3).normal_(float("nan"), 1.0), ValueError),
    ("normal_ std str", lambda: engine.randn(3).normal_(0.0, "1"), TypeError),
    ("uniform_ a > b", lambda: engine.randn(3).uniform_(1.0, 0.0), ValueError),
    ("uniform_ inf", lambda: engine.randn(3).uniform_(0.0, float("inf")), ValueError),
    ("init.normal_ std < 0", lambda: nn.init.normal_(engine.randn(3), std=-1.0), ValueError),
    ("init.uniform_ nan", lambda: nn.init.uniform_(engine.randn(3), float("nan"), 1.0), ValueError),
    ("requires_grad = str", lambda: setattr(engine.randn(3), "requires_grad", "yes"), TypeError),
    ("requires_grad_(1)", lambda: engine.randn(3).requires_grad_(1), TypeError),
]


@pytest.mark.parametrize("name, call, error", BAD_CREATION_CALLS,
                         ids=[c[0] for c in BAD_CREATION_CALLS])
def test_bad_creation_argument_raises(name, call, error):
    with pytest.raises(error):
        call()


def test_arange_still_counts_as_pytorch():
    assert engine.arange(5).data.tolist() == [0, 1, 2, 3, 4]
    assert engine.arange(engine.tensor(3)).data.tolist() == [0, 1, 2]
    np.testing.assert_allclose(engine.arange(0, 1, 0.25).data, [0, 0.25, 0.5, 0.75])
    assert engine.cat((engine.ones(2), engine.zeros(1))).shape == (3,)
