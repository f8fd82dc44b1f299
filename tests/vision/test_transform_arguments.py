"""Transforms and make_grid refuse bad settings when they are made (not with a wrong picture)."""
import numpy as np
import pytest

import engine
from engine.data import transforms as DT
from engine.vision import transforms as T
from engine.vision.utils import make_grid

NAN, INF = float("nan"), float("inf")

BAD_SETTINGS = [
    ("Normalize std 0", lambda: T.Normalize([0.5], [0.0]), ValueError),
    ("Normalize std nan", lambda: T.Normalize([0.5], [NAN]), ValueError),
    ("Normalize mean inf", lambda: T.Normalize([INF], [1.0]), ValueError),
    ("Normalize std negative", lambda: T.Normalize([0.5], [-0.2]), ValueError),
    ("Normalize str", lambda: T.Normalize("a", "b"), TypeError),
    ("Normalize empty", lambda: T.Normalize([], []), ValueError),
    ("data Normalize std 0", lambda: DT.Normalize(0.5, 0.0), ValueError),
    ("RandomCrop -3", lambda: T.RandomCrop(-3), ValueError),
    ("RandomCrop 2.5", lambda: T.RandomCrop(2.5), ValueError),
    ("RandomCrop (1, 2, 3)", lambda: T.RandomCrop((1, 2, 3)), ValueError),
    ("data RandomCrop 0", lambda: DT.RandomCrop(0), ValueError),
    ("data RandomCrop padding -1", lambda: DT.RandomCrop(3, padding=-1), ValueError),
    ("data RandomShift 1.5", lambda: DT.RandomShift(1.5), ValueError),
    ("flip p 2", lambda: T.RandomHorizontalFlip(p=2.0), ValueError),
    ("flip p nan", lambda: T.RandomVerticalFlip(p=NAN), ValueError),
    ("flip p str", lambda: DT.RandomHorizontalFlip(p="0.5"), TypeError),
    ("rotation nan", lambda: T.RandomRotation(NAN), ValueError),
    ("rotation inf", lambda: T.RandomRotation(INF), ValueError),
    ("rotation pair nan", lambda: T.RandomRotation((0, NAN)), ValueError),
    ("rotation str", lambda: T.RandomRotation("ten"), TypeError),
    ("noise std -1", lambda: DT.GaussianNoise(-1.0), ValueError),
    ("noise std nan", lambda: DT.GaussianNoise(NAN), ValueError),
    ("noise clip reversed", lambda: DT.GaussianNoise(0.1, clip=(1.0, 0.0)), ValueError),
    ("cutout -2", lambda: DT.Cutout(-2), ValueError),
    ("cutout holes -1", lambda: DT.Cutout(2, n_holes=-1), ValueError),
    ("cutout fill nan", lambda: DT.Cutout(2, fill=NAN), ValueError),
    ("make_grid nrow 0", lambda: make_grid(engine.rand(4, 1, 8, 8), nrow=0), ValueError),
    ("make_grid padding -1", lambda: make_grid(engine.rand(4, 1, 8, 8), padding=-1), ValueError),
    ("make_grid empty", lambda: make_grid(engine.rand(0, 1, 8, 8)), ValueError),
]


@pytest.mark.parametrize("name, make, error", BAD_SETTINGS, ids=[c[0] for c in BAD_SETTINGS])
def test_bad_setting_raises(name, make, error):
    with pytest.raises(error):
        make()


def test_normalize_refuses_a_channel_count_it_was_not_made_for():
    image = engine.rand(1, 8, 8)
    with pytest.raises(ValueError, match="channels"):
        T.Normalize([0.5, 0.5], [0.2, 0.2])(image)
    out = T.Normalize([0.5], [0.25])(image)          # one value serves any channel count
    np.testing.assert_allclose(out.data, (image.data - 0.5) / 0.25, rtol=1e-6)
    three = T.Normalize([0.5] * 3, [0.25] * 3)(engine.rand(3, 4, 4))
    assert three.shape == (3, 4, 4)
