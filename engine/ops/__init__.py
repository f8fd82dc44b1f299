"""Differentiable operations on Tensors.

Each operation is a Function subclass (forward + backward side by side, the slide's equation
in its docstring) in one of the modules below, plus a small function that creates and calls
it. Every Function computes through the backend of its inputs (``B = backend_of(x)``: see
engine/backend/__init__.py).

* ``math``          -- elementwise arithmetic (add, mul, exp, ...), clip, maximum, where, casts
* ``reduce``        -- sum, mean, max, min (and along one dim, with indices), argmax, argmin
* ``shape``         -- reshape, transpose, indexing, concatenate, stack (+ ``unbroadcast``)
* ``linalg``        -- matmul and the fused dense layer ``linear`` (both on the backend's GEMM)
* ``activation``    -- ReLU family, sigmoid, tanh, softplus, Heaviside, softmax, log-softmax
                       (and their functional forms, which engine.nn.functional re-exports)
* ``loss``          -- MSE, L1, hinge, cross-entropy, binary cross-entropy (from
                       probabilities or logits), the VAE's KL divergence
* ``conv``          -- convolution and transposed convolution: im2col + GEMM, chunked
* ``pool``          -- max and average pooling, 1-D and 2-D
* ``normalization`` -- batch normalisation
* ``dropout``       -- inverted dropout
* ``embedding``     -- the embedding lookup

The first four are imported here (``engine.ops.add`` ...); the others are used through
``engine.nn`` and ``engine.nn.functional``, or imported as ``engine.ops.<module>``.
"""
from .linalg import Linear, MatMul, linear, matmul
from .math import (Abs, Add, Cast, Clip, Div, Exp, Log, Maximum, Minimum, Mul, Neg, Pow, Sqrt,
                   Sub, Where, abs, add, cast, clip, div, exp, log, maximum, minimum, mul, neg, pow,
                   sqrt, sub, where)
from .reduce import (Max, MaxAlongDim, Mean, Min, MinAlongDim, Sum, amax, amin, argmax, argmin,
                     max, mean, min, sum)
from .shape import (Clone, Concatenate, Expand, GetItem, Reshape, Stack, Transpose, concatenate,
                    getitem, reshape, stack, transpose, unbroadcast)

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "clip",
    "maximum", "minimum", "where", "cast", "sum", "mean", "max", "min", "amax", "amin", "argmax",
    "argmin", "reshape", "transpose",
    "getitem", "concatenate", "stack", "matmul", "linear", "unbroadcast",
    # the Function classes behind them
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "Exp", "Log", "Sqrt", "Abs", "Clip", "Maximum",
    "Minimum", "Where", "Cast", "Sum", "Mean", "Max", "Min", "MaxAlongDim", "MinAlongDim",
    "Reshape", "Transpose", "GetItem", "Clone", "Expand",
    "Concatenate", "Stack", "MatMul", "Linear",
]
