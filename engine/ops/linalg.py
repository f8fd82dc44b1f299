"""Matrix multiplication: MatMul (all of np.matmul's cases) and the fused Linear layer.

The 2-D products (and batches of them) run on the backend's GEMM,
``B.gemm(a, b, c=None, alpha, beta, trans_a, trans_b)`` (C = α·op(A)·op(B) + β·C, with
``B = backend_of(a)``): backward passes use its transpose flags instead of making transposed
copies.
"""

import math

from .. import anomaly as _anomaly
from .. import autograd
from ..autograd import Function
from ..backend import backend_of
from ..dtypes import FLOAT_DTYPES, check_same_dtype
from ..tensor import Tensor, _wrap
from .shape import unbroadcast


def _rows(x):
    """x (..., k) as a matrix (rows, k): the leading axes flattened (spelled out, not -1, so
    that k = 0 works too)."""
    return x.reshape(math.prod(x.shape[:-1]), x.shape[-1])


class MatMul(Function):
    """y = a @ b;  ∂L/∂a = ∂L/∂y @ bᵀ,  ∂L/∂b = aᵀ @ ∂L/∂y  (ᵀ swaps the last two axes).

    Shapes and how they are computed:
      * (m, k) @ (k, n): one GEMM; backward gemm(gy, b, trans_b) and gemm(a, gy, trans_a).
      * (B, m, k) @ (B, k, n): a batched GEMM (one C call loops over the batch).
      * (..., m, k) @ (k, n): the leading axes flattened into m, one GEMM; ∂L/∂b is then
        one GEMM summing over all of them.
    np.matmul also allows
      * 1-D operands: a 1-D ``a`` acts as a row (1, k), a 1-D ``b`` as a
        column (k, 1), and that axis is dropped from the result;
      * batches: leading axes broadcast, e.g. (2, 1, 3, 4) @ (5, 4, 6) -> (2, 5, 3, 6).
    Both operands must have the same dtype (float32 with float64 is refused, as in PyTorch).
    These use the array module's matmul (``@``); backward makes the operands at least
    2-D, uses the two formulas above, sums over broadcast batch axes (unbroadcast) and
    reshapes back to the original operand shapes.
    """

    path = "gemm"       # how forward computed it: "gemm", "batched" or "broadcast"

    def forward(self, a, b):
        check_same_dtype("matmul", a=a, b=b)
        B = self.B = backend_of(a)
        same_float = a.dtype in FLOAT_DTYPES                          # what a GEMM takes
        if same_float and b.ndim == 2 and a.ndim >= 2 and a.shape[-1] == b.shape[0]:
            return B.gemm(_rows(a), b).reshape(a.shape[:-1] + b.shape[1:])   # (..., m, k) @ (k, n)
        if (same_float and a.ndim == 3 and b.ndim == 3 and a.shape[0] == b.shape[0]
                and a.shape[2] == b.shape[1]):
            self.path = "batched"
            return B.gemm_batched(a, b)
        self.path = "broadcast"
        try:
            return a @ b
        except ValueError:
            inner = ("" if a.ndim == 0 or b.ndim == 0 else
                     f" (inner sizes {a.shape[-1]} and {b.shape[-2] if b.ndim > 1 else b.shape[0]}"
                     " must be equal, batch axes must broadcast)")
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned{inner}") from None

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        B = self.B
        if self.path == "gemm":
            a2 = _rows(a.data)
            gy2 = _rows(gy)
            ga = B.gemm(gy2, b.data, trans_b=True).reshape(a.shape) if need_a else None
            gb = B.gemm(a2, gy2, trans_a=True) if need_b else None
            return ga, gb
        if self.path == "batched":
            ga = B.gemm_batched(gy, b.data, trans_b=True) if need_a else None
            gb = B.gemm_batched(a.data, gy, trans_a=True) if need_b else None
            return ga, gb
        a2 = a.data if a.ndim > 1 else a.data.reshape(1, -1)    # row vector
        b2 = b.data if b.ndim > 1 else b.data.reshape(-1, 1)    # column vector
        # Give gy the shape a2 @ b2 would have had: put back the axes that
        # 1-D operands removed.  Batch axes are what is left of y's shape.
        batch = gy.shape[:gy.ndim - (a.ndim > 1) - (b.ndim > 1)]
        gy = gy.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        ga = unbroadcast(gy @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape) if need_a else None
        gb = unbroadcast(a2.swapaxes(-1, -2) @ gy, b2.shape).reshape(b.shape) if need_b else None
        return ga, gb


def matmul(a, b):
    """a @ b. A NumPy array or list operand takes the tensor's dtype; two tensors must agree.

    Two 2-D tensors, the common case, take a short path: straight to the backend's GEMM,
    which checks everything else (one float dtype, inner sizes that fit) before it computes,
    and the graph is recorded only when a gradient is wanted.  Anything the GEMM refuses
    (integers, mixed dtypes, sizes that do not fit) goes the general way, ``MatMul``, which
    computes it or says what is wrong.  At 64 × 64 the product takes ~2.5 µs, so the checks
    that ``Function.__call__`` and ``MatMul.forward`` repeat in Python were most of the
    difference to NumPy.
    """
    if isinstance(a, Tensor) and isinstance(b, Tensor) and not _anomaly._enabled:
        x, w = a.data, b.data
        if x.ndim == 2 and w.ndim == 2:
            B = backend_of(x)
            try:
                y = _wrap(B.gemm(x, w))
            except (TypeError, ValueError):
                pass                              # MatMul below computes it or says why
            else:
                if (a._requires_grad or b._requires_grad) and autograd._grad_mode.enabled:
                    fn = MatMul()
                    fn.B = B
                    fn._record((a, b), (a._requires_grad, b._requires_grad), (y,))
                return y
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        b = _wrap(backend_of(a.data).xp.asarray(b, dtype=a.dtype))
    elif isinstance(b, Tensor) and not isinstance(a, Tensor):
        a = _wrap(backend_of(b.data).xp.asarray(a, dtype=b.dtype))
    return MatMul()(a, b)


class Linear(Function):
    """Dense layer, fused: y = x·Wᵀ + b  (x, W and b of one dtype: mixing is refused, as in PyTorch).

    Shapes: x (N, in) (or (..., in): leading axes are flattened into N), W (out, in),
    b (out,) → y (N, out).  Forward is one GEMM: y starts as the bias broadcast over
    the rows and gemm(x, W, c=y, β=1, trans_b=True) adds x·Wᵀ onto it.
    Backward (gy = ∂L/∂y, (N, out)):
        ∂L/∂x = gy · W          gemm(gy, W)
        ∂L/∂W = gyᵀ · x         gemm(gy, x, trans_a=True)
        ∂L/∂b = Σ_rows gy
    """

    def forward(self, x, weight, bias=None):
        if weight.ndim != 2 or x.ndim < 1 or x.shape[-1] != weight.shape[1]:
            raise ValueError(f"linear: x {x.shape} and weight {weight.shape} do not fit: "
                             f"expected x (..., in) and weight (out, in) with the same in")
        if bias is not None and bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias must have shape ({weight.shape[0]},), got {bias.shape}")
        check_same_dtype("linear", input=x, weight=weight, bias=bias)
        B = self.B = backend_of(x)
        dtype = x.dtype
        x2 = _rows(x)
        w = weight
        self.x2, self.w, self.x_shape = x2, w, x.shape
        self.dtypes = (x.dtype, weight.dtype)
        out_shape = x.shape[:-1] + (w.shape[0],)
        if bias is None:
            return B.gemm(x2, w, trans_b=True).reshape(out_shape)
        y = B.xp.empty((x2.shape[0], w.shape[0]), dtype)
        y[...] = bias                                   # broadcast b over the rows
        return B.gemm(x2, w, c=y, beta=1.0, trans_b=True).reshape(out_shape)

    def backward(self, gy):
        need_x, need_w = self.needs_input_grad[:2]
        need_b = len(self.needs_input_grad) > 2 and self.needs_input_grad[2]
        gy2 = _rows(gy)
        B = self.B
        gx = B.gemm(gy2, self.w).reshape(self.x_shape).astype(self.dtypes[0], copy=False) \
            if need_x else None
        gw = B.gemm(gy2, self.x2, trans_a=True).astype(self.dtypes[1], copy=False) \
            if need_w else None
        if len(self.needs_input_grad) == 2:
            return gx, gw
        return gx, gw, (gy2.sum(axis=0) if need_b else None)


def linear(x, weight, bias=None):
    """y = x·Wᵀ + b (see ``Linear``)."""
    return Linear()(x, weight) if bias is None else Linear()(x, weight, bias)
