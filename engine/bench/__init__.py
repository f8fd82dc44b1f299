"""The benchmark suite behind ``python -m engine bench``.

Each group (a module here with ``run(quick) -> rows`` and ``table(rows) -> text``) times the
engine's kernels against what a student would otherwise use, all in the same run, and prints
ratios, not thresholds: the figures depend on the machine. Around the groups: a header that
says what each side ran on, a check of how busy the machine was (``machine.py``), a summary
paragraph, the JSON document and ``--compare`` (``report.py``). ``benchmarks/`` holds the same
cases for pytest-benchmark.
"""
import importlib
import json
import os
import statistics

from .. import backend, info
from ..io import atomic_write
from . import machine, report
from .timing import best_time, blas_limiter, mark, recorded_spreads

# The groups, in the order they run; EXTRA_GROUPS run only when asked for with --only.
GROUP_NAMES = ["activations", "gemm", "conv", "training", "gpu"]
EXTRA_GROUPS = ["busy", "mnist"]


def group(name):
    return importlib.import_module(f"{__name__}.{name}")


def blas_description():
    """What NumPy's matrix products run on, and whether the suite can limit its threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ("NumPy's BLAS: unknown, and its threads cannot be limited (threadpoolctl is "
                "missing: pip install threadpoolctl); every NumPy figure uses BLAS's default "
                "thread count, whatever the row's 'threads' says")
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if not pools:
        return "NumPy's BLAS: none found by threadpoolctl"
    p = pools[0]
    text = (f"NumPy's BLAS: {p.get('internal_api')} {p.get('version')} "
            f"(kernels for {p.get('architecture', '?')}), limited to each row's thread count")
    forced = os.environ.get("OPENBLAS_CORETYPE")
    if forced:
        text += (f"; OPENBLAS_CORETYPE={forced} is set in the environment and picks those "
                 "kernels (unset it to let OpenBLAS choose)")
    return text


def torch_description():
    try:
        import torch
    except ImportError:
        return ("PyTorch: not installed, so the PyTorch columns show '-' (to compare: "
                "pip install torch --index-url https://download.pytorch.org/whl/cpu)")
    return (f"PyTorch: {torch.__version__}, set to each row's thread count "
            "(torch.set_num_threads)")


def _threads(n):
    return f"{n} thread" + ("s" if n != 1 else "")


def header():
    """The lines printed before the tables (``engine info`` once, then the comparison sides)."""
    lines = [info.report(),
             "",
             f"the engine: up to {_threads(backend.get_num_threads())} by default (see "
             "'threads' and 'busy cores' above); each table says the threads of its rows, "
             "which stay fixed",
             blas_description(),
             torch_description()]
    return "\n".join(lines)


def run_groups(names, quick, echo=print):
    """Run the groups; returns (rows, machine facts). ``echo`` prints each table."""
    results = []
    per_group = {}
    whole = machine.Monitor().start()
    for name in names:
        module = group(name)
        monitor, since = machine.Monitor().start(), mark()
        rows = module.run(quick)
        others = monitor.stop()
        spreads = recorded_spreads(since)
        spread = statistics.median(spreads) if spreads else None
        verdict, reason = machine.verdict(others, spread)
        per_group[name] = {"others_cores": others, "median_spread": spread, "verdict": verdict}
        results.extend(rows)
        echo(module.table(rows))
        if spreads:         # a group that timed nothing (skipped) has no conditions to report
            echo(f"conditions: {verdict}: {reason}")
        echo("", flush=True)
    others = whole.stop()
    spreads = recorded_spreads(0)
    spread = statistics.median(spreads) if spreads else None
    verdict, reason = machine.verdict(others, spread)
    facts = {"cpus": machine.cpu_count(), "others_cores": others, "median_spread": spread,
             "verdict": verdict, "reason": reason, "groups": per_group}
    return results, facts


def main(quick=False, json_path=None, only=None, compare_path=None):
    known = GROUP_NAMES + EXTRA_GROUPS
    if only is not None and only not in known:
        raise SystemExit(f"unknown benchmark group {only!r}; groups: {', '.join(known)}")
    if not backend.native_available():
        raise SystemExit("the benchmark suite needs the compiled extension engine._C")
    old = None
    if compare_path:
        try:
            with open(compare_path, encoding="utf-8") as f:
                old = report.validate_document(json.load(f))
        except (OSError, ValueError) as err:
            raise SystemExit(f"--compare {compare_path}: {err}") from None
    print(header(), end="\n\n", flush=True)
    names = [only] if only else GROUP_NAMES
    results, facts = run_groups(names, quick)
    print("summary: " + report.summary(results, facts), end="\n\n")
    if old is not None:
        print(report.compare_table(report.compare(old["results"], results), compare_path),
              end="\n\n")
    if json_path:
        doc = report.document(info.collect(), facts, results)
        with atomic_write(json_path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, default=str)
        print(f"results written to {json_path}")
    return 0


__all__ = ["main", "group", "best_time", "blas_limiter", "GROUP_NAMES", "EXTRA_GROUPS"]
