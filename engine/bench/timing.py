"""Timing helpers shared by the benchmark groups.

A figure is the best of N runs (the least disturbed one) together with its spread: how far
the median run lies above the best. On a quiet machine the spread is a few percent; when
another process competes for the cores it grows, and the suite says so (``machine.py``).
"""
import contextlib
import statistics
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Seconds per run: the best, the median, the mean (what N runs take together ÷ N), and
    the spread ``median / best - 1``."""
    best: float
    median: float
    runs: int
    mean: float

    @property
    def spread(self):
        return self.median / self.best - 1.0 if self.best > 0 else 0.0


# Every Timing taken since the suite started (the summary reports their median spread).
_recorded = []


def with_legend(lines, legend):
    """A group's table as text: its lines, then the legend that says what the columns mean."""
    return "\n".join([*lines, legend])


def measure(fn, repeats, warmup=1):
    """Run ``fn()`` ``warmup`` times untimed, then ``repeats`` times timed: a ``Timing``."""
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    timing = _timing(seconds)
    _recorded.append(timing)
    return timing


def _timing(seconds):
    return Timing(min(seconds), statistics.median(seconds), len(seconds),
                  statistics.fmean(seconds))


def measure_interleaved(fns, repeats, warmup=1):
    """``measure`` for several variants at once, taking turns run by run: {key: Timing}.

    On a busy machine the conditions change from second to second; taking turns gives every
    variant the same share of good and bad moments, so their ratio means something.
    ``fns`` maps a key to a callable; each call may set up its variant first (e.g. a thread
    count), since that is timed too, keep it cheap.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    seconds = {key: [] for key in fns}
    for _ in range(max(1, repeats)):
        for key, fn in fns.items():
            start = time.perf_counter()
            fn()
            seconds[key].append(time.perf_counter() - start)
    timings = {key: _timing(s) for key, s in seconds.items()}
    _recorded.extend(timings.values())
    return timings


def best_time(fn, repeats, warmup=1):
    """The fastest of ``repeats`` runs of ``fn()`` in seconds (the least disturbed one)."""
    return measure(fn, repeats, warmup).best


def recorded_spreads(since=0):
    """The spreads of the timings taken since mark ``since`` (see ``mark()``)."""
    return [t.spread for t in _recorded[since:]]


def mark():
    """A mark to pass to ``recorded_spreads`` later."""
    return len(_recorded)


def progress(items, desc):
    """``items`` with a progress bar on stderr (tqdm), one tick per row; silent when stderr is
    not a terminal (CI logs) or tqdm is missing."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return items
    return tqdm(items, desc=desc, file=sys.stderr, leave=False, disable=None, unit="row")


def import_torch(threads=None):
    """PyTorch for the comparison columns (set to ``threads`` threads), or None if absent."""
    try:
        import torch
    except ImportError:
        return None
    if threads is not None:
        torch.set_num_threads(threads)
    return torch


def blas_limiter():
    """threadpoolctl's ``threadpool_limits``, or None when threadpoolctl is not installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits


@contextlib.contextmanager
def limited_threads(n):
    """Run a block with the engine's kernels and NumPy's BLAS on ``n`` threads.

    Yields True when NumPy's BLAS was limited too (that takes threadpoolctl, a dependency of
    engine), False when BLAS keeps its own thread count (the tables then say "default").
    """
    from .. import backend
    with backend.thread_setting_kept():
        backend.set_num_threads(n)
        limits = blas_limiter()
        if limits is None:
            yield False
        else:
            with limits(limits=n, user_api="blas"):
                yield True
