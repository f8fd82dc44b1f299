"""optimizer.step and whole training-step times, fused C update vs the NumPy update
(rmsprop-c-m: RMSprop centered, with momentum 0.9).

MLP 784-256-128-10 (ReLU, cross-entropy), batch 128, float32, 1 thread, native backend for
everything; only the optimizer's update kernel changes ("numpy" routes the optimizer to
engine.backend.reference, which is the NumPy code the optimizers ran before the fused kernels).

    PYTHONPATH=. python benchmarks/optim_step_time.py
"""
import numpy as np

import engine
from engine import nn
from engine.backend import reference
from engine.bench.timing import best_time
from engine.nn import functional as F
from engine.optim import adaptive, sgd


def make(opt_name):
    engine.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    params = model.parameters()
    opt = {"sgd-momentum": lambda: engine.optim.SGD(params, lr=0.01, momentum=0.9),
           "adam": lambda: engine.optim.Adam(params, lr=1e-3),
           "adagrad": lambda: engine.optim.Adagrad(params, lr=1e-2),
           "rmsprop": lambda: engine.optim.RMSprop(params, lr=1e-3),
           "rmsprop-c-m": lambda: engine.optim.RMSprop(params, lr=1e-3, momentum=0.9,
                                                       centered=True)}[opt_name]()
    rng = np.random.default_rng(0)
    x = engine.Tensor(rng.standard_normal((128, 784)).astype(np.float32))
    y = rng.integers(0, 10, 128)

    def full():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    full()
    return full, opt.step


def main():
    engine.backend.set_num_threads(1)
    fused = (sgd.backend_of, adaptive.backend_of)
    print(f"{'optimizer':14s} {'update':7s} {'step() ms':>10s} {'full step ms':>13s}")
    for opt_name in ("sgd-momentum", "adam", "adagrad", "rmsprop", "rmsprop-c-m"):
        for impl in ("numpy", "fused"):
            if impl == "numpy":
                sgd.backend_of = adaptive.backend_of = lambda a: reference
            else:
                sgd.backend_of, adaptive.backend_of = fused
            full, step = make(opt_name)
            t_step = best_time(step, 200)
            t_full = best_time(full, 100)
            print(f"{opt_name:14s} {impl:7s} {t_step * 1e3:10.3f} {t_full * 1e3:13.3f}")
    sgd.backend_of, adaptive.backend_of = fused


if __name__ == "__main__":
    main()
