"""Benchmark group ``busy`` (runs only with ``--only busy``): a busy neighbour on purpose.

Classrooms share servers. This group starts one other process that spins on a core (a
neighbour that never sleeps), then times three training steps at 1 thread, at every usable
core, and with engine's default, and the same without the neighbour. The default is set as
``import engine`` would set it with the neighbour running (``backend/threads.py``: starting
from the cores free then, at most every usable core) and adapts while it runs
(``csrc/common/team.h``: a team slower than one thread fewer shrinks, a try now and then
grows it back); it is given a second of steps first, as a training run has, and the table's
note says how many of its timed steps ran on each thread count. A third condition starts the
default as it was set before the neighbour came (every core): a neighbour that arrives while
a student's program runs. A fourth runs the neighbour at the lowest priority (nice 19, where
the system has it), which gives way to our threads: the cores look busy when engine looks at
import, but two threads pay, and the default has to find that out. The variants take turns step
by step (``measure_interleaved``), so each meets the same moments of whatever else runs. The
goal: with the neighbour, the default is never slower than 1.2× the best thread count.

The figure compared is the mean step: an epoch takes the sum of its steps. Not the best one,
as in the other groups: on a shared machine the best of N steps is the one step that happened
to find every core free (two threads' best step can be half their mean when the neighbour is
descheduled for a moment). Nor the median: beside a neighbour at a low priority, two threads
run most steps fast and now and then one very slow one (the neighbour's turn on our core),
which the median leaves out and the epoch does not. The median and the best step are shown
beside it.

The OpenMP waiting policy is fixed when the runtime starts, so it is the one of this process
(printed above the table); run the group with ``GOMP_SPINCOUNT`` or ``OMP_WAIT_POLICY`` set
to compare policies.
"""
import contextlib
import multiprocessing
import os
import time

import numpy as np

from .. import backend
from ..backend import threads as thread_policy
from .timing import measure_interleaved, progress, with_legend
from .training import _engine_lenet, _engine_mlp, _engine_step


def _spin(niceness=0):
    """The neighbour: a process that never sleeps (at a lower priority with ``niceness``)."""
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
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


# How long the default runs before it is timed: a training run's first second, in which it
# learns which cores are free (csrc/common/team.h); a run of minutes is in that state after.
DEFAULT_WARMUP_S = 1.0
# How long each case's variants take turns: long enough for the default to try one more
# thread several times (at least once a second), as it would in an epoch, since how much two
# threads pay beside a neighbour changes from moment to moment.
TIMED_S = 2.0


def _time_steps(neighbour, quick, look=True):
    """The rows of one neighbour condition. ``look``: the default is set as ``import engine``
    would set it now (looking at the free cores); else as it was set before the neighbour
    came (every core), so the table shows it adapting to a neighbour that arrived later."""
    cores = thread_policy.usable_cores()
    if look:
        start = thread_policy.apply_default(backend._set_default_threads)
        reason = thread_policy.CHOICE["reason"]
    else:
        start = cores
        reason = f"{cores} free cores, looked at before the neighbour started"
        thread_policy.CHOICE.update(threads=start, most=cores, adaptive=True, reason=reason)
    counts = sorted({1, cores})
    rows = []
    for case, make, x, y in progress(_cases(np.random.default_rng(0)), f"busy ({neighbour})"):
        step = _engine_step(make(), x, y)

        def fixed(n):
            def run():
                backend.set_num_threads(n)
                step()
            return run

        def default():
            backend.use_default_threads()
            step()

        used = []

        def default_noting_threads():
            default()
            used.append(backend.threads_in_use())

        # each case's default starts afresh, then has its first second of steps
        backend.use_default_threads(afresh=True)
        began = time.perf_counter()
        until, steps = began + (0.2 if quick else DEFAULT_WARMUP_S), 0
        while time.perf_counter() < until:
            default()
            steps += 1
        per_step = (time.perf_counter() - began) / steps
        repeats = 10 if quick else max(50, int(TIMED_S / (len(counts) + 1) / per_step))
        # the thread counts take turns step by step, so each meets the same conditions
        variants = {n: fixed(n) for n in counts}
        variants["default"] = default_noting_threads
        timings = measure_interleaved(variants, repeats, warmup=2)
        best = min(t.mean for t in timings.values())
        for n in counts:
            rows.append(_row(case, neighbour, f"{n} thread{'s' if n > 1 else ''}", n,
                             timings[n], best))
        row = _row(case, neighbour, f"default (started at {start})", start,
                   timings["default"], best, note=reason)
        row["steps_on"] = {k: used.count(k) for k in sorted(set(used))}
        rows.append(row)
    return rows


def _row(case, neighbour, label, n, timing, best, note=""):
    """``ms``: the mean step; ``median_ms``, ``best_ms``: the median and the fastest one;
    ``vs_best``: the mean ÷ the lowest mean of the variants tried."""
    return {"group": "busy", "case": case, "impl": f"{neighbour}, {label}", "threads": n,
            "ms": 1e3 * timing.mean, "median_ms": 1e3 * timing.median,
            "best_ms": 1e3 * timing.best, "spread": timing.spread,
            "vs_best": timing.mean / best, "note": note, "figure": "ms", "better": "lower"}


def run(quick=False):
    chosen = dict(thread_policy.CHOICE)
    with backend.thread_setting_kept():
        try:
            rows = _time_steps("no added neighbour", quick)
            with _neighbour():
                rows += _time_steps("1 busy neighbour", quick)
                rows += _time_steps("1 busy neighbour, came after", quick, look=False)
            if hasattr(os, "nice"):
                with _neighbour(niceness=19):
                    rows += _time_steps("1 busy neighbour at nice 19", quick)
        finally:
            thread_policy.CHOICE.update(chosen)      # (what engine info says of this process)
    return rows


@contextlib.contextmanager
def _neighbour(niceness=0):
    spinner = multiprocessing.get_context("spawn").Process(target=_spin, args=(niceness,),
                                                           daemon=True)
    spinner.start()
    try:
        yield
    finally:
        spinner.terminate()
        spinner.join()


def table(rows):
    policy = thread_policy.CHOICE.get("wait_policy") or os.environ.get("OMP_WAIT_POLICY", "")
    lines = [f"busy: training steps with and without one spinning neighbour process; OpenMP "
             f"waiting: {policy}",
             f"{'case':34} {'neighbour, threads':52} {'mean':>8} {'median':>8} {'best':>8} "
             f"{'/best':>6}  steps on"]
    for r in rows:
        median, fastest = r.get("median_ms", r["ms"]), r.get("best_ms", r["ms"])
        steps_on = "  ".join(f"{n}: {count}" for n, count in r.get("steps_on", {}).items())
        lines.append(f"{r['case']:34} {r['impl']:52} {r['ms']:8.2f} {median:8.2f} "
                     f"{fastest:8.2f} {r['vs_best']:6.2f}  {steps_on}".rstrip())
    reasons = sorted({r["note"] for r in rows if r["note"]})
    lines += [f"default chosen from: {reason}" for reason in reasons]
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: mean: the mean of N training steps (forward, loss, backward, SGD), in ms: an epoch
  takes N of them; median: the middle one; best: the fastest (a moment the neighbour left
  every core free); /best: this row's mean ÷ the lowest mean of the variants tried for the
  same case and neighbour (1.00 is the best; the goal for the default is at most 1.20 with
  the neighbour); default (started at n): engine's own choice, n threads free when it
  looked, then following the cores actually free; steps on: how many of the default's timed
  steps ran on each thread count ("1: 50  2: 2": 50 on one thread, 2 on two)."""
