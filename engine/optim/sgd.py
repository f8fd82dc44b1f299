"""Stochastic gradient descent, with momentum and Nesterov momentum (PyTorch's rule)."""
import numpy as np

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
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      nesterov=nesterov, weight_decay=weight_decay))

    def _update(self, w, g, state, group, tmp):
        # The gradient array g is not ours to modify: new values go to tmp or the state.
        momentum, wd = group["momentum"], group["weight_decay"]
        if wd:
            np.multiply(w, wd, out=tmp)
            g = np.add(tmp, g, out=tmp)
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                dampening = group["dampening"]
                if dampening:
                    buf += (1 - dampening) * g
                else:
                    buf += g
            if group["nesterov"]:
                g = np.add(g, momentum * buf, out=tmp)
            else:
                g = buf
        w -= np.multiply(g, group["lr"], out=tmp)
