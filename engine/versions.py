"""Version counters: how backward() notices an in-place change to a value it needs.

PyTorch's rule, kept here: every tensor has a version (``t._version``), starting at 0 and bumped
by each in-place change made through a Tensor method (``t[i] = v``, ``add_``, ``mul_``,
``zero_``, ``fill_``, ``copy_``, ``clamp_``, ``normal_``/``uniform_``, ``x += y`` outside a
graph, the ``engine.nn.init`` functions, an optimizer's ``step()``). backward() refuses, with a
RuntimeError naming the tensor, to use a value that changed after the Function saved it: its
inputs and the arrays its forward() put on ``self`` (``self.y = y``; arrays inside tuples are
not looked at). Without this the gradient would silently be computed from the new values.

The counter belongs to the memory, not to the Tensor object: a tensor and its views (slices,
reshapes, ``detach()``) share it, as in PyTorch. It is kept in a table keyed by the array that
owns the memory (the end of NumPy's ``.base`` chain), removed when that array is freed; memory
never changed in place has no entry (version 0).

What it costs: recording a Function notes one number, the count of in-place changes made so
far anywhere (``_changes``). backward() compares it with the count now; only when something was
changed in place in between does it look at the Function's saved arrays one by one. A training
loop (forward, backward, then the optimizer's in-place step) takes that fast path every time.

Not counted: writes straight into the NumPy array (``t.data[...] = v``, ``np.add(a, b,
out=t.data)``, C code handed ``t.data``). ``t.data`` is the raw array, and NumPy cannot tell
anyone it changed; PyTorch does not track changes made through ``.data`` either.
"""
import weakref

import numpy as np

_changes = 0     # in-place changes so far, to any memory: the "clock" a Function records
_versions = {}   # id(owner array) -> number of in-place changes to that memory
_recent = {}     # id(owner array) -> the clock at its last _KEEP changes (oldest first)
_owners = {}     # id(owner array) -> weak reference that removes its entries when it dies
_KEEP = 32       # enough to give the exact expected version in any sensible program


def memory_owner(arr):
    """The array that owns ``arr``'s memory: the last array of its ``.base`` chain."""
    base = arr.base
    while base is not None and (isinstance(base, np.ndarray) or type(base) is type(arr)):
        arr, base = base, base.base       # (NumPy arrays and subclasses; CuPy's arrays)
    return arr


def version_of(arr):
    """How many in-place changes the memory of ``arr`` has had (0 if none)."""
    if not _versions:
        return 0
    return _versions.get(id(memory_owner(arr)), 0)


def _forget(key):
    _versions.pop(key, None)
    _recent.pop(key, None)
    _owners.pop(key, None)


def bump(arr):
    """Record one in-place change to the memory of ``arr`` (a NumPy or CuPy array)."""
    global _changes
    owner = memory_owner(arr)
    key = id(owner)
    if key not in _owners:
        try:
            _owners[key] = weakref.ref(owner, lambda _, key=key: _forget(key))
        except TypeError:   # an array type without weak references: count, never forget
            _owners[key] = None
        _recent[key] = []
    _changes += 1
    _versions[key] = _versions.get(key, 0) + 1
    recent = _recent[key]
    recent.append(_changes)
    if len(recent) > _KEEP:
        del recent[0]


def clock():
    """The number of in-place changes so far: what a recorded Function notes."""
    return _changes


def _saved_arrays(fn):
    """What ``fn`` kept for backward: (where, array) for its inputs (unless its class says
    ``saves_inputs = False``: a backward that reads their shapes only, like Add's), then its
    array attributes."""
    if getattr(fn, "saves_inputs", True):
        for i, t in enumerate(fn.inputs):
            yield f"input {i}", t.data
    for name, value in getattr(fn, "__dict__", {}).items():
        if isinstance(value, np.ndarray) or (type(value).__module__.startswith("cupy")
                                             and hasattr(value, "base")):
            yield name, value


def check_saved(fn, recorded):
    """Raise PyTorch's RuntimeError if anything ``fn`` saved was changed in place after the
    clock read ``recorded``. Free when nothing at all was changed in place since."""
    if recorded == _changes:
        return
    for where, arr in _saved_arrays(fn):
        key = id(memory_owner(arr))
        recent = _recent.get(key)
        if not recent or recent[-1] <= recorded:
            continue
        later = sum(1 for at in recent if at > recorded)
        now = _versions[key]
        exact = later < len(recent) or len(recent) < _KEEP    # no change was forgotten
        expected = f"{now - later}" if exact else f"{now - later} or lower"
        if not where.startswith("input"):
            where = _output_or_attribute(fn, key, where)
        raise RuntimeError(
            f"one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{arr.dtype} {list(arr.shape)}], which is {where} of "
            f"{type(fn).__name__}, is at version {now}; expected version {expected} instead. "
            f"Change it out of place (x = x + y), or change a .clone() of it, or call "
            f"backward() before changing it.")


def _output_or_attribute(fn, key, name):
    """How the message names a saved array: as the output it is, else by its attribute."""
    for j, ref in enumerate(fn.outputs):
        y = ref()
        if y is not None and id(memory_owner(y.data)) == key:
            return f"output {j}"
    return f"saved '{name}'"
