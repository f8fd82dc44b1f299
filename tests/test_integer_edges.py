"""Integer tensors at their edges: no silent wrap-around, no 0 from a division by zero."""
import numpy as np
import pytest

import engine

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("op", [lambda a, b: a // b, lambda a, b: a % b])
def test_integer_division_by_zero_raises(op):
    a = engine.tensor([1, 2, 3])
    for zero in (0, engine.tensor([1, 0, 1])):
        with pytest.raises(ZeroDivisionError, match="division by zero"):
            op(a, zero)
        with pytest.raises(ValueError):          # also a ValueError
            op(a, zero)
    assert op(a, 2).data.tolist() == op(np.array([1, 2, 3]), 2).tolist()
    with np.errstate(divide="ignore", invalid="ignore"):       # floats: inf/nan, as NumPy
        assert op(engine.tensor([1.0, 2.0]), 0.0).shape == (2,)


def test_true_division_of_integers_by_zero_is_inf_as_pytorch():
    with np.errstate(divide="ignore"):
        assert (engine.tensor([1]) / 0).data.tolist() == [INF]


def test_negative_integer_power_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="negative integer powers"):
        engine.tensor([1, 2]) ** -1
    with pytest.raises(ValueError, match="negative integer powers"):
        engine.tensor([1, 2]) ** engine.tensor([1, -1])
    assert (engine.tensor([2, 3]) ** 2).data.tolist() == [4, 9]
    assert (engine.tensor([2.0]) ** -1).data.tolist() == [0.5]


@pytest.mark.parametrize("make", [
    lambda: engine.tensor([2**40], dtype=engine.int32),
    lambda: engine.tensor([300], dtype=engine.uint8),
    lambda: engine.tensor([-1], dtype=engine.uint8),
    lambda: engine.tensor([1e20]).to(engine.int32),
    lambda: engine.tensor([NAN]).long(),
    lambda: engine.tensor([INF]).int(),
    lambda: engine.tensor([-INF]).to(engine.int64),
    lambda: engine.tensor(np.array([70000], dtype=np.int64)).to(engine.int16),
])
def test_conversion_to_an_integer_dtype_never_wraps(make):
    with pytest.raises(ValueError, match="cannot be converted"):
        make()


def test_in_range_conversions_work():
    assert engine.tensor([1.7, -2.7]).long().data.tolist() == [1, -2]      # truncation, as C
    assert engine.tensor([255], dtype=engine.uint8).data.tolist() == [255]
    assert (engine.randn(3) > 0).long().dtype == engine.int64
    t = engine.tensor([1.5]).to(engine.int64)
    assert t.dtype == engine.int64 and t.data.tolist() == [1]


def test_python_integers_beyond_int64():
    with pytest.raises(ValueError, match="does not fit int64"):
        engine.tensor([2**70])
    big = engine.tensor([2**70], dtype=engine.float64)
    assert big.data.tolist() == [float(2**70)]
    with pytest.raises(TypeError, match="None"):
        engine.tensor([None, 1], dtype=engine.float32)
    with pytest.raises(TypeError):
        engine.tensor(["1.5"], dtype=engine.float32)
