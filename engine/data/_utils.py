"""Small helpers shared by the data modules: random generators and array checks."""
import numpy as np

from .. import random as _random
from .. import tensor
from ..validate import is_int, non_negative_int


def as_generator(random_state):
    """A ``numpy.random.Generator`` for ``random_state``.

    ``None`` → the engine's generator (so ``engine.manual_seed(n)`` makes the call repeatable);
    an int → a fresh generator seeded with it; a Generator → itself.
    """
    if random_state is None:
        return _random.get_generator()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if is_int(random_state):
        return np.random.default_rng(non_negative_int(random_state, "random_state"))
    raise TypeError("random_state must be None, a non-negative int or a numpy Generator; "
                    f"got {type(random_state).__name__}")


def to_numpy(a, name="array"):
    """A NumPy array from an array, a list or an engine Tensor (its data, no copy), refusing
    object arrays (which only pickle could save and no kernel computes with)."""
    a = tensor.to_numpy(a)
    if a.dtype == object:
        raise TypeError(f"{name} must be numeric or string data, got an object array")
    return a


def check_same_length(*pairs):
    """Raise ValueError unless every ``(name, array)`` has the same first dimension."""
    lengths = [(name, len(a)) for name, a in pairs if a is not None]
    if len({n for _, n in lengths}) > 1:
        raise ValueError("arrays must have the same number of samples, got " +
                         ", ".join(f"{name}: {n}" for name, n in lengths))
    return lengths[0][1] if lengths else 0
