"""One random generator for the whole engine, so ``engine.manual_seed(n)`` makes runs repeatable."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed the generator used by initialisers, dropout, data shuffling and sampling."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    global _generator
    _generator = np.random.default_rng(int(seed))
    return _generator


def get_generator():
    """The engine's ``numpy.random.Generator``."""
    return _generator
