"""3×3 stride-1 convolutions through Winograd F(2×2, 3×3) and F(4×4, 3×3) (ops/conv.py,
_winograd): the same output and gradients as the im2col path (which is gradchecked), both CPU
backends."""
import numpy as np
import pytest

from conv_cases import assert_paths_agree
from engine.backend import native, reference
from engine.backend._checks import conv_geometry
from engine.ops import conv as conv_ops


def _thresholds(monkeypatch, channels, tile=4):
    """Winograd from ``channels`` channels on (any output size), with the given tile."""
    return lambda: (monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_CHANNELS", channels),
                    monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_OUTPUT", 1),
                    monkeypatch.setattr(conv_ops, "_WINOGRAD_MIN_WORK", 1),
                    monkeypatch.setattr(conv_ops, "_WINOGRAD_TILE", tile),
                    monkeypatch.setattr(conv_ops, "_WINOGRAD_BACKENDS", ("native", "reference")))


@pytest.mark.parametrize("impl", ["native", "reference"])
@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape, padding", [((2, 4, 9, 8), 1), ((3, 5, 6, 7), 0),
                                            ((1, 3, 5, 5), 2), ((2, 2, 3, 4), (1, 0)),
                                            ((2, 3, 11, 10), (2, 1))])
def test_winograd_matches_the_im2col_path(monkeypatch, impl, tile, dtype, tol, shape, padding):
    assert_paths_agree(impl, shape, 3, dtype, tol, padding=padding,
                       fast_path=_thresholds(monkeypatch, 1, tile),
                       slow_path=_thresholds(monkeypatch, 10**9))


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
    assert chosen((2, 64, 32, 32)) == 4               # with the larger tile, F(4×4, 3×3)
    assert not chosen((2, 16, 32, 32), out=16)        # few channels: does not pay
    assert chosen((2, 32, 28, 28), out=32)            # 32 channels at 28 × 28: pays
    assert not chosen((2, 32, 16, 16), out=32)        # ... at 16 × 16: does not
    assert chosen((2, 64, 12, 12))                    # 64 channels from 12 × 12
    assert not chosen((2, 64, 8, 8))                  # ... not at 8 × 8
    assert chosen((2, 128, 8, 8), out=128)            # 128 channels: at 8 × 8 too
    assert not chosen((2, 256, 6, 6), out=256)        # few tiles: does not pay
    assert not chosen((2, 64, 32), kernel=(3,))       # 1-D


def test_an_overflow_inside_the_transforms_takes_the_im2col_path():
    """One float32 pixel of 1e38: the direct sums stay finite (1e38 times weights of 1e-4),
    Winograd's transforms would not (they weigh values by up to 5 per pass), and a sum of the
    input would not notice (it stays finite too): the convolution checks its output and takes
    im2col."""
    import engine
    import engine.nn.functional as F
    rng = np.random.default_rng(8)
    x = rng.standard_normal((1, 64, 16, 16)).astype(np.float32)
    x[0, 5, 7, 8] = 1e38
    w = (rng.uniform(-1, 1, (64, 64, 3, 3)) * 1e-4).astype(np.float32)
    geo = conv_geometry(x.shape, (3, 3), 1, 1, 1)
    assert conv_ops._winograd(native, geo, 1, 64) == 4 and np.isfinite(x.sum())
    got = F.conv2d(engine.tensor(x), engine.tensor(w), padding=1).numpy()
    with engine.using_backend("reference"):
        want = F.conv2d(engine.tensor(x), engine.tensor(w), padding=1).numpy()
    assert np.isfinite(want).all()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())
