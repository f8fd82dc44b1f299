"""Benchmark group ``training``: whole training steps (forward, loss, backward, optimizer step).

* MLP 784-256-128-10, ReLU, cross-entropy, SGD with momentum, batch 128, float32, 1 thread:
  engine (native and reference backends) vs PyTorch (``torch.set_num_threads(1)``).
* LeNet-5 at batch 64 (conv 1→6 5×5 pad 2, max-pool, conv 6→16 5×5, max-pool, 400-120-84-10):
  runs when ``engine.nn.Conv2d`` and ``MaxPool2d`` exist, otherwise the row says skipped.
* XOR 2-4-1 sigmoid network, MSE, full batch of 4, plain SGD, 5000 steps: the cost of Python
  per operation (the arrays are tiny), engine vs PyTorch.
PyTorch rows appear when torch is installed.  Ratios are what matter; the figures are noisy.
"""
import numpy as np

from .. import backend
from .report import speed_words
from .timing import import_torch, limited_threads, measure, progress, with_legend



# ------------------------------------------------------------------ engine models
def _engine_mlp():
    import engine
    from engine import nn
    engine.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def _engine_lenet():
    from engine import nn
    if not (hasattr(nn, "Conv2d") and hasattr(nn, "MaxPool2d")):
        return None
    flatten = nn.Flatten() if hasattr(nn, "Flatten") else nn.Reshape(400)
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), flatten,
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def _engine_step(model, x, y, lr=0.01, momentum=0.9):
    import engine
    from engine.nn import functional as F
    opt = engine.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    xt = engine.Tensor(x)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(xt), y)
        loss.backward()
        opt.step()
    return step


def _torch_step(torch, model, x, y, lr=0.01, momentum=0.9):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    return step


def _torch_mlp(torch):
    nn = torch.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def _torch_lenet(torch):
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


# ------------------------------------------------------------------ XOR
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


def xor_engine(steps, lr=0.5):
    """Train the 2-4-1 sigmoid network; returns the final loss."""
    import engine
    from engine import nn
    from engine.nn import functional as F
    engine.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())
    opt = engine.optim.SGD(model.parameters(), lr=lr)
    x, y = engine.Tensor(XOR_X), engine.Tensor(XOR_Y)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


def xor_torch(torch, steps, lr=0.5):
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = torch.from_numpy(XOR_X), torch.from_numpy(XOR_Y)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


# ------------------------------------------------------------------ the group
def _row(case, impl, timing, ref=None, note=""):
    seconds = None if timing is None else timing.best
    return {"group": "training", "case": case, "impl": impl, "threads": 1, "seconds": seconds,
            "spread": None if timing is None else timing.spread,
            "vs_torch": None if ref is None or seconds is None else seconds / ref.best,
            "words": "" if ref is None or seconds is None else speed_words(seconds, ref.best),
            "note": note, "figure": "seconds", "better": "lower"}


def _time_case(case, make_engine, make_torch, x, y, repeats, torch, with_reference):
    rows = []
    with limited_threads(1):  # the engine's kernels and NumPy's BLAS (the reference backend)
        t_torch = None
        if torch is not None:
            torch.manual_seed(0)
            t_torch = measure(_torch_step(torch, make_torch(torch), x, y), repeats)
        model = make_engine()
        if model is None:
            return [_row(case, "engine native", None,
                         note="skipped: engine.nn.Conv2d / MaxPool2d not on this branch")]
        t_native = measure(_engine_step(model, x, y), repeats)
        rows.append(_row(case, "engine native", t_native, t_torch))
        if with_reference:
            with backend.using_backend("reference"):
                t_ref = measure(_engine_step(make_engine(), x, y), max(2, repeats // 4))
            rows.append(_row(case, "engine reference", t_ref, t_torch,
                             note=f"native is {speed_words(t_native.best, t_ref.best)}"))
        if t_torch is not None:
            rows.append(_row(case, "pytorch", t_torch, t_torch))
    return rows


def run(quick=False):
    torch = import_torch(threads=1)
    rng = np.random.default_rng(0)
    repeats = 5 if quick else 20
    rows = []
    bar = progress(range(3), "training")
    bar_iter = iter(bar)
    x = rng.standard_normal((128, 784), dtype=np.float32)
    y = rng.integers(0, 10, 128)
    rows += _time_case("MLP 784-256-128-10, batch 128", _engine_mlp, _torch_mlp, x, y,
                       repeats, torch, True)
    next(bar_iter, None)
    x = rng.standard_normal((64, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    rows += _time_case("LeNet-5, batch 64", _engine_lenet, _torch_lenet, x, y,
                       max(3, repeats // 2), torch, True)
    next(bar_iter, None)
    steps = 1000 if quick else 5000
    case = f"XOR 2-4-1 sigmoid, {steps} SGD steps"
    t_torch = measure(lambda: xor_torch(torch, steps), 1 if quick else 3, 0) if torch else None
    t_engine = measure(lambda: xor_engine(steps), 1 if quick else 3, 0)
    rows.append(_row(case, "engine", t_engine, t_torch))
    if t_torch is not None:
        rows.append(_row(case, "pytorch", t_torch, t_torch))
    next(bar_iter, None)
    if hasattr(bar, "close"):
        bar.close()
    return rows


def table(rows):
    lines = ["training: forward + loss + backward + SGD step, 1 thread everywhere; time per "
             "step (XOR: all steps), best of N runs",
             f"{'case':<36} {'implementation':<17} {'time':>11} {'±%':>4} {'vs PyTorch':>18}  note"]
    for r in rows:
        t = "-" if r["seconds"] is None else (f"{r['seconds'] * 1e3:8.2f} ms")
        spread = "" if r.get("spread") is None else f"{100 * r['spread']:4.0f}"
        words = r.get("words") or "-"
        if r["impl"] == "pytorch":
            words = ""
        lines.append(f"{r['case']:<36} {r['impl']:<17} {t:>11} {spread:>4} {words:>18}  {r['note']}")
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: time: best of N steps; ±%: spread (median step above the best); vs PyTorch: this
  implementation's speed against PyTorch's on the same model, batch and optimizer ("-" when
  PyTorch is not installed); engine reference: the NumPy twins of the kernels (the oracle)."""
