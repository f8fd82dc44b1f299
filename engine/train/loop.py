"""``fit``: the training loop, with validation, callbacks, progress and exact resume."""
import os
import sys
import time

import numpy as np

from .. import random as _random
from ..devices import check_available
from ..validate import non_negative_int, positive_int
from .batches import as_loader
from .callbacks import Callback
from .checkpoint import load_checkpoint
from .epoch_metrics import metric_fns
from .run import Run


def _progress(verbose, total, initial, desc):
    if verbose != 1:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:        # tqdm is optional: without it, no bar
        return None
    return tqdm(total=total, initial=initial, desc=desc, leave=True, dynamic_ncols=True,
                file=sys.stderr)


def _format_logs(logs):
    return " ".join(f"{k}={v:.4g}" for k, v in logs.items() if np.isscalar(v))


def fit(model, loss, optimizer, train_data, epochs=1, batch_size=32, validation_data=None,
        validate_every=None, callbacks=(), verbose=1, shuffle=True, seed=None,
        metrics=("accuracy",), resume_from=None, eval_batch_size=None, device=None):
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
    device: train there (e.g. "cuda"): the model is moved there first (in place, as
        ``model.to(device)``), each batch is copied there, and the outputs come back to the
        host only for the metrics. Checkpoints hold host arrays either way.
    """
    if device is not None:
        device = check_available(device)
        if hasattr(model, "to"):
            model.to(device)
    epochs = non_negative_int(epochs, "epochs")
    if verbose not in (0, 1, 2) or not isinstance(verbose, (int, np.integer)):
        raise ValueError(f"verbose must be 0, 1 or 2, got {verbose!r}")
    eval_batch_size = positive_int(eval_batch_size, "eval_batch_size", allow_none=True)
    validate_every = positive_int(validate_every, "validate_every", allow_none=True)
    data_rng = np.random.default_rng(seed if seed is not None
                                     else int(_random.get_generator().integers(2 ** 63)))
    loader = as_loader(train_data, batch_size, shuffle, data_rng, name="train_data")
    if len(loader) == 0:
        raise ValueError(f"fit: train_data gives no batches ({len(loader.dataset)} samples"
                         + (", drop_last with fewer than one batch" if len(loader.dataset) else "")
                         + "); training needs at least one sample")
    if loader.shuffle and loader.generator is None:
        loader.generator = data_rng       # a generator of its own, so its state can be saved
    eval_batch_size = eval_batch_size or batch_size or 1024
    if validation_data is not None:
        validation_data = as_loader(validation_data, eval_batch_size, name="validation_data")
        if len(validation_data) == 0:
            raise ValueError("fit: validation_data gives no batches (no samples)")
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be Callback instances, got {type(cb).__name__}")
    run = Run(model, loss, optimizer, loader, validation_data, validate_every,
              metric_fns(metrics, loss), callbacks, eval_batch_size, device)
    if resume_from is not None:
        state = load_checkpoint(resume_from)
        try:
            run.restore(state)
        except ValueError as err:
            raise ValueError(f"resume_from={os.fspath(resume_from)!r}: {err}") from None
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
