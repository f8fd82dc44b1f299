"""Checks of optimizers' hyper-parameters, one function per kind of setting.

``Optimizer.add_param_group`` runs them on every group (so a bad value is refused when the
optimizer is built, not at its first step), and ``step()`` runs them again on every group
whose settings changed since its last check, so a value set later through
``param_groups[i]["lr"] = ...`` (by hand or by a scheduler) is refused with the same message
before it can turn the weights into NaN.
"""
import math
import numbers

import numpy as np

from ..validate import boolean, finite_real, non_negative_real, probability


def betas(value, name="betas"):
    """Two numbers in [0, 1) (Adam's moment decays)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a pair of numbers in [0, 1), got {value!r}")
    return tuple(probability(b, f"{name}[{i}]", allow_one=False) for i, b in enumerate(value))


# Every hyper-parameter an optimizer of this package takes, and its check.
CHECKS = {
    "lr": non_negative_real,
    "momentum": non_negative_real,
    "dampening": probability,
    "nesterov": boolean,
    "weight_decay": non_negative_real,
    "eps": non_negative_real,
    "lr_decay": non_negative_real,
    "initial_accumulator_value": non_negative_real,
    "alpha": probability,
    "rho": probability,
    "centered": boolean,
    "amsgrad": boolean,
    "betas": betas,
}

# Keys the schedulers add to a group (OneCycleLR's momentum bounds, every schedule's
# initial rate): numbers, checked as finite only.
SCHEDULER_KEYS = {"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"}


def check_value(key, value):
    """``value`` checked (and converted) for hyper-parameter ``key``.

    A key this package does not know (a setting of a user's own optimizer) is left as given,
    but a number there must still be finite and (as before) not negative."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()            # a number read back from a saved state_dict
    check = CHECKS.get(key)
    if check is not None:
        return check(value, key)
    if key in SCHEDULER_KEYS:
        return finite_real(value, key)
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"invalid {key}: {value!r} (must be a finite number >= 0)")
    return value


def check_group(group, where="a parameter group"):
    """Check every hyper-parameter of ``group`` in place (all but ``params``)."""
    for key in list(group):
        if key == "params":
            continue
        try:
            group[key] = check_value(key, group[key])
        except (TypeError, ValueError) as err:
            raise type(err)(f"{where}: {err}") from None
