"""Timing helpers shared by the benchmark groups."""
import contextlib
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


def import_torch(threads=None):
    """PyTorch for the comparison columns (set to ``threads`` threads), or None if absent."""
    try:
        import torch
    except ImportError:
        return None
    if threads is not None:
        torch.set_num_threads(threads)
    return torch


@contextlib.contextmanager
def limited_threads(n):
    """Run a block with the engine's kernels and NumPy's BLAS on ``n`` threads.

    Yields True when NumPy's BLAS was limited too (that takes the optional package
    threadpoolctl), False when BLAS keeps its own thread count.
    """
    from .. import backend
    before = backend.get_num_threads()
    backend.set_num_threads(n)
    try:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            yield False
        else:
            with threadpool_limits(limits=n, user_api="blas"):
                yield True
    finally:
        backend.set_num_threads(before)
