"""``Module``: the base of every layer. It finds its parameters and sub-layers by attribute.

Assigning ``self.weight = Parameter(...)`` or ``self.fc = Linear(...)`` inside ``__init__``
registers them, in order, so ``parameters()`` can hand them to an optimizer.
"""
import numpy as np

from .. import devices, dtypes
from ..autograd import no_grad
from ..backend import backend_of
from ..state_values import as_plain_array, cast_for_load
from ..tensor import Tensor, to_numpy
from ..versions import bump
from .parameter import Parameter


class Module:
    """Base class for layers and models: subclasses write ``__init__`` and ``forward``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before "
                f"assigning attributes")
        if name in self._buffers:  # assigning to a buffer replaces its array
            if value is not None and not hasattr(value, "dtype"):
                raise TypeError(f"buffer {name!r} must be an array or None, "
                                f"got {type(value).__name__}")
            self._buffers[name] = value
            object.__setattr__(self, name, value)
            return
        if value is not None:   # as PyTorch: a registered slot keeps its kind
            if name in self._parameters and not isinstance(value, Parameter):
                raise TypeError(f"cannot assign {type(value).__name__} as parameter {name!r} "
                                f"(a Parameter or None expected)")
            if name in self._modules and not isinstance(value, Module):
                raise TypeError(f"cannot assign {type(value).__name__} as sub-module {name!r} "
                                f"(a Module or None expected)")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------ walking the tree
    def named_children(self):
        return ((name, m) for name, m in self._modules.items() if m is not None)

    def children(self):
        return (module for _, module in self.named_children())

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(dotted name, module)`` for this module and every module below it, each once
        (a module used twice is listed under its first name, as in PyTorch)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                               remove_duplicate)

    def modules(self):
        return (module for _, module in self.named_modules())

    def apply(self, fn):
        """Call ``fn(module)`` on every child (recursively, children first), then on this
        module; returns self.  The usual use: ``model.apply(init_weights)``."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(name, Parameter)`` pairs with PyTorch's dotted names, e.g. ``"0.weight"``.
        A parameter shared by two layers (tied weights) is listed once, under its first name,
        as in PyTorch: an optimizer given it twice would update it twice."""
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, param in module._parameters.items():
                if param is None or (remove_duplicate and id(param) in seen):
                    continue
                seen.add(id(param))
                yield (f"{module_name}.{name}" if module_name else name), param

    # ------------------------------------------------------------ registering by name
    def _check_new_name(self, name, kind):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name must be a str, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{kind} name must be a non-empty string without '.', got {name!r}")
        if hasattr(self, name) and name not in self._parameters and name not in self._modules \
                and name not in self._buffers:
            raise KeyError(f"attribute {name!r} already exists")

    def register_parameter(self, name, param):
        """Add ``param`` (a Parameter, or None) under ``name`` (what ``self.name = param`` does)."""
        self._check_new_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign {type(param).__name__} as parameter {name!r} "
                            f"(a Parameter or None expected)")
        setattr(self, name, param)

    def add_module(self, name, module):
        """Add ``module`` (a Module, or None) as a child under ``name``."""
        self._check_new_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        setattr(self, name, module)
        if module is None:
            self._modules[name] = None

    register_module = add_module

    def get_submodule(self, target):
        """The sub-module at the dotted path ``target`` (``""`` is this module)."""
        module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no sub-module {part!r} "
                                     f"(looking up {target!r})")
            module = child
        return module

    def parameters(self):
        return (param for _, param in self.named_parameters())

    # ------------------------------------------------------------ buffers
    def register_buffer(self, name, array, persistent=True):
        """Register an array the layer keeps but does not learn (e.g. BatchNorm's running mean).

        Buffers are NumPy arrays (or None), saved in ``state_dict()`` unless
        ``persistent=False``, cast by ``double()/float()`` and moved by ``to()``.
        """
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(f"buffer name must be a non-empty string without '.', got {name!r}")
        if name in self._parameters or name in self._modules:
            raise ValueError(f"{name!r} is already a parameter or sub-module")
        if array is not None and not hasattr(array, "dtype"):
            raise TypeError(f"buffer {name!r} must be an array or None, got {type(array).__name__}")
        self._buffers[name] = array
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, array)

    def named_buffers(self, prefix=""):
        """``(name, array)`` pairs for the buffers of this module and its sub-modules."""
        for module_name, module in self.named_modules(prefix=prefix):
            for name, buf in module._buffers.items():
                if buf is not None:
                    yield (f"{module_name}.{name}" if module_name else name), buf

    def buffers(self):
        return (buf for _, buf in self.named_buffers())

    # ------------------------------------------------------------ state
    def state_dict(self):
        """Parameters and persistent buffers by PyTorch's names, as NumPy arrays (copies).

        E.g. ``{"0.weight": array(...), "0.bias": ..., "1.running_mean": ...}``; it is what
        ``engine.save`` writes and ``load_state_dict`` reads back.
        """
        state = {}
        for module_name, module in self.named_modules(remove_duplicate=False):
            prefix = f"{module_name}." if module_name else ""
            for name, param in module._parameters.items():
                state[prefix + name] = to_numpy(param.data).copy()
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent:
                    state[prefix + name] = to_numpy(buf).copy()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays from ``state_dict`` into the parameters and buffers, in place.

        Names and shapes must match (ValueError naming the key otherwise).  With
        ``strict=True`` (default) missing and unexpected keys are errors; with
        ``strict=False`` they are skipped.  Returns ``(missing_keys, unexpected_keys)``.
        Values are cast to each parameter's dtype; complex values, strings, bools into
        floats, floats truncated into integers and values out of range are refused
        (``engine.state_values``). All or nothing: every entry is checked before any is
        assigned.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"load_state_dict expects a dict of arrays, got {type(state_dict).__name__}")
        if not isinstance(strict, (bool, np.bool_)):
            raise TypeError(f"strict must be True or False, got {strict!r}")
        targets = {}
        for module_name, module in self.named_modules(remove_duplicate=False):
            prefix = f"{module_name}." if module_name else ""
            for name in module._parameters:
                targets[prefix + name] = (module, name, True)
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent:
                    targets[prefix + name] = (module, name, False)
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        if strict and (missing or unexpected):
            raise ValueError(f"load_state_dict for {type(self).__name__}: "
                             f"missing keys {missing}, unexpected keys {unexpected}")
        # Check (and cast) every entry before changing anything, so a bad dict leaves the
        # model as it was (the rule: engine.state_values).
        arrays = {}
        for key, (module, name, is_param) in targets.items():
            if key not in state_dict:
                continue
            current = module._parameters[name].data if is_param else module._buffers[name]
            value = as_plain_array(state_dict[key], f"load_state_dict: {key!r}")
            if value.shape != current.shape:
                raise ValueError(f"load_state_dict: {key!r} has shape {current.shape} in the "
                                 f"model, but the state_dict gives shape {value.shape}")
            arrays[key] = cast_for_load(value, current.dtype, f"load_state_dict: {key!r}")
        for key, value in arrays.items():
            module, name, is_param = targets[key]
            if is_param:
                param = module._parameters[name]
                param.data[...] = backend_of(param.data).xp.asarray(value)
                bump(param.data)          # a graph that saved the old values must not use them
            else:
                buf = module._buffers[name]
                buf[...] = backend_of(buf).xp.asarray(value)
                bump(buf)
        return missing, unexpected

    # ------------------------------------------------------------ dtype, device, freezing
    def _apply(self, convert, every_buffer=False):
        """Replace every parameter's and floating buffer's array by ``convert(array)`` (every
        buffer's, integer counters too, when ``every_buffer``: a move between devices)."""
        for module in self.modules():
            for param in module._parameters.values():
                param.data = convert(param.data)
                if param._grad is not None:
                    param._grad.data = convert(param._grad.data)
            for name, buf in list(module._buffers.items()):
                if buf is not None:
                    new = (convert(buf) if every_buffer or buf.dtype.kind == "f"
                           else _move_like(buf, convert))
                    module._buffers[name] = new
                    object.__setattr__(module, name, new)
        return self

    def double(self):
        """Cast parameters and floating buffers to float64, in place; returns self."""
        return self._apply(lambda a: a.astype(dtypes.float64, copy=False))

    def float(self):
        """Cast parameters and floating buffers to float32, in place; returns self."""
        return self._apply(lambda a: a.astype(dtypes.float32, copy=False))

    def to(self, *args, device=None, dtype=None):
        """Move every parameter and buffer to a device and/or cast the floating ones to a
        dtype; in place, returns self (as in PyTorch).

        ``m.to("cuda")``, ``m.to("cpu")``, ``m.to(engine.device("cuda:0"))``,
        ``m.to(engine.float64)``, ``m.to("cuda", engine.float64)``. Moving to "cuda" without
        CuPy or a GPU raises a RuntimeError saying what to install (before anything moves).
        """
        for arg in args:
            if devices.is_device_spec(arg):
                device = arg
            else:
                dtype = arg
        if dtype is not None:
            dtype = dtypes.as_float_dtype(dtype)
        if device is not None:
            device = devices.as_device(device)
            if device.type == "cuda":
                devices.move(np.zeros(0), device)       # fails here, clearly, without a GPU
            self._apply(lambda a: devices.move(a, device), every_buffer=True)
        if dtype is not None:
            self._apply(lambda a: a.astype(dtype, copy=False))
        return self

    def cuda(self, device=None):
        """``self.to("cuda")`` (``"cuda:N"`` for ``device=N``)."""
        return self.to(devices.device("cuda", device))

    def cpu(self):
        """``self.to("cpu")``."""
        return self.to(devices.CPU)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze (True) every parameter; returns self.

        A frozen parameter gets no gradient, so optimizers leave it alone.  (It does not
        change the mode: a frozen BatchNorm in training mode still updates its statistics;
        call ``eval()`` to stop that.)
        """
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    # ------------------------------------------------------------ summary
    def summary(self, input_shape, dtype=None):
        """A table of the layers, their output shapes and parameter counts (trainable/frozen).

        ``input_shape`` includes the batch axis, e.g. ``(1, 1, 28, 28)``.  Runs one forward
        on zeros under no_grad, recording each leaf layer's output (the mode is unchanged,
        but a BatchNorm in training mode would update its statistics, so the summary is run
        in eval mode and the mode restored).
        """
        if dtype is None:
            params = list(self.parameters())
            dtype = params[0].dtype if params else dtypes.get_default_dtype()
        records = []
        patched = []
        for name, module in self.named_modules():
            if module is self or module._modules:
                continue

            def recorder(*args, _m=module, _name=name, _fwd=type(module).forward, **kwargs):
                out = _fwd(_m, *args, **kwargs)
                records.append((_name, _m, out))
                return out
            object.__setattr__(module, "forward", recorder)
            patched.append(module)
        was_training = self.training
        self.eval()
        try:
            with no_grad():
                params = list(self.parameters())     # the input goes where the model is
                xp = backend_of(params[0].data).xp if params else np
                out = self(Tensor(xp.zeros(input_shape, dtype=dtype)))
        finally:
            for module in patched:
                del module.__dict__["forward"]
            self.train(was_training)
        rows = [("Layer (type)", "Output shape", "Param #")]
        for name, module, value in records:
            count = sum(p.numel() for p in module.parameters())
            rows.append((f"{name} ({type(module).__name__})", _shape_text(value), f"{count:,}"))
        if not records:
            rows.append((type(self).__name__, _shape_text(out),
                         f"{sum(p.numel() for p in self.parameters()):,}"))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        line = "-" * (sum(widths) + 4)
        text = [line]
        for i, r in enumerate(rows):
            text.append(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}")
            if i == 0:
                text.append("=" * len(line))
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        total = sum(p.numel() for p in self.parameters())
        text += [line, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                 f"Non-trainable params: {total - trainable:,}", line]
        return "\n".join(text)

    # ------------------------------------------------------------ modes
    def train(self, mode=True):
        """Training mode (dropout active, batch norm updating its statistics).

        A module frozen by ``engine.nn.freeze`` stays in evaluation mode (see ``freeze``).
        """
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"training mode is expected to be a bool, got {mode!r}")
        for module in self.modules():
            held = module.__dict__.get("_frozen", False)
            object.__setattr__(module, "training", bool(mode) and not held)
        return self

    def eval(self):
        """Evaluation mode: the same as ``train(False)``."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient (``.grad = None``, or zeros if not set_to_none)."""
        for param in self.parameters():
            if set_to_none or param._grad is None:
                param._grad = None
            else:
                param._grad.data[...] = 0

    def extra_repr(self):
        return ""

    def __repr__(self):
        """PyTorch's layout: ``Name(extra)`` for a leaf, else one indented line per child,
        ``(name): repr(child)``, after the module's own ``extra_repr`` lines."""
        lines = self.extra_repr().split("\n") if self.extra_repr() else []
        lines += [f"({name}): " + repr(child).replace("\n", "\n  ")
                  for name, child in self._modules.items()]
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _move_like(buf, convert):
    """Move a non-float buffer (e.g. an int64 counter) with ``convert`` but keep its dtype."""
    target_module = backend_of(convert(np.zeros(0))).xp  # numpy or cupy
    return target_module.asarray(buf)


def _shape_text(value):
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_shape_text(v) for v in value) + "]"
    shape = getattr(value, "shape", None)
    return str(tuple(shape)) if shape is not None else type(value).__name__
