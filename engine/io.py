"""``engine.save`` / ``engine.load``: checkpoints as .npz files, never pickle.

What can be saved: a nested dict of str → (NumPy array | number | str | bool | None |
list of numbers | nested dict), e.g. ``{"model": model.state_dict(), "optimizer":
opt.state_dict(), "epoch": 3}``; a Module or Optimizer (or scheduler) given directly saves its
``state_dict()``.

Tensors are saved with their dtype and come back as Tensors (without gradient history); NumPy
arrays come back as arrays. PyTorch's keywords: ``load(path, map_location=..., weights_only=...)``
(``map_location`` "cpu" or None; ``weights_only`` is accepted either way, since these files hold
no code); ``save`` and ``load`` also take an open binary file (``io.BytesIO``) as PyTorch does.
``from_torch_state_dict`` / ``to_torch_state_dict`` convert a PyTorch ``state_dict`` (names are
the same on both sides) into engine's and back, sharing memory where the device allows.

How: nested keys are joined with "/" (a character not allowed in keys) into one flat .npz
entry per value; numbers, strings, bools and lists become small arrays, and a JSON manifest
(stored as a string array) records each entry's Python type so ``load`` gives back exactly
what was saved.  Files are read with ``allow_pickle=False``, so loading never runs code, and
written atomically: to a temporary file in the same directory, flushed to disk, then renamed
over the target — a crash mid-write leaves the previous file intact. ``atomic_write`` is that
procedure for any file the engine writes (checkpoints, IDX files, downloads, plots).
"""
import contextlib
import hashlib
import json
import numbers
import os
import secrets
import socket
import time

import numpy as np

from .devices import check_available, move
from .npz_reader import READ_ERRORS, read_npz
from .tensor import Tensor, _wrap, to_numpy

SEP = "/"
_MANIFEST = "__engine_manifest__"
_FORMAT = 1


def _state_of(obj):
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        return obj.state_dict()
    return obj


_INT64 = (-2 ** 63, 2 ** 63 - 1)


def _int64(values, name):
    if any(not _INT64[0] <= int(v) <= _INT64[1] for v in values):
        raise ValueError(f"engine.save: {name!r} holds an integer beyond int64")


def _flatten(obj, prefix, arrays, types, active=()):
    obj = _state_of(obj)
    if not isinstance(obj, dict):
        raise TypeError(f"engine.save: expected a dict (or a Module/Optimizer) at "
                        f"{prefix or 'the top level'}, got {type(obj).__name__}")
    if id(obj) in active:
        raise ValueError(f"engine.save: the dict at {prefix!r} contains itself (a cycle)")
    active = (*active, id(obj))
    if not obj and prefix:
        types[prefix] = "dict"
    for key, value in obj.items():
        if not isinstance(key, str) or not key or SEP in key or "\0" in key or key == _MANIFEST:
            raise ValueError(f"engine.save: keys must be non-empty strings without {SEP!r} "
                             f"or NUL characters, "
                             f"got {key!r} at {prefix or 'the top level'}")
        name = f"{prefix}{SEP}{key}" if prefix else key
        value = _state_of(value)
        if isinstance(value, dict):
            _flatten(value, name, arrays, types, active)
        elif value is None:
            types[name] = "none"
        elif isinstance(value, bool) or isinstance(value, np.bool_):
            arrays[name], types[name] = np.array(bool(value)), "bool"
        elif isinstance(value, numbers.Integral):
            _int64([value], name)
            arrays[name], types[name] = np.array(int(value), dtype=np.int64), "int"
        elif isinstance(value, numbers.Real):
            arrays[name], types[name] = np.array(float(value)), "float"
        elif isinstance(value, str):
            if "\0" in value:           # NumPy strings drop trailing NULs: refuse, not alter
                raise ValueError(f"engine.save: the string at {name!r} holds NUL characters")
            arrays[name], types[name] = np.array(value), "str"
        elif isinstance(value, (list, tuple)):
            if not all(isinstance(v, numbers.Real) for v in value):
                raise TypeError(f"engine.save: lists must hold numbers only ({name!r})")
            kind = "int" if all(isinstance(v, numbers.Integral) for v in value) else "float"
            if kind == "int":
                _int64(value, name)
            arrays[name] = np.array(value, dtype=np.int64 if kind == "int" else np.float64)
            types[name] = f"list_{kind}"
        elif isinstance(value, Tensor):
            arrays[name], types[name] = to_numpy(value), "tensor"
        elif isinstance(value, np.ndarray) or hasattr(value, "__array__"):
            arr = to_numpy(value)
            if arr.dtype.kind not in "biufcUS":
                raise TypeError(f"engine.save: {name!r} has dtype {arr.dtype}; object arrays "
                                f"would need pickle and are refused")
            arrays[name], types[name] = arr, "array"
        else:
            raise TypeError(f"engine.save: cannot store {type(value).__name__} at {name!r} "
                            f"(arrays, numbers, strings, bools, None, lists of numbers, dicts)")


# Temporary files of atomic_write: ".<target name>.tmp-<pid>-<host>-<random>", so the ones
# belonging to a target, and the process that wrote them, can be recognised later.
_TMP_MARK = ".tmp-"
STALE_AFTER_S = 3600.0     # a temp file this old is stale even if its pid is alive (pid reuse)
# The writing machine, so that a directory shared between machines (a network file system)
# never has a live writer's file removed for a pid that is dead only on another machine.
_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _tmp_prefix(path):
    return "." + os.path.basename(path)[:120] + _TMP_MARK


def _pid_alive(pid):
    if pid == os.getpid():
        return True
    if os.name == "nt":      # os.kill(pid, 0) would end the process there: trust age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True          # exists but is someone else's, or cannot tell: leave it
    return True


def remove_stale_temp_files(path):
    """Delete the temporary files a killed ``atomic_write`` of ``path`` left behind: those
    named after ``path`` whose writing process is gone, or older than ``STALE_AFTER_S``.
    A save in progress elsewhere (a live process, a recent file) is left alone. Returns the
    names removed. Called by every ``atomic_write``, so litter never grows."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    prefix = _tmp_prefix(path)
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not name.startswith(prefix):
            continue
        fields = name[len(prefix):].split("-")
        if len(fields) != 3 or not fields[0].isdigit():
            continue
        pid_text, host, _ = fields
        full = os.path.join(directory, name)
        try:
            old = now - os.stat(full).st_mtime > STALE_AFTER_S
            # a pid means something only on the machine that wrote the file
            if old or (host == _HOST and not _pid_alive(int(pid_text))):
                os.unlink(full)
                removed.append(name)
        except OSError:
            pass              # gone meanwhile, or not ours to remove
    return removed


@contextlib.contextmanager
def atomic_write(path, mode="wb", **open_kwargs):
    """Write ``path`` all at once or not at all: ``with atomic_write(path) as f: f.write(...)``.

    The block writes to a temporary file in the same directory; when it ends normally the file
    is flushed to disk and renamed over ``path`` (a rename within a directory is atomic), so
    readers see the old file or the new one, never half of one. When the block raises, the
    temporary file is removed and ``path`` is left as it was. A process killed mid-write
    (SIGKILL, power loss) cannot remove its temporary file: the next ``atomic_write`` of the
    same path does (``remove_stale_temp_files``). ``mode`` is "wb" or "w" (text, with
    ``open``'s keyword arguments such as ``encoding``).
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write writes a whole file: mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    remove_stale_temp_files(path)
    # A new name opened with "x" (never an existing file), by plain open() so that the file
    # gets the usual permissions (the umask's), as if ``path`` had been written directly.
    tmp = os.path.join(directory,
                       f"{_tmp_prefix(path)}{os.getpid()}-{_HOST}-{secrets.token_hex(6)}")
    try:
        with open(tmp, mode.replace("w", "x"), **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save(obj, path):
    """Write ``obj`` (see the module docstring) to ``path`` as .npz, atomically; ``path`` may
    also be an open binary file (written in place, as ``torch.save`` does). The file gets the
    usual permissions (those the user's umask allows), as any file the user writes."""
    arrays, types = {}, {}
    _flatten(obj, "", arrays, types)
    arrays[_MANIFEST] = np.array(json.dumps({"format": _FORMAT, "types": types}))
    if hasattr(path, "write"):
        np.savez(path, **arrays)
        return
    with atomic_write(path) as f:
        np.savez(f, **arrays)


# What each manifest entry type needs of its array: (dtype kinds, ndim or None for any).
_KIND_RULES = {"array": ("biufcUS", None), "tensor": ("biuf", None), "bool": ("b", 0),
               "int": ("iu", 0), "float": ("f", 0), "str": ("U", 0),
               "list_int": ("iu", 1), "list_float": ("f", 1)}
_NO_ARRAY = ("none", "dict")


def _restore(arr, kind, name):
    kinds, ndim = _KIND_RULES[kind]
    if arr.dtype.kind not in kinds or (ndim is not None and arr.ndim != ndim):
        raise ValueError(f"entry {name!r} is listed as {kind} but holds a {arr.ndim}-d "
                         f"{arr.dtype} array")
    if arr.dtype.byteorder not in "=|" and arr.dtype.kind != "U":
        arr = arr.astype(arr.dtype.newbyteorder("="))        # native order, same precision
    if kind == "array":
        return arr
    if kind == "tensor":
        return _wrap(arr)
    if kind in ("list_int", "list_float"):
        return arr.tolist()
    return {"bool": bool, "int": int, "float": float, "str": str}[kind](arr[()])


def _checked_types(arrays):
    """The manifest's ``{flat name: entry type}``, checked against the arrays present:
    known types, every listed array present, no unlisted array, no name that is both a
    value and a folder of others (conflicting keys)."""
    raw = arrays.pop(_MANIFEST, None)
    if raw is None:
        raise ValueError("no engine manifest (not written by engine.save)")
    if raw.dtype.kind != "U" or raw.ndim != 0:
        raise ValueError(f"the manifest is a {raw.ndim}-d {raw.dtype} array, not a string")
    manifest = json.loads(str(raw[()]))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("types"), dict):
        raise ValueError("the manifest is not a dict with a 'types' dict")
    if manifest.get("format") != _FORMAT:
        raise ValueError(f"unsupported format {manifest.get('format')!r} (this engine reads "
                         f"format {_FORMAT})")
    types = manifest["types"]
    for name, kind in types.items():
        if not isinstance(kind, str) or (kind not in _KIND_RULES and kind not in _NO_ARRAY):
            raise ValueError(f"unknown entry type {kind!r} for {name!r}")
        if not all(name.split(SEP)):
            raise ValueError(f"invalid entry name {name!r}")
        if (kind in _NO_ARRAY) == (name in arrays):
            raise ValueError(f"entry {name!r} of type {kind} " +
                             ("has an array" if kind in _NO_ARRAY else "is missing"))
    unlisted = sorted(set(arrays) - set(types))
    if unlisted:
        raise ValueError(f"arrays not in the manifest: {unlisted[:5]}")
    for name in types:
        parts = name.split(SEP)
        for i in range(1, len(parts)):
            if SEP.join(parts[:i]) in types:
                raise ValueError(f"conflicting keys: {SEP.join(parts[:i])!r} is a value and "
                                 f"also holds {name!r}")
    return types


def _map_target(map_location):
    """The device ``map_location`` names (None: leave arrays on the host). PyTorch's remapping
    forms (a dict or a function) keep host arrays, as every saved array is a host array."""
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return None
    return check_available(map_location)


def load(path, map_location=None, weights_only=None, mmap=None):
    """Read a file written by ``save``: the same nested dict (arrays as NumPy arrays, tensors
    as Tensors). ``path`` may be an open binary file.

    PyTorch's keywords: ``map_location`` (None or "cpu": values are loaded into host memory;
    "cuda": every array on the GPU; ``save`` always writes host arrays, so a file loads on
    either device), ``weights_only`` (True or False: both load
    data only, as these files can hold nothing else), ``mmap`` (accepted; files are read whole).
    A missing file raises FileNotFoundError; anything but a well-formed file of ``save``
    (a plain .npy or zip, an empty, truncated or damaged file, a bad manifest, conflicting
    keys, absurd declared sizes, object or other non-plain dtypes, a directory) raises
    ValueError naming the path, before allocating more than the file's size justifies.
    Nothing is unpickled: object arrays are refused.
    """
    target = _map_target(map_location)
    if weights_only not in (None, True, False):
        raise TypeError(f"weights_only must be True, False or None, got {weights_only!r}")
    if mmap not in (None, True, False):
        raise TypeError(f"mmap must be True, False or None, got {mmap!r}")
    if not hasattr(path, "read"):
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"no such file: {path}")
    try:
        arrays = read_npz(path)
        types = _checked_types(arrays)
        flat = {name: (None if kind == "none" else {}) if kind in _NO_ARRAY
                else _restore(arrays[name], kind, name) for name, kind in types.items()}
    except PermissionError:
        raise                    # not a malformed file: as open() reports it
    except (json.JSONDecodeError, RecursionError, *READ_ERRORS) as err:
        where = f"the file object {path!r}" if hasattr(path, "read") else path
        raise ValueError(f"engine.load: {where} is not a valid engine checkpoint "
                         f"(corrupt, truncated or not written by engine.save): {err}") from None
    result = {}
    for name, value in flat.items():
        parts = name.split(SEP)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if target is not None and isinstance(value, Tensor):
            value.data = move(value.data, target)
        elif target is not None and isinstance(value, np.ndarray) and value.dtype.kind != "U":
            value = move(value, target)
        node[parts[-1]] = value
    return result


def _is_torch_tensor(value):
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def from_torch_state_dict(state_dict):
    """A PyTorch ``state_dict`` (name → torch.Tensor) as engine's (name → NumPy array), to give
    to ``Module.load_state_dict``. The names are the same in both libraries. CPU tensors share
    their memory with the arrays; GPU tensors are copied to the host; float16/bfloat16 become
    float32 (engine computes in float32 and float64). Non-tensor values are kept."""
    if not hasattr(state_dict, "items"):
        raise TypeError(f"from_torch_state_dict expects a dict, got {type(state_dict).__name__}")
    out = {}
    for name, value in state_dict.items():
        if _is_torch_tensor(value):
            value = value.detach()
            if value.device.type != "cpu":
                value = value.cpu()
            if str(value.dtype) in ("torch.float16", "torch.bfloat16"):
                value = value.float()
            value = value.numpy()
        elif isinstance(value, Tensor):
            value = to_numpy(value)
        out[name] = value
    return out


def to_torch_state_dict(state_dict):
    """Engine's ``state_dict`` (name → array or Tensor) as PyTorch's (an OrderedDict of
    name → torch.Tensor, sharing memory with the arrays), for ``torch_model.load_state_dict``.
    Needs PyTorch installed."""
    try:
        import torch
    except ImportError as err:
        raise ImportError("to_torch_state_dict needs PyTorch (pip install torch)") from err
    import collections
    if not hasattr(state_dict, "items"):
        raise TypeError(f"to_torch_state_dict expects a dict, got {type(state_dict).__name__}")
    out = collections.OrderedDict()
    for name, value in state_dict.items():
        if isinstance(value, Tensor) or isinstance(value, np.ndarray):
            arr = to_numpy(value)
            # torch.from_numpy shares memory; it needs a writeable, native-order array.
            if not arr.flags.writeable:
                arr = arr.copy()
            value = torch.from_numpy(arr)
        out[name] = value
    return out
