"""A few training steps of a small MLP and a small CNN on random data, every kernel family on
the way (GEMM, im2col/col2im, Winograd, pooling, activations, softmax, fused optimizer steps),
in float32 and float64, with 1 and 2 threads.  Small enough for valgrind (a minute or two)
and the sanitizer build; used by scripts/check_sanitizers.sh and scripts/check_valgrind.sh.
Exits non-zero if a loss is not finite or does not go down."""
import sys

import numpy as np

import engine
import engine.nn as nn
import engine.optim as optim


def mlp():
    return nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 16), nn.GELU(),
                         nn.Linear(16, 5))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3, stride=1), nn.SiLU(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(6 * 1 * 1, 5))


def train(model, shape, dtype, optimizer_class, steps):
    rng = np.random.default_rng(0)
    x = engine.Tensor(rng.standard_normal(shape).astype(dtype))
    y = engine.Tensor(rng.integers(0, 5, shape[0]))
    if dtype == np.float64:
        model = model.double()
    opt = optimizer_class(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return losses


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    failed = 0
    for threads in (1, 2):
        engine.set_num_threads(threads)
        for dtype in (np.float32, np.float64):
            for name, build, shape, opt in (("mlp", mlp, (64, 20), optim.Adam),
                                            ("cnn", cnn, (8, 1, 8, 8), optim.SGD),
                                            ("cnn-adamw", cnn, (4, 1, 8, 8), optim.AdamW)):
                losses = train(build(), shape, dtype, opt, steps)
                ok = np.all(np.isfinite(losses)) and losses[-1] < losses[0]
                failed += not ok
                print(f"{name:10s} {np.dtype(dtype).name:8s} threads={threads} "
                      f"loss {losses[0]:.4f} -> {losses[-1]:.4f} {'ok' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
