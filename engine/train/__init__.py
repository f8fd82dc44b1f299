"""``engine.train``: the training loop ``fit``, ``evaluate``, ``predict``, callbacks, checkpoints.

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
* Resuming: ``ModelCheckpoint`` writes the run's whole state (see ``checkpoint``);
  ``fit(..., resume_from=path)`` with the same arguments continues exactly where it was taken.

Reading order: ``loop`` (``fit``) → ``run`` (one step, one epoch's end) → ``batches`` (data in,
batches out) → ``epoch_metrics`` → ``evaluation`` (``evaluate``, ``predict``) → ``history`` →
``checkpoint`` → ``callbacks``.
"""
from .callbacks import Callback, CSVLogger, EarlyStopping, LearningRateScheduler, ModelCheckpoint
from .checkpoint import load_checkpoint, save_checkpoint
from .evaluation import evaluate, predict
from .history import History
from .loop import fit
from .run import Run

__all__ = ["fit", "evaluate", "predict", "History", "Run", "Callback", "EarlyStopping",
           "ModelCheckpoint", "LearningRateScheduler", "CSVLogger", "save_checkpoint",
           "load_checkpoint"]
