"""Stochastic gradient descent, with momentum and Nesterov momentum (PyTorch's rule)."""
from ..backend import backend_of
from .optimizer import Optimizer


class SGD(Optimizer):
    """w ← w − lr·d, where (PyTorch's formulation)

        g ← ∇w L + weight_decay·w
        b ← g                                  on the first step
        b ← momentum·b + (1 − dampening)·g     afterwards
        d ← g + momentum·b   (nesterov)   or   d ← b   (momentum > 0)   or   d ← g
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False,
                 weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      nesterov=nesterov, weight_decay=weight_decay))
        d = self.defaults       # checked by the base class: numbers and bools only
        if d["nesterov"] and (d["momentum"] <= 0 or d["dampening"] != 0):
            raise ValueError(f"Nesterov momentum needs momentum > 0 and dampening = 0, got "
                             f"momentum={momentum!r}, dampening={dampening!r}")

    def _update(self, w, g, state, group, tmp):
        # The kernel (reference: NumPy passes; native: one fused C pass) updates w and the
        # momentum buffer in place; the gradient array g is not ours to modify.
        B = backend_of(w)
        momentum = group["momentum"]
        buf = state.get("momentum_buffer")
        first = momentum != 0 and buf is None
        if first:
            buf = state["momentum_buffer"] = B.xp.empty_like(w)
        B.sgd_step(w, g, buf if momentum else None, group["lr"], momentum,
                   group["dampening"], group["nesterov"], group["weight_decay"],
                   first_step=first, tmp=tmp)
