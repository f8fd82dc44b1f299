"""Benchmark group ``gemm``: the packed C GEMM against NumPy's BLAS (and PyTorch if installed).

Cases: square n × n · n × n for n = 64 … 2048 (the C GEMM called directly), ``Tensor @`` for
n = 64 … 256 (two engine Tensors that require grad, as a user writes it, against NumPy's and
PyTorch's ``a @ b``), and the products a small CNN/MLP runs:
  * MLP layer         128×784 · 784×256
  * LeNet conv1       W(6×25)   · cols(25×(64·784))    (batch 64, 1→6, 5×5, pad 2, 28×28)
  * LeNet conv2       W(16×150) · cols(150×(64·100))   (batch 64, 6→16, 5×5, 14×14 → 10×10)
  * 3×3 conv 64→64    W(64×576) · cols(576×(32·1024))  (batch 32, 32×32)
in float32 and float64, at 1 and 2 threads.  Reported: GFLOP/s (2·m·n·k / best time), the
ratios native/NumPy and native/PyTorch measured in the same run, and the fraction of the
machine's peak (``_C.measure_peak_gflops``: an FMA-throughput loop, per ISA, dtype and
thread count, run just before and after each row's engine timings, see ``with_peak``).
NumPy's BLAS is limited to the same thread count through threadpoolctl (else it uses its own
default; the table says which).  Best-of-N timings, each with its spread (how far the median
run lies above the best).
"""
import numpy as np

from .. import backend
from .report import percent_of_peak
from .timing import (import_torch, limited_threads, measure, measure_interleaved, progress,
                     with_legend)

SQUARE = [64, 128, 256, 512, 1024, 2048]
# ``a @ b`` on engine Tensors, as users write it (Python, autograd bookkeeping and all); 80,
# 100 and 200 are ragged for every register block (not multiples of 48 or 64 columns)
TENSOR_MATMUL = [64, 80, 96, 100, 128, 200, 256]
LAYERS = [
    ("mlp 128x784.784x256", 128, 256, 784),
    ("lenet conv1 im2col", 6, 64 * 784, 25),
    ("lenet conv2 im2col", 16, 64 * 100, 150),
    ("conv3x3 64->64 im2col", 64, 32 * 1024, 576),
]


def cases(quick):
    """(name, m, n, k) for every product timed."""
    sizes = [s for s in SQUARE if not (quick and s > 1024)]
    return [(f"square {s}", s, s, s) for s in sizes] + list(LAYERS)




def with_peak(run, dtype, isa, threads):
    """``run()`` between two runs of the FMA loop on ``threads`` threads: (its result, the
    higher of the two peaks).  "% of peak" then compares a row with the peak of the same
    moment: turbo, and whatever else shares the machine (on a cloud server, other virtual
    machines' use of the caches and memory), drift from minute to minute, and one peak taken
    at the start of the run would add that drift to every row."""
    from .. import _C
    before = _C.measure_peak_gflops(dtype, isa, threads)
    result = run()
    return result, max(before, _C.measure_peak_gflops(dtype, isa, threads))


def _repeats(flops, quick):
    """Enough runs for a stable best-of, fewer for big products."""
    base = 3 if quick else 7
    return base if flops > 1e9 else base * 3


def bench_gemm(quick=False, dtypes=("float32", "float64"), thread_counts=(1, 2)):
    """Rows of {case, m, n, k, dtype, threads, native/numpy/torch GFLOP/s, peak GFLOP/s}."""
    with backend.thread_setting_kept():
        return _gemm_rows(quick, dtypes, thread_counts)


def _gemm_rows(quick, dtypes, thread_counts):
    from .. import _C
    from ..backend import native
    torch = import_torch()
    isa = _C.kernel_isa("gemm")
    rng = np.random.default_rng(0)
    rows = []
    for dtype in dtypes:
        dtype_rows = []
        for name, m, n, k in progress(cases(quick), f"gemm {dtype}"):
            a = rng.standard_normal((m, k)).astype(dtype)
            b = rng.standard_normal((k, n)).astype(dtype)
            c = np.empty((m, n), dtype)
            flops = 2.0 * m * n * k
            repeats = _repeats(flops, quick)
            for threads in thread_counts:
                backend.set_num_threads(threads)
                row = {"group": "gemm", "case": name, "m": m, "n": n, "k": k, "dtype": dtype,
                       "threads": threads, "isa": isa, "figure": "native_gflops",
                       "better": "higher"}
                native_time, row["peak_gflops"] = with_peak(
                    lambda: measure(lambda: native.gemm(a, b, c), repeats), dtype, isa, threads)
                timings = {"native": native_time}
                with limited_threads(threads) as blas_limited:
                    row["numpy_threads"] = threads if blas_limited else "default"
                    timings["numpy"] = measure(lambda: np.matmul(a, b, out=c), repeats)
                if torch is not None:
                    torch.set_num_threads(threads)
                    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                    tc = torch.from_numpy(c)
                    timings["torch"] = measure(lambda: torch.mm(ta, tb, out=tc), repeats)
                for impl, t in timings.items():
                    row[f"{impl}_gflops"] = flops / t.best / 1e9
                    row[f"{impl}_spread"] = t.spread
                dtype_rows.append(row)
        for size in TENSOR_MATMUL:
            for threads in thread_counts:
                dtype_rows.append(tensor_matmul_row(size, dtype, threads, isa, torch, rng, quick))
        rows.extend(dtype_rows)
    return rows


def tensor_matmul_row(size, dtype, threads, isa, torch, rng, quick):
    """One row: ``a @ b`` of two size × size engine Tensors (requires_grad=True, so the graph
    is recorded as in training) against NumPy's ``a @ b`` and PyTorch's on the same data;
    each timed sample is a loop of calls, the products being microseconds long.  At 1 thread
    the three take turns (measure_interleaved).  At 2 they run one after the other, the
    engine first and NumPy last: NumPy's and PyTorch's worker threads keep spinning for a
    while after each of their calls, and a sample taken in that while found its second
    thread waiting for the core they held (one engine row read 18 GFLOP/s where 112 was
    right; PyTorch timed after NumPy, 29 where 140 was)."""
    from ..tensor import Tensor
    a = rng.standard_normal((size, size)).astype(dtype)
    b = rng.standard_normal((size, size)).astype(dtype)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    calls = max(1, int(2e7 / size ** 3))
    fns = {"native": lambda: [ta @ tb for _ in range(calls)],
           "numpy": lambda: [a @ b for _ in range(calls)]}
    if torch is not None:
        pa, pb = torch.from_numpy(a).requires_grad_(), torch.from_numpy(b).requires_grad_()
        fns["torch"] = lambda: [pa @ pb for _ in range(calls)]
        torch.set_num_threads(threads)
    backend.set_num_threads(threads)
    with limited_threads(threads) as blas_limited:
        repeats = 10 if quick else 40
        if threads == 1:
            timings, peak = with_peak(lambda: measure_interleaved(fns, repeats), dtype, isa, 1)
        else:
            engine_fn = fns.pop("native")
            engine_time, peak = with_peak(lambda: measure(engine_fn, repeats), dtype, isa,
                                          threads)
            timings = {"native": engine_time}
            for impl in sorted(fns, key=lambda impl: impl == "numpy"):   # NumPy last
                timings[impl] = measure(fns[impl], repeats)
    row = {"group": "gemm", "case": f"Tensor @ {size}", "m": size, "n": size, "k": size,
           "dtype": dtype, "threads": threads, "isa": isa, "figure": "native_gflops",
           "better": "higher", "numpy_threads": threads if blas_limited else "default",
           "peak_gflops": peak}
    flops = 2.0 * size ** 3 * calls
    for impl, t in timings.items():
        row[f"{impl}_gflops"] = flops / t.best / 1e9
        row[f"{impl}_spread"] = t.spread
    return row


def gemm_table(rows):
    """Text table: GFLOP/s per implementation, ratios, % of peak."""
    if not rows:
        return "gemm: no rows"
    has_torch = any("torch_gflops" in r for r in rows)
    peaks = {}
    for r in rows:
        peaks.setdefault((r["dtype"], r["threads"]), []).append(r["peak_gflops"])
    blas = sorted({str(r["numpy_threads"]) for r in rows})
    lines = [f"gemm: C = A·B, GFLOP/s, best of N runs; native kernels: {rows[0]['isa']}; "
             f"NumPy's BLAS threads: {'same as the row' if blas != ['default'] else 'its default'}",
             "FMA peak, measured just before and after each row's engine runs (%peak uses "
             "its row's): " + ", ".join(f"{d} {t}T {min(p):.0f}-{max(p):.0f}"
                                       for (d, t), p in sorted(peaks.items())) + " GFLOP/s",
             f"{'case':24} {'m':>5} {'n':>6} {'k':>5} {'dtype':8} {'thr':>3} {'native':>8} "
             f"{'±%':>4} {'numpy':>8} {'nat/np':>7}"
             + (f" {'torch':>8} {'nat/torch':>9}" if has_torch else "") + f" {'%peak':>6}"]
    for r in rows:
        line = (f"{r['case']:24} {r['m']:5} {r['n']:6} {r['k']:5} {r['dtype']:8} {r['threads']:3} "
                f"{r['native_gflops']:8.1f} {100 * r.get('native_spread', 0):4.0f} "
                f"{r['numpy_gflops']:8.1f} {r['native_gflops'] / r['numpy_gflops']:7.2f}")
        if has_torch:
            t = r.get("torch_gflops")
            line += (f" {t:8.1f} {r['native_gflops'] / t:9.2f}" if t else f" {'-':>8} {'-':>9}")
        line += f" {percent_of_peak(r['native_gflops'], r['peak_gflops']):>6}"
        lines.append(line)
    # thread scaling of the native kernel on the largest products
    by_key = {(r["case"], r["dtype"], r["threads"]): r["native_gflops"] for r in rows}
    scaling = [f"{case} {dtype}: {by_key[(case, dtype, 2)] / one:.2f}x"
               for (case, dtype, threads), one in by_key.items()
               if threads == 1 and (case, dtype, 2) in by_key and case.startswith("square")
               and int(case.split()[1]) >= 512]
    if scaling:
        lines.append("native 2 threads / 1 thread: " + "; ".join(scaling))
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: "Tensor @ n": the whole Python call a @ b on engine Tensors, recording the graph
  (against NumPy's a @ b and PyTorch's: taking turns at 1 thread, one after the other at 2);
  the other rows call the C GEMM directly;
  m, n, k: C is m×n, the shared dimension is k; thr: threads for the engine and NumPy's
  BLAS (and PyTorch); native/numpy/torch: GFLOP/s = 2·m·n·k / best time (higher is better);
  ±%: the engine's spread, how much slower the median run was than the best;
  nat/np, nat/torch: native GFLOP/s ÷ theirs (above 1: the engine is faster);
  %peak: native GFLOP/s as a share of the FMA peak at that thread count, measured just
  before and after the row ("?>100" marks an impossible figure: another program ran during
  both peak measurements but not during the row's best run); a product of at most 64³
  multiply-adds runs on one thread whatever the setting (a second would cost as much as it
  saves), so its 2-thread row reads about half of the 2-thread peak."""


def run(quick):
    """The group's rows: every case, float32 and float64, 1 and 2 threads
    (``--quick``: no 2048, fewer repeats)."""
    return bench_gemm(quick=quick)


table = gemm_table
