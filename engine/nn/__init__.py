"""``engine.nn``: layers (Modules), their parameters, and the functional forms in ``F``."""
from . import functional
from .activation import (ELU, Heaviside, Identity, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid,
                         Softmax, Softplus, Tanh)
from .module import Module, Sequential
from .parameter import Parameter

__all__ = ["functional", "Module", "Sequential", "Parameter", "ReLU", "LeakyReLU", "PReLU", "ELU",
           "Sigmoid", "Tanh", "Softplus", "Heaviside", "Softmax", "LogSoftmax", "Identity"]
