"""Benchmark group ``activations``.

10M float32 elements, forward (``out=`` preallocated, as a training loop reuses its buffers)
and backward, for the native kernels at 1 thread and at all threads, and for the plain NumPy
expression. The floor is memory bandwidth: a large copy (``np.copyto``, read 40 MB + write
40 MB) moves what a forward moves; a backward moves 1.5 times that (reads x and ∂L/∂y,
writes ∂L/∂x).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import backend
from .timing import best_time, measure, progress, with_legend


@dataclass
class ActivationCase:
    """One activation: the engine's kernels (with ``out=``) and the NumPy expressions a student writes."""
    name: str
    forward: Callable      # (kernels, x, params, out) -> y
    backward: Callable     # (kernels, x, y, gy, params, out) -> gx
    numpy_forward: Callable   # (x, params) -> y
    numpy_backward: Callable  # (x, y, gy, params) -> gx
    shape: Callable = lambda n: (n,)  # how the n elements are laid out


def _softmax_np(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax_np(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _rows_of_1000(n):
    return (max(1, n // 1000), 1000)


def _channels_16(n):
    return (max(1, n // 16000), 16, 1000)


ACTIVATION_CASES = [
    ActivationCase("relu",
                   lambda k, x, p, out: k.relu(x, out=out),
                   lambda k, x, y, gy, p, out: k.relu_backward(x, gy, out=out),
                   lambda x, p: np.maximum(x, 0),
                   lambda x, y, gy, p: gy * (x > 0)),
    ActivationCase("leaky_relu",
                   lambda k, x, p, out: k.leaky_relu(x, 0.01, out=out),
                   lambda k, x, y, gy, p, out: k.leaky_relu_backward(x, gy, 0.01, out=out),
                   lambda x, p: np.where(x > 0, x, np.float32(0.01) * x),
                   lambda x, y, gy, p: np.where(x > 0, gy, np.float32(0.01) * gy)),
    ActivationCase("prelu",
                   lambda k, x, p, out: k.prelu(x, p, out=out),
                   lambda k, x, y, gy, p, out: k.prelu_backward(x, p, gy, out=out),
                   lambda x, p: np.where(x > 0, x, p[:, None] * x),
                   lambda x, y, gy, p: (np.where(x > 0, gy, p[:, None] * gy),
                                        np.where(x > 0, 0, gy * x).sum(axis=(0, 2))),
                   _channels_16),
    ActivationCase("elu",
                   lambda k, x, p, out: k.elu(x, 1.0, out=out),
                   lambda k, x, y, gy, p, out: k.elu_backward(x, gy, 1.0, out=out),
                   lambda x, p: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
                   lambda x, y, gy, p: np.where(x > 0, gy, gy * np.exp(np.minimum(x, 0)))),
    ActivationCase("sigmoid",
                   lambda k, x, p, out: k.sigmoid(x, out=out),
                   lambda k, x, y, gy, p, out: k.sigmoid_backward(y, gy, out=out),
                   lambda x, p: 1 / (1 + np.exp(-x)),
                   lambda x, y, gy, p: gy * y * (1 - y)),
    ActivationCase("tanh",
                   lambda k, x, p, out: k.tanh(x, out=out),
                   lambda k, x, y, gy, p, out: k.tanh_backward(y, gy, out=out),
                   lambda x, p: np.tanh(x),
                   lambda x, y, gy, p: gy * (1 - y * y)),
    ActivationCase("softplus",
                   lambda k, x, p, out: k.softplus(x, out=out),
                   lambda k, x, y, gy, p, out: k.softplus_backward(x, gy, out=out),
                   lambda x, p: np.logaddexp(0, x),
                   lambda x, y, gy, p: gy / (1 + np.exp(-x))),
    ActivationCase("heaviside",
                   lambda k, x, p, out: k.heaviside(x, 1.0, out=out),
                   lambda k, x, y, gy, p, out: k.heaviside_backward(x, gy, out=out),
                   lambda x, p: np.heaviside(x, np.float32(1)),
                   lambda x, y, gy, p: np.zeros_like(x)),
    ActivationCase("softmax",
                   lambda k, x, p, out: k.softmax(x, -1, out=out),
                   lambda k, x, y, gy, p, out: k.softmax_backward(y, gy, -1, out=out),
                   lambda x, p: _softmax_np(x),
                   lambda x, y, gy, p: y * (gy - (gy * y).sum(axis=-1, keepdims=True)),
                   _rows_of_1000),
    ActivationCase("log_softmax",
                   lambda k, x, p, out: k.log_softmax(x, -1, out=out),
                   lambda k, x, y, gy, p, out: k.log_softmax_backward(y, gy, -1, out=out),
                   lambda x, p: _log_softmax_np(x),
                   lambda x, y, gy, p: gy - np.exp(y) * gy.sum(axis=-1, keepdims=True),
                   _rows_of_1000),
]


def activation_inputs(case, n, dtype=np.float32, seed=0):
    """x, ∂L/∂y, the PReLU slopes, and preallocated (already touched) output buffers."""
    rng = np.random.default_rng(seed)
    shape = case.shape(n)
    x = rng.standard_normal(shape, dtype=np.float64).astype(dtype) * 3
    gy = rng.standard_normal(shape, dtype=np.float64).astype(dtype)
    slopes = np.full(shape[1] if len(shape) > 1 else 1, 0.25, dtype=dtype)
    return x, gy, slopes, np.zeros_like(x), np.zeros_like(x)


def bench_activations(n=10_000_000, repeats=7):
    """Rows of {case, impl, forward_ms, backward_ms} plus the copy floor."""
    from ..backend import native
    from ..backend.threads import usable_cores
    cores = usable_cores()
    src = np.random.default_rng(1).standard_normal(n, dtype=np.float32)
    dst = np.zeros_like(src)
    copy_ms = 1e3 * best_time(lambda: np.copyto(dst, src), repeats)
    rows = [{"group": "activations", "case": "copy (floor)", "impl": "numpy", "n": n,
             "forward_ms": copy_ms, "backward_ms": 1.5 * copy_ms}]
    for case in progress(ACTIVATION_CASES, "activations"):
        x, gy, slopes, y, gx = activation_inputs(case, n)
        case.forward(native, x, slopes, y)
        timings = {}
        counts = [("native 1 thread", 1)] + ([(f"native {cores} threads", cores)] if cores > 1 else [])
        with backend.thread_setting_kept():
            for label, count in counts:
                backend.set_num_threads(count)
                timings[label] = (
                    measure(lambda: case.forward(native, x, slopes, y), repeats),
                    measure(lambda: case.backward(native, x, y, gy, slopes, gx), repeats))
        timings["numpy expression"] = (
            measure(lambda: case.numpy_forward(x, slopes), repeats),
            measure(lambda: case.numpy_backward(x, y, gy, slopes), repeats))
        for impl, (fwd, bwd) in timings.items():
            rows.append({"group": "activations", "case": case.name, "impl": impl, "n": n,
                         "forward_ms": 1e3 * fwd.best, "backward_ms": 1e3 * bwd.best,
                         "fwd_bwd_ms": 1e3 * (fwd.best + bwd.best),
                         "spread": max(fwd.spread, bwd.spread),
                         "figure": "fwd_bwd_ms", "better": "lower"})
    return rows


def activation_table(rows):
    """Text table: times, fwd+bwd against the copy floor and against NumPy."""
    floor = next(r for r in rows if r["case"] == "copy (floor)")
    floor_total = floor["forward_ms"] + floor["backward_ms"]
    lines = [f"activations: {floor['n']:,} float32 elements; floor = copy {floor['forward_ms']:.2f} ms "
             f"forward, {floor['backward_ms']:.2f} ms backward (1.5 copies)",
             f"{'kernel':12} {'implementation':20} {'fwd ms':>8} {'bwd ms':>8} "
             f"{'fwd+bwd':>8} {'±%':>4} {'/floor':>7} {'numpy/this':>10}"]
    numpy_totals = {r["case"]: r["forward_ms"] + r["backward_ms"]
                    for r in rows if r["impl"] == "numpy expression"}
    for r in rows:
        if r is floor:
            continue
        total = r["forward_ms"] + r["backward_ms"]
        lines.append(f"{r['case']:12} {r['impl']:20} {r['forward_ms']:8.2f} {r['backward_ms']:8.2f} "
                     f"{total:8.2f} {100 * r.get('spread', 0):4.0f} {total / floor_total:7.2f} "
                     f"{numpy_totals[r['case']] / total:10.2f}")
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: fwd/bwd ms: forward into a preallocated output, backward into a preallocated
  gradient; ±%: the larger spread of the two (median run above the best); /floor: fwd+bwd ÷
  the time to copy the same bytes (1.0 would be as fast as memory allows); numpy/this: the
  plain NumPy expression's time ÷ this row's (above 1: faster than NumPy)."""


def run(quick):
    """The group's rows: 1M elements and 3 repeats with ``--quick``, else 10M and 7."""
    return bench_activations(n=1_000_000 if quick else 10_000_000, repeats=3 if quick else 7)


table = activation_table
