"""engine.validate: the one place that checks sizes, counts and rates."""
import numpy as np
import pytest

from engine.validate import non_negative_int, positive_int, real_number


@pytest.mark.parametrize("good", [1, 7, np.int64(3), np.int32(1)])
def test_positive_int_accepts_integers_from_one(good):
    assert positive_int(good, "size") == int(good)
    assert type(positive_int(good, "size")) is int


@pytest.mark.parametrize("bad", [0, -2, True, False, 2.7, 3.0, "3", None, np.bool_(True)])
def test_positive_int_refuses_and_names_the_setting(bad):
    with pytest.raises(ValueError, match="size must be a positive int"):
        positive_int(bad, "size")


def test_positive_int_may_allow_none():
    assert positive_int(None, "batch_size", allow_none=True) is None
    with pytest.raises(ValueError, match="positive int or None"):
        positive_int(0, "batch_size", allow_none=True)


def test_non_negative_int():
    assert non_negative_int(0, "epochs") == 0
    with pytest.raises(ValueError, match="epochs must be a non-negative int"):
        non_negative_int(-1, "epochs")


def test_real_number():
    assert real_number(np.float32(0.5), "lr") == 0.5
    for bad in (True, "0.1", 1j, None):
        with pytest.raises(TypeError, match="lr must be a real number"):
            real_number(bad, "lr")
