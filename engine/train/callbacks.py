"""Callbacks for ``engine.train.fit``: hooks called at points of the training loop.

A callback overrides any of ``on_train_begin(run)``, ``on_epoch_begin(run)``,
``on_batch_end(run, logs)``, ``on_validation_end(run, logs)``, ``on_epoch_end(run, logs)``,
``on_train_end(run)``. ``run`` (an ``engine.train.Run``) holds the model, optimizer, history and
counters; setting ``run.stop_training = True`` ends training after the current step.
Callbacks with state (``state_dict()/load_state_dict()``) are saved in checkpoints, so a resumed
run continues them too. (Also importable as ``engine.callbacks``.)
"""
import csv
import inspect
import math
import numbers
import os

import numpy as np

from ..state_values import plain_number
from ..validate import non_negative_int, real_number

__all__ = ["Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler", "CSVLogger"]


class Callback:
    """Base class: every hook does nothing; override the ones you need."""

    def on_train_begin(self, run): pass
    def on_epoch_begin(self, run): pass
    def on_batch_end(self, run, logs): pass
    def on_validation_end(self, run, logs): pass
    def on_epoch_end(self, run, logs): pass
    def on_train_end(self, run): pass

    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        pass


_MAX_WORDS = ("acc", "auc", "precision", "recall", "f1", "score", "specificity")


def _finite_number(value, name, minimum=None):
    """A real, finite number (at least ``minimum``): NaN would make every comparison false."""
    value = real_number(value, name)
    if not math.isfinite(value) or (minimum is not None and value < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"{name} must be a finite number{bound}, got {value}")
    return value


def _check_monitor(monitor):
    if not isinstance(monitor, str) or not monitor:
        raise TypeError(f"monitor must be the name of a logged value (a string), got {monitor!r}")
    return monitor


def _resolve_mode(mode, monitor):
    if mode == "auto":
        return "max" if any(w in monitor for w in _MAX_WORDS) else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    return mode


class _Monitoring(Callback):
    """Watches ``monitor`` when it is updated: after each validation for "val_*" keys,
    else at each epoch end."""

    def __init__(self, monitor, mode, min_delta=0.0):
        self.monitor = _check_monitor(monitor)
        self.mode = _resolve_mode(mode, monitor)
        self.min_delta = abs(_finite_number(min_delta, "min_delta"))
        self.best = math.inf if self.mode == "min" else -math.inf

    def _improved(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_train_begin(self, run):
        if self.monitor.startswith("val_") and run.validation_data is None:
            raise ValueError(f"{type(self).__name__} monitors {self.monitor!r} but fit() got no "
                             "validation_data")

    def _on_update(self, run, logs):
        raise NotImplementedError

    def on_validation_end(self, run, logs):
        if self.monitor.startswith("val_"):
            self._on_update(run, logs)

    def on_epoch_end(self, run, logs):
        if not self.monitor.startswith("val_"):
            self._on_update(run, logs)

    def _value(self, logs):
        if self.monitor not in logs:
            raise ValueError(f"{type(self).__name__}: {self.monitor!r} is not logged; available: "
                           f"{sorted(logs)}")
        return float(logs[self.monitor])


class EarlyStopping(_Monitoring):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    checks (validations or epochs), and always put back the weights of the best check —
    when stopping early and when training ends normally."""

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto"):
        super().__init__(monitor, mode, min_delta)
        self.patience = non_negative_int(patience, "patience")
        self.wait = 0
        self.best_weights = None
        self.stopped = False

    def _on_update(self, run, logs):
        value = self._value(logs)
        if self._improved(value):
            self.best, self.wait = value, 0
            self.best_weights = run.model_state()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped = True
                run.stop_training = True

    def on_train_end(self, run):
        if self.best_weights is not None:
            run.load_model_state(self.best_weights)

    def state_dict(self):
        state = {"best": self.best, "wait": self.wait, "stopped": int(self.stopped)}
        if self.best_weights is not None:
            state["best_weights"] = self.best_weights
        return state

    def load_state_dict(self, state):
        self.best, self.wait = float(state["best"]), int(state["wait"])
        self.stopped = bool(int(state["stopped"]))
        self.best_weights = state.get("best_weights")


class ModelCheckpoint(_Monitoring):
    """Write a checkpoint (model, optimizer, counters, random states) to ``path`` each time
    ``monitor`` is updated, or only when it improves with ``save_best_only``. ``path`` may hold
    ``{epoch}`` / ``{iteration}``. Files are written atomically; ``fit(..., resume_from=path)``
    continues the run from one."""

    def __init__(self, path, monitor="val_loss", save_best_only=False, mode="auto"):
        super().__init__(monitor, mode)
        self.path = os.fspath(path)
        try:                # fail now, not at the first save after an epoch of training
            self.path.format(epoch=0, iteration=0)
        except (KeyError, IndexError, ValueError) as err:
            raise ValueError(f"ModelCheckpoint path {self.path!r} may only hold {{epoch}} and "
                             f"{{iteration}} fields ({type(err).__name__}: {err})") from None
        if not isinstance(save_best_only, (bool, np.bool_)):
            raise TypeError(f"save_best_only must be True or False, got {save_best_only!r}")
        self.save_best_only = bool(save_best_only)
        self.saved = []

    def on_train_begin(self, run):
        if self.save_best_only:
            super().on_train_begin(run)
        # With validate_every, save right after each validation (possibly mid-epoch); otherwise
        # at the epoch's end, once its counters and history are complete (so a resume from the
        # file starts the next epoch instead of repeating this one).
        self._use_validation = bool(self.monitor.startswith("val_") and run.validate_every
                                    and run.validation_data is not None)

    def on_validation_end(self, run, logs):
        if self._use_validation:
            self._on_update(run, logs)

    def on_epoch_end(self, run, logs):
        if not self._use_validation:
            self._on_update(run, logs)

    def _on_update(self, run, logs):
        if self.save_best_only:
            value = self._value(logs)
            if not self._improved(value):
                return
            self.best = value
        path = self.path.format(epoch=run.epoch, iteration=run.iteration)
        # Written once every callback has run this hook (see Run.request_checkpoint).
        run.request_checkpoint(path)
        self.saved.append(path)

    def state_dict(self):
        return {"best": self.best}

    def load_state_dict(self, state):
        self.best = float(state["best"])


def _set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


class LearningRateScheduler(Callback):
    """Change the learning rate each epoch.

    ``schedule``: a function ``fn(epoch) -> lr`` or ``fn(epoch, lr) -> lr`` (called at the start
    of each epoch, epochs counted from 0), or a scheduler object from ``engine.optim.lr_scheduler``
    (its ``step()`` is called at each epoch end; ``ReduceLROnPlateau`` gets ``logs[monitor]``).
    """

    def __init__(self, schedule, monitor="val_loss"):
        self.schedule = schedule
        self.monitor = monitor
        self._is_scheduler = hasattr(schedule, "step")
        if not self._is_scheduler:
            if not callable(schedule):
                raise TypeError("schedule must be a function or a scheduler with step()")
            self._nargs = len(inspect.signature(schedule).parameters)

    def on_epoch_begin(self, run):
        if not self._is_scheduler:
            lr = run.optimizer.param_groups[0]["lr"]
            new = self.schedule(run.epoch) if self._nargs == 1 else self.schedule(run.epoch, lr)
            _set_lr(run.optimizer, _finite_number(new, "the learning rate the schedule returned",
                                                  minimum=0.0))

    def on_epoch_end(self, run, logs):
        if self._is_scheduler:
            if type(self.schedule).__name__ == "ReduceLROnPlateau":
                if self.monitor not in logs:
                    raise ValueError(f"LearningRateScheduler: {self.monitor!r} is not logged; "
                                     f"available: {sorted(logs)}")
                self.schedule.step(logs[self.monitor])
            else:
                self.schedule.step()

    def state_dict(self):
        if self._is_scheduler and hasattr(self.schedule, "state_dict"):
            return {"scheduler": {k: v for k, v in self.schedule.state_dict().items()
                                  if _storable(v)}}
        return {}

    def load_state_dict(self, state):
        if "scheduler" in state:
            self.schedule.load_state_dict(_checked_scheduler_state(self.schedule,
                                                                   state["scheduler"]))


def _storable(value):
    """Whether a checkpoint (``engine.save``) can hold this scheduler entry. Others — a
    schedule's table of phases mixing names and numbers — are fixed by the constructor's
    arguments, so leaving them out loses nothing on resume."""
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, numbers.Real) for v in value)
    return value is None or isinstance(value, (numbers.Real, str, np.ndarray))


def _checked_scheduler_state(scheduler, saved):
    """``saved`` checked against the scheduler's own state: no unknown entries, numbers where
    it has numbers (0-d arrays unwrapped), lists of numbers of the same length where it has
    lists — so a damaged checkpoint is refused before the scheduler changes."""
    current = scheduler.state_dict()
    if not hasattr(saved, "items"):
        raise ValueError(f"scheduler state must be a dict, got {type(saved).__name__}")
    unknown = sorted(set(saved) - set(current))
    if unknown:
        raise ValueError(f"scheduler state has entries {unknown} that "
                         f"{type(scheduler).__name__} does not have")
    checked = {}
    for key, value in saved.items():
        mine, name = current[key], f"scheduler state {key!r}"
        if isinstance(mine, numbers.Number) and not isinstance(mine, bool):
            value = plain_number(value, name)
        elif isinstance(mine, (list, tuple)):
            if np.ndim(value) != 1 or len(value) != len(mine):
                raise ValueError(f"{name}: expected {len(mine)} values, got {value!r}")
            value = [plain_number(v, name) if isinstance(m, numbers.Number) else v
                     for v, m in zip(value, mine)]
        checked[key] = value
    return checked


class CSVLogger(Callback):
    """One CSV row per epoch: epoch, every logged value (loss, accuracy, val_loss, ...) and lr.
    A resumed run appends to the file."""

    def __init__(self, path, separator=","):
        self.path = os.fspath(path)
        self.separator = separator
        self._keys = None

    def on_train_begin(self, run):
        self._append = run.resumed and os.path.exists(self.path)
        if self._append:
            try:
                with open(self.path, newline="", encoding="utf-8") as f:
                    header = next(csv.reader(f, delimiter=self.separator), None)
            except (UnicodeDecodeError, csv.Error) as err:
                raise ValueError(f"CSVLogger: {self.path} cannot be appended to: {err}") from None
            if header and header[0] != "epoch":
                raise ValueError(f"CSVLogger: {self.path} is not a CSVLogger log (its header "
                                 f"starts with {header[0]!r}, not 'epoch'); appending would "
                                 "mix two files")
            self._keys = header[1:] if header else None

    def on_epoch_end(self, run, logs):
        row = {k: v for k, v in logs.items() if np.isscalar(v)}
        if self._keys is None:
            self._keys = sorted(row)
        mode = "a" if self._append else "w"
        with open(self.path, mode, newline="") as f:
            writer = csv.writer(f, delimiter=self.separator)
            if not self._append:
                writer.writerow(["epoch"] + self._keys)
            writer.writerow([run.epoch] + [row.get(k, "") for k in self._keys])
        self._append = True
