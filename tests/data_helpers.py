"""Where the tests find MNIST, and the skip message that says how to enable them."""
import os
from pathlib import Path

import pytest

_STEM = "train-images-idx3-ubyte"
HOW_TO_ENABLE = ("MNIST not found: looked in $ENGINE_DATA/mnist ({env}), in {beside} (the "
                 "shared/ folder beside the repository, as CI lays it out) and in the download "
                 "cache {cache}. To run this test: put the four MNIST IDX files (.gz) in DIR/mnist "
                 "and set ENGINE_DATA=DIR, or fill the cache once with "
                 "`python -c \"import engine.data as d; d.load_mnist()\"` (a verified download).")


def mnist_dir():
    """A folder holding the MNIST files, or skip the calling test with a message saying how to
    enable it. Order: $ENGINE_DATA/mnist, ../shared/data/mnist beside the repository, the cache."""
    from engine.data.mnist import default_cache_dir

    env = os.environ.get("ENGINE_DATA")
    beside = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
    cache = default_cache_dir() / "mnist"
    candidates = ([Path(env) / "mnist"] if env else []) + [beside, cache]
    for path in candidates:
        if (path / (_STEM + ".gz")).exists() or (path / _STEM).exists():
            return path
    pytest.skip(HOW_TO_ENABLE.format(env=env if env else "ENGINE_DATA unset", beside=beside, cache=cache))
