"""``engine.nn``: layers (Modules), their parameters, and the functional forms in ``F``."""
from . import functional
from .activation import (ELU, Heaviside, Identity, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid,
                         Softmax, Softplus, Tanh)
from .module import Module, Sequential
from .parameter import Parameter

__all__ = ["functional", "Module", "Sequential", "Parameter", "ReLU", "LeakyReLU", "PReLU", "ELU",
           "Sigmoid", "Tanh", "Softplus", "Heaviside", "Softmax", "LogSoftmax", "Identity"]

# ---------------------------------------------------------------------------------------
# pylayer branch: layers, losses, initialisers.
from . import init  # noqa: E402
from .batchnorm import BatchNorm1d, BatchNorm2d  # noqa: E402
from .dropout import Dropout  # noqa: E402
from .embedding import Embedding  # noqa: E402
from .linear import Dense, Linear  # noqa: E402
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, KLDivNormal,  # noqa: E402
                   L1Loss, MSELoss)
from .reshape import Reshape  # noqa: E402
from .rnn import LSTM, RNN  # noqa: E402

__all__ += ["init", "Linear", "Dense", "Reshape", "Dropout", "BatchNorm1d", "BatchNorm2d", "RNN",
            "LSTM", "Embedding", "MSELoss", "L1Loss", "HingeLoss", "CrossEntropyLoss", "BCELoss",
            "BCEWithLogitsLoss", "KLDivNormal"]
