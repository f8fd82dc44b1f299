"""L1 and L2 penalties: differentiable scalars to add to the loss (regularisation).

``loss = F.cross_entropy(model(x), y) + 1e-4 * l2_penalty(model.parameters())``
"""
from .. import ops


def _params(params):
    params = list(params)
    if not params:
        raise ValueError("penalty of an empty parameter list")
    return params


def l2_penalty(params):
    """Σ w² over all parameters (gradient 2w).  λ·l2_penalty matches SGD's weight_decay = 2λ."""
    total = None
    for p in _params(params):
        term = ops.sum(p * p)
        total = term if total is None else total + term
    return total


def l1_penalty(params):
    """Σ |w| over all parameters (gradient sign(w)): pushes weights to exactly zero."""
    total = None
    for p in _params(params):
        term = ops.sum(ops.abs(p))
        total = term if total is None else total + term
    return total
