"""Benchmark group ``gpu``: the cuda backend against PyTorch on the same GPU.

* GEMM C = A·B, float32, n×n (n = 1024, 2048; quick: 1024): the cuda backend's ``gemm``
  (``cupy.matmul``: cuBLAS) vs ``torch.matmul``, in TFLOP/s;
* conv2d forward + backward, 64→64 channels, 3×3, padding 1, 32×32 images: engine's
  im2col + cuBLAS vs PyTorch's (cuDNN);
* one training step (forward, cross-entropy, backward, SGD with momentum) of LeNet-5 at
  batch 64 and of a 64→64 CNN at batch 64, vs the same models in PyTorch on the GPU.

Timed with CUDA events (each library's own, on its current stream) after a warm-up, the mean
over the repeats between one pair of events. Without CuPy or a GPU the group prints one line
saying why and times nothing; PyTorch's rows need a CUDA build of torch.
"""
import numpy as np

from .timing import import_torch
from .training import _engine_lenet, _torch_lenet

CNN_CHANNELS = 64


def _host_normal(shape):
    """float32 normal numbers made on the host (then copied to the GPU once, before timing)."""
    return np.random.default_rng(0).standard_normal(shape, dtype=np.float32)


def _skip_reason():
    from ..backend import cuda
    ok, reason = cuda.available()
    return None if ok else reason


def _cuda_torch():
    torch = import_torch()
    return torch if torch is not None and torch.cuda.is_available() else None


def cupy_time(fn, repeats, warmup=3):
    """Seconds per call of ``fn`` on the GPU, between two CuPy CUDA events."""
    import cupy
    for _ in range(warmup):
        fn()
    start, end = cupy.cuda.Event(), cupy.cuda.Event()
    start.record()
    for _ in range(repeats):
        fn()
    end.record()
    end.synchronize()
    return cupy.cuda.get_elapsed_time(start, end) / 1e3 / repeats


def torch_time(torch, fn, repeats, warmup=3):
    """Seconds per call of ``fn`` on the GPU, between two PyTorch CUDA events."""
    for _ in range(warmup):
        fn()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3 / repeats


def _row(case, impl, seconds, torch_seconds, note=""):
    return {"group": "gpu", "case": case, "impl": impl, "seconds": seconds,
            "vs_torch": None if torch_seconds is None else seconds / torch_seconds, "note": note,
            "figure": "seconds", "better": "lower"}


# ------------------------------------------------------------------ cases

def _gemm_rows(torch, n, repeats):
    import cupy

    from ..backend import cuda
    a, b = (cupy.asarray(_host_normal((n, n))) for _ in range(2))
    c = cupy.empty((n, n), cupy.float32)
    flops = 2 * n ** 3
    case = f"GEMM {n}x{n}x{n} float32"
    t_engine = cupy_time(lambda: cuda.gemm(a, b, c), repeats)
    t_torch = None
    if torch is not None:
        ta, tb = torch.as_tensor(a, device="cuda"), torch.as_tensor(b, device="cuda")
        tc = torch.empty((n, n), device="cuda")
        t_torch = torch_time(torch, lambda: torch.matmul(ta, tb, out=tc), repeats)
    rows = [_row(case, "engine cuda (cupy.matmul)", t_engine, t_torch,
                 f"{flops / t_engine / 1e12:.1f} TFLOP/s")]
    if t_torch is not None:
        rows.append(_row(case, "torch.matmul", t_torch, t_torch,
                         f"{flops / t_torch / 1e12:.1f} TFLOP/s"))
    return rows


def _conv_rows(torch, batch, repeats):
    import cupy

    import engine
    from engine.nn import functional as F
    shape, wshape = (batch, CNN_CHANNELS, 32, 32), (CNN_CHANNELS, CNN_CHANNELS, 3, 3)
    x = engine.Tensor(cupy.asarray(_host_normal(shape)), requires_grad=True)
    w = engine.Tensor(cupy.asarray(_host_normal(wshape) * 0.05), requires_grad=True)

    def engine_step():
        x.grad = w.grad = None
        F.conv2d(x, w, padding=1).sum().backward()

    case = f"conv2d fwd+bwd {CNN_CHANNELS}->{CNN_CHANNELS} 3x3, {batch}x32x32"
    t_engine = cupy_time(engine_step, repeats)
    t_torch = None
    if torch is not None:
        tx = torch.randn(shape, device="cuda", requires_grad=True)
        tw = (torch.randn(wshape, device="cuda") * 0.05).requires_grad_()

        def torch_step():
            tx.grad = tw.grad = None
            torch.nn.functional.conv2d(tx, tw, padding=1).sum().backward()
        t_torch = torch_time(torch, torch_step, repeats)
    rows = [_row(case, "engine cuda (im2col+cuBLAS)", t_engine, t_torch)]
    if t_torch is not None:
        rows.append(_row(case, "pytorch (cuDNN)", t_torch, t_torch))
    return rows


def _engine_cnn():
    import engine
    from engine import nn
    engine.manual_seed(0)
    c = CNN_CHANNELS
    return nn.Sequential(nn.Conv2d(3, c, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(c * 16 * 16, 10))


def _torch_cnn(torch):
    nn, c = torch.nn, CNN_CHANNELS
    return nn.Sequential(nn.Conv2d(3, c, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(c * 16 * 16, 10))


def _step_rows(torch, case, engine_model, torch_model, x_shape, repeats):
    import cupy

    import engine
    from engine.nn import functional as F
    x = cupy.asarray(_host_normal(x_shape))
    y = cupy.asarray(np.random.default_rng(1).integers(0, 10, x_shape[0]))
    model = engine_model().to("cuda")
    opt = engine.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xt = engine.Tensor(x)

    def engine_step():
        opt.zero_grad()
        F.cross_entropy(model(xt), y).backward()
        opt.step()

    t_engine = cupy_time(engine_step, repeats)
    t_torch = None
    if torch is not None:
        tmodel = torch_model(torch).cuda()
        topt = torch.optim.SGD(tmodel.parameters(), lr=0.01, momentum=0.9)
        tx, ty = torch.as_tensor(x, device="cuda"), torch.as_tensor(y, device="cuda")

        def torch_step():
            topt.zero_grad()
            torch.nn.functional.cross_entropy(tmodel(tx), ty).backward()
            topt.step()
        t_torch = torch_time(torch, torch_step, repeats)
    rows = [_row(case, "engine cuda", t_engine, t_torch)]
    if t_torch is not None:
        rows.append(_row(case, "pytorch", t_torch, t_torch))
    return rows


def run(quick=False):
    reason = _skip_reason()
    if reason is not None:
        return [{"group": "gpu", "case": "all", "impl": "-", "seconds": None, "vs_torch": None,
                 "note": f"skipped: {reason}"}]
    torch = _cuda_torch()
    repeats = 10 if quick else 50
    rows = []
    for n in (1024,) if quick else (1024, 2048):
        rows += _gemm_rows(torch, n, repeats)
    rows += _conv_rows(torch, 8 if quick else 32, repeats)
    rows += _step_rows(torch, "LeNet-5 step, batch 64", _engine_lenet, _torch_lenet,
                       (64, 1, 28, 28), repeats)
    rows += _step_rows(torch, f"CNN 3->{CNN_CHANNELS}->{CNN_CHANNELS} step, batch 64",
                       _engine_cnn, _torch_cnn, (64, 3, 32, 32), repeats)
    return rows


def table(rows):
    if len(rows) == 1 and rows[0]["seconds"] is None:
        return f"gpu: {rows[0]['note']}"
    lines = ["GPU (CUDA events, after a warm-up); time per call",
             f"{'case':<40} {'implementation':<28} {'time':>10} {'vs torch':>9}  note"]
    for r in rows:
        ratio = "-" if r["vs_torch"] is None else f"{r['vs_torch']:.2f}x"
        lines.append(f"{r['case']:<40} {r['impl']:<28} {r['seconds'] * 1e3:8.3f} ms "
                     f"{ratio:>9}  {r['note']}")
    return "\n".join(lines)
