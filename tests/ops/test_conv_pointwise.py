"""1×1 convolutions go straight to the GEMM (ops/conv.py, _pointwise): the same forward and
gradients as the im2col path, on both CPU backends, float32 and float64."""
import numpy as np
import pytest

from conv_cases import assert_paths_agree
from engine.ops import conv as conv_ops


@pytest.mark.parametrize("impl", ["native", "reference"])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape", [(3, 5, 8, 8), (1, 4, 9, 11), (2, 3, 2, 2)])
def test_pointwise_matches_the_im2col_path(monkeypatch, impl, dtype, tol, shape):
    assert_paths_agree(
        impl, shape, 1, dtype, tol,
        fast_path=lambda: monkeypatch.setattr(conv_ops, "_POINTWISE_MIN_L", 1),     # the GEMM
        slow_path=lambda: monkeypatch.setattr(conv_ops, "_POINTWISE_MIN_L", 10**9))  # im2col


def test_pointwise_is_chosen_only_where_it_applies():
    from engine.backend._checks import conv_geometry
    geo = conv_geometry((2, 3, 16, 16), (1, 1), 1, 0, 1)
    assert conv_ops._pointwise(geo, 1)
    assert not conv_ops._pointwise(geo, 3)                                    # groups
    assert not conv_ops._pointwise(conv_geometry((2, 3, 16, 16), (1, 1), 2, 0, 1), 1)
    assert not conv_ops._pointwise(conv_geometry((2, 3, 16, 16), (1, 1), 1, 1, 1), 1)
    assert not conv_ops._pointwise(conv_geometry((2, 3, 16, 16), (3, 3), 1, 1, 1), 1)
    assert not conv_ops._pointwise(conv_geometry((2, 3, 4, 4), (1, 1), 1, 0, 1), 1)  # L < 64
