"""Containers: ``Sequential``, ``ModuleList`` and ``ModuleDict`` (PyTorch's names and behaviour).

They hold sub-layers so that ``parameters()``, ``state_dict()``, ``train()``/``eval()`` and
``to()`` reach them.  ``Sequential`` also chains them: y = f_L(… f_2(f_1(x))).  The children
are registered under their index (``"0"``, ``"1"``, …) or key, which gives the parameter names
PyTorch gives (``"0.weight"``).
"""
import operator
from collections import OrderedDict

from .module import Module


def _check_module(value, where):
    if not isinstance(value, Module):
        raise TypeError(f"{where} takes Modules, got {type(value).__name__}")
    return value


class _IndexedModules(Module):
    """What ``Sequential`` and ``ModuleList`` share: children "0", "1", … in order, indexed
    like a Python list (negative indices, slices), with ``len``, ``append`` and assignment."""

    def _index(self, index):
        """``index`` (an int, possibly negative) as a position 0 … len−1; IndexError otherwise."""
        try:
            index = operator.index(index)
        except TypeError:
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, "
                            f"got {type(index).__name__}") from None
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for {type(self).__name__} "
                             f"of length {n}")
        return index % n

    def _renumber(self, modules):
        """Make ``modules`` the children, keyed "0", "1", … again (after a deletion)."""
        for name in list(self._modules):
            object.__delattr__(self, name)
        self._modules.clear()
        for i, module in enumerate(modules):
            setattr(self, str(i), module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules.values()))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[str(self._index(index))]

    def __setitem__(self, index, module):
        setattr(self, str(self._index(index)), _check_module(module, type(self).__name__))

    def __delitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            del modules[index]
        else:
            del modules[self._index(index)]
        self._renumber(modules)

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        setattr(self, str(len(self)), _check_module(module, type(self).__name__))
        return self

    def extend(self, modules):
        """Append each of ``modules``; returns self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Put ``module`` before position ``index`` (as ``list.insert``)."""
        modules = list(self._modules.values())
        modules.insert(index, _check_module(module, type(self).__name__))
        self._renumber(modules)


class Sequential(_IndexedModules):
    """Layers applied one after the other: ``Sequential(Linear(2, 4), Tanh(), Linear(4, 1))``.

    ``Sequential(OrderedDict(name=layer, ...))`` names the children.  Indexing works as on a
    list: ``model[0]``, ``model[-1]``, ``model[:2]`` (a new Sequential sharing the layers),
    ``model[-1] = Linear(64, 5)`` (replace the head), ``len(model)``, ``model.append(layer)``.
    """

    def __init__(self, *layers):
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            for name, layer in layers[0].items():
                setattr(self, str(name), _check_module(layer, "Sequential"))
            return
        for index, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential takes Modules, got {type(layer).__name__} at {index}")
            setattr(self, str(index), layer)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return list(self._modules.values())[self._index(index)]

    def __setitem__(self, index, module):
        name = list(self._modules)[self._index(index)]
        setattr(self, name, _check_module(module, "Sequential"))

    def append(self, module):
        """Add ``module`` at the end (named by its position); returns self."""
        setattr(self, str(len(self)), _check_module(module, "Sequential"))
        return self

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x


class ModuleList(_IndexedModules):
    """A list of Modules whose parameters the parent finds: ``self.blocks = ModuleList([...])``.

    It has no ``forward``: the parent decides how to use its items (e.g. in a loop).
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __add__(self, other):
        return ModuleList(list(self) + list(other))

    def __repr__(self):
        """As PyTorch prints it: a run of equal items is one line, ``(0-2): 3 x Linear(...)``."""
        if not self._modules:
            return "ModuleList()"
        runs = []                                 # [first index, last index, repr]
        for i, module in enumerate(self):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        lines = [(f"({a}): " if a == b else f"({a}-{b}): {b - a + 1} x ")
                 + text.replace("\n", "\n  ") for a, b, text in runs]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward(): iterate over its modules instead")


class ModuleDict(Module):
    """A dict of Modules by name whose parameters the parent finds: ``ModuleDict({"a": ...})``.

    Keys are strings (without ".", which separates names in ``state_dict``); insertion order is
    kept.  Supports ``d[key]``, ``d[key] = module``, ``del d[key]``, ``in``, ``len``, ``keys()``,
    ``values()``, ``items()``, ``update()`` and ``pop()``.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    @staticmethod
    def _key(key):
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"ModuleDict keys must be non-empty strings without '.', got {key!r}")
        return key

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        setattr(self, self._key(key), _check_module(module, "ModuleDict"))

    def __delitem__(self, key):
        del self._modules[key]
        object.__delattr__(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules))

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def update(self, modules):
        """Add ``(key, module)`` pairs from a dict, a ModuleDict or an iterable of pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module

    def pop(self, key):
        module = self._modules[key]
        del self[key]
        return module

    def clear(self):
        for key in list(self._modules):
            del self[key]

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward(): look its modules up by key")
