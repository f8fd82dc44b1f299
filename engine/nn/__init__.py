"""``engine.nn``: layers (Modules), their parameters, initialisers, losses, and ``F``."""
from . import functional, init, utils  # utils: clip_grad_norm_, clip_grad_value_
from .activation import *  # noqa: F401,F403  (ReLU, ...: made from engine.ops.activation.LAYERS)
from .activation import __all__ as _activations
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose2d
from .dropout import Dropout, Dropout2d
from .embedding import Embedding
from .linear import Dense, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, KLDivNormal, L1Loss,
                   MSELoss, NLLLoss, SmoothL1Loss)
from .container import ModuleDict, ModuleList, Sequential
from .freeze import freeze, is_frozen, unfreeze
from .module import Module
from .normalization import LayerNorm
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Flatten, MaxPool1d, MaxPool2d
from .reshape import Reshape
from .rnn import LSTM, RNN
from .upsample import Upsample

__all__ = [
    "functional", "init", "Module", "Sequential", "ModuleList", "ModuleDict", "Parameter",
    "freeze", "unfreeze", "is_frozen",
    # activations
    *_activations,
    # layers
    "Linear", "Dense", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d",
    "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Reshape", "Dropout", "Dropout2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm",
    "RNN", "LSTM", "Embedding", "Upsample",
    # losses
    "MSELoss", "L1Loss", "HingeLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivNormal", "NLLLoss", "SmoothL1Loss", "utils",
]
