"""engine: a deep-learning engine for teaching, fast enough to be used for real.

Three layers, each readable on its own: C kernels (``csrc/``, wrapped by ``engine._C``) with
their NumPy twins (``engine.backend.reference``); autograd (``Tensor``, ``Function``);
and the library on top (``engine.nn``, ``engine.optim``, ``engine.data``, ``engine.metrics``,
``engine.train``; ``engine.viz`` for plots).
"""
from . import tensor_methods  # noqa: F401  (binds Tensor's operators and methods: first)
from . import accelerator, backends, cuda, data, metrics, nn, optim, train
from . import utils, vision  # PyTorch-shaped: engine.utils.data, engine.vision (torchvision)
from ._version import __version__
from .autograd import Function, enable_grad, is_grad_enabled, no_grad
from .backend import get_backend, get_num_threads, set_backend, set_num_threads, using_backend
from .devices import device
from .dtypes import float32, float64, int8, int16, int32, int64, uint8
# torch.bool, torch.float, torch.int ... (attributes only: not in __all__, so that
# ``from engine import *`` leaves Python's bool, float and int alone)
from .dtypes import bool, double, float, int, long, short  # noqa: A004
from .gradcheck import GradcheckError, gradcheck
from .io import load, save
from .ops import (abs, cast, clip, concatenate, div, exp, log, matmul, mean, mul, neg, pow,
                  reshape, sqrt, stack, sub, sum, transpose)
from .ops import add
from .ops import max  # noqa: A004  (engine.max mirrors torch.max)
from .random import manual_seed
from .tensor import Tensor, tensor
from .functions import *  # noqa: F401,F403  (zeros, randn, cat, argmax ...: PyTorch's top level)
from .functions import __all__ as _functions_all

__all__ = [
    "__version__", "Tensor", "tensor", "Function", "no_grad", "enable_grad", "is_grad_enabled",
    "gradcheck", "GradcheckError", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "double", "long", "short", "set_backend", "get_backend",
    "using_backend", "set_num_threads", "get_num_threads", "manual_seed", "cuda", "nn",
    "optim", "data", "metrics", "train", "utils", "vision", "save", "load",
    "device",
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "clip", "cast",
    "sum", "mean", "max", "reshape", "transpose", "concatenate", "stack", "matmul",
    "accelerator", "backends",
] + [name for name in _functions_all if name not in ("sum", "mean", "max", "reshape", "transpose",
                                                     "stack", "matmul", "abs", "exp", "log",
                                                     "sqrt", "clip", "add", "sub", "mul",
                                                     "div")]
