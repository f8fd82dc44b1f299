"""The reference backend: every kernel in plain NumPy, written the way the slides write it.

This package is the oracle: each compiled kernel in ``engine.backend.native`` is tested
against the function of the same name here, and its ``__all__`` is the list of kernels every
backend offers. One module per kernel family, the same file names as in ``native/``:

* ``activation`` -- ReLU family, sigmoid, tanh, softplus, Heaviside, softmax, log-softmax
* ``gemm``       -- C = α·op(A)·op(B) + β·C, single and batched
* ``conv``       -- im2col / col2im (a convolution as one matrix product)
* ``pool``       -- max and average pooling, 1-D and 2-D
* ``optim``      -- the in-place updates of SGD, Adam/AdamW, Adagrad, RMSprop
* ``winograd``   -- the transforms of Winograd's F(2×2, 3×3) and F(4×4, 3×3) for 3×3 stride-1
                    convolutions
"""
import numpy as np

from ..kernel_set import missing_kernel
from . import activation as _activation
from . import conv as _conv
from . import gemm as _gemm
from . import optim as _optim
from . import pool as _pool
from . import winograd as _winograd
# Each family's __all__ lists its kernels; this package exposes them all. (The kernel
# ``gemm`` takes the name of its family's module here: ``reference.gemm`` is the function.)
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .gemm import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .pool import *  # noqa: F401,F403
from .winograd import *  # noqa: F401,F403

name = "reference"
xp = np  # the array module this backend computes with

__all__ = [*_activation.__all__, *_gemm.__all__, *_conv.__all__, *_pool.__all__, *_optim.__all__,
           *_winograd.__all__]


def __getattr__(kernel):
    raise missing_kernel(name, kernel)
