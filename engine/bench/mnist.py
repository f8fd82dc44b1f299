"""Benchmark group ``mnist`` (runs only with ``--only mnist``): time to accuracy.

LeNet-5 (ReLU, max pooling) trained on MNIST with one recipe for both sides: SGD with
momentum 0.9, learning rate 0.05 times 0.7 per whole epoch done, batch 64, float32, the same
thread count (every usable core, as a student's default). A side stops when the test
accuracy reaches the target (99.0%) or after ``max_epochs``.

Two runs of the same recipe drift apart in floating-point rounding, so near the target one
side may read 98.96% and the other 99.03% after the same epoch: a single run is a coin toss.
The group therefore measures the usual way for time to accuracy:

* the accuracy is checked ``checks_per_epoch`` times per epoch (default 4), at whole batches,
  so the epochs to target come in fractions (2.75) rather than jumping by a whole epoch;
* the whole run is repeated for ``seeds`` seeds (default 3); seed ``s`` gives both sides the
  same initial weights (``engine.manual_seed(s)``) and the same shuffled orders;
* each side reports the median over the seeds (``median_to_target``), and each seed's figures.

Training seconds only: the accuracy checks are not counted. Minutes per side on a quiet
machine: not part of ``engine bench`` by default. Needs the MNIST files
(``engine.data.load_mnist`` finds or downloads them).
"""
import statistics
import time

import numpy as np

from .. import backend
from ..backend import threads as thread_policy
from ..validate import positive_int
from .timing import import_torch, limited_threads, progress, with_legend
from .training import _engine_lenet, _torch_lenet

RECIPE = {"lr": 0.05, "lr_decay": 0.7, "momentum": 0.9, "batch_size": 64}
SEEDS = 3
CHECKS_PER_EPOCH = 4
SIDES = ("engine native", "pytorch")


def median_to_target(values):
    """The median of per-seed figures, ``None`` standing for a seed that missed the target.

    The median is taken over the seeds that reached the target, and only when they are a
    majority (more than half); otherwise the side did not reach it: ``None``.
    ``median_to_target([3.0, None, 2.5])`` is 2.75; ``median_to_target([3.0, None, None])``
    is None.
    """
    values = list(values)
    reached = [v for v in values if v is not None]
    if 2 * len(reached) <= len(values):
        return None
    return statistics.median(reached)


def check_points(n, batch_size, checks_per_epoch):
    """Where one epoch's order is cut for the accuracy checks: ``checks_per_epoch + 1``
    offsets into it, from 0 to ``n``, each at a whole batch.

    The batches are shared out as evenly as whole batches allow (the runs differ by at most
    one batch), so check ``k`` stands for ``k / checks_per_epoch`` of an epoch.
    """
    batches = -(-n // batch_size)
    if checks_per_epoch > batches:
        raise ValueError(f"checks_per_epoch must be at most the {batches} batches of an epoch "
                         f"({n} images, batch {batch_size}), got {checks_per_epoch}")
    return [min(n, (k * batches // checks_per_epoch) * batch_size)
            for k in range(checks_per_epoch + 1)]


def _orders(n, epochs, seed=0):
    """The shuffled order of the n training images for each epoch, the same for both sides."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


def _engine_side(model, train, test, batch_size, momentum):
    """(train on an order, accuracy, param_groups) for an engine model."""
    import engine
    from engine.nn import functional as F
    opt = engine.optim.SGD(model.parameters(), lr=RECIPE["lr"], momentum=momentum)
    x, y = train

    def train_on(order):
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
    return train_on, accuracy, opt.param_groups


def _torch_side(torch, start, train, test, batch_size, momentum):
    """The same for PyTorch, starting from the engine model's initial ``state_dict``."""
    from ..io import to_torch_state_dict
    model = _torch_lenet(torch)
    model.load_state_dict({k: v.clone() for k, v in to_torch_state_dict(start).items()})
    opt = torch.optim.SGD(model.parameters(), lr=RECIPE["lr"], momentum=momentum)
    x, y = torch.from_numpy(train[0]), torch.from_numpy(train[1])
    tx, ty = torch.from_numpy(test[0]), torch.from_numpy(test[1])

    def train_on(order):
        order = torch.from_numpy(order)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()

    def accuracy():
        with torch.no_grad():
            return float((model(tx).argmax(dim=1) == ty).float().mean())
    return train_on, accuracy, opt.param_groups


def _to_target(side, orders, cuts, target, lr):
    """Train run of batches after run of batches until ``accuracy() >= target``.

    Returns (epochs, seconds, epochs_trained, trained_seconds, accuracy): ``epochs`` and
    ``seconds`` are None when the target was not reached. The learning rate is ``lr`` times
    the recipe's decay per whole epoch done, set the same way on both sides.
    """
    train_on, accuracy, param_groups = side
    checks = len(cuts) - 1
    seconds, acc, trained = 0.0, 0.0, 0.0
    for done, order in enumerate(orders):
        for group in param_groups:
            group["lr"] = lr * RECIPE["lr_decay"] ** done
        for k in range(1, checks + 1):
            start = time.perf_counter()
            train_on(order[cuts[k - 1]:cuts[k]])
            seconds += time.perf_counter() - start
            acc = accuracy()                    # not timed
            trained = done + k / checks
            if acc >= target:
                return trained, seconds, trained, seconds, acc
    return None, None, trained, seconds, acc


def _row(impl, runs, case, threads, max_epochs, checks_per_epoch):
    """One side's row: the medians over the seeds, and each seed's run in ``per_seed``."""
    return {"group": "mnist", "case": case, "impl": impl, "threads": threads,
            "epochs": median_to_target(r["epochs"] for r in runs),
            "seconds": median_to_target(r["seconds"] for r in runs),
            "trained_seconds": statistics.median(r["trained_seconds"] for r in runs),
            "seconds_per_epoch": statistics.median(r["trained_seconds"] / r["epochs_trained"]
                                                   for r in runs),
            "final_accuracy": statistics.median(r["final_accuracy"] for r in runs),
            "max_epochs": max_epochs, "seeds": len(runs), "checks_per_epoch": checks_per_epoch,
            "per_seed": runs, "figure": "seconds", "better": "lower"}


def time_to_accuracy(train, test, target=0.99, max_epochs=10, threads=None, torch=None,
                     seeds=SEEDS, checks_per_epoch=CHECKS_PER_EPOCH,
                     batch_size=RECIPE["batch_size"], lr=RECIPE["lr"],
                     momentum=RECIPE["momentum"]):
    """Rows for the engine (and PyTorch when given) on the data ``train``/``test``
    ((x, y) pairs, x float32 (N, 1, 28, 28), y int64), over seeds ``0 .. seeds - 1``."""
    import engine
    seeds = positive_int(seeds, "seeds")
    max_epochs = positive_int(max_epochs, "max_epochs")
    batch_size = positive_int(batch_size, "batch_size")
    checks_per_epoch = positive_int(checks_per_epoch, "checks_per_epoch")
    cuts = check_points(len(train[0]), batch_size, checks_per_epoch)
    threads = threads or thread_policy.usable_cores()
    impls = SIDES if torch is not None else SIDES[:1]
    per_side = {impl: [] for impl in impls}
    for seed in progress(range(seeds), "mnist"):
        orders = _orders(len(train[0]), max_epochs, seed)
        engine.manual_seed(seed)
        model = _engine_lenet()
        start = model.state_dict()          # both sides start from these weights (a copy)
        # Take turns at going first, seed by seed, so that neither side always meets the
        # machine in the same state.
        for impl in (impls if seed % 2 == 0 else impls[::-1]):
            with limited_threads(threads):
                if impl == "pytorch":
                    torch.set_num_threads(threads)
                    side = _torch_side(torch, start, train, test, batch_size, momentum)
                else:
                    side = _engine_side(model, train, test, batch_size, momentum)
                epochs, seconds, trained, trained_seconds, acc = _to_target(
                    side, orders, cuts, target, lr)
            per_side[impl].append({"seed": seed, "epochs": epochs, "seconds": seconds,
                                   "final_accuracy": acc, "epochs_trained": trained,
                                   "trained_seconds": trained_seconds})
    case = f"LeNet-5 to {100 * target:.1f}% test accuracy"
    return [_row(impl, runs, case, threads, max_epochs, checks_per_epoch)
            for impl, runs in per_side.items()]


def run(quick=False):
    from ..data import load_mnist
    try:
        train, test = load_mnist()
    except Exception as err:  # no files and no network: say so, do not fail the suite
        return [{"group": "mnist", "case": "LeNet-5 to 99.0% test accuracy", "impl": "skipped",
                 "note": f"MNIST not available ({err}); put the four IDX files in "
                         "$ENGINE_DATA/mnist"}]
    if quick:  # a slice and one seed: checks the group works, not a time to quote
        train = (train[0][:6000], train[1][:6000])
        test = (test[0][:1000], test[1][:1000])
    with backend.thread_setting_kept():
        return time_to_accuracy(train, test, target=0.9 if quick else 0.99,
                                max_epochs=2 if quick else 10, seeds=1 if quick else SEEDS,
                                torch=import_torch())


def _number(value, fmt):
    return "-" if value is None else format(value, fmt)


def table(rows):
    """The group's table: one line per side, then the engine's time as a share of PyTorch's."""
    timed = [r for r in rows if r["impl"] != "skipped"]
    first = timed[0] if timed else {}
    seeds, checks = first.get("seeds", 1), first.get("checks_per_epoch", 1)
    how = f"the median of {seeds} seeds" if seeds > 1 else "1 seed"
    lines = [f"mnist: time to accuracy, {how}, {checks} accuracy checks per epoch; recipe: "
             f"the same initial weights, SGD lr "
             f"{RECIPE['lr']} × {RECIPE['lr_decay']} per epoch, momentum {RECIPE['momentum']}, "
             f"batch {RECIPE['batch_size']}, the same order each epoch"]
    for r in rows:
        if r["impl"] == "skipped":
            lines.append(f"{r['case']:34} skipped: {r['note']}")
    if timed:
        threads = first["threads"]
        lines.append(f"{first['case']}, {threads} thread{'s' if threads != 1 else ''}, at most "
                     f"{first['max_epochs']} epochs")
        lines.append(f"{'implementation':15} {'epochs':>6} {'seconds':>8} {'s/epoch':>7}  "
                     f"{'seconds per seed':24} {'final acc':>9}")
    for r in timed:
        per_seed = " ".join(_number(s["seconds"], ".1f") for s in r.get("per_seed", []))
        lines.append(f"{r['impl']:15} {_number(r['epochs'], '.2f'):>6} "
                     f"{_number(r['seconds'], '.1f'):>8} "
                     f"{_number(r.get('seconds_per_epoch'), '.2f'):>7}  {per_seed:24} "
                     f"{100 * r['final_accuracy']:8.2f}%")
    sides = {r["impl"]: r for r in timed}
    ours, theirs = sides.get("engine native"), sides.get("pytorch")
    if ours and theirs and ours["seconds"] and theirs["seconds"]:
        line = f"engine ÷ PyTorch: {ours['seconds'] / theirs['seconds']:.2f}× the time (median)"
        if ours.get("seconds_per_epoch") and theirs.get("seconds_per_epoch"):
            line += (f"; per epoch {ours['seconds_per_epoch'] / theirs['seconds_per_epoch']:.2f}"
                     "× the time")
        lines.append(line)
    return with_legend(lines, LEGEND.format(checks=checks))


LEGEND = """\
legend: the test accuracy is checked {checks} times per epoch, at whole batches (each epoch's
  order cut into {checks} runs of batches), so epochs come in 1/{checks} steps; each seed gives
  both sides the same initial weights and shuffled orders. epochs, seconds: the medians over
  the seeds of the epochs and the training seconds (the checks not counted) until the accuracy
  first reached the target; a seed that never reached it within max_epochs is left out of the
  median, and when a majority of seeds did not reach it the side shows "-" (not reached).
  seconds per seed: in seed order, "-" for a seed that did not reach the target. s/epoch:
  training seconds per epoch run, the median over the seeds. final acc: the accuracy at each
  seed's last check, the median over the seeds."""
