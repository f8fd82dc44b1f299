"""One random generator for the whole engine, so ``engine.manual_seed(n)`` makes runs repeatable."""
import math

import numpy as np

from .validate import non_negative_int, real_number

_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed the generator used by initialisers, dropout, data shuffling and sampling."""
    seed = non_negative_int(seed, "seed")
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def get_generator():
    """The engine's ``numpy.random.Generator``."""
    return _generator


def _finite(value, name):
    value = real_number(value, name)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def normal(mean, std, shape):
    """Samples of N(mean, std²) (``mean`` finite, ``std`` finite and >= 0)."""
    mean, std = _finite(mean, "mean"), _finite(std, "std")
    if std < 0:
        raise ValueError(f"std must be >= 0, got {std}")
    return _generator.normal(mean, std, shape)


def uniform(low, high, shape):
    """Samples of U(low, high) (both finite, ``low <= high``)."""
    low, high = _finite(low, "the lower bound"), _finite(high, "the upper bound")
    if low > high:
        raise ValueError(f"uniform: the lower bound {low} is above the upper bound {high}")
    return _generator.uniform(low, high, shape)
