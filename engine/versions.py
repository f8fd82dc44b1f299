"""Version counters: how backward() notices an in-place change to a value it needs.

PyTorch's rule, kept here: every tensor has a version (``t._version``), starting at 0 and bumped
by each in-place change made through a Tensor method (``t[i] = v``, ``add_``, ``mul_``,
``zero_``, ``fill_``, ``copy_``, ``clamp_``, ``normal_``/``uniform_``, ``x += y`` outside a
graph, the ``engine.nn.init`` functions, an optimizer's ``step()``). When a Function is recorded
it notes the version of every array it keeps for backward (its inputs and what its forward saved
on ``self``); backward() compares, and a changed version is a RuntimeError naming the tensor
instead of a silently wrong gradient.

The counter belongs to the memory, not to the Tensor object: a tensor and its views (slices,
reshapes, ``detach()``) share it, as in PyTorch. It is kept in a table keyed by the array that
owns the memory (the end of NumPy's ``.base`` chain) and removed when that array is freed; an
array never changed in place has no entry (version 0), so recording costs a dictionary lookup.

Not counted: writes straight into the NumPy array (``t.data[...] = v``, ``np.add(a, b,
out=t.data)``, C code handed ``t.data``). ``t.data`` is the raw array, and NumPy cannot tell
anyone it changed; PyTorch does not track changes made through ``.data`` either.
"""
import weakref

import numpy as np

_versions = {}   # id(owner array) -> number of in-place changes so far
_owners = {}     # id(owner array) -> weak reference that removes the entry when it dies


def memory_owner(arr):
    """The array that owns ``arr``'s memory: the last array of its ``.base`` chain."""
    kind = type(arr)
    base = arr.base
    while base is not None and isinstance(base, kind):
        arr, base = base, base.base
    return arr


def version_of(arr):
    """How many in-place changes the memory of ``arr`` has had (0 if none)."""
    if not _versions:
        return 0
    return _versions.get(id(memory_owner(arr)), 0)


def _forget(key):
    _versions.pop(key, None)
    _owners.pop(key, None)


def bump(arr):
    """Record one in-place change to the memory of ``arr`` (a NumPy or CuPy array)."""
    owner = memory_owner(arr)
    key = id(owner)
    if key not in _owners:
        try:
            _owners[key] = weakref.ref(owner, lambda _, key=key: _forget(key))
        except TypeError:   # an array type without weak references: count, never forget
            _owners[key] = None
    _versions[key] = _versions.get(key, 0) + 1


def _arrays_in(value):
    """The arrays held by one attribute a forward() saved (an array, or a tuple/list of them)."""
    if isinstance(value, np.ndarray):
        return (value,)
    if isinstance(value, (tuple, list)):
        return tuple(v for v in value if isinstance(v, np.ndarray) or _is_device_array(v))
    return (value,) if _is_device_array(value) else ()


def _is_device_array(value):
    return type(value).__module__.startswith("cupy") and hasattr(value, "base")


def record_saved(fn, inputs, outputs):
    """What ``fn`` keeps for backward, with the versions it has now: a tuple of
    ``(owner id, version, label, shape, dtype)``, one per distinct memory.

    Its inputs come first (backward may read ``self.inputs``), then the arrays forward() put
    on ``self``; an attribute sharing memory with an output is labelled as that output.
    """
    seen = {}
    for i, t in enumerate(inputs):
        arr = t.data
        key = id(memory_owner(arr))
        if key not in seen:
            seen[key] = (key, _versions.get(key, 0), f"input {i}", arr.shape, arr.dtype)
    d = getattr(fn, "__dict__", None)
    if d:
        out_keys = None
        for name, value in d.items():
            for arr in _arrays_in(value):
                key = id(memory_owner(arr))
                if key in seen:
                    continue
                if out_keys is None:
                    out_keys = {id(memory_owner(y.data)): j for j, y in enumerate(outputs)}
                label = f"output {out_keys[key]}" if key in out_keys else f"saved '{name}'"
                seen[key] = (key, _versions.get(key, 0), label, arr.shape, arr.dtype)
    return tuple(seen.values())


def check_saved(fn, saved):
    """Raise the RuntimeError PyTorch raises if anything ``fn`` saved changed since forward."""
    if not _versions:
        return
    for key, version, label, shape, dtype in saved:
        now = _versions.get(key, 0)
        if now != version:
            name = type(fn).__name__
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by "
                f"an inplace operation: [{dtype} {list(shape)}], which is {label} of {name}, "
                f"is at version {now}; expected version {version} instead. Change it out of "
                f"place (x = x + y), or change a .clone() of it, or call backward() before "
                f"changing it.")
