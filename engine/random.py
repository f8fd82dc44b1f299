"""One random generator for the whole engine, so ``engine.manual_seed(n)`` makes runs repeatable."""
import numpy as np

from .validate import finite_real, non_negative_int, non_negative_real

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


def normal(mean, std, shape):
    """Samples of N(mean, std²) (``mean`` finite, ``std`` finite and >= 0)."""
    mean, std = finite_real(mean, "mean"), non_negative_real(std, "std")
    return _generator.normal(mean, std, shape)


def uniform(low, high, shape):
    """Samples of U(low, high) (both finite, ``low <= high``)."""
    low, high = finite_real(low, "the lower bound"), finite_real(high, "the upper bound")
    if low > high:
        raise ValueError(f"uniform needs a <= b (lower bound <= upper bound), got a={low}, "
                         f"b={high}")
    return _generator.uniform(low, high, shape)
