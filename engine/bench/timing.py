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


def import_torch(threads=None):
    """PyTorch for the comparison columns (set to ``threads`` threads), or None if absent."""
    try:
        import torch
    except ImportError:
        return None
    if threads is not None:
        torch.set_num_threads(threads)
    return torch
