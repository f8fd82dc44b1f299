"""3×3 stride-1 convolutions through Winograd F(2×2, 3×3) (ops/conv.py, _winograd): the same
output and gradients as the im2col path (which is gradchecked), both CPU backends."""
import numpy as np
import pytest

from conv_cases import assert_paths_agree
from engine.backend import native, reference
from engine.backend._checks import conv_geometry
from engine.ops import conv as conv_ops


def _thresholds(monkeypatch, channels, output):
    return lambda: (monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_CHANNELS", channels),
                    monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_OUTPUT", output),
                    monkeypatch.setattr(conv_ops, "_WINOGRAD_BACKENDS", ("native", "reference")))


@pytest.mark.parametrize("impl", ["native", "reference"])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape, padding", [((2, 4, 9, 8), 1), ((3, 5, 6, 7), 0),
                                            ((1, 3, 5, 5), 2), ((2, 2, 3, 4), (1, 0))])
def test_winograd_matches_the_im2col_path(monkeypatch, impl, dtype, tol, shape, padding):
    assert_paths_agree(impl, shape, 3, dtype, tol, padding=padding,
                       fast_path=_thresholds(monkeypatch, 1, 1),
                       slow_path=_thresholds(monkeypatch, 10**9, 1))


def test_winograd_is_chosen_only_where_it_applies():
    def chosen(shape, kernel=(3, 3), stride=1, padding=1, dilation=1, groups=1, out=64,
               backend=native):
        return conv_ops._winograd(backend, conv_geometry(shape, kernel, stride, padding,
                                                         dilation), groups, out)
    assert chosen((2, 64, 32, 32))
    assert not chosen((2, 64, 32, 32), backend=reference)    # NumPy keeps the sliding window
    assert not chosen((2, 64, 32, 32), stride=2)
    assert not chosen((2, 64, 32, 32), dilation=2, padding=2)
    assert not chosen((2, 64, 32, 32), kernel=(5, 5))
    assert not chosen((2, 64, 32, 32), groups=2)
    assert not chosen((2, 64, 32, 32), padding=3)
    assert not chosen((2, 8, 32, 32))                 # few channels: does not pay
    assert not chosen((2, 16, 32, 32), out=16)
    assert chosen((2, 32, 32, 32), out=32)            # 32 channels at 32 × 32: pays
    assert not chosen((2, 32, 16, 16), out=32)        # ... at 16 × 16: does not
    assert chosen((2, 64, 16, 16))                    # 64 channels at 16 × 16: pays
    assert not chosen((2, 128, 8, 8), out=128)        # 4 tiles a row: does not
    assert not chosen((2, 64, 6, 6))                  # few tiles: does not pay
    assert not chosen((2, 64, 32), kernel=(3,))       # 1-D
