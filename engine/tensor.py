"""Tensor: an array of float32/float64 numbers that can remember how it was made.

A Tensor wraps a NumPy array (``.data``).  When it is the result of an
operation on tensors that require grad, ``.grad_fn`` points at the Function
that produced it; ``backward()`` walks those links to fill in ``.grad``.

This file holds what a Tensor *is* (its data, dtype, gradient, device). What it can *do*
(``a + b``, ``a @ b``, ``x.sum()``, ``x.backward()``) is computed by the Functions in
``engine.ops`` and ``engine.autograd``, which import Tensor; so those methods are bound onto
the class in ``engine/tensor_methods.py``, once both exist (``import engine`` does it).
"""
import operator

import numpy as np

from . import devices, dtypes


def get_array_module(a):
    """The array library for ``a``: ``cupy`` for CuPy arrays, ``numpy`` for anything else.

    It takes any data (a Tensor, a list, an array), for building and showing tensors; an
    op computes through its backend instead (``backend_of(x).xp``: engine/backend/__init__.py).
    """
    if isinstance(a, Tensor):
        a = a.data
    # Look at the type's module instead of importing cupy, which may not be installed.
    if type(a).__module__.startswith("cupy"):
        import cupy
        return cupy
    return np


_KIND_NAMES = {"c": "complex", "O": "object", "U": "string", "S": "bytes",
               "M": "datetime", "m": "timedelta", "V": "void"}


def as_float_array(data, dtype=None, default=None):
    """Convert ``data`` into a float32/float64 array following the Tensor rules.

    * float32/float64 arrays (NumPy or CuPy, incl. NumPy scalars) keep their
      dtype unless ``dtype`` says otherwise;
    * Python numbers and lists, and int/bool/other-float arrays, become
      ``dtype`` or ``default`` (or the global default dtype, float32);
    * complex, object, string ... data raises TypeError.
    """
    if dtype is not None:
        dtype = dtypes.as_float_dtype(dtype)
    if isinstance(data, Tensor):
        data = data.data
    has_own_dtype = hasattr(data, "dtype") and hasattr(data, "shape")
    arr = get_array_module(data).asarray(data) if has_own_dtype else np.asarray(data)
    kind = arr.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"Tensor data must be real numbers (float32 or float64); got dtype "
            f"{arr.dtype} ({_KIND_NAMES.get(kind, kind)} data)")
    if dtype is None:
        if has_own_dtype and arr.dtype in dtypes.FLOAT_DTYPES:
            dtype = arr.dtype
        else:
            dtype = default if default is not None else dtypes.get_default_dtype()
    return arr if arr.dtype == dtype else arr.astype(dtype)


def _wrap(arr):
    """Fast Tensor constructor for arrays the library made itself (no checks)."""
    t = Tensor.__new__(Tensor)
    t.data = arr
    t._grad = None
    t._requires_grad = False
    t.grad_fn = None
    t._retains_grad = False
    return t


def _axis(axis, dim):
    """Accept PyTorch's ``dim=`` as an alias of ``axis=``."""
    if dim is not None:
        if axis is not None:
            raise TypeError("give either axis= or dim=, not both")
        return dim
    return axis


def _shape_args(shape):
    """Allow both ``reshape(2, 3)`` and ``reshape((2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape


class Tensor:
    """A float32/float64 array with automatic differentiation.

    Tensor(data, requires_grad=False, dtype=None)

    ``data``: Python number/list, NumPy array or Tensor (its data is used; no
    graph history is kept).  ``dtype``: engine.float32 / engine.float64.
    """

    __slots__ = ("data", "_grad", "_requires_grad", "grad_fn", "_retains_grad", "__weakref__")

    # NumPy: don't treat a Tensor as an array inside ufuncs; call our reflected
    # operators instead (so ``ndarray + tensor`` gives a Tensor).
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = as_float_array(data, dtype)
        self._grad = None
        self._requires_grad = bool(requires_grad)
        self.grad_fn = None        # the Function that made this tensor (None for leaves)
        self._retains_grad = False  # keep .grad on a non-leaf (see retain_grad)

    # ------------------------------------------------------------------ info
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def device(self):
        """Where the data lives: an ``engine.device`` ("cpu" or "cuda:N"; equal to its name)."""
        return devices.device_of(self.data)

    @property
    def is_leaf(self):
        """True if the tensor was not produced by a recorded operation."""
        return self.grad_fn is None

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def numpy(self):
        """The underlying NumPy array (not a copy). On a GPU tensor this is a TypeError:
        call ``.cpu()`` first (engine never copies between devices implicitly)."""
        if type(self.data) is not np.ndarray and self.device != "cpu":
            raise devices.numpy_on_gpu_error(self.device)
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def __float__(self):
        return float(self.data)

    def __bool__(self):
        # Without this every tensor would be truthy, so ``if (x > 0):`` would lie.
        return bool(self.data)

    def __array__(self, dtype=None, copy=None):
        # Lets np.asarray(t), matplotlib etc. read a tensor (without its graph).
        arr = self.numpy()
        if dtype is not None:
            arr = arr.astype(dtype, copy=bool(copy))
        return arr.copy() if copy and dtype is None else arr

    def __repr__(self):
        body = np.array2string(to_numpy(self.data), separator=", ", prefix="tensor(")
        extras = [] if self.device == "cpu" else [f"device='{self.device}'"]
        if self.dtype != dtypes.get_default_dtype():
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{type(self.grad_fn).__name__}Backward>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # ------------------------------------------------------------- autograd
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, flag=True):
        """Set requires_grad in place (leaves only, as in PyTorch); returns self."""
        if self.grad_fn is not None and not flag:
            raise ValueError(
                "requires_grad can only be changed on leaf tensors; this tensor was "
                f"made by {type(self.grad_fn).__name__}. Use .detach() for a copy "
                "without gradient tracking.")
        self._requires_grad = bool(flag)
        return self

    @property
    def grad(self):
        """Gradient of the last backward() w.r.t. this tensor (a Tensor), or None.

        Leaves accumulate it over backward calls; reset with ``t.grad = None``.
        """
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            value = value if isinstance(value, Tensor) else Tensor(value, dtype=self.dtype)
            if value.shape != self.shape:
                raise ValueError(f"grad of shape {value.shape} assigned to a tensor of shape {self.shape}")
        self._grad = value

    def retain_grad(self):
        """Ask backward() to keep ``.grad`` on this non-leaf tensor too."""
        if not self._requires_grad:
            raise ValueError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is not None:
            self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad

    # ------------------------------------------------------------- devices
    # (PyTorch's names; engine/devices.py has the rules: no implicit host↔device copies)
    def to(self, *args, device=None, dtype=None):
        """This tensor on another device and/or with another dtype; itself when nothing changes.

        ``t.to("cuda")``, ``t.to("cpu")``, ``t.to(engine.device("cuda:0"))``,
        ``t.to(engine.float64)``, ``t.to("cuda", engine.float64)``, ``t.to(other_tensor)``
        (its device and dtype). Differentiable: the gradient flows back to this tensor's
        device and dtype. Moving to "cuda" without CuPy or a GPU raises a RuntimeError
        saying what to install.
        """
        for arg in args:
            if isinstance(arg, Tensor):
                device, dtype = arg.device, arg.dtype
            elif devices.is_device_spec(arg):
                device = arg
            else:
                dtype = arg
        result = self
        if dtype is not None and dtypes.as_float_dtype(dtype) != self.dtype:
            from .ops import cast
            result = cast(result, dtype)
        if device is not None and devices.as_device(device) != result.device:
            from .ops.device import ToDevice
            result = ToDevice(device)(result)
        return result

    def cuda(self, device=None):
        """``self.to("cuda")`` (or ``"cuda:N"`` for ``device=N``)."""
        return self.to(devices.device("cuda", device))

    def cpu(self):
        """``self.to("cpu")``: a host copy of a GPU tensor; itself when already on the CPU."""
        return self.to(devices.CPU)

    def detach(self):
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return _wrap(self.data)

    # Comparisons give 0./1. tensors that carry no gradient.  __eq__ is left
    # alone on purpose (identity), so tensors can be dict keys; use .eq().
    def _compare(self, other, op):
        other = other.data if isinstance(other, Tensor) else other
        return _wrap(op(self.data, other).astype(self.dtype))

    def __lt__(self, other):
        return self._compare(other, operator.lt)

    def __le__(self, other):
        return self._compare(other, operator.le)

    def __gt__(self, other):
        return self._compare(other, operator.gt)

    def __ge__(self, other):
        return self._compare(other, operator.ge)

    def eq(self, other):
        """Elementwise ``==`` as a 0./1. tensor (``==`` itself compares identity)."""
        return self._compare(other, operator.eq)

    def ne(self, other):
        return self._compare(other, operator.ne)

    __hash__ = object.__hash__


def to_numpy(a):
    """A host NumPy array of ``a``: a Tensor's data, a CuPy array copied to the host, or any
    array-like (the one conversion every module that hands results to NumPy uses)."""
    if isinstance(a, Tensor):
        a = a.data
    if isinstance(a, np.ndarray):
        return a
    # Only a CuPy array is copied from the device: a dict or a pandas object also has .get().
    return a.get() if type(a).__module__.startswith("cupy") else np.asarray(a)


def tensor(data, requires_grad=False, dtype=None):
    """Create a Tensor (same as ``Tensor(data, requires_grad, dtype)``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)
