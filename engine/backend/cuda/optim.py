"""Optimizer updates as fused array-module expressions, in place on w and the state buffers.

Each update is a few elementwise expressions, each ``fused`` (``cupy.fuse``: one GPU kernel
per expression; NumPy standing in runs them operator by operator), whose results are copied
into w and the state buffers (``xp.copyto``: the optimizer keeps its arrays). The equations
are ``reference/optim.py``'s, with the same names and results; like the native backend, w and
the buffers are checked first (a copy would lose the update).
"""
import math

from .._checks import check_buffer, float_input, same_as
from .._fuse import fused

# the kernels (the reference twins' names), methods of Kernels(xp)
KERNELS = ["sgd_step", "adam_step", "adagrad_step", "rmsprop_step", "adadelta_step"]


class Kernels:
    """The optimizer updates computed with the array module ``xp`` (cupy, or numpy)."""

    def __init__(self, xp):
        self.xp = xp
        sqrt, maximum = xp.sqrt, xp.maximum
        # g ← g + weight_decay·w (weight_decay = 0 leaves g as it is)
        self._decayed = fused(xp, lambda g, w, weight_decay: g + weight_decay * w)
        # SGD: b ← momentum·b + (1 − dampening)·g;  nesterov: d ← g + momentum·b;
        #      w ← w − lr·d
        self._momentum = fused(xp, lambda b, g, momentum, dampening:
                               momentum * b + (1 - dampening) * g)
        self._nesterov = fused(xp, lambda g, b, momentum: g + momentum * b)
        self._descend = fused(xp, lambda w, d, lr: w - lr * d)
        # Adam: running averages of g and g², then the step with the bias corrections
        self._average = fused(xp, lambda m, g, beta: beta * m + (1 - beta) * g)
        self._average_sq = fused(xp, lambda v, g, beta: beta * v + (1 - beta) * (g * g))
        self._adam = fused(xp, lambda w, m, v, lr_bc1, sqrt_bc2, eps:
                           w - lr_bc1 * (m / (sqrt(v) / sqrt_bc2 + eps)))
        self._maximum = fused(xp, lambda a, b: maximum(a, b))
        # Adagrad: s ← s + g²;  w ← w − clr·g / (√s + eps)
        self._add_sq = fused(xp, lambda s, g: s + g * g)
        self._adagrad = fused(xp, lambda w, g, s, clr, eps: w - clr * (g / (sqrt(s) + eps)))
        # RMSprop: d = √max(v − a², 0) + eps (centered) or √v + eps;  g / d
        self._scaled = fused(xp, lambda g, v, eps: g / (sqrt(v) + eps))
        self._scaled_centered = fused(xp, lambda g, v, a, eps:
                                      g / (sqrt(maximum(v - a * a, 0)) + eps))
        self._accumulate = fused(xp, lambda b, step, momentum: momentum * b + step)
        # Adadelta: Δ = √(u + eps) / √(v + eps) · g
        self._adadelta = fused(xp, lambda g, v, u, eps: sqrt(u + eps) / sqrt(v + eps) * g)

    def _parameter(self, w):
        if float_input(w, "w", self.xp) is not w:       # a copy would lose the update
            raise ValueError("the parameter w is updated in place: it must be a C-contiguous "
                             "array")
        return w

    def _buffer(self, buf, w, name):
        return check_buffer(buf, w.shape, w.dtype, name, self.xp)

    def _set(self, target, value):
        self.xp.copyto(target, value, casting="same_kind")

    def sgd_step(self, w, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False,
                 weight_decay=0.0, first_step=False, tmp=None):
        """SGD (equations: reference.sgd_step).  ``tmp`` is not needed here."""
        w = self._parameter(w)
        g = same_as(w, g, "g", "w", self.xp)
        if weight_decay:
            g = self._decayed(g, w, weight_decay)
        if momentum:
            b = self._buffer(buf, w, "buf (momentum buffer)")
            self._set(b, g if first_step else self._momentum(b, g, momentum, dampening))
            g = self._nesterov(g, b, momentum) if nesterov else b
        self._set(w, self._descend(w, g, lr))

    def adam_step(self, w, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0,
                  decoupled=False, bias_correction1=1.0, bias_correction2=1.0, tmp=None):
        """Adam / AdamW (equations: reference.adam_step).  ``tmp`` is not needed here."""
        w = self._parameter(w)
        g = same_as(w, g, "g", "w", self.xp)
        m = self._buffer(m, w, "m (exp_avg)")
        v = self._buffer(v, w, "v (exp_avg_sq)")
        if weight_decay:
            if decoupled:
                self._set(w, w * (1 - lr * weight_decay))
            else:
                g = self._decayed(g, w, weight_decay)
        self._set(m, self._average(m, g, beta1))
        self._set(v, self._average_sq(v, g, beta2))
        if vmax is not None:
            vmax = self._buffer(vmax, w, "vmax (max_exp_avg_sq)")
            self._set(vmax, self._maximum(vmax, v))
            v = vmax
        self._set(w, self._adam(w, m, v, lr / bias_correction1, math.sqrt(bias_correction2),
                                eps))

    def adagrad_step(self, w, g, state_sum, clr, eps, weight_decay=0.0, tmp=None):
        """Adagrad (equations: reference.adagrad_step).  ``tmp`` is not needed here."""
        w = self._parameter(w)
        g = same_as(w, g, "g", "w", self.xp)
        s = self._buffer(state_sum, w, "state_sum (sum of squared gradients)")
        if weight_decay:
            g = self._decayed(g, w, weight_decay)
        self._set(s, self._add_sq(s, g))
        self._set(w, self._adagrad(w, g, s, clr, eps))

    def rmsprop_step(self, w, g, square_avg, grad_avg, momentum_buffer, lr, alpha, eps,
                     weight_decay=0.0, momentum=0.0, tmp=None):
        """RMSprop (equations: reference.rmsprop_step); centered when ``grad_avg`` is given.
        ``tmp`` is not needed here."""
        w = self._parameter(w)
        g = same_as(w, g, "g", "w", self.xp)
        v = self._buffer(square_avg, w, "square_avg")
        if weight_decay:
            g = self._decayed(g, w, weight_decay)
        self._set(v, self._average_sq(v, g, alpha))
        if grad_avg is not None:
            a = self._buffer(grad_avg, w, "grad_avg")
            self._set(a, self._average(a, g, alpha))
            step = self._scaled_centered(g, v, a, eps)
        else:
            step = self._scaled(g, v, eps)
        if momentum:
            b = self._buffer(momentum_buffer, w, "momentum_buffer")
            self._set(b, self._accumulate(b, step, momentum))
            step = b
        self._set(w, self._descend(w, step, lr))

    def adadelta_step(self, w, g, square_avg, acc_delta, lr, rho, eps, weight_decay=0.0,
                      tmp=None):
        """Adadelta (equations: reference.adadelta_step).  ``tmp`` is not needed here."""
        w = self._parameter(w)
        g = same_as(w, g, "g", "w", self.xp)
        v = self._buffer(square_avg, w, "square_avg")
        u = self._buffer(acc_delta, w, "acc_delta")
        if weight_decay:
            g = self._decayed(g, w, weight_decay)
        self._set(v, self._average_sq(v, g, rho))
        delta = self._adadelta(g, v, u, eps)
        self._set(u, self._average_sq(u, delta, rho))
        self._set(w, self._descend(w, delta, lr))
