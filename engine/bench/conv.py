"""Benchmark group ``conv``: convolution and 2×2 pooling, at 1 thread.

The engine picks one of five paths per convolution (engine/ops/conv.py), named in the
table: ``im2col`` (columns + GEMM), ``chunks`` (the same in C, a cache-sized chunk of images
at a time, for a batch whose columns exceed 8 MB), ``1x1`` (straight to the GEMM),
``winograd`` (F(4×4, 3×3) for 3×3 stride-1 with many channels) and ``direct`` (few weights:
the forward and the weight gradient read the input in place, without columns).

Per case: forward and forward+backward (input, weight and bias gradients) through the
autograd ops, for the native backend, the reference backend and PyTorch's CPU convolution
(oneDNN) when PyTorch is importable, all with 1 thread (PyTorch: ``torch.set_num_threads(1)``;
NumPy's BLAS is limited with threadpoolctl when that is installed). Ratios are taken within
the run. For the native convolutions a breakdown shows how much of the fwd+bwd time is the
three GEMMs and how much is im2col/col2im (2 im2col + 1 col2im), each timed alone on the
same shapes; the rest is chunking, layout copies, the bias and Python.
"""
from dataclasses import dataclass

import numpy as np

from .. import backend
from .timing import (best_time, import_torch, limited_threads, measure, progress,
                     with_legend)


@dataclass
class ConvCase:
    name: str
    n: int
    c_in: int
    c_out: int
    size: int
    kernel: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1


CONV_CASES = [
    ConvCase("lenet conv1 1→6 5x5 p2 28²", 64, 1, 6, 28, 5, padding=2),
    ConvCase("lenet conv2 6→16 5x5 14²", 64, 6, 16, 14, 5),
    ConvCase("64→64 3x3 p1 32²", 32, 64, 64, 32, 3, padding=1),
    ConvCase("3→32 3x3 s2 p1 32²", 32, 3, 32, 32, 3, stride=2, padding=1),
    ConvCase("16→32 3x3 p1 28²", 32, 16, 32, 28, 3, padding=1),
    ConvCase("16→16 3x3 d2 p2 32²", 32, 16, 16, 32, 3, padding=2, dilation=2),
    ConvCase("64→128 1x1 16² (to the GEMM)", 32, 64, 128, 16, 1),
]

POOL_CASES = [("max_pool2d 2x2", "max"), ("avg_pool2d 2x2", "avg")]
POOL_SHAPE = (64, 16, 28, 28)


def conv_inputs(case, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((case.n, case.c_in, case.size, case.size)).astype(dtype)
    w = (rng.standard_normal((case.c_out, case.c_in, case.kernel, case.kernel)) * 0.1).astype(dtype)
    b = rng.standard_normal(case.c_out).astype(dtype)
    return x, w, b


def _kwargs(case):
    return dict(stride=case.stride, padding=case.padding, dilation=case.dilation)


def engine_conv_step(case, x, w, b, with_backward):
    """One forward (and backward) through engine's autograd ops, returning a callable."""
    from .. import Tensor
    from ..nn import functional as F
    kw = _kwargs(case)

    def step():
        xt, wt, bt = (Tensor(a, requires_grad=with_backward) for a in (x, w, b))
        y = F.conv2d(xt, wt, bt, **kw)
        if with_backward:
            y.backward(Tensor(np.ones(y.shape, dtype=x.dtype)))
    return step


def torch_conv_step(case, x, w, b, with_backward):
    import torch
    kw = _kwargs(case)
    tx, tw, tb = (torch.tensor(a, requires_grad=with_backward) for a in (x, w, b))

    def step():
        if with_backward:
            tx.grad = tw.grad = tb.grad = None
            torch.nn.functional.conv2d(tx, tw, tb, **kw).sum().backward()
        else:
            with torch.no_grad():
                torch.nn.functional.conv2d(tx, tw, tb, **kw)
    return step


def engine_pool_step(kind, x, with_backward):
    from .. import Tensor
    from ..nn import functional as F
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d

    def step():
        xt = Tensor(x, requires_grad=with_backward)
        y = pool(xt, 2)
        if with_backward:
            y.backward(Tensor(np.ones(y.shape, dtype=x.dtype)))
    return step


def torch_pool_step(kind, x, with_backward):
    import torch
    pool = torch.nn.functional.max_pool2d if kind == "max" else torch.nn.functional.avg_pool2d
    tx = torch.tensor(x, requires_grad=with_backward)

    def step():
        if with_backward:
            tx.grad = None
            pool(tx, 2).sum().backward()
        else:
            with torch.no_grad():
                pool(tx, 2)
    return step




def conv_breakdown(case, x, w, repeats):
    """Seconds for the fwd+bwd GEMMs alone and for im2col/col2im alone, chunk after chunk as
    the convolution runs them (ops/conv.py: one workspace reused by every chunk, and the
    backward recomputes the columns unless the whole batch is one chunk)."""
    from ..backend import native
    from ..ops.conv import _chunk_size
    kw = _kwargs(case)
    n, o = x.shape[0], case.c_out
    ck, L = native.im2col(x[:1], case.kernel, **kw).shape
    chunk = _chunk_size(n, (ck + o) * L, x.dtype)
    starts = range(0, n, chunk)
    cols, y, dcols = (np.zeros(rows * chunk * L, x.dtype) for rows in (ck, o, ck))
    w_mat = w.reshape(o, -1)
    gw = np.empty_like(w_mat)
    gx = np.empty_like(x)

    def view(buf, rows, m):             # the first rows·m·L values of a buffer, as a matrix
        return buf[:rows * m * L].reshape(rows, m * L)

    def gemms():
        for start in starts:
            m = min(chunk, n - start)
            c, yc = view(cols, ck, m), view(y, o, m)
            native.gemm(w_mat, c, yc)                                    # Y = W·cols
            native.gemm(yc, c, gw, beta=float(start > 0), trans_b=True)  # dW += dY·colsᵀ
            native.gemm(w_mat, yc, view(dcols, ck, m), trans_a=True)     # dcols = Wᵀ·dY

    def unfold():
        for start in starts:
            m = min(chunk, n - start)
            piece, c = x[start:start + m], view(cols, ck, m)
            native.im2col(piece, case.kernel, out=c, **kw)                # forward
            if chunk < n:
                native.im2col(piece, case.kernel, out=c, **kw)            # backward, again
            native.col2im(c, piece.shape, case.kernel, out=gx[start:start + m], **kw)
    unfold()                            # real columns in the buffer before the GEMMs run
    return best_time(gemms, repeats), best_time(unfold, repeats)


def _row(case, impl, fwd, both):
    return {"group": "conv", "case": case, "impl": impl, "threads": 1,
            "forward_ms": 1e3 * fwd.best, "fwd_bwd_ms": 1e3 * both.best,
            "fwd_bwd_spread": both.spread, "figure": "fwd_bwd_ms", "better": "lower"}


def conv_path(case, impl):
    """Which of the engine's convolution paths this case takes on backend ``impl``
    (ops/conv.py)."""
    from ..backend import native, reference
    from ..backend._checks import conv_geometry
    from ..ops import conv as conv_ops
    x_shape = (case.n, case.c_in, case.size, case.size)
    geo = conv_geometry(x_shape, (case.kernel,) * 2, case.stride, case.padding, case.dilation)
    if conv_ops._pointwise(geo, 1):
        return "1x1"
    chosen = {"native": native, "reference": reference}[impl]
    if conv_ops._winograd(chosen, geo, 1, case.c_out):
        return "winograd"
    if conv_ops._without_columns(chosen, geo, 1, case.c_out):
        return "direct"
    w_shape = (case.c_out, case.c_in, case.kernel, case.kernel)
    in_chunks = conv_ops._c_chunks_count(chosen, x_shape, w_shape, np.float32, geo, 1, False)
    return "im2col" if in_chunks is None else "chunks"


def bench_conv(quick=False):
    repeats = 3 if quick else 10
    torch = import_torch(threads=1)
    rows = []
    cases = CONV_CASES
    with limited_threads(1):
        for case in progress(cases, "conv"):
            x, w, b = conv_inputs(case)
            timings = {}
            for impl in ("native", "reference"):
                with backend.using_backend(impl):
                    timings[impl] = tuple(
                        measure(engine_conv_step(case, x, w, b, bwd),
                                max(1, repeats // 3) if impl == "reference" else repeats)
                        for bwd in (False, True))
            if torch is not None:
                timings["pytorch"] = tuple(measure(torch_conv_step(case, x, w, b, bwd), repeats)
                                           for bwd in (False, True))
            gemm_s, unfold_s = conv_breakdown(case, x, w, repeats)
            for impl, (fwd, both) in timings.items():
                row = _row(case.name, impl, fwd, both)
                if impl != "pytorch":
                    row["path"] = conv_path(case, impl)
                if impl == "native" and row["path"] == "im2col":
                    row.update(gemm_ms=1e3 * gemm_s, im2col_col2im_ms=1e3 * unfold_s)
                rows.append(row)
        x = np.random.default_rng(0).standard_normal(POOL_SHAPE).astype(np.float32)
        for name, kind in progress(POOL_CASES, "pool"):
            timings = {}
            for impl in ("native", "reference"):
                with backend.using_backend(impl):
                    timings[impl] = tuple(measure(engine_pool_step(kind, x, bwd), repeats)
                                          for bwd in (False, True))
            if torch is not None:
                timings["pytorch"] = tuple(measure(torch_pool_step(kind, x, bwd), repeats)
                                           for bwd in (False, True))
            for impl, (fwd, both) in timings.items():
                rows.append(_row(name, impl, fwd, both))
    return rows


def conv_table(rows):
    torch_rows = {r["case"]: r for r in rows if r["impl"] == "pytorch"}
    lines = ["conv: float32, 1 thread (engine, NumPy's BLAS and PyTorch); pools on "
             "(64, 16, 28, 28); times are the best of N runs",
             f"{'case':28} {'impl':10} {'path':8} {'fwd ms':>8} {'fwd+bwd':>8} {'±%':>4} "
             f"{'fwd/pt':>7} {'f+b/pt':>7} {'gemm ms':>8} {'i2c+c2i':>8}"]
    for r in rows:
        pt = torch_rows.get(r["case"])
        ratios = (f"{r['forward_ms'] / pt['forward_ms']:7.2f} {r['fwd_bwd_ms'] / pt['fwd_bwd_ms']:7.2f}"
                  if pt else f"{'-':>7} {'-':>7}")
        parts = (f"{r['gemm_ms']:8.2f} {r['im2col_col2im_ms']:8.2f}" if "gemm_ms" in r else "")
        lines.append(f"{r['case']:28} {r['impl']:10} {r.get('path', ''):8} "
                     f"{r['forward_ms']:8.2f} {r['fwd_bwd_ms']:8.2f} "
                     f"{100 * r.get('fwd_bwd_spread', 0):4.0f} {ratios} {parts}")
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: path: how the engine computes it: im2col (columns + GEMM), chunks (the same in C,
  a cache-sized chunk of images at a time: a batch whose columns exceed 8 MB), 1x1 (straight
  to the GEMM), winograd (F(4×4, 3×3): 36 products per 4×4 outputs instead of 144), direct
  (few weights: forward and weight gradient from the input in place, no columns);
  fwd ms: forward alone; fwd+bwd: forward, then the gradients of input, weight and bias;
  ±%: spread of fwd+bwd (median run above the best); fwd/pt, f+b/pt: this row's time ÷
  PyTorch's (below 1: faster than PyTorch; "-" when PyTorch is not installed);
  gemm ms, i2c+c2i (im2col path only): the native fwd+bwd's three GEMMs, and its im2col
  (unfold the input into columns, twice when the batch is chunked) and col2im (fold the
  column gradients back), each timed alone; the rest is layout copies, the bias and Python."""


def run(quick):
    return bench_conv(quick)


table = conv_table
