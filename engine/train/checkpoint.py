"""Checkpoints of a run: what is saved, and how a run is put back exactly as it was.

A checkpoint holds the model, the optimizer, the callbacks' states, the epoch / iteration
counters, the progress within the epoch, the data-order generator's state at the start of the
epoch and the engine generator's state — as arrays and numbers, written by ``engine.save``
(.npz, atomic, never pickle). ``fit(..., resume_from=path)`` with the same arguments continues
where the checkpoint was taken: the same batches in the same order, bit for bit the same
weights on CPU, also from the middle of an epoch.
"""
import os

import numpy as np

from .. import io
from .. import random as _random
from ..tensor import to_numpy

FORMAT = "engine.train.checkpoint"


# ----------------------------------------------------------------------------- files
def save_checkpoint(obj, path):
    """Write a nested checkpoint dict with ``engine.save`` (.npz, atomic, no pickle)."""
    io.save(obj, path)
    return os.fspath(path)


def load_checkpoint(path):
    """Read what ``save_checkpoint`` wrote (never unpickles)."""
    return io.load(path)


# ----------------------------------------------------------------------------- model weights
def model_state(model):
    """A copy of the model's weights: ``state_dict()`` when it has one, else its parameters."""
    if hasattr(model, "state_dict"):
        return {k: np.array(to_numpy(v), copy=True) for k, v in model.state_dict().items()}
    return {name: np.array(to_numpy(p), copy=True) for name, p in model.named_parameters()}


def load_model_state(model, state):
    """Put back weights taken by ``model_state``."""
    if hasattr(model, "load_state_dict"):
        model.load_state_dict(state)
        return
    params = dict(model.named_parameters())
    missing = set(params) - set(state)
    if missing:
        raise KeyError(f"checkpoint lacks parameters {sorted(missing)}")
    for name, p in params.items():
        p.data[...] = np.asarray(state[name])


# ----------------------------------------------------------------------------- generator states
def _encode(obj):
    """Random-generator states hold 128-bit ints: store every int as uint32 words so the
    whole state is arrays and strings (savable with allow_pickle=False)."""
    if isinstance(obj, dict):
        return {str(k): _encode(v) for k, v in obj.items()}
    if isinstance(obj, (bool, np.bool_)):
        return {"__int__": np.asarray([int(obj)], dtype=np.uint32)}
    if isinstance(obj, (int, np.integer)):
        value = int(obj)
        if value < 0:
            raise ValueError("negative ints are not expected in a generator state")
        words = []
        while True:
            words.append(value & 0xFFFFFFFF)
            value >>= 32
            if not value:
                break
        return {"__int__": np.asarray(words, dtype=np.uint32)}
    return obj


def _decode(obj):
    if isinstance(obj, dict):
        if set(obj) == {"__int__"}:
            return sum(int(w) << (32 * i) for i, w in enumerate(np.asarray(obj["__int__"]).ravel()))
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray) and obj.ndim == 0:
        return obj.item()
    return obj


def _callback_key(i, cb):
    return f"{i}_{type(cb).__name__}"


# ----------------------------------------------------------------------------- a run's state
def run_state(run):
    """Everything needed to continue ``run`` (an ``engine.train.Run``) exactly, as a dict."""
    state = {
        "format": FORMAT, "version": 1,
        "epoch": run.epoch, "iteration": run.iteration,
        "batch_in_epoch": run.batch_in_epoch,
        "model": model_state(run.model),
        "history": run.history.state_dict(),
        "epoch_progress": {"loss_sum": run.loss_sum, "n_seen": run.n_seen},
        "rng": {"engine": _encode(_random.get_generator().bit_generator.state)},
        "callbacks": {_callback_key(i, cb): cb.state_dict() for i, cb in enumerate(run.callbacks)},
    }
    if run.loader.shuffle:
        # The data order's generator as it was when this epoch's order was drawn (or, at
        # an epoch boundary, as it is now: about to draw the next epoch's order).
        start = run.epoch_rng_state if run.epoch_rng_state is not None \
            else run.loader.generator.bit_generator.state
        state["rng"]["data_epoch_start"] = _encode(start)
    if run.outputs:
        state["epoch_progress"]["outputs"] = np.concatenate(run.outputs)
        state["epoch_progress"]["targets"] = np.concatenate(run.targets)
    if hasattr(run.optimizer, "state_dict"):
        state["optimizer"] = run.optimizer.state_dict()
    return state


def restore_run(run, state):
    """Put ``run`` back in the state ``run_state`` recorded."""
    if state.get("format") != FORMAT:
        raise ValueError(f"not an engine.train checkpoint (no format={FORMAT!r})")
    run.epoch = int(state["epoch"])
    run.iteration = int(state["iteration"])
    run.batch_in_epoch = int(state["batch_in_epoch"])
    load_model_state(run.model, state["model"])
    if "optimizer" in state and hasattr(run.optimizer, "load_state_dict"):
        run.optimizer.load_state_dict(state["optimizer"])
    run.history.load_state_dict(state["history"])
    progress = state["epoch_progress"]
    run.loss_sum, run.n_seen = float(progress["loss_sum"]), int(progress["n_seen"])
    run.outputs = [np.asarray(progress["outputs"])] if "outputs" in progress else []
    run.targets = [np.asarray(progress["targets"])] if "targets" in progress else []
    rng = state["rng"]
    _random.get_generator().bit_generator.state = _decode(rng["engine"])
    if "data_epoch_start" in rng and run.loader.shuffle:
        # Rewind the data order's generator to the start of the epoch being resumed, so the
        # loop draws that epoch's order again (and skips the batches already done).
        run.loader.generator.bit_generator.state = _decode(rng["data_epoch_start"])
    saved = state.get("callbacks", {})
    for i, cb in enumerate(run.callbacks):
        key = _callback_key(i, cb)
        if key in saved:
            cb.load_state_dict(saved[key])
    run.resumed = True
