"""``engine.nn.utils``: gradient clipping (PyTorch's ``clip_grad_norm_`` and ``clip_grad_value_``).

Both work on the gradients in place, after ``loss.backward()`` and before ``optimizer.step()``,
and skip parameters without a gradient.
"""
import math

import numpy as np

from ..backend import backend_of
from ..tensor import Tensor
from ..validate import boolean, real_number

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters):
    if isinstance(parameters, (str, bytes)) or not (isinstance(parameters, Tensor) or
                                                    hasattr(parameters, "__iter__")):
        raise TypeError(f"parameters must be a Tensor or an iterable of Tensors, got "
                        f"{type(parameters).__name__}")
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"parameters must be Tensors, got {type(p).__name__}")
    return [p._grad.data for p in params if p._grad is not None]


def _limit(value, name):
    """A clipping bound: a number >= 0 (infinity: no clipping), not NaN."""
    value = real_number(value, name)
    if not value >= 0:
        raise ValueError(f"{name} must be a number >= 0 (or inf), got {value!r}")
    return value


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

        total = (Σ_p ‖g_p‖ⁿ)^(1/n)   (n = norm_type; ``inf``: the largest |g|)
        g_p ← g_p · min(1, max_norm / (total + 1e-6))

    Returns the total norm before clipping (a 0-d float tensor), as PyTorch does.
    ``foreach`` is accepted and does nothing.
    """
    max_norm = _limit(max_norm, "max_norm")
    if isinstance(norm_type, str) and norm_type.strip().lower() in ("inf", "+inf"):
        norm_type = math.inf        # PyTorch takes the string 'inf' too
    norm_type = real_number(norm_type, "norm_type")
    if not norm_type > 0:
        raise ValueError(f"norm_type must be a number > 0 (or inf), got {norm_type!r}")
    boolean(error_if_nonfinite, "error_if_nonfinite")
    grads = _grads(parameters)
    if not grads:
        return Tensor(np.zeros((), dtype=np.float32))
    xp = backend_of(grads[0]).xp
    if math.isinf(norm_type):
        # not Python's max(): max(1.0, nan) is 1.0, so a NaN after the first would be dropped
        total = float(np.max([float(xp.abs(g).max()) if g.size else 0.0 for g in grads]))
    else:
        total = sum(float((xp.abs(g.astype(np.float64)) ** norm_type).sum())
                    for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"the total norm of order {norm_type} of the gradients is {total}: "
                           f"non-finite (pass error_if_nonfinite=False to clip anyway)")
    scale = float(max_norm) / (total + 1e-6)
    if scale < 1.0 or math.isnan(scale):      # a NaN norm makes every gradient NaN, as in PyTorch
        for g in grads:
            g *= g.dtype.type(scale)
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [−clip_value, clip_value], in place."""
    clip_value = _limit(clip_value, "clip_value")
    for g in _grads(parameters):
        xp = backend_of(g).xp
        xp.clip(g, -clip_value, clip_value, out=g)
