"""Tensor: an array of numbers that can remember how it was made.

A Tensor wraps a NumPy array (``.data``).  When it is the result of an
operation on tensors that require grad, ``.grad_fn`` points at the Function
that produced it; ``backward()`` walks those links to fill in ``.grad``.

This file holds what a Tensor *is* (its data, dtype, gradient, device). What it can *do*
(``a + b``, ``a @ b``, ``x.sum()``, ``x.backward()``) is computed by the Functions in
``engine.ops`` and ``engine.autograd``, which import Tensor; so those methods are bound onto
the class in ``engine/tensor_methods.py``, once both exist (``import engine`` does it).
"""
import numpy as np

from . import devices, dtypes
from .validate import checked_dim


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


def _as_array(data):
    """``data`` as an array of its array module, and whether it had a dtype of its own."""
    if isinstance(data, Tensor):
        data = data.data
    has_own_dtype = hasattr(data, "dtype") and hasattr(data, "shape")
    arr = get_array_module(data).asarray(data) if has_own_dtype else np.asarray(data)
    if not arr.dtype.isnative:
        # Big-endian data (from a file, another machine): the same dtype in this machine's
        # byte order, so '>f8' stays float64 (it is not one of FLOAT_DTYPES as it is).
        arr = arr.astype(arr.dtype.newbyteorder("="))
    kind = arr.dtype.kind
    if kind == "O" and any(v is None for v in arr.flat):
        raise TypeError("Tensor data must be real numbers or bools; got None in it "
                        "(object data)")
    if kind == "O" and all(type(v) in (int, float, bool) for v in arr.flat):
        raise ValueError("Tensor data: an integer does not fit int64 (the widest integer "
                         "dtype); write it as a float (e.g. 2.0**70) for a float tensor")
    if kind not in "biuf":
        raise TypeError(
            f"Tensor data must be real numbers or bools; got dtype "
            f"{arr.dtype} ({_KIND_NAMES.get(kind, kind)} data)")
    return arr, has_own_dtype


def as_float_array(data, dtype=None, default=None):
    """Convert ``data`` into a float32/float64 array (for gradients and float-only code).

    * float32/float64 arrays (NumPy or CuPy, incl. NumPy scalars) keep their
      dtype unless ``dtype`` says otherwise;
    * Python numbers and lists, and int/bool/other-float arrays, become
      ``dtype`` or ``default`` (or the global default dtype, float32);
    * complex, object, string ... data raises TypeError.
    """
    if dtype is not None:
        dtype = dtypes.as_float_dtype(dtype)
    arr, has_own_dtype = _as_array(data)
    if dtype is None:
        if has_own_dtype and arr.dtype in dtypes.FLOAT_DTYPES:
            dtype = arr.dtype
        else:
            dtype = default if default is not None else dtypes.get_default_dtype()
    return arr if arr.dtype == dtype else arr.astype(dtype)


def as_tensor_array(data, dtype=None):
    """Convert ``data`` into an array a Tensor holds, by PyTorch's rules for ``torch.tensor``:

    * floats: float32/float64 arrays keep their dtype; Python floats, and other float arrays
      (float16), become the default dtype (float32);
    * integers: Python ints become int64; int8/16/32/64 and uint8 arrays keep their dtype,
      other unsigned ones become int64;
    * bools stay bool;
    * ``dtype=`` converts to any of these; complex, object, string ... data raises TypeError.
    """
    if type(data) is np.ndarray and dtype is None and data.dtype in dtypes.FLOAT_DTYPES:
        return data                              # the common case: a float array, no copy
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
        if dtype.kind == "f" and isinstance(data, (list, tuple, int)):
            as_objects = np.asarray(data)
            if as_objects.dtype == object and all(type(v) in (int, float)
                                                  for v in as_objects.flat):
                data = as_objects.astype(np.float64)    # ints beyond int64 are fine as floats
    arr, has_own_dtype = _as_array(data)
    if dtype is None:
        kind = arr.dtype.kind
        if kind == "b":
            dtype = dtypes.bool_
        elif kind == "f":
            dtype = arr.dtype if has_own_dtype and arr.dtype in dtypes.FLOAT_DTYPES \
                else dtypes.get_default_dtype()
        else:
            dtype = arr.dtype if has_own_dtype and arr.dtype in dtypes.INTEGER_DTYPES \
                else dtypes.int64
    return arr if arr.dtype == dtype else _cast(arr, dtype)


def _cast(arr, dtype):
    """``arr.astype(dtype)``, refusing a conversion to an integer dtype that would wrap or be
    undefined (a value out of its range, NaN or inf): that would be a silent wrong answer."""
    if dtype.kind in "iu" and arr.size and arr.dtype.kind in "iuf":
        info = np.iinfo(dtype)
        xp = get_array_module(arr)
        if arr.dtype.kind == "f" and not bool(xp.isfinite(arr).all()):
            raise ValueError(f"NaN or infinite values cannot be converted to {dtype}")
        low, high = arr.min(), arr.max()
        if low < info.min or high > info.max:
            raise ValueError(f"values from {low} to {high} cannot be converted to {dtype} "
                             f"without overflow (its range is {info.min} to {info.max})")
    return arr.astype(dtype)


class GradDtypeError(TypeError, RuntimeError):
    """requires_grad on an integer or bool tensor (a TypeError; a RuntimeError as in PyTorch)."""


def _check_grad_dtype(dtype):
    if dtype.kind != "f":
        raise GradDtypeError(
            f"only float tensors (float32, float64) can require gradients; this one is {dtype} "
            f"(integer and bool tensors are labels, indices and masks: convert with .float() "
            f"if you need gradients)")


_new_object = object.__new__     # (bound once: the look-up costs as much as filling the slots)


def _wrap(arr):
    """Fast Tensor constructor for arrays the library made itself (no checks)."""
    t = _new_object(Tensor)
    t.data = arr
    t._grad = None
    t._requires_grad = False
    t.grad_fn = None
    t._retains_grad = False
    return t


def _data(x):
    """The array of a Tensor, anything else as it is."""
    return x.data if isinstance(x, Tensor) else x


class Tensor:
    """An array with automatic differentiation.

    Tensor(data, requires_grad=False, dtype=None)

    ``data``: Python number/list, NumPy array or Tensor (its data is used; no
    graph history is kept).  ``dtype``: engine.float32, engine.float64 (the float dtypes,
    which can require grad), engine.int64, engine.int32 ..., engine.bool; by default as
    ``torch.tensor`` chooses (``as_tensor_array``).
    """

    __slots__ = ("data", "_grad", "_requires_grad", "grad_fn", "_retains_grad", "__weakref__")

    # NumPy: don't treat a Tensor as an array inside ufuncs; call our reflected
    # operators instead (so ``ndarray + tensor`` gives a Tensor).
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = as_tensor_array(data, dtype)
        self._grad = None
        if requires_grad:
            _check_grad_dtype(self.data.dtype)
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

    def size(self, dim=None):
        """The shape (a tuple), or with ``dim`` the length of that axis, as in PyTorch.

        (It is a method, as in PyTorch, not NumPy's attribute: the element count is ``numel()``.)
        """
        if dim is None:
            return self.data.shape
        return self.data.shape[checked_dim(dim, self.data.ndim)]

    def numel(self):
        """The number of elements."""
        return self.data.size

    nelement = numel

    def dim(self):
        """The number of axes (``ndim``)."""
        return self.data.ndim

    def element_size(self):
        """Bytes per element."""
        return self.data.itemsize

    def is_floating_point(self):
        """True for float32/float64 tensors (the ones that can require grad)."""
        return self.data.dtype.kind == "f"

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
        """The value of a one-element tensor as a Python number (float, int or bool)."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has "
                             f"{self.data.size} (shape {self.data.shape})")
        return self.data.item()

    def tolist(self):
        """The data as (nested) Python lists of numbers; a number for a 0-d tensor."""
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        # Only integer tensors stand for an index (``range(t)``, ``list[t]``), as in PyTorch.
        if self.data.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors of one element can be used as an index, "
                            f"this one is {self.data.dtype}")
        return int(self.item())

    def __format__(self, spec):
        """``f"{loss:.4f}"`` formats a one-element tensor's value; others only with no spec."""
        if self.data.size == 1 and self.data.ndim <= 1:
            return format(self.item(), spec)
        if spec:
            raise TypeError(f"format spec {spec!r} needs a one-element tensor, this one has "
                            f"shape {self.data.shape}")
        return repr(self)

    def __bool__(self):
        # Without this every tensor would be truthy, so ``if (x > 0):`` would lie.
        return bool(self.data)

    def __array__(self, dtype=None, copy=None):
        # Lets np.asarray(t), matplotlib etc. read a tensor (without its graph).
        arr = self.numpy()
        if dtype is not None:
            arr = arr.astype(dtype, copy=bool(copy))
        return arr.copy() if copy and dtype is None else arr

    # DLPack: other libraries read the tensor's memory without a copy
    # (``np.from_dlpack(t)``, ``torch.from_dlpack(t)``, CuPy); ``engine.from_dlpack`` is the way in.
    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version),
                                    ("dl_device", dl_device), ("copy", copy)) if v is not None}
        return self.data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.data.__dlpack_device__()

    def __repr__(self):
        body = np.array2string(to_numpy(self.data), separator=", ", prefix="tensor(")
        extras = [] if self.device == "cpu" else [f"device='{self.device}'"]
        if self.dtype != dtypes.get_default_dtype() and self.dtype != dtypes.int64 \
                and self.dtype != dtypes.bool_:
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{type(self.grad_fn).__name__}Backward>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # ------------------------------------------------------------- autograd
    @property
    def _version(self):
        """How many in-place changes this tensor's memory has had (shared with its views);
        backward() checks it for what it saved (engine/versions.py)."""
        from .versions import version_of
        return version_of(self.data)

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, flag=True):
        """Set requires_grad in place (leaves only, as in PyTorch); returns self."""
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"requires_grad must be a bool, got {type(flag).__name__} {flag!r}")
        if self.grad_fn is not None and not flag:
            raise ValueError(
                "requires_grad can only be changed on leaf tensors; this tensor was "
                f"made by {type(self.grad_fn).__name__}. Use .detach() for a copy "
                "without gradient tracking.")
        if flag:
            _check_grad_dtype(self.data.dtype)
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
        if dtype is not None and dtypes.as_dtype(dtype) != self.dtype:
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

    # Comparisons (``==``, ``<`` ..., bool tensors without gradient) are in
    # engine/tensor_operators.py. Tensors hash by identity (as in PyTorch), so they work as dict
    # keys and in sets; ``t in a_list`` would compare elementwise, so compare with ``is``.
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


def tensor(data, requires_grad=False, dtype=None, device=None):
    """A new tensor holding a copy of ``data``, as ``torch.tensor`` (``engine.from_numpy`` and
    ``engine.as_tensor`` share a NumPy array's memory instead; ``Tensor(array)`` does too).
    The dtype follows PyTorch's rules (``as_tensor_array``); ``device`` may be "cpu"."""
    t = Tensor(data, requires_grad=requires_grad, dtype=dtype)
    source = data.data if isinstance(data, Tensor) else data
    if t.data is source:
        t.data = t.data.copy()
    if device is not None:
        from .functions import check_device, place
        place(t, check_device(device))
    return t
