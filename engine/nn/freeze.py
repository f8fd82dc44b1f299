"""``freeze(module)`` / ``unfreeze(module)``: the transfer-learning switch.

Transfer learning trains a network on task A, keeps its first layers as they are (frozen) and
trains a new head on task B.  Keeping a layer "as it is" means two things:

1. its parameters get no gradient, so no optimizer step changes them
   (``requires_grad = False``);
2. its batch-norm layers keep the running mean and variance learnt on task A: they stay in
   evaluation mode (normalising with those statistics, never updating them) even when the
   model around them is put in training mode by ``model.train()`` or by ``engine.train.fit``.

``freeze`` does both for every module in the tree under ``module``: each one is held in
evaluation mode (so a dropout inside a frozen block is off as well: a frozen block computes
one fixed function), until ``unfreeze`` releases it.
"""
from .module import Module


def _check(module, name):
    if not isinstance(module, Module):
        raise TypeError(f"{name} expects an engine.nn.Module, got {type(module).__name__}")


def freeze(module):
    """Stop ``module`` (and everything inside it) from learning; returns it.

    Parameters stop requiring gradients; every sub-module, batch norm included, is put in and
    held in evaluation mode, so its running statistics stay bit-identical through fine-tuning.
    """
    _check(module, "freeze")
    for sub in module.modules():
        object.__setattr__(sub, "_frozen", True)
        object.__setattr__(sub, "training", False)
    for param in module.parameters():
        param.requires_grad_(False)
    return module


def unfreeze(module, mode=None):
    """Let ``module`` learn again: parameters require gradients and ``train()``/``eval()``
    reach its sub-modules again.  ``mode`` (True/False) sets its mode now; by default it takes
    the mode of ``module`` itself before freezing is lifted (evaluation, since frozen).
    Returns ``module``."""
    _check(module, "unfreeze")
    for sub in module.modules():
        sub.__dict__.pop("_frozen", None)
    for param in module.parameters():
        param.requires_grad_(True)
    if mode is not None:
        module.train(bool(mode))
    return module


def is_frozen(module):
    """True when ``freeze`` holds ``module``."""
    _check(module, "is_frozen")
    return bool(module.__dict__.get("_frozen", False))
