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
from ..state_values import cast_for_load, plain_number
from ..tensor import to_numpy
from ..versions import bump

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
    """Put back weights taken by ``model_state`` (all or nothing: every entry is checked first)."""
    if hasattr(model, "load_state_dict"):
        model.load_state_dict(state)
        return
    if not hasattr(state, "items"):
        raise ValueError(f"model weights must be a dict, got {type(state).__name__}")
    params = dict(model.named_parameters())
    missing = set(params) - set(state)
    if missing:
        raise ValueError(f"checkpoint lacks parameters {sorted(missing)}")
    values = {name: cast_for_load(state[name], p.dtype, f"parameter {name!r}", p.shape)
              for name, p in params.items()}
    for name, p in params.items():
        p.data[...] = values[name]
        bump(p.data)


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


def callback_keys(callbacks):
    """A stable name for each callback's state in a checkpoint: its ``state_key`` attribute
    when it has one, else its class name with its rank among callbacks of that class
    ("ModelCheckpoint_0", "LearningRateScheduler_0"). Reordering different callbacks in the
    list keeps every name, so a resumed run gives each callback its own state back."""
    keys, seen = [], {}
    for cb in callbacks:
        key = getattr(cb, "state_key", None)
        if key is None:
            name = type(cb).__name__
            key = f"{name}_{seen.get(name, 0)}"
            seen[name] = seen.get(name, 0) + 1
        key = str(key)
        if key in keys:
            raise ValueError(f"two callbacks have the checkpoint key {key!r}: give them "
                             "different state_key attributes")
        keys.append(key)
    return keys


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
        "callbacks": {key: cb.state_dict()
                      for key, cb in zip(callback_keys(run.callbacks), run.callbacks)},
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


_REQUIRED = ("epoch", "iteration", "batch_in_epoch", "model", "history", "epoch_progress", "rng")


def restore_run(run, state):
    """Put ``run`` back in the state ``run_state`` recorded: all or nothing. The checkpoint's
    parts are checked as they are restored; if any is refused (ValueError), everything
    restored so far is put back as it was before the call."""
    if not hasattr(state, "get") or state.get("format") != FORMAT:
        raise ValueError(f"not an engine.train checkpoint (no format={FORMAT!r})")
    lacking = [k for k in _REQUIRED if k not in state]
    if lacking:
        raise ValueError(f"the checkpoint lacks {lacking}")
    before = run_state(run)
    was_resumed = run.resumed
    try:
        _restore(run, state)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as err:
        _restore(run, before)
        run.resumed = was_resumed
        raise ValueError(f"the checkpoint cannot be restored: {err}") from None


def _counter(state, key):
    return plain_number(state[key], f"checkpoint {key!r}", like=0)


def _restore(run, state):
    run.epoch, run.iteration = _counter(state, "epoch"), _counter(state, "iteration")
    run.batch_in_epoch = _counter(state, "batch_in_epoch")
    if min(run.epoch, run.iteration, run.batch_in_epoch) < 0:
        raise ValueError("negative counters in the checkpoint")
    load_model_state(run.model, state["model"])
    if "optimizer" in state and hasattr(run.optimizer, "load_state_dict"):
        run.optimizer.load_state_dict(state["optimizer"])
    run.history.load_state_dict(state["history"])
    progress = state["epoch_progress"]
    run.loss_sum = plain_number(progress["loss_sum"], "checkpoint loss_sum")
    run.n_seen = plain_number(progress["n_seen"], "checkpoint n_seen", like=0)
    run.outputs = [np.asarray(progress["outputs"])] if "outputs" in progress else []
    run.targets = [np.asarray(progress["targets"])] if "targets" in progress else []
    rng = state["rng"]
    _random.get_generator().bit_generator.state = _decode(rng["engine"])
    if "data_epoch_start" in rng and run.loader.shuffle:
        # Rewind the data order's generator to the start of the epoch being resumed, so the
        # loop draws that epoch's order again (and skips the batches already done).
        run.loader.generator.bit_generator.state = _decode(rng["data_epoch_start"])
    saved = state.get("callbacks", {})
    for i, (key, cb) in enumerate(zip(callback_keys(run.callbacks), run.callbacks)):
        older = f"{i}_{type(cb).__name__}"      # how checkpoints of earlier versions keyed it
        if key in saved or older in saved:
            cb.load_state_dict(saved[key] if key in saved else saved[older])
    run.resumed = True
