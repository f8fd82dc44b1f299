"""The native backend: the kernels of ``reference``, computed by the compiled C kernels.

One module per kernel family, the same file names as in ``reference/`` (open the two side by
side): ``activation``, ``gemm``, ``conv`` (im2col/col2im), ``pool``, ``optim``. Each function
checks its inputs in Python (dtype, shape, contiguity: a clear ``TypeError``/``ValueError``
instead of a crash), then hands flat C-contiguous views to ``engine._C``, which releases the
GIL and runs the C kernel chosen for this CPU (``engine._C.kernel_isa("activations")`` says
which).

Set ``ENGINE_ISA=generic|avx2|avx512`` before importing engine to force one instruction set
for every compiled kernel family (for tests, and to compare them in class).
"""
import os
import warnings

import numpy as np

from ... import _C
from ..kernel_set import missing_kernel
from . import activation as _activation
from . import conv as _conv
from . import gemm as _gemm
from . import optim as _optim
from . import pool as _pool
from . import winograd as _winograd
# Each family's __all__ lists its kernels; this package exposes them all. (The kernel
# ``gemm`` takes the name of its family's module here: ``native.gemm`` is the function.)
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .gemm import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .pool import *  # noqa: F401,F403
from .winograd import *  # noqa: F401,F403

name = "native"
xp = np  # the array module this backend computes with

__all__ = [*_activation.__all__, *_gemm.__all__, *_conv.__all__, *_pool.__all__, *_optim.__all__,
           *_winograd.__all__]

# The C kernel families compiled per instruction set (``engine info`` lists them).
KERNEL_FAMILIES = ("activations", "gemm", "im2col", "optim", "pool")


def __getattr__(kernel):
    raise missing_kernel(name, kernel)


def _force_isa_from_environment():
    isa = os.environ.get("ENGINE_ISA")
    if not isa:
        return
    for family in KERNEL_FAMILIES:
        try:
            _C.set_kernel_isa(family, isa)
        except ValueError as err:
            warnings.warn(f"ENGINE_ISA={isa!r} ignored for {family}: {err}", RuntimeWarning,
                          stacklevel=2)


_force_isa_from_environment()
