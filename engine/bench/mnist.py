"""Benchmark group ``mnist`` (runs only with ``--only mnist``): time to accuracy.

LeNet-5 (ReLU, max pooling) trained on MNIST with one recipe for both sides: the same initial
weights, SGD with momentum 0.9, learning rate 0.05 times 0.7 per epoch done, batch 64, the
same shuffled order each epoch, float32, the same thread count (every usable core, as a
student's default). After each epoch the test
accuracy is measured; a side stops when it reaches the target (99.0%) or after ``max_epochs``.
Reported: epochs and training seconds (evaluation not counted) to the target, for the engine
and, when installed, PyTorch. Minutes per side on a quiet machine: not part of ``engine bench``
by default. Needs the MNIST files (``engine.data.load_mnist`` finds or downloads them).
"""
import time

import numpy as np

from .. import backend
from ..backend import threads as thread_policy
from .timing import import_torch, limited_threads, progress, with_legend
from .training import _engine_lenet, _torch_lenet

RECIPE = {"lr": 0.05, "lr_decay": 0.7, "momentum": 0.9, "batch_size": 64}


def _orders(n, epochs, seed=0):
    """The same shuffled order of the n training images for each epoch, for both sides."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


def _engine_side(model, train, test, orders, target, batch_size, lr, momentum):
    import engine
    from engine.nn import functional as F
    opt = engine.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    x, y = train

    def epoch(order):
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            F.cross_entropy(model(engine.Tensor(x[idx])), y[idx]).backward()
            opt.step()

    def accuracy():
        correct = 0
        with engine.no_grad():
            for start in range(0, len(test[0]), 1000):
                out = model(engine.Tensor(test[0][start:start + 1000])).numpy()
                correct += int((out.argmax(axis=1) == test[1][start:start + 1000]).sum())
        return correct / len(test[0])
    return _to_target(epoch, accuracy, orders, target, opt.param_groups)


def _torch_side(torch, start, train, test, orders, target, batch_size, lr, momentum):
    from ..io import to_torch_state_dict
    model = _torch_lenet(torch)
    model.load_state_dict({k: v.clone() for k, v in to_torch_state_dict(start).items()})
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    x, y = torch.from_numpy(train[0]), torch.from_numpy(train[1])
    tx, ty = torch.from_numpy(test[0]), torch.from_numpy(test[1])

    def epoch(order):
        order = torch.from_numpy(order)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()

    def accuracy():
        with torch.no_grad():
            return float((model(tx).argmax(dim=1) == ty).float().mean())
    return _to_target(epoch, accuracy, orders, target, opt.param_groups)


def _to_target(epoch, accuracy, orders, target, param_groups):
    """Train epoch after epoch until ``accuracy() >= target``: (epochs, seconds, accuracy);
    epochs is None when the target was not reached. The learning rate is the recipe's times
    lr_decay per epoch done, set the same way on both sides."""
    seconds = 0.0
    acc = 0.0
    for done, order in enumerate(orders, start=1):
        for group in param_groups:
            group["lr"] = RECIPE["lr"] * RECIPE["lr_decay"] ** (done - 1)
        start = time.perf_counter()
        epoch(order)
        seconds += time.perf_counter() - start
        acc = accuracy()
        if acc >= target:
            return done, seconds, acc
    return None, seconds, acc


def time_to_accuracy(train, test, target=0.99, max_epochs=10, threads=None, torch=None,
                     batch_size=RECIPE["batch_size"], lr=RECIPE["lr"],
                     momentum=RECIPE["momentum"]):
    """Rows for the engine (and PyTorch when given) on the data ``train``/``test``
    ((x, y) pairs, x float32 (N, 1, 28, 28), y int64)."""
    import engine
    threads = threads or thread_policy.usable_cores()
    orders = _orders(len(train[0]), max_epochs)
    engine.manual_seed(0)
    model = _engine_lenet()
    start = model.state_dict()          # both sides start from these weights
    sides = [("engine native", lambda: _engine_side(model, train, test, orders, target,
                                                    batch_size, lr, momentum))]
    if torch is not None:
        sides.append(("pytorch", lambda: _torch_side(torch, start, train, test, orders, target,
                                                     batch_size, lr, momentum)))
    rows = []
    for impl, run_side in progress(sides, "mnist"):
        with limited_threads(threads):
            if torch is not None:
                torch.set_num_threads(threads)
            epochs, seconds, acc = run_side()
        rows.append({"group": "mnist", "case": f"LeNet-5 to {100 * target:.1f}% test accuracy",
                     "impl": impl, "threads": threads, "epochs": epochs,
                     "seconds": seconds if epochs else None, "trained_seconds": seconds,
                     "final_accuracy": acc, "max_epochs": max_epochs,
                     "figure": "seconds", "better": "lower"})
    return rows


def run(quick=False):
    from ..data import load_mnist
    try:
        train, test = load_mnist()
    except Exception as err:  # no files and no network: say so, do not fail the suite
        return [{"group": "mnist", "case": "LeNet-5 to 99.0% test accuracy", "impl": "skipped",
                 "note": f"MNIST not available ({err}); put the four IDX files in "
                         "$ENGINE_DATA/mnist"}]
    if quick:  # a slice: checks the group works, not a time to quote
        train = (train[0][:6000], train[1][:6000])
        test = (test[0][:1000], test[1][:1000])
    saved = backend.get_num_threads()
    try:
        return time_to_accuracy(train, test, target=0.9 if quick else 0.99,
                                max_epochs=2 if quick else 10, torch=import_torch())
    finally:
        backend.set_num_threads(saved)


def table(rows):
    lines = [f"mnist: time to accuracy, recipe: the same initial weights, SGD lr {RECIPE['lr']} "
             f"× {RECIPE['lr_decay']} per epoch, momentum {RECIPE['momentum']}, batch "
             f"{RECIPE['batch_size']}, the same order each epoch",
             f"{'case':34} {'implementation':15} {'thr':>3} {'epochs':>6} {'seconds':>9} "
             f"{'final acc':>9}"]
    for r in rows:
        if r["impl"] == "skipped":
            lines.append(f"{r['case']:34} skipped: {r['note']}")
            continue
        epochs = "-" if r["epochs"] is None else str(r["epochs"])
        seconds = "-" if r["seconds"] is None else f"{r['seconds']:.1f}"
        lines.append(f"{r['case']:34} {r['impl']:15} {r['threads']:3} {epochs:>6} {seconds:>9} "
                     f"{100 * r['final_accuracy']:8.2f}%")
    return with_legend(lines, LEGEND)


LEGEND = """\
legend: epochs: passes over the training set until the test accuracy first reached the
  target ("-": not within max_epochs); seconds: training time to that point (the accuracy
  checks are not counted); final acc: test accuracy after the last epoch run."""
