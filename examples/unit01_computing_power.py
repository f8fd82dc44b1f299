"""Unit 1 — Let's test it out: higher computing power.

Slides: "Higher computing power (GPU)" — why deep learning took off when the same arithmetic
ran on faster hardware.

The same two workloads run on each backend the engine has:

- ``reference``: the kernels written in plain NumPy, the slides' equations as written;
- ``native``: the compiled C kernels (packed GEMM, im2col, fused optimizer steps; vector
  instructions and OpenMP threads);
- ``cuda``: CuPy on a GPU, when one is present (``engine.cuda.is_available()``).

Workloads: a large matrix product C = A·B (the core of every dense and convolutional layer;
GFLOP/s = 2·n³ / time), and one training step of LeNet-5 on a batch of MNIST-sized images
(forward, cross-entropy, backward, an SGD update). The speed-up is each backend's time
divided into the reference's.

What to expect on a CPU: the reference's matrix product is NumPy's ``@``, which is itself a
compiled, vectorised BLAS, so the GEMM row compares two fast libraries (about 1×). The gap shows
in the conv net's step, where the reference does im2col, pooling, activations and the optimizer
update in NumPy expressions, one array pass after another (several times slower). A GPU's gain
comes from thousands of arithmetic units; it shows on large products and large batches. Times are
the best of several runs: on a busy machine (other programs using the cores) they vary a lot.
"""
# %%
import time

import numpy as np

import engine
import engine.nn.functional as F
from engine.models import LeNet5
from engine.units import figure, parse_args, save_figure

UNIT = {"number": 1, "title": "Higher computing power: the same work on each backend",
        "slides": "Higher computing power (GPU)", "minutes": 0.5}


def best_time(fn, repeats, sync=lambda: None):
    """The fastest of ``repeats`` timed calls (after one warm-up call)."""
    fn()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return min(times)


# %%
def gemm_workload(n, device, seed):
    rng = np.random.default_rng(seed)
    a = engine.tensor(rng.standard_normal((n, n), dtype=np.float32)).to(device)
    b = engine.tensor(rng.standard_normal((n, n), dtype=np.float32)).to(device)
    return lambda: a @ b


def lenet_step_workload(batch, device, seed):
    engine.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = LeNet5(activation="relu", pooling="max").to(device)
    optimizer = engine.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = engine.tensor(rng.random((batch, 1, 28, 28), dtype=np.float32)).to(device)
    y = rng.integers(0, 10, batch)

    def step():
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    n, batch, repeats = (256, 16, 3) if args.quick else (1024, 64, 10)
    backends = [("reference", "cpu"), ("native", "cpu")]
    if engine.cuda.is_available():
        backends.append(("cuda", "cuda"))
        import cupy
        sync = cupy.cuda.Device().synchronize
    else:
        sync = lambda: None                                            # noqa: E731
        print(f"GPU backend not available: {engine.cuda.why_unavailable()}")
    print(f"{engine.get_num_threads()} CPU threads; GEMM {n}×{n}×{n} float32; "
          f"LeNet-5 training step, batch {batch}; best of {repeats}")
    workloads = {f"GEMM {n}³": lambda device: gemm_workload(n, device, args.seed),
                 f"LeNet-5 step (batch {batch})": lambda device: lenet_step_workload(batch, device, args.seed)}
    times = {}
    # The reference backend runs last: after NumPy's BLAS finishes a product, its worker threads
    # keep spinning on the cores for up to ~0.1 s, and the native kernels' threads, started in
    # that time, wait for a core (a 256³ product then measured 0.6× the reference's speed
    # instead of 1.6×).
    for backend, device in backends[1:] + backends[:1]:
        backend_cpu = "native" if backend == "cuda" else backend
        for name, make in workloads.items():
            with engine.using_backend(backend_cpu):
                times[name, backend] = best_time(make(device), repeats,
                                                 sync if device == "cuda" else (lambda: None))
    # %% the table: time, and speed-up over the reference backend
    names = [b for b, _ in backends]
    print(f"\n{'workload':28s}" + "".join(f"{b:>14s}" for b in names) + "".join(
        f"{b + ' ÷ ref':>16s}" for b in names[1:]))
    results = {}
    for name in workloads:
        ref = times[name, "reference"]
        row = f"{name:28s}" + "".join(f"{times[name, b] * 1e3:11.2f} ms" for b in names)
        row += "".join(f"{ref / times[name, b]:15.1f}×" for b in names[1:])
        print(row)
        key = "gemm" if name.startswith("GEMM") else "lenet"
        for b in names:
            results[f"{key}_{b}_ms"] = times[name, b] * 1e3
        for b in names[1:]:
            results[f"{key}_speedup_{b}"] = ref / times[name, b]
    gflops = {b: 2 * n ** 3 / times[f"GEMM {n}³", b] / 1e9 for b in names}
    print("GEMM GFLOP/s: " + ", ".join(f"{b} {g:.1f}" for b, g in gflops.items()))

    fig, axes = figure((10, 4), 1, 2)
    for ax, name in zip(axes, workloads):
        values = [times[name, b] * 1e3 for b in names]
        bars = ax.bar(names, values, color=["tab:gray", "tab:blue", "tab:green"][:len(names)])
        for bar, b in zip(bars, names):
            ax.annotate(f"{times[name, 'reference'] / times[name, b]:.1f}×",
                        (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
        ax.set_ylabel("time (ms, lower is better)"), ax.set_title(name)
    save_figure(fig, args.out, "unit01_backends.png")
    results["gpu"] = engine.cuda.is_available()
    return results


if __name__ == "__main__":
    main()
