"""The window geometries are remembered per question: the same answer object for the same
arguments, a fresh one for arguments a dictionary cannot key (lists), and errors every time."""
import pytest

from engine.backend._checks import conv_geometry, pool_geometry


def test_same_question_same_answer():
    a = conv_geometry((2, 3, 8, 8), (3, 3), 1, 1, 1, "conv")
    assert conv_geometry((2, 3, 8, 8), (3, 3), 1, 1, 1, "conv") is a
    assert conv_geometry((2, 3, 8, 8), [3, 3], 1, 1, 1, "conv") == a      # a list: computed
    assert conv_geometry((2, 3, 9, 8), (3, 3), 1, 1, 1, "conv").out_size == (9, 8)


def test_bool_is_not_taken_for_int_and_errors_repeat():
    assert pool_geometry((1, 4, 4), 2, None, 0, 2, "max_pool2d").out_size == (2, 2)
    for _ in range(2):
        with pytest.raises(TypeError, match="kernel_size"):
            pool_geometry((1, 4, 4), True, None, 0, 2, "max_pool2d")
        with pytest.raises(ValueError, match="output size"):
            conv_geometry((1, 1, 2, 2), 5, 1, 0, 1, "conv")


def test_message_names_the_asking_function():
    with pytest.raises(ValueError, match="^col2im"):
        conv_geometry((1, 1, 2, 2), 5, 1, 0, 1, "col2im")
    with pytest.raises(ValueError, match="^conv:"):
        conv_geometry((1, 1, 2, 2), 5, 1, 0, 1, "conv")
