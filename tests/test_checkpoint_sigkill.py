"""Crash safety of checkpoint files: processes saving in a loop (``engine.save`` and the training
loop's ``ModelCheckpoint``) are SIGKILLed at random moments, many times; after every kill the
file loads as one complete state (every value from the same save) and temporary files do not
pile up (a killed save's temp file is removed by the next save of the same path).

To keep the test short, one helper process imports the engine once and forks a fresh writer
for each round; the test kills the writer, the helper reaps it."""
import inspect
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import engine
from engine import nn
from engine.nn import functional as F
from engine.train import Callback, fit

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

KILLS = 24
BATCHES_PER_EPOCH = 4

HELPER = textwrap.dedent("""
    import os, sys
    import numpy as np
    import engine
    from engine import nn
    from engine.nn import functional as F
    from engine.train import ModelCheckpoint, fit

    def save_loop(path, start):
        i = start
        while True:
            engine.save({"step": i, "w": np.full(200_000, i, np.float64),
                         "nested": {"b": np.full((64, 64), i, np.float32),
                                    "t": engine.Tensor(np.full(100, i, np.float64))},
                         "tags": [i, i + 1]}, path)
            i += 1

    def fit_loop(path):
        x, y = make_data()
        model = make_model()
        opt = engine.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        fit(model, F.cross_entropy, opt, (x, y), epochs=10 ** 9, batch_size=16, verbose=0,
            seed=3, metrics=(), callbacks=[ModelCheckpoint(path, monitor="loss")])

    %s

    for line in sys.stdin:
        mode, path, start = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                save_loop(path, int(start)) if mode == "save" else fit_loop(path)
            finally:
                os._exit(1)
        print(pid, flush=True)
        sys.stdin.readline()                   # "reap": the writer was killed
        os.waitpid(pid, 0)
        print("reaped", flush=True)
""")

def make_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def make_model():
    engine.manual_seed(1)
    return nn.Sequential(nn.Linear(8, 64), nn.Tanh(), nn.Linear(64, 2))


# The writer trains the same data and model as the reference run here.
SHARED = inspect.getsource(make_data) + "\n" + inspect.getsource(make_model)


def _litter(folder):
    """Every file but the two checkpoints, whatever its name."""
    return [n for n in os.listdir(folder) if n not in ("plain.npz", "run.npz")]


def _check_save_file(path):
    state = engine.load(path)
    i = state["step"]
    assert (state["w"] == i).all() and state["w"].shape == (200_000,)
    assert (state["nested"]["b"] == i).all() and (state["nested"]["t"].data == i).all()
    assert state["tags"] == [i, i + 1]
    return i


def _reference_weights(epochs):
    """Weights after each epoch of an uninterrupted run of the writer's training."""
    seen = {}

    class Record(Callback):
        def on_epoch_end(self, run, logs):
            seen[run.epoch] = {k: v.copy() for k, v in run.model.state_dict().items()}

    x, y = make_data()
    model = make_model()
    opt = engine.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    fit(model, F.cross_entropy, opt, (x, y), epochs=epochs, batch_size=16, verbose=0, seed=3,
        metrics=(), callbacks=[Record()])
    return seen


def test_sigkilled_saves_leave_one_complete_state_and_no_litter(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(engine.__file__)), os.environ.get("PYTHONPATH", "")]),
        OMP_NUM_THREADS="1")
    helper = subprocess.Popen([sys.executable, "-c", HELPER % SHARED], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    rng = random.Random(1234)
    steps, epochs_seen = [], []
    fit_states, killed_mid_write = [], 0
    try:
        for k in range(KILLS):
            mode = "save" if k % 2 == 0 else "fit"
            name = "plain.npz" if mode == "save" else "run.npz"
            start = steps[-1] + 1 if steps else 0
            helper.stdin.write(f"{mode} {tmp_path / name} {start}\n")
            helper.stdin.flush()
            pid = int(helper.stdout.readline())
            time.sleep(rng.uniform(0.05, 0.6))    # random moments, some before a first save
            os.kill(pid, signal.SIGKILL)
            helper.stdin.write("reap\n")
            helper.stdin.flush()
            assert helper.stdout.readline().strip() == "reaped"
            # at most the temp file of this kill and one of the other writer's last kill
            litter = _litter(tmp_path)
            assert len(litter) <= 2, litter
            killed_mid_write += any(n.startswith(f".{name}.") for n in litter)
            if not (tmp_path / name).exists():
                continue
            if mode == "save":
                steps.append(_check_save_file(tmp_path / name))
            else:
                state = engine.load(tmp_path / name)
                epoch = state["epoch"]
                assert state["iteration"] == epoch * BATCHES_PER_EPOCH
                assert len(state["history"]["history"]["loss"]) == epoch
                assert len(state["history"]["batch_losses"]) == epoch * BATCHES_PER_EPOCH
                epochs_seen.append(epoch)
                fit_states.append((epoch, state["model"]))
    finally:
        helper.stdin.close()
        helper.wait(timeout=30)
    print(f"{KILLS} kills, {killed_mid_write} in the middle of a write; saves seen {steps}, "
          f"epochs seen {epochs_seen}")
    assert steps, "no plain save completed before a kill"
    assert steps == sorted(steps)
    assert fit_states, "no training checkpoint completed before a kill"
    # Every training checkpoint is the uninterrupted run's state after that many epochs.
    reference = _reference_weights(max(epochs_seen))
    for epoch, weights in fit_states:
        for key, value in weights.items():
            np.testing.assert_array_equal(value, reference[epoch][key])
    # A clean save removes what the last kill left behind.
    for name in ("plain.npz", "run.npz"):
        engine.save({"done": True}, tmp_path / name)
    assert _litter(tmp_path) == []
