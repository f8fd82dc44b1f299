"""Elementwise arithmetic.

Binary ops broadcast like NumPy and combine dtypes like PyTorch (``_promoted``: a float
operand wins over an integer one, float32 with float64 gives float64).  Broadcasting copies an input along some
axes, so in backward each input's gradient is summed back to its own shape
with ``unbroadcast``.  Backward passes skip inputs that need no gradient
(``self.needs_input_grad``), e.g. the constant 2 in ``x * 2``.
"""
import operator

from .. import dtypes
from ..autograd import Function
from ..backend import backend_of
from ..tensor import Tensor, _cast, _wrap
from .shape import unbroadcast


def _broadcast_error(op, a, b):
    return ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together")


def _promoted(a, b):
    """``a`` and ``b`` in the dtype of their result, by PyTorch's rule (dtypes.result_type):
    int64 + float32 is float32 here, where NumPy alone would make it float64."""
    da, db = a.dtype, b.dtype
    if da is db or da == db:        # `is` first: NumPy's built-in dtypes are singletons
        return a, b
    dt = dtypes.result_type(a, b)
    return a.astype(dt, copy=False), b.astype(dt, copy=False)


def _true_division(a, b):
    """Promoted operands of ``/``: integers divide into the default float dtype, as in PyTorch."""
    a, b = _promoted(a, b)
    if a.dtype.kind != "f":
        dt = dtypes.get_default_dtype()
        a, b = a.astype(dt), b.astype(dt)
    return a, b


def _floating(x):
    """An integer or bool tensor as the default float dtype (exp, log, sqrt of integers give
    floats, as in PyTorch); anything else unchanged."""
    if isinstance(x, Tensor) and x.data.dtype.kind != "f":
        return _wrap(x.data.astype(dtypes.get_default_dtype()))
    return x


class Add(Function):
    """y = a + b;  ∂L/∂a = ∂L/∂y,  ∂L/∂b = ∂L/∂y  (each unbroadcast to its input's shape)."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def forward(self, a, b):
        a, b = _promoted(a, b)
        try:
            return a + b
        except ValueError:
            raise _broadcast_error("add", a, b) from None

    def backward(self, gy):
        a, b = self.inputs
        return unbroadcast(gy, a.shape), unbroadcast(gy, b.shape)


class Sub(Function):
    """y = a − b;  ∂L/∂a = ∂L/∂y,  ∂L/∂b = −∂L/∂y."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def forward(self, a, b):
        a, b = _promoted(a, b)
        try:
            return a - b
        except ValueError:
            raise _broadcast_error("sub", a, b) from None

    def backward(self, gy):
        a, b = self.inputs
        gb = unbroadcast(-gy, b.shape) if self.needs_input_grad[1] else None
        return unbroadcast(gy, a.shape), gb


class Mul(Function):
    """y = a·b;  ∂L/∂a = ∂L/∂y · b,  ∂L/∂b = ∂L/∂y · a."""

    def forward(self, a, b):
        a, b = _promoted(a, b)
        try:
            return a * b
        except ValueError:
            raise _broadcast_error("mul", a, b) from None

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        ga = unbroadcast(gy * b.data, a.shape) if need_a else None
        gb = unbroadcast(gy * a.data, b.shape) if need_b else None
        return ga, gb


class Div(Function):
    """y = a / b;  ∂L/∂a = ∂L/∂y / b,  ∂L/∂b = −∂L/∂y · a / b²."""

    def forward(self, a, b):
        a, b = _true_division(a, b)
        try:
            return a / b
        except ValueError:
            raise _broadcast_error("div", a, b) from None

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        ga = unbroadcast(gy / b.data, a.shape) if need_a else None
        gb = unbroadcast(-gy * a.data / (b.data * b.data), b.shape) if need_b else None
        return ga, gb


class Neg(Function):
    """y = −x;  ∂L/∂x = −∂L/∂y."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Pow(Function):
    """y = a ** b;  ∂L/∂a = ∂L/∂y · b·a^(b−1),  ∂L/∂b = ∂L/∂y · y·ln(a).

    ln(a) only exists for a > 0; where a <= 0 the gradient w.r.t. the
    exponent is taken as 0.  (It is only computed when b requires grad,
    which is rare: usually b is a constant such as 2.)
    """

    def forward(self, a, b):
        a, b = _promoted(a, b)
        if a.dtype.kind in "iu" and b.dtype.kind in "iu" and (b < 0).any():
            raise ValueError("pow: integers to negative integer powers are not allowed (as in "
                             "PyTorch); convert first, e.g. x.float() ** -1")
        try:
            self.y = a ** b
        except ValueError:
            raise _broadcast_error("pow", a, b) from None
        return self.y

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if need_a:
            ga = unbroadcast(gy * b.data * a.data ** (b.data - 1), a.shape)
        if need_b:
            xp = backend_of(gy).xp
            positive = a.data > 0
            log_a = xp.log(xp.where(positive, a.data, 1))  # where a > 0 only
            gb = unbroadcast(gy * xp.where(positive, self.y * log_a, 0), b.shape)
        return ga, gb


class Exp(Function):
    """y = eˣ;  ∂L/∂x = ∂L/∂y · y."""

    def forward(self, x):
        self.y = backend_of(x).xp.exp(x)
        return self.y

    def backward(self, gy):
        return gy * self.y


class Log(Function):
    """y = ln x;  ∂L/∂x = ∂L/∂y / x."""

    def forward(self, x):
        return backend_of(x).xp.log(x)

    def backward(self, gy):
        return gy / self.inputs[0].data


class Sqrt(Function):
    """y = √x;  ∂L/∂x = ∂L/∂y / (2y)."""

    def forward(self, x):
        self.y = backend_of(x).xp.sqrt(x)
        return self.y

    def backward(self, gy):
        return gy / (2 * self.y)


class Abs(Function):
    """y = |x|;  ∂L/∂x = ∂L/∂y · sign(x)   (0 at x = 0, as in PyTorch)."""

    def forward(self, x):
        return backend_of(x).xp.abs(x)

    def backward(self, gy):
        x = self.inputs[0].data
        return gy * backend_of(x).xp.sign(x)


class Clip(Function):
    """y = min(max(x, lo), hi);  ∂L/∂x = ∂L/∂y where lo ≤ x ≤ hi, else 0.

    lo or hi may be None (no bound).  At exactly x = lo or x = hi the gradient
    passes through, as in PyTorch's clamp.
    """

    def __init__(self, lo=None, hi=None):
        # Bounds are constants (no gradient flows to them); accept tensors too.
        self.lo = lo.data if isinstance(lo, Tensor) else lo
        self.hi = hi.data if isinstance(hi, Tensor) else hi

    def forward(self, x):
        xp = backend_of(x).xp
        y = x
        if self.lo is not None:
            y = xp.maximum(y, self.lo)
        if self.hi is not None:
            y = xp.minimum(y, self.hi)
        # copy=False: a no-op unless a NumPy float64 bound upcast a float32 x.
        return y.astype(x.dtype, copy=False) if y is not x else x.copy()

    def backward(self, gy):
        x = self.inputs[0].data
        inside = True
        if self.lo is not None:
            inside = inside & (x >= self.lo)
        if self.hi is not None:
            inside = inside & (x <= self.hi)
        return gy * inside


class Maximum(Function):
    """y = max(a, b) elementwise;  ∂L/∂a = ∂L/∂y where a > b, ∂L/∂b = ∂L/∂y where b > a.

    Ties (a == b) split the gradient evenly: each gets ∂L/∂y / 2 (as PyTorch does).
    """

    pick, wins = "maximum", operator.gt     # Minimum reuses everything with "minimum", <

    def forward(self, a, b):
        a, b = _promoted(a, b)
        try:
            return getattr(backend_of(a).xp, self.pick)(a, b)
        except ValueError:
            raise _broadcast_error(self.pick, a, b) from None

    def backward(self, gy):
        a, b = self.inputs
        # gy * bool keeps gy's dtype; 0.5 * (a == b) gives each tied side half.
        ga = gy * self.wins(a.data, b.data) + 0.5 * gy * (a.data == b.data)
        return unbroadcast(ga, a.shape), unbroadcast(gy - ga, b.shape)


class Minimum(Maximum):
    """y = min(a, b) elementwise;  ∂L/∂a = ∂L/∂y where a < b, ∂L/∂b = ∂L/∂y where b < a.

    Ties (a == b) split the gradient evenly, as in Maximum.
    """

    pick, wins = "minimum", operator.lt


class Where(Function):
    """y = a where cond, else b (elementwise, broadcast);
    ∂L/∂a = ∂L/∂y where cond, 0 elsewhere;  ∂L/∂b = ∂L/∂y where not cond.

    ``cond`` is a bool array, a constant of the operation (no gradient flows to it).
    """

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, cond):
        cond = cond.data if isinstance(cond, Tensor) else cond
        self.cond = cond if getattr(cond, "dtype", None) == bool else \
            backend_of(cond).xp.asarray(cond, dtype=bool)

    def forward(self, a, b):
        a, b = _promoted(a, b)
        try:
            return backend_of(a).xp.where(self.cond, a, b)
        except ValueError:
            raise ValueError(f"where: condition {self.cond.shape}, a {a.shape} and b {b.shape} "
                             f"cannot be broadcast together") from None

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        ga = unbroadcast(gy * self.cond, a.shape) if need_a else None
        gb = unbroadcast(gy * ~self.cond, b.shape) if need_b else None
        return ga, gb


class Cast(Function):
    """y = x converted to ``dtype``;  ∂L/∂x = ∂L/∂y converted back to x's dtype."""

    saves_inputs = False     # backward reads its inputs' shapes only

    def __init__(self, dtype):
        self.dtype = dtypes.as_float_dtype(dtype)    # between float dtypes: differentiable

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        return gy.astype(self.inputs[0].dtype)


# --------------------------------------------------------- public functions
def add(a, b):
    return Add()(a, b)


def sub(a, b):
    return Sub()(a, b)


def mul(a, b):
    return Mul()(a, b)


def div(a, b):
    return Div()(a, b)


def neg(x):
    return Neg()(x)


def pow(a, b):
    return Pow()(a, b)


def exp(x):
    return Exp()(_floating(x))


def log(x):
    return Log()(_floating(x))


def sqrt(x):
    return Sqrt()(_floating(x))


def abs(x):
    return Abs()(x)


def clip(x, lo=None, hi=None):
    return Clip(lo, hi)(x)


def maximum(a, b):
    return Maximum()(a, b)


def minimum(a, b):
    return Minimum()(a, b)


def where(cond, a, b):
    """``a`` where ``cond`` is True, else ``b`` (see ``Where``)."""
    return Where(cond)(a, b)


def cast(x, dtype):
    """x as ``dtype`` (x itself if it already has that dtype, like PyTorch's ``x.to(dtype)``).

    Between float32 and float64 the cast is differentiable (``Cast``); to or from an integer
    or bool dtype it is not (the result never requires grad, as in PyTorch).
    """
    dtype = dtypes.as_dtype(dtype)
    if not isinstance(x, Tensor):
        x = Tensor(x)
    if x.dtype == dtype:
        return x
    if dtype.kind == "f" and x.data.dtype.kind == "f":
        return Cast(dtype)(x)
    return _wrap(_cast(x.data, dtype))
