"""Differentiable operations on Tensors.

Each operation is a Function subclass (forward + backward side by side) in
one of the modules below, plus a small function that creates and calls it:

* ``math``   -- elementwise arithmetic (add, mul, exp, ...) and casts
* ``reduce`` -- sum, mean, max, min
* ``shape``  -- reshape, transpose, indexing, concatenate, stack (+ ``unbroadcast``)
* ``linalg`` -- matmul
"""
from .math import (Add, Sub, Mul, Div, Neg, Pow, Exp, Log, Sqrt, Abs, Clip,
                   Maximum, Minimum, Cast,
                   add, sub, mul, div, neg, pow, exp, log, sqrt, abs, clip,
                   maximum, minimum, cast)
from .reduce import Sum, Mean, Max, Min, sum, mean, max, min
from .shape import (Reshape, Transpose, GetItem, Concatenate, Stack,
                    reshape, transpose, getitem, concatenate, stack, unbroadcast)
from .linalg import MatMul, matmul

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "clip",
    "maximum", "minimum", "cast", "sum", "mean", "max", "min", "reshape", "transpose",
    "getitem", "concatenate", "stack", "matmul", "unbroadcast",
]

# --- gemm part: the fused dense layer ---
from .linalg import Linear, linear  # noqa: E402
__all__ += ["linear"]
