"""Shared pieces of the fuzz tests: drawing arrays and settings (valid and invalid), running a
call on one backend, and checking the outcome.

The rule checked everywhere: a call either works, and then the native backend agrees with the
reference one (values and gradients, float32 and float64), or it raises a ValueError or a
TypeError (the documented types) on both backends; never another exception type.
"""
import math
import os
import random
import warnings

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import engine
from engine import Tensor

NAN, INF = math.nan, math.inf
# One budget for every fuzz test: a few dozen examples each keeps the whole fuzz set fast
# (and the same examples every run).  ENGINE_FUZZ_EXAMPLES=500 searches longer, with fresh
# random examples each time: how the failures fixed with these tests were found.
_LONG = int(os.environ.get("ENGINE_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_LONG or 25, deadline=None, database=None, derandomize=not _LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
DOCUMENTED = (ValueError, TypeError)
BAD_SCALARS = [NAN, INF, -INF, True, "1", None, 1j, [1.0]]
TOLERANCE = {np.dtype(np.float32): dict(rtol=2e-4, atol=2e-5),
             np.dtype(np.float64): dict(rtol=1e-9, atol=1e-11)}

dtypes = st.sampled_from([np.float32, np.float64])
bad_scalars = st.sampled_from(BAD_SCALARS)


class Arr:
    """A tensor argument to build afresh for each backend (gradients must not carry over)."""

    def __init__(self, array, grad=True):
        self.array, self.grad = array, grad

    def make(self):
        return Tensor(self.array.copy(), requires_grad=self.grad)

    def __repr__(self):
        return f"Arr(shape={self.array.shape}, dtype={self.array.dtype})"


class Raw:
    """A NumPy array argument passed as is, copied for each run (running statistics)."""

    def __init__(self, array):
        self.array = array

    def make(self):
        return self.array.copy()

    def __repr__(self):
        return f"Raw(shape={self.array.shape}, dtype={self.array.dtype})"


@st.composite
def shapes(draw, min_dims=0, max_dims=4, min_side=0, max_side=4):
    return tuple(draw(st.lists(st.integers(min_side, max_side), min_size=min_dims,
                               max_size=max_dims)))


@st.composite
def values(draw, shape, dtype, special=True, low=None, high=None):
    """A random array of ``shape``: normal values, or uniform in [low, high]; with
    ``special`` some entries may be NaN or ±infinity."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    if low is None:
        a = rng.standard_normal(shape) * draw(st.sampled_from([1.0, 3.0, 30.0]))
    else:
        a = rng.uniform(low, high, shape)
    a = np.asarray(a, dtype=dtype)
    if special and a.size and rarely(draw, 5):
        a.reshape(-1)[rng.integers(0, a.size)] = draw(st.sampled_from([NAN, INF, -INF]))
    return a


def rarely(draw, k):
    """True about one time in ``k``.  (Not ``integers(0, k - 1) == 0``: hypothesis draws the
    simplest values far more often than the rest, which would make "rare" common; a seeded
    coin is fair.)"""
    return random.Random(draw(st.integers(0, 2 ** 32 - 1))).random() < 1.0 / k


def choose(draw, valid, bad=bad_scalars, bad_weight=4):
    """A setting drawn from ``valid``, or (about one time in ``bad_weight``) from ``bad``;
    returns (value, is_bad)."""
    if rarely(draw, bad_weight):
        return draw(bad), True
    return draw(valid), False


def _make(value):
    if isinstance(value, (Arr, Raw)):
        return value.make()
    if isinstance(value, list) and any(isinstance(v, (Arr, Raw)) for v in value):
        return [_make(v) for v in value]
    return value


def run(fn, args, kwargs, backend, seed=0):
    """Call ``fn`` on ``backend``: its outputs and the gradients of its tensor inputs (for a
    fixed random weighting of the outputs), as NumPy arrays."""
    with engine.using_backend(backend), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        engine.manual_seed(seed)
        real_args = [_make(a) for a in args]
        real_kwargs = {k: _make(v) for k, v in kwargs.items()}
        out = fn(*real_args, **real_kwargs)
        outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
                if isinstance(o, Tensor)]
        results = [o.numpy().copy() for o in outs]
        grads = []
        differentiable = [o for o in outs if o.requires_grad]
        if differentiable:
            rng = np.random.default_rng(seed)
            total = None
            for o in differentiable:
                weights = rng.uniform(0.5, 1.5, o.shape).astype(o.dtype)
                term = (o * Tensor(weights)).sum()
                total = term if total is None else total + term
            total.backward()
            for a in list(real_args) + list(real_kwargs.values()):
                if isinstance(a, Tensor) and a.requires_grad:
                    grads.append(None if a.grad is None else a.grad.numpy().copy())
        for a in list(real_args) + list(real_kwargs.values()):
            if isinstance(a, np.ndarray):
                results.append(a)       # arrays written in place (running statistics)
        return results, grads


def _close(a, b, what):
    if a is None or b is None:
        assert a is None and b is None, f"{what}: one backend gave no gradient"
        return
    assert a.shape == b.shape and a.dtype == b.dtype, \
        f"{what}: {a.shape} {a.dtype} (native) vs {b.shape} {b.dtype} (reference)"
    tol = TOLERANCE.get(a.dtype, dict(rtol=0, atol=0))
    np.testing.assert_allclose(a, b, equal_nan=True, err_msg=what, **tol)


def check(fn, args, kwargs=None, bad=False, compare=True):
    """The rule of the module docstring; ``bad``: the draw is known to be invalid, so it must
    be refused.  Returns "refused" or "accepted" (for counting)."""
    kwargs = kwargs or {}
    backends = ["native", "reference"] if engine.backend.native_available() else ["reference"]
    outcomes = {}
    for backend in backends:
        try:
            outcomes[backend] = run(fn, args, kwargs, backend)
        except DOCUMENTED as err:
            outcomes[backend] = err
        except Exception as err:    # noqa: BLE001  (any other type is the failure we look for)
            raise AssertionError(f"{fn.__name__}{_show(args, kwargs)} raised "
                                 f"{type(err).__name__} on the {backend} backend: {err}") from err
    refused = [b for b in backends if isinstance(outcomes[b], Exception)]
    if refused and len(refused) != len(backends):
        raise AssertionError(f"{fn.__name__}{_show(args, kwargs)}: refused only by {refused}: "
                             f"{outcomes[refused[0]]!r}")
    if refused:
        return "refused"
    assert not bad, f"{fn.__name__}{_show(args, kwargs)} accepted an invalid argument"
    if compare and len(backends) == 2:
        (out_n, grad_n), (out_r, grad_r) = outcomes["native"], outcomes["reference"]
        assert len(out_n) == len(out_r) and len(grad_n) == len(grad_r)
        for i, (a, b) in enumerate(zip(out_n, out_r)):
            _close(a, b, f"{fn.__name__} output {i}")
        for i, (a, b) in enumerate(zip(grad_n, grad_r)):
            _close(a, b, f"{fn.__name__} gradient of input {i}")
    return "accepted"


def _show(args, kwargs):
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return "(" + ", ".join(shown) + ")"
