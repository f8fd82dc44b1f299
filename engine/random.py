"""One random generator for the whole engine, so ``engine.manual_seed(n)`` makes runs repeatable."""
import numpy as np

from .validate import non_negative_int

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
