"""``engine.optim``: optimizers (PyTorch's update rules), learning-rate schedules, penalties."""
from . import lr_scheduler
from .adaptive import Adadelta, Adagrad, Adam, AdamW, RMSprop
from .optimizer import Optimizer
from .penalties import l1_penalty, l2_penalty
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "lr_scheduler",
           "l1_penalty", "l2_penalty"]
