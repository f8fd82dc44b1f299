"""``Optimizer``: the base of every optimizer — parameter groups, state, zero_grad, state_dict.

An optimizer holds ``param_groups``: a list of dicts, each with ``"params"`` (a list of
Parameters) and the hyper-parameters for them (``"lr"``, ``"momentum"``, ...).  Schedulers
change ``group["lr"]`` between steps.  ``state[p]`` keeps per-parameter buffers (momentum,
running averages); ``step()`` updates ``p.data`` in place, reusing those buffers and one
scratch array per parameter, so a training step allocates nothing here.

Writing your own optimizer: subclass ``Optimizer``, pass the hyper-parameters' defaults to
``super().__init__(params, defaults)``, and write ``_update(w, g, state, group, tmp)``:

* ``w`` is the parameter's array (``p.data``): update it **in place** (``w -= ...``);
* ``g`` is its gradient (read only); parameters without a gradient are skipped for you;
* ``state`` is this parameter's dict, empty on its first step: keep buffers and counters in it
  (arrays and numbers only, so ``state_dict()`` can be saved with ``engine.save``);
* ``group`` is the parameter's group: read hyper-parameters from it (``group["lr"]``), never
  from ``self``, so schedulers and parameter groups work;
* ``tmp`` is a work array shaped like w, reused between steps.

``step()``, ``zero_grad()``, ``state_dict()``/``load_state_dict()`` and the schedulers come from
the base class.  For example, sign descent with momentum (w ← w − lr·sign(b),
b ← β·b + (1 − β)·g)::

    >>> import numpy as np
    >>> from engine.optim import Optimizer
    >>> class SignSGD(Optimizer):
    ...     def __init__(self, params, lr=0.01, beta=0.9):
    ...         super().__init__(params, dict(lr=lr, beta=beta))
    ...     def _update(self, w, g, state, group, tmp):
    ...         if not state:
    ...             state["momentum_buffer"] = np.zeros_like(w)
    ...         b = state["momentum_buffer"]
    ...         b *= group["beta"]
    ...         b += (1 - group["beta"]) * g
    ...         w -= group["lr"] * np.sign(b, out=tmp)
    >>> from engine.nn import Parameter
    >>> p = Parameter(np.array([1.0, -1.0]))
    >>> opt = SignSGD([p], lr=0.5)
    >>> p.grad = np.array([3.0, -0.1])
    >>> opt.step()
    >>> p.data
    array([ 0.5, -0.5])
"""
import numbers

import numpy as np

from ..autograd import no_grad
from ..backend import backend_of
from ..devices import device_of, move
from ..state_values import cast_for_load, plain_number
from ..tensor import Tensor
from ..versions import bump
from . import hyper


def _as_list(params, name):
    """``params`` (an iterable of Tensors or of group dicts) as a list, in a stable order."""
    if isinstance(params, Tensor):
        raise TypeError(f"{name} must be an iterable of Parameters (e.g. model.parameters()), "
                        f"not a single Tensor")
    if isinstance(params, (set, frozenset, dict, str, bytes)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{name} must be a list (or other ordered iterable) of Tensors or of "
                        f"parameter-group dicts, got {type(params).__name__}")
    return list(params)


def _unchanged(group, settings):
    """True if ``group`` holds exactly the objects of ``settings`` (and its params)."""
    return len(group) == len(settings) + 1 and all(
        key in group and group[key] is value for key, value in settings.items())


class Optimizer:
    """Subclasses set ``defaults`` via ``super().__init__(params, defaults)`` and write ``_update``."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        self._scratch = {}
        self._checked = {}      # group index -> (the group, its settings as last checked)
        for key, value in self.defaults.items():
            self.defaults[key] = hyper.check_value(key, value)
        params = _as_list(params, "params")
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a dict ``{"params": [...], hyper-parameter: value ...}``; missing ones take the defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"a parameter group is a dict with a 'params' entry, got "
                            f"{type(group).__name__}")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else _as_list(params, "a group's params")
        if not params:
            raise ValueError("a parameter group has an empty parameter list")
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizers take Tensors (Parameters), got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("optimizers can only update leaf tensors (like Parameters), "
                                 "got a tensor computed from others")
        # The same parameter twice would be updated twice per step: refused (PyTorch warns
        # within a group and raises across groups; here both raise).
        if len({id(p) for p in params}) != len(params):
            raise ValueError("a parameter group has the same parameter more than once")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        full = dict(self.defaults)
        full.update(group)
        full["params"] = params
        hyper.check_group(full, f"parameter group {len(self.param_groups)}")
        self.param_groups.append(full)

    def zero_grad(self, set_to_none=True):
        """Reset gradients before the next backward: to None (default) or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p._grad is None:
                    p._grad = None
                else:
                    p._grad.data[...] = 0

    def scratch(self, p):
        """A work array shaped like ``p``, reused across steps (not part of the state)."""
        buf = self._scratch.get(p)
        if buf is None or buf.shape != p.data.shape or buf.dtype != p.data.dtype:
            buf = self._scratch[p] = backend_of(p.data).xp.empty_like(p.data)
        return buf

    @no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure`` (re-evaluating the loss) is
        called first if given, and its value returned."""
        self._check_settings()
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                self._update(p.data, p._grad.data, state, group, self.scratch(p))
                bump(p.data)   # as in PyTorch: a graph that saved p now refuses backward
        return loss

    def _check_settings(self):
        """Check every group's hyper-parameters before any weight moves, so that a setting
        changed since the last step (``param_groups[i]["lr"] = ...``, by hand or by a
        scheduler) is refused with the constructor's message.  A group holding the very
        objects checked last time is not checked again: a change puts a new object there,
        and re-checking unchanged settings took ~9% of a small network's step (the 2-4-1
        XOR net)."""
        for i, group in enumerate(self.param_groups):
            last = self._checked.get(i)
            if last is not None and last[0] is group and _unchanged(group, last[1]):
                continue
            hyper.check_group(group, f"parameter group {i}")
            self._checked[i] = (group, {k: v for k, v in group.items() if k != "params"})

    def _update(self, w, g, state, group, tmp):
        """Update the array w in place from its gradient g; tmp is a free work array."""
        raise NotImplementedError

    # ----------------------------------------------------------- saving and resuming
    def state_dict(self):
        """Arrays and numbers only (so ``engine.save`` can write it to .npz)::

            {"state": {"0": {"step": 3, "exp_avg": array, ...}, ...},
             "param_groups": {"0": {"lr": 0.01, ..., "params": [0, 1, 2]}, ...}}

        Parameters are numbered in order over all groups, as in PyTorch.
        """
        index, groups = {}, {}
        for gi, group in enumerate(self.param_groups):
            saved = {}
            for key, value in group.items():
                if key == "params":
                    continue
                saved[key] = list(value) if isinstance(value, tuple) else value
            ids = []
            for p in group["params"]:
                index[p] = len(index)
                ids.append(index[p])
            saved["params"] = ids
            groups[str(gi)] = saved
        state = {}
        for p, s in self.state.items():
            if p in index and s:
                state[str(index[p])] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                        for k, v in s.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and buffers saved by ``state_dict()`` (same parameter layout).

        All or nothing: the groups, their hyper-parameters (the same names as this optimizer's,
        real numbers where it has numbers) and every buffer (shape and dtype, by the rule of
        ``engine.state_values``) are checked before anything is assigned; a ValueError names
        the first problem and leaves the optimizer as it was."""
        if not hasattr(state_dict, "items") or "param_groups" not in state_dict:
            raise ValueError("optimizer load_state_dict expects a dict with 'param_groups' (and "
                             "'state'), as state_dict() returns")
        groups = _as_group_list(state_dict["param_groups"])
        if len(groups) != len(self.param_groups):
            raise ValueError(f"optimizer state_dict has {len(groups)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        params, new_groups = [], []
        for gi, (saved, group) in enumerate(zip(groups, self.param_groups)):
            new_groups.append(_checked_group(saved, group, gi, self.defaults))
            params.extend(group["params"])
        new_state = {}
        saved_state = state_dict.get("state", {})
        if not hasattr(saved_state, "items"):
            raise ValueError(f"optimizer state must be a dict, got {type(saved_state).__name__}")
        for key, s in saved_state.items():
            i = _param_index(key, len(params))
            if not hasattr(s, "items"):
                raise ValueError(f"optimizer state of parameter {i} must be a dict")
            p = params[i]
            restored = {}
            for k, v in s.items():
                name = f"optimizer state {k!r} of parameter {i}"
                if getattr(v, "ndim", 0) > 0 or isinstance(v, Tensor):
                    v = move(cast_for_load(v, p.dtype, name, p.shape), device_of(p.data))
                else:
                    v = plain_number(v, name)
                restored[k] = v
            new_state[p] = restored
        for group, values in zip(self.param_groups, new_groups):
            group.update(values)
        self.state = new_state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _as_group_list(groups):
    if hasattr(groups, "items"):
        try:
            order = sorted(groups, key=int)
        except (TypeError, ValueError):
            raise ValueError(f"optimizer param_groups keys must be 0, 1, ...; got "
                             f"{sorted(map(str, groups))[:5]}") from None
        groups = [groups[k] for k in order]
    if not isinstance(groups, (list, tuple)) or not all(hasattr(g, "items") for g in groups):
        raise ValueError("optimizer param_groups must be a list (or numbered dict) of dicts")
    return list(groups)


def _param_index(key, n):
    try:
        i = int(key)
    except (TypeError, ValueError):
        raise ValueError(f"optimizer state key {key!r} is not a parameter number") from None
    if not 0 <= i < n:
        raise ValueError(f"optimizer state for parameter {i}, but there are {n}")
    return i


def _checked_group(saved, group, gi, defaults):
    """The hyper-parameters of saved group ``gi`` as they will be assigned, checked against the
    optimizer's own group: every hyper-parameter of the optimizer present, a number where it
    has a number."""
    ids = saved.get("params")
    if ids is None or np.ndim(ids) != 1 or len(ids) != len(group["params"]):
        n = "no" if ids is None else (len(ids) if np.ndim(ids) == 1 else "not a list of")
        raise ValueError(f"parameter group {gi} of the state_dict has {n} parameters, "
                         f"the optimizer's has {len(group['params'])}")
    keys, own = set(saved) - {"params"}, set(defaults)
    if not own <= keys:
        raise ValueError(f"parameter group {gi}: the state_dict lacks hyper-parameters "
                         f"{sorted(own - keys)} of this optimizer (a state_dict of another "
                         "optimizer?)")
    values = {}
    for key in keys:       # keys beyond the defaults (a scheduler's "initial_lr") as numbers
        value = saved[key]
        current = group[key] if key in group else (tuple(value) if np.ndim(value) == 1 else 0.0)
        name = f"parameter group {gi} {key!r}"
        if isinstance(current, (tuple, list)):
            if np.ndim(value) != 1 or len(value) != len(current):
                raise ValueError(f"{name}: expected {len(current)} numbers, got {value!r}")
            value = type(current)(_finite(plain_number(v, name), name) for v in value)
        elif isinstance(current, numbers.Number) or isinstance(current, np.generic):
            value = _finite(plain_number(value, name), name)
        elif current is None:
            value = None if value is None else _finite(plain_number(value, name), name)
        elif isinstance(current, str):
            value = str(value[()] if isinstance(value, np.ndarray) else value)
        values[key] = value
    return values


def _finite(value, name):
    if isinstance(value, float) and not np.isfinite(value):
        raise ValueError(f"{name}: {value} is not a finite number")
    return value
