"""Timing helpers shared by the benchmark groups."""
import time


def best_time(fn, repeats, warmup=1):
    """The fastest of ``repeats`` runs of ``fn()`` in seconds (the least disturbed one)."""
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
