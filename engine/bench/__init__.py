"""The benchmark suite behind ``python -m engine bench``.

Each group (a module here with ``run(quick) -> rows`` and ``table(rows) -> text``) times the
engine's kernels against what a student would otherwise use, all in the same run, and prints
ratios, not thresholds: the figures depend on the machine. ``benchmarks/`` holds the same
cases for pytest-benchmark.
"""
import importlib
import json

from .. import backend, info
from ..io import atomic_write
from .timing import best_time

# The groups, in the order they run.
GROUP_NAMES = ["activations", "gemm", "conv", "training", "gpu"]


def group(name):
    return importlib.import_module(f"{__name__}.{name}")


def main(quick=False, json_path=None, only=None):
    if only is not None and only not in GROUP_NAMES:
        raise SystemExit(f"unknown benchmark group {only!r}; groups: {', '.join(GROUP_NAMES)}")
    if not backend.native_available():
        raise SystemExit("the benchmark suite needs the compiled extension engine._C")
    print(info.report(), end="\n\n", flush=True)
    results = []
    for name in GROUP_NAMES:
        if only not in (None, name):
            continue
        module = group(name)
        rows = module.run(quick)
        results.extend(rows)
        print(module.table(rows), end="\n\n", flush=True)
    if json_path:
        with atomic_write(json_path, "w", encoding="utf-8") as f:
            json.dump({"info": info.collect(), "results": results}, f, indent=2)
        print(f"results written to {json_path}")
    return 0


__all__ = ["main", "group", "best_time", "GROUP_NAMES"]
