"""The training loop: ``fit``, ``evaluate``, ``predict``.

The general steps of learning (unit 4), repeated for every mini-batch::

    out = model(x)                 # forward
    J = loss(out, y)               # cost on the batch
    optimizer.zero_grad()
    J.backward()                   # backprop: ∂J/∂w for every parameter
    optimizer.step()               # update: w ← w − α ∂J/∂w (or momentum, Adam ...)

``batch_size`` picks the flavour of gradient descent: ``None`` — batch GD (the whole set, one
step per epoch); ``1`` — stochastic GD; ``n`` — mini-batch GD.

Conventions
-----------
* ``train_data`` / ``validation_data``: an ``(x, y)`` pair of arrays, or a ``DataLoader``.
  Inputs go to the model as engine Tensors; targets are passed to ``loss`` as NumPy arrays
  (integer class labels cannot be Tensors, which hold floats). A dataset with a single array
  (``(x,)``) trains the model to reproduce its input (autoencoders: target = input).
* Losses and metrics are epoch-level: the epoch loss is the sample-weighted mean of the batch
  losses (exact for mean-reduced losses); metrics are computed once on all the epoch's
  predictions. The "accuracy" metric applies to integer targets (argmax of the outputs, or
  output > 0.5 for a single output column) and is skipped for real-valued targets.
* Resuming: ``ModelCheckpoint`` writes model, optimizer, callback states, the epoch / iteration
  counters, the data-order generator's state at the start of the epoch and the engine
  generator's state (as arrays and numbers, no pickle). ``fit(..., resume_from=path)`` with the
  same arguments continues exactly where the checkpoint was taken — the same batches in the same
  order, bit for bit the same weights on CPU — also from the middle of an epoch.
"""
import os
import sys
import time

import numpy as np

from . import random as _random
from .autograd import no_grad
from .callbacks import (Callback, CSVLogger, EarlyStopping, LearningRateScheduler,  # noqa: F401
                        ModelCheckpoint)
from .data.loader import DataLoader, TensorDataset
from .tensor import Tensor

__all__ = ["fit", "evaluate", "predict", "History", "Run", "Callback", "EarlyStopping",
           "ModelCheckpoint", "LearningRateScheduler", "CSVLogger", "save_checkpoint",
           "load_checkpoint"]


# ----------------------------------------------------------------------------- history
class History:
    """What ``fit`` returns.

    ``history``: dict of lists — "loss" and each metric per epoch, "lr" per epoch (when the
    optimizer has param_groups), "val_loss", "val_<metric>" per validation.
    ``epochs``: the epoch numbers (1-based) of the per-epoch lists; ``val_iterations``: the
    global iteration count at each validation; ``batch_losses``: the loss of every step.
    """

    def __init__(self):
        self.history = {}
        self.epochs = []
        self.val_iterations = []
        self.batch_losses = []

    def append(self, key, value):
        self.history.setdefault(key, []).append(float(value))

    @property
    def iterations(self):
        return self.val_iterations

    def __getitem__(self, key):
        return self.history[key]

    def __repr__(self):
        return f"History(epochs={len(self.epochs)}, keys={sorted(self.history)})"

    def state_dict(self):
        return {"history": {k: np.asarray(v, dtype=np.float64) for k, v in self.history.items()},
                "epochs": np.asarray(self.epochs, dtype=np.int64),
                "val_iterations": np.asarray(self.val_iterations, dtype=np.int64),
                "batch_losses": np.asarray(self.batch_losses, dtype=np.float64)}

    def load_state_dict(self, state):
        self.history = {k: [float(v) for v in np.asarray(a).ravel()]
                        for k, a in state.get("history", {}).items()}
        self.epochs = [int(v) for v in np.asarray(state["epochs"]).ravel()]
        self.val_iterations = [int(v) for v in np.asarray(state["val_iterations"]).ravel()]
        self.batch_losses = [float(v) for v in np.asarray(state["batch_losses"]).ravel()]


# ----------------------------------------------------------------------------- helpers
def _to_numpy(a):
    return a.numpy() if isinstance(a, Tensor) else np.asarray(a)


def _split_batch(batch):
    """(inputs, targets) of a batch tuple; a single array is its own target."""
    if not isinstance(batch, (tuple, list)):
        batch = (batch,)
    x = batch[0]
    y = batch[1] if len(batch) > 1 else batch[0]
    return x, _to_numpy(y)


def _as_input(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _as_loader(data, batch_size, shuffle, generator=None, name="train_data"):
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, TensorDataset):
        return DataLoader(data, batch_size, shuffle=shuffle, generator=generator)
    if isinstance(data, (tuple, list)) and 1 <= len(data) <= 2:
        arrays = [_to_numpy(a) for a in data]
        return DataLoader(TensorDataset(*arrays), batch_size, shuffle=shuffle, generator=generator)
    raise TypeError(f"{name} must be an (x, y) pair of arrays, a TensorDataset or a DataLoader; "
                    f"got {type(data).__name__}")


def _predicted_labels(out):
    out = np.asarray(out)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    return (out.reshape(len(out)) > 0.5).astype(np.int64)


def _metric_fns(metrics):
    fns = {}
    for m in metrics or ():
        if m in ("accuracy", "acc"):
            fns["accuracy"] = lambda y, out: float(np.mean(_predicted_labels(out) == y.reshape(len(y))))
        elif callable(m):
            fns[getattr(m, "__name__", "metric")] = m
        else:
            raise ValueError(f"unknown metric {m!r}: use 'accuracy' or a function fn(y_true, outputs)")
    return fns


def _compute_metrics(fns, y, out):
    logs = {}
    for name, fn in fns.items():
        if name == "accuracy" and y.dtype.kind not in "iub":
            continue          # accuracy is for class labels, not real-valued targets
        logs[name] = float(fn(y, out))
    return logs


def _model_state(model):
    """A copy of the model's weights: ``state_dict()`` when it has one, else its parameters."""
    if hasattr(model, "state_dict"):
        return {k: np.array(_to_numpy(v), copy=True) for k, v in model.state_dict().items()}
    return {name: np.array(p.numpy(), copy=True) for name, p in model.named_parameters()}


def _load_model_state(model, state):
    if hasattr(model, "load_state_dict"):
        model.load_state_dict(state)
        return
    params = dict(model.named_parameters())
    missing = set(params) - set(state)
    if missing:
        raise KeyError(f"checkpoint lacks parameters {sorted(missing)}")
    for name, p in params.items():
        p.data[...] = np.asarray(state[name])


# ----------------------------------------------------------------------------- checkpoint files
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


def save_checkpoint(obj, path):
    """Write a nested checkpoint dict with ``engine.save`` (.npz, atomic, no pickle)."""
    from .io import save
    save(obj, path)
    return os.fspath(path)


def load_checkpoint(path):
    """Read what ``save_checkpoint`` wrote (never unpickles)."""
    from .io import load
    return load(path)


# ----------------------------------------------------------------------------- the run
class Run:
    """The state of one ``fit`` call, handed to callbacks.

    ``epoch``: the current epoch (0-based; after an epoch ends, the number completed);
    ``iteration``: optimizer steps so far; ``batch_in_epoch``: steps done in this epoch;
    ``stop_training``: set it to stop.
    """

    def __init__(self, model, loss, optimizer, loader, validation_data, validate_every,
                 metric_fns, callbacks, eval_batch_size):
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.loader = loader
        self.validation_data = validation_data
        self.validate_every = validate_every
        self.metric_fns = metric_fns
        self.callbacks = list(callbacks)
        self.eval_batch_size = eval_batch_size
        self.history = History()
        self.epoch = self.iteration = self.batch_in_epoch = 0
        self.stop_training = False
        self.resumed = False
        self._reset_epoch()
        self.epoch_rng_state = None

    def _reset_epoch(self):
        self.loss_sum, self.n_seen = 0.0, 0
        self.outputs, self.targets = [], []

    def model_state(self):
        return _model_state(self.model)

    def load_model_state(self, state):
        _load_model_state(self.model, state)

    # -- checkpoints
    def checkpoint(self):
        state = {
            "format": "engine.train.checkpoint", "version": 1,
            "epoch": self.epoch, "iteration": self.iteration,
            "batch_in_epoch": self.batch_in_epoch,
            "model": self.model_state(),
            "history": self.history.state_dict(),
            "epoch_progress": {"loss_sum": self.loss_sum, "n_seen": self.n_seen},
            "rng": {"engine": _encode(_random.get_generator().bit_generator.state)},
            "callbacks": {f"{i}_{type(cb).__name__}": cb.state_dict()
                          for i, cb in enumerate(self.callbacks)},
        }
        if self.loader.shuffle:
            # The data order's generator as it was when this epoch's order was drawn (or, at
            # an epoch boundary, as it is now: about to draw the next epoch's order).
            start = self.epoch_rng_state if self.epoch_rng_state is not None \
                else self.loader.generator.bit_generator.state
            state["rng"]["data_epoch_start"] = _encode(start)
        if self.outputs:
            state["epoch_progress"]["outputs"] = np.concatenate(self.outputs)
            state["epoch_progress"]["targets"] = np.concatenate(self.targets)
        if hasattr(self.optimizer, "state_dict"):
            state["optimizer"] = self.optimizer.state_dict()
        return state

    def save_checkpoint(self, path):
        return save_checkpoint(self.checkpoint(), path)

    def restore(self, state):
        if state.get("format") != "engine.train.checkpoint":
            raise ValueError("not an engine.train checkpoint (no format='engine.train.checkpoint')")
        self.epoch = int(state["epoch"])
        self.iteration = int(state["iteration"])
        self.batch_in_epoch = int(state["batch_in_epoch"])
        self.load_model_state(state["model"])
        if "optimizer" in state and hasattr(self.optimizer, "load_state_dict"):
            self.optimizer.load_state_dict(state["optimizer"])
        self.history.load_state_dict(state["history"])
        progress = state["epoch_progress"]
        self.loss_sum, self.n_seen = float(progress["loss_sum"]), int(progress["n_seen"])
        self.outputs = [np.asarray(progress["outputs"])] if "outputs" in progress else []
        self.targets = [np.asarray(progress["targets"])] if "targets" in progress else []
        rng = state["rng"]
        _random.get_generator().bit_generator.state = _decode(rng["engine"])
        if "data_epoch_start" in rng and self.loader.shuffle:
            # Rewind the data order's generator to the start of the epoch being resumed, so the
            # loop draws that epoch's order again (and skips the batches already done).
            self.loader.generator.bit_generator.state = _decode(rng["data_epoch_start"])
        saved = state.get("callbacks", {})
        for i, cb in enumerate(self.callbacks):
            key = f"{i}_{type(cb).__name__}"
            if key in saved:
                cb.load_state_dict(saved[key])
        self.resumed = True

    # -- the loop's pieces
    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)

    def validate(self):
        logs = evaluate(self.model, self.loss, self.validation_data, self.eval_batch_size,
                        metrics=None, _metric_fns=self.metric_fns)
        logs = {f"val_{k}": v for k, v in logs.items()}
        for k, v in logs.items():
            self.history.append(k, v)
        self.history.val_iterations.append(self.iteration)
        self._call("on_validation_end", logs)
        self.model.train()
        return logs

    def train_step(self, batch):
        x, y = _split_batch(batch)
        out = self.model(_as_input(x))
        value = self.loss(out, y)
        loss = float(value.item())
        if not np.isfinite(loss):        # stop before the update spreads NaN into the weights
            raise FloatingPointError(f"the loss became {loss} at iteration {self.iteration + 1} "
                                     "(learning rate too high?)")
        self.optimizer.zero_grad()
        value.backward()
        self.optimizer.step()
        n = len(y)
        self.loss_sum += loss * n
        self.n_seen += n
        if self.metric_fns:
            self.outputs.append(out.numpy())
            self.targets.append(y)
        self.iteration += 1
        self.batch_in_epoch += 1
        self.history.batch_losses.append(loss)
        return loss

    def end_epoch(self):
        logs = {"loss": self.loss_sum / max(self.n_seen, 1)}
        if self.outputs:
            logs.update(_compute_metrics(self.metric_fns, np.concatenate(self.targets),
                                         np.concatenate(self.outputs)))
        if hasattr(self.optimizer, "param_groups"):
            logs["lr"] = float(self.optimizer.param_groups[0]["lr"])
        for k, v in logs.items():
            self.history.append(k, v)
        self.history.epochs.append(self.epoch + 1)
        if self.validation_data is not None and not self.validate_every:
            logs.update(self.validate())
        elif self.validation_data is not None:
            logs.update({k: v[-1] for k, v in self.history.history.items()
                         if k.startswith("val_") and v})
        self.epoch += 1
        self.batch_in_epoch = 0
        self.epoch_rng_state = None
        self._reset_epoch()
        return logs


# ----------------------------------------------------------------------------- progress
def _progress(verbose, total, initial, desc):
    if verbose != 1:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=initial, desc=desc, leave=True, dynamic_ncols=True,
                file=sys.stderr)


def _format_logs(logs):
    return " ".join(f"{k}={v:.4g}" for k, v in logs.items() if np.isscalar(v))


# ----------------------------------------------------------------------------- fit
def fit(model, loss, optimizer, train_data, epochs=1, batch_size=32, validation_data=None,
        validate_every=None, callbacks=(), verbose=1, shuffle=True, seed=None,
        metrics=("accuracy",), resume_from=None, eval_batch_size=None):
    """Train ``model`` and return a ``History``.

    model: a callable Module (``model(x) -> Tensor``) with ``train()``/``eval()``.
    loss: ``loss(outputs, targets) -> scalar Tensor`` (e.g. ``F.cross_entropy``).
    optimizer: has ``zero_grad()`` and ``step()`` (and ``param_groups``, ``state_dict()``).
    train_data: ``(x, y)`` arrays or a ``DataLoader`` (then ``batch_size``/``shuffle`` are its own).
    epochs: total number of epochs (a resumed run continues up to the same total).
    batch_size: ``None`` batch GD, ``1`` stochastic GD, ``n`` mini-batch GD.
    validation_data: ``(x, y)`` or a DataLoader, evaluated at each epoch end, or every
        ``validate_every`` iterations (optimizer steps) when given.
    callbacks: ``EarlyStopping``, ``ModelCheckpoint``, ``LearningRateScheduler``, ``CSVLogger``...
    verbose: 0 silent, 1 a progress bar per epoch (tqdm.auto: fine in notebooks), 2 a line per epoch.
    seed: seeds the data order (default: drawn from the engine's generator, so
        ``engine.manual_seed`` makes runs repeatable).
    metrics: "accuracy" and/or functions ``fn(y_true, outputs) -> float``, on whole epochs.
    resume_from: a checkpoint written by ``ModelCheckpoint`` to continue from exactly.
    """
    if epochs < 0 or int(epochs) != epochs:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    if validate_every is not None and (int(validate_every) != validate_every or validate_every < 1):
        raise ValueError(f"validate_every must be a positive int (iterations) or None, "
                         f"got {validate_every!r}")
    data_rng = np.random.default_rng(seed if seed is not None
                                     else int(_random.get_generator().integers(2 ** 63)))
    loader = _as_loader(train_data, batch_size, shuffle, data_rng)
    if loader.shuffle and loader.generator is None:
        loader.generator = data_rng       # a generator of its own, so its state can be saved
    if validation_data is not None and not isinstance(validation_data, DataLoader):
        validation_data = _as_loader(validation_data, eval_batch_size or batch_size or 1024,
                                     False, name="validation_data")
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be Callback instances, got {type(cb).__name__}")
    run = Run(model, loss, optimizer, loader, validation_data, validate_every,
              _metric_fns(metrics), callbacks, eval_batch_size or batch_size or 1024)
    if resume_from is not None:
        run.restore(load_checkpoint(resume_from))
    run._call("on_train_begin")
    n_batches = len(loader)
    try:
        while run.epoch < epochs and not run.stop_training:
            if loader.shuffle:            # remembered for a checkpoint taken mid-epoch
                run.epoch_rng_state = loader.generator.bit_generator.state
            order = loader.epoch_order()
            run._call("on_epoch_begin")
            model.train()
            bar = _progress(verbose, n_batches, run.batch_in_epoch, f"epoch {run.epoch + 1}/{epochs}")
            for batch in loader.iter_batches(order, start=run.batch_in_epoch):
                loss_value = run.train_step(batch)
                if bar is not None:
                    bar.update(1)
                    if run.batch_in_epoch % 10 == 0 or run.batch_in_epoch == n_batches:
                        bar.set_postfix(loss=f"{run.loss_sum / run.n_seen:.4f}", refresh=False)
                run._call("on_batch_end", {"loss": loss_value, "iteration": run.iteration})
                if (validation_data is not None and validate_every
                        and run.iteration % validate_every == 0):
                    run.validate()
                if run.stop_training:
                    break
            if run.stop_training and run.batch_in_epoch < n_batches:
                if bar is not None:
                    bar.close()
                break             # stopped mid-epoch: no epoch-level entry for a partial epoch
            started = time.perf_counter()
            logs = run.end_epoch()
            if bar is not None:
                bar.set_postfix_str(_format_logs(logs), refresh=True)
                bar.close()
            elif verbose == 2:
                print(f"epoch {run.epoch}/{epochs} {_format_logs(logs)} "
                      f"({time.perf_counter() - started:.2f}s eval)", flush=True)
            run._call("on_epoch_end", logs)
    finally:
        model.train()
    run._call("on_train_end")
    return run.history


# ----------------------------------------------------------------------------- evaluate / predict
def _batches(data, batch_size):
    if isinstance(data, DataLoader):
        return data
    return _as_loader(data, batch_size, False, name="data")


def evaluate(model, loss, data, batch_size=256, metrics=("accuracy",), _metric_fns=None):
    """Loss and metrics of ``model`` on ``data`` (``(x, y)`` or a DataLoader), in eval mode
    without recording gradients. Returns a dict, e.g. ``{"loss": 0.21, "accuracy": 0.94}``;
    the loss is the sample-weighted mean over batches, metrics use all predictions at once."""
    fns = _metric_fns if _metric_fns is not None else _metric_fns_or_empty(metrics)
    was_training = getattr(model, "training", True)
    model.eval()
    total, count, outputs, targets = 0.0, 0, [], []
    try:
        with no_grad():
            for batch in _batches(data, batch_size):
                x, y = _split_batch(batch)
                out = model(_as_input(x))
                if loss is not None:
                    total += float(loss(out, y).item()) * len(y)
                count += len(y)
                if fns:
                    outputs.append(out.numpy())
                    targets.append(y)
    finally:
        model.train(was_training)
    logs = {"loss": total / max(count, 1)} if loss is not None else {}
    if fns and outputs:
        logs.update(_compute_metrics(fns, np.concatenate(targets), np.concatenate(outputs)))
    return logs


def _metric_fns_or_empty(metrics):
    return _metric_fns(metrics) if metrics else {}


def predict(model, x, batch_size=256):
    """The model's outputs for inputs ``x`` (an array, Tensor or DataLoader) as one NumPy
    array, computed in eval mode without gradients (dropout off, batch norm frozen)."""
    was_training = getattr(model, "training", True)
    model.eval()
    outs = []
    try:
        with no_grad():
            if isinstance(x, DataLoader):
                batches = (_split_batch(b)[0] for b in x)
            else:
                arr = _to_numpy(x)
                step = len(arr) if batch_size is None else batch_size
                batches = (arr[i:i + step] for i in range(0, len(arr), step))
            for xb in batches:
                outs.append(model(_as_input(xb)).numpy())
    finally:
        model.train(was_training)
    return np.concatenate(outs)
