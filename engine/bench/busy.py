"""Benchmark group ``busy`` (runs only with ``--only busy``): a busy neighbour on purpose.

Classrooms share servers. This group starts one other process that spins on a core (a
neighbour that never sleeps), then times three training steps at 1 thread, at every usable
core, and at the thread count engine chooses by default (``backend/threads.py``: the free
cores, looked at with the neighbour running), and the same without the neighbour. The thread
counts take turns step by step (``measure_interleaved``), so each meets the same moments of
whatever else runs. The goal: with the neighbour, the default is never slower than 1.2× the
best thread count.

The figure compared is the median step, not the best one as in the other groups. On a shared
machine the best of N steps is the one step that happened to find every core free (two
threads' best step can be half their median when the neighbour is descheduled for a
moment), while a student's epoch takes as long as its typical step; the best step is shown
beside it.

The OpenMP waiting policy is fixed when the runtime starts, so it is the one of this process
(printed above the table); run the group with ``GOMP_SPINCOUNT`` or ``OMP_WAIT_POLICY`` set
to compare policies.
"""
import multiprocessing
import os

import numpy as np

from .. import backend
from ..backend import threads as thread_policy
from .timing import measure_interleaved, progress, with_legend
from .training import _engine_lenet, _engine_mlp, _engine_step


def _spin():
    """The neighbour: a process that never sleeps."""
    x = 0
    while True:
        x += 1


def _engine_cnn():
    """The example CNN: two 3×3 conv blocks on 32×32 RGB, batch 32."""
    from engine import nn
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


def _cases(rng):
    return [("MLP 784-256-128-10 step, batch 128", _engine_mlp,
             rng.standard_normal((128, 784), dtype=np.float32), rng.integers(0, 10, 128)),
            ("LeNet-5 step, batch 64", _engine_lenet,
             rng.standard_normal((64, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 64)),
            ("CNN 3→32→64 3x3 step, batch 32", _engine_cnn,
             rng.standard_normal((32, 3, 32, 32), dtype=np.float32), rng.integers(0, 10, 32))]


def _time_steps(neighbour, quick):
    cores = thread_policy.usable_cores()
    default, reason = thread_policy.choose_threads()
    counts = sorted({1, cores})
    repeats = 5 if quick else 20
    rows = []
    for case, make, x, y in progress(_cases(np.random.default_rng(0)), f"busy ({neighbour})"):
        step = _engine_step(make(), x, y)

        def at(n):
            def run():
                backend.set_num_threads(n)
                step()
            return run
        # the thread counts take turns step by step, so each meets the same conditions
        timings = measure_interleaved({n: at(n) for n in sorted(set(counts + [default]))},
                                      repeats, warmup=2)
        best = min(t.median for t in timings.values())
        for n in counts:
            rows.append(_row(case, neighbour, f"{n} thread{'s' if n > 1 else ''}", n,
                             timings[n], best))
        rows.append(_row(case, neighbour, f"default ({default})", default, timings[default],
                         best, note=reason))
    return rows


def _row(case, neighbour, label, n, timing, best, note=""):
    """``ms``: the median step; ``best_ms``: the fastest one; ``vs_best``: the median ÷ the
    lowest median of the thread counts tried."""
    return {"group": "busy", "case": case, "impl": f"{neighbour}, {label}", "threads": n,
            "ms": 1e3 * timing.median, "best_ms": 1e3 * timing.best, "spread": timing.spread,
            "vs_best": timing.median / best, "note": note, "figure": "ms", "better": "lower"}


def run(quick=False):
    saved = backend.get_num_threads()
    try:
        rows = _time_steps("no added neighbour", quick)
        spinner = multiprocessing.get_context("spawn").Process(target=_spin, daemon=True)
        spinner.start()
        try:
            rows += _time_steps("1 busy neighbour", quick)
        finally:
            spinner.terminate()
            spinner.join()
    finally:
        backend.set_num_threads(saved)
    return rows


def table(rows):
    policy = thread_policy.CHOICE.get("wait_policy") or os.environ.get("OMP_WAIT_POLICY", "")
    lines = [f"busy: training steps with and without one spinning neighbour process; OpenMP "
             f"waiting: {policy}",
             f"{'case':34} {'neighbour, threads':34} {'median':>8} {'best':>8} {'/best':>6}"]
    for r in rows:
        fastest = r.get("best_ms", r["ms"])
        lines.append(f"{r['case']:34} {r['impl']:34} {r['ms']:8.2f} {fastest:8.2f} "
                     f"{r['vs_best']:6.2f}")
    reasons = sorted({r["note"] for r in rows if r["note"]})
    lines += [f"default chosen from: {reason}" for reason in reasons]
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: median: the median of N training steps (forward, loss, backward, SGD), in ms: what an
  epoch is made of; best: the fastest of them (the moments the neighbour left every core
  free); /best: this row's median ÷ the lowest median of the thread counts tried for the
  same case and neighbour (1.00 is the best; the goal for the default is at most 1.20 with
  the neighbour); default (n): the thread count engine picks by itself, looked at right
  then."""
