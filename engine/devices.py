"""Devices: where a tensor's numbers live, and the only ways they move between host and GPU.

``engine.device("cpu")``, ``engine.device("cuda")`` (= ``"cuda:0"``), ``engine.device("cuda:1")``:
a device compares equal to its name, so ``t.device == "cuda"`` reads as in PyTorch.

The rules (as in PyTorch):

* every op runs where its inputs live (``engine.backend.backend_of``: NumPy arrays on the
  CPU backend, CuPy arrays on the cuda backend);
* nothing is ever copied between host and GPU behind the user's back: ``.to(device)``,
  ``.cuda()`` and ``.cpu()`` are the only moves, ``.numpy()`` on a GPU tensor is an error
  that says to call ``.cpu()`` first, and one op given tensors on two devices raises
  ``DeviceMismatch`` naming both.
"""
import numpy as np

from .backend import cuda as _cuda_backend

_TYPES = ("cpu", "cuda")


class DeviceMismatch(ValueError, RuntimeError):
    """One operation was given tensors on two devices (PyTorch raises a RuntimeError; it is
    also a ValueError: the inputs are wrong, not the machine)."""


class device:
    """A device: ``device("cpu")``, ``device("cuda")``, ``device("cuda:1")``, ``device("cuda", 1)``.

    ``type`` is "cpu" or "cuda"; ``index`` the GPU's number (None for the CPU; 0 for a bare
    "cuda"). It compares equal to another device or to a name: ``device("cuda:0") == "cuda"``.
    """
    __slots__ = ("type", "index")

    def __init__(self, spec, index=None):
        if isinstance(spec, device):
            spec, index = spec.type, spec.index if index is None else index
        if not isinstance(spec, str):
            raise TypeError(f"device must be a str like 'cpu', 'cuda' or 'cuda:0' (or an "
                            f"engine.device), got {type(spec).__name__}")
        kind, _, number = spec.partition(":")
        if kind not in _TYPES or (number and not number.isdigit()):
            raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {spec!r}")
        if number:
            if index is not None and int(number) != index:
                raise ValueError(f"device {spec!r} given with a different index {index}")
            index = int(number)
        if kind == "cpu":
            if index not in (None, 0):
                raise ValueError(f"the cpu device has no index, got {index}")
            index = None
        elif index is None:
            index = 0
        elif isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
            raise ValueError(f"a GPU index must be a non-negative int, got {index!r}")
        object.__setattr__(self, "type", kind)
        object.__setattr__(self, "index", None if index is None else int(index))

    def __setattr__(self, name, value):
        raise AttributeError("an engine.device cannot be changed")

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except (TypeError, ValueError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"


CPU = device("cpu")


def as_device(spec):
    """``spec`` ("cpu", "cuda", "cuda:N" or a device) as a device; ValueError/TypeError else."""
    return spec if isinstance(spec, device) else device(spec)


def is_device_spec(value):
    """True when ``value`` means a device rather than a dtype, in ``.to(...)``'s arguments: a
    device, or a string that names no dtype ("cuda", "cpu", and "tpu" too: as_device then
    says what is allowed)."""
    if isinstance(value, device):
        return True
    if not isinstance(value, str):
        return False
    try:
        np.dtype(value)
    except TypeError:
        return True
    return False


def device_of(array):
    """The device an array lives on: the CPU for NumPy arrays, ``cuda:N`` for CuPy's."""
    if type(array) is np.ndarray or not _cuda_backend.is_cupy_array(array):
        return CPU
    return device("cuda", array.device.id)


def check_available(target):
    """``target`` as a device; a RuntimeError saying what to install when it is a GPU that
    this machine cannot use (so a loader or ``fit`` fails at once, not at the first batch)."""
    target = as_device(target)
    if target.type == "cuda":
        ok, reason = _cuda_backend.available()
        if not ok:
            raise RuntimeError(f"cannot move to {target}: {reason}")
    return target


def move(array, target):
    """``array`` on the device ``target`` (itself when it is there already). This is the one
    place where numbers cross between host and GPU, and only when asked to."""
    target = as_device(target)
    source = device_of(array)
    if source == target:
        return array
    if target.type == "cpu":
        return array.get()                                  # GPU → host
    check_available(target)
    import cupy
    with cupy.cuda.Device(target.index):
        return cupy.asarray(array)                          # host (or another GPU) → GPU


def check_same_device(arrays, what):
    """Raise ``DeviceMismatch`` naming both devices when ``arrays`` live on two devices."""
    first = device_of(arrays[0])
    for array in arrays[1:]:
        other = device_of(array)
        if other != first:
            raise DeviceMismatch(
                f"{what}: expected all tensors on the same device, but found at least two "
                f"devices, {first} and {other}; move them with .to({str(first)!r}) or "
                f".to({str(other)!r}) first (engine never copies between devices implicitly)")


def numpy_on_gpu_error(dev):
    """The error ``.numpy()`` raises for a tensor on a GPU (PyTorch's wording, nearly)."""
    return TypeError(f"can't convert a {dev} tensor to a NumPy array: its data is on the GPU. "
                     f"Use .cpu() to copy it to host memory first (engine never copies "
                     f"between devices implicitly)")
