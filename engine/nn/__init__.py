"""``engine.nn``: layers (Modules), their parameters, and the functional forms in ``F``."""
from . import functional
from .activation import (ELU, Heaviside, Identity, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid,
                         Softmax, Softplus, Tanh)
from .module import Module, Sequential
from .parameter import Parameter

__all__ = ["functional", "Module", "Sequential", "Parameter", "ReLU", "LeakyReLU", "PReLU", "ELU",
           "Sigmoid", "Tanh", "Softplus", "Heaviside", "Softmax", "LogSoftmax", "Identity"]

# --- convolution and pooling layers (conv branch) ---------------------------------------
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose2d  # noqa: E402
from .pooling import AvgPool1d, AvgPool2d, Flatten, MaxPool1d, MaxPool2d  # noqa: E402

__all__ += ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d",
            "AvgPool1d", "AvgPool2d", "Flatten"]
