"""``Run``: the state of one ``fit`` call and the steps of its loop, handed to callbacks."""
import numpy as np

from ..tensor import to_numpy
from .batches import as_input, split_batch
from .checkpoint import load_model_state, model_state, restore_run, run_state, save_checkpoint
from .epoch_metrics import compute_metrics
from .evaluation import evaluate
from .history import History


class Run:
    """The state of one ``fit`` call, handed to callbacks.

    ``epoch``: the current epoch (0-based; after an epoch ends, the number completed);
    ``iteration``: optimizer steps so far; ``batch_in_epoch``: steps done in this epoch;
    ``stop_training``: set it to stop.
    """

    def __init__(self, model, loss, optimizer, loader, validation_data, validate_every,
                 metric_fns, callbacks, eval_batch_size, device=None):
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.device = device            # where each batch goes (None: where the loader puts it)
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
        self._pending_saves = []
        self._reset_epoch()
        self.epoch_rng_state = None

    def _reset_epoch(self):
        self.loss_sum, self.n_seen = 0.0, 0
        self.outputs, self.targets = [], []

    # -- weights and checkpoints (see engine.train.checkpoint)
    def model_state(self):
        return model_state(self.model)

    def load_model_state(self, state):
        load_model_state(self.model, state)

    def checkpoint(self):
        return run_state(self)

    def save_checkpoint(self, path):
        return save_checkpoint(self.checkpoint(), path)

    def request_checkpoint(self, path):
        """Save a checkpoint to ``path`` once every callback has run the current hook, so it
        holds the state of all of them after this point of the loop (a learning-rate scheduler
        listed after ``ModelCheckpoint`` has stepped too), whatever their order."""
        self._pending_saves.append(path)

    def restore(self, state):
        restore_run(self, state)

    # -- the loop's pieces
    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)
        pending, self._pending_saves = self._pending_saves, []
        for path in pending:
            self.save_checkpoint(path)

    def validate(self):
        logs = evaluate(self.model, self.loss, self.validation_data, self.eval_batch_size,
                        metrics=self.metric_fns, device=self.device)
        logs = {f"val_{k}": v for k, v in logs.items()}
        for k, v in logs.items():
            self.history.append(k, v)
        self.history.val_iterations.append(self.iteration)
        self._call("on_validation_end", logs)
        self.model.train()
        return logs

    def train_step(self, batch):
        """One optimizer step: forward, loss, backprop, update (unit 4's general steps)."""
        x, y = split_batch(batch, self.device)
        out = self.model(as_input(x))
        value = self.loss(out, y)
        loss = float(value.item())
        if not np.isfinite(loss):        # stop before the update spreads NaN into the weights
            _refuse_non_finite_data(x, y, self.iteration + 1)
            raise FloatingPointError(f"the loss became {loss} at iteration {self.iteration + 1} "
                                     "(learning rate too high?)")
        self.optimizer.zero_grad()
        value.backward()
        self.optimizer.step()
        n = len(y)
        self.loss_sum += loss * n
        self.n_seen += n
        if self.metric_fns:
            self.outputs.append(to_numpy(out))      # the metrics run on the host
            self.targets.append(to_numpy(y))
        self.iteration += 1
        self.batch_in_epoch += 1
        self.history.batch_losses.append(loss)
        return loss

    def end_epoch(self):
        """Record the epoch's loss, metrics and learning rate (and validate, unless that runs
        every ``validate_every`` iterations); returns the epoch's logs."""
        logs = {"loss": self.loss_sum / max(self.n_seen, 1)}
        if self.outputs:
            logs.update(compute_metrics(self.metric_fns, np.concatenate(self.targets),
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


def _refuse_non_finite_data(x, y, iteration):
    """When the loss is not finite, say so if the batch itself holds NaN or infinity (bad data,
    not a diverging run)."""
    for name, value in (("inputs", x), ("targets", y)):
        arr = to_numpy(value)
        if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
            raise ValueError(f"the {name} of the batch at iteration {iteration} hold NaN or "
                             "infinity; clean the data (e.g. SimpleImputer) before training")
