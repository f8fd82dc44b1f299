"""What a kernel call costs on a small array, and whole training steps of small networks.

Teaching-sized tensors are small, so the fixed cost of each call (the wrapper, the GIL, a
parallel region) shows. Per call, in microseconds, 1 thread: `_C` kernels on 8 floats and on a
16 x 3 softmax, `F.relu` on an 8-element Tensor; then a training step of a 4-16-16-3 MLP with
Adam (batch 16), XOR 2-4-1 with SGD, the 784-256-128-10 MLP (batch 128, SGD with momentum) and
LeNet-5 (batch 64, Adam). Run it on two builds to compare them:

    PYTHONPATH=. python benchmarks/small_calls.py
"""
import timeit

import numpy as np

import engine
from engine import _C, nn
from engine.models import LeNet5
from engine.nn import functional as F


def per_call_us(fn, number):
    """The fastest of 7 runs of ``number`` calls, per call, in microseconds."""
    return min(timeit.repeat(fn, number=number, repeat=7)) / number * 1e6


def kernel_calls():
    rng = np.random.default_rng(0)
    x8 = rng.standard_normal(8).astype(np.float32)
    y8 = np.empty_like(x8)
    w, g = np.zeros(8, np.float32), np.ones(8, np.float32)
    m, v = np.zeros(8, np.float32), np.zeros(8, np.float32)
    x48 = rng.standard_normal(48).astype(np.float32)
    y48 = np.empty_like(x48)
    t8 = engine.tensor(x8, requires_grad=True)
    return {
        "_C.relu_forward, 8 floats": lambda: _C.relu_forward(x8, y8),
        "_C.sigmoid_forward, 8 floats": lambda: _C.sigmoid_forward(x8, y8),
        "_C.log_softmax_forward, 16 x 3": lambda: _C.log_softmax_forward(x48, y48, 16, 3, 1),
        "_C.adam_step, 8 floats": lambda: _C.adam_step(w, g, m, v, None, 1e-3, 0.9, 0.999, 1e-8,
                                                       0.0, False, 0.1, 0.001),
        "F.relu, 8-element Tensor": lambda: F.relu(t8),
    }


def training_steps():
    rng = np.random.default_rng(0)

    def step_of(model, x, y, optimizer, loss_fn):
        def step():
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
        return step

    tiny = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(),
                         nn.Linear(16, 3))
    xor = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                        nn.Linear(128, 10))
    lenet = LeNet5()
    xor_x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    xor_y = np.array([[0], [1], [1], [0]], np.float32)
    return {
        "4-16-16-3 MLP, batch 16, Adam": (step_of(
            tiny, engine.tensor(rng.standard_normal((16, 4)).astype(np.float32)),
            engine.tensor(rng.integers(0, 3, 16)), engine.optim.Adam(tiny.parameters()),
            nn.CrossEntropyLoss()), 2000),
        "XOR 2-4-1, SGD": (step_of(
            xor, engine.tensor(xor_x), engine.tensor(xor_y),
            engine.optim.SGD(xor.parameters(), lr=0.5), nn.MSELoss()), 3000),
        "MLP 784-256-128-10, batch 128, SGD momentum": (step_of(
            mlp, engine.tensor(rng.standard_normal((128, 784)).astype(np.float32)),
            engine.tensor(rng.integers(0, 10, 128)),
            engine.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9),
            nn.CrossEntropyLoss()), 200),
        "LeNet-5, batch 64, Adam": (step_of(
            lenet, engine.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32)),
            engine.tensor(rng.integers(0, 10, 64)), engine.optim.Adam(lenet.parameters()),
            nn.CrossEntropyLoss()), 50),
    }


def main():
    engine.set_num_threads(1)
    print("per call, 1 thread (us)")
    for name, fn in kernel_calls().items():
        print(f"  {name:34s} {per_call_us(fn, 100_000):8.3f}")
    print("training step, 1 thread (us)")
    for name, (step, number) in training_steps().items():
        step()                                   # the first step makes the optimizer's state
        print(f"  {name:44s} {per_call_us(step, number):9.1f}")


if __name__ == "__main__":
    main()
