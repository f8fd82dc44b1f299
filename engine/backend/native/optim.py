"""Optimizer updates by the fused C kernels of csrc/optim: one pass per parameter.

The same names and results as ``reference/optim.py`` (read that one for the equations); w and
the state buffers are updated in place, so each is checked first: a copy would lose the update.
"""
from ... import _C
from .._checks import check_buffer, float_input, same_as

__all__ = ["sgd_step", "adam_step", "adagrad_step", "rmsprop_step"]


def _state_buffer(buf, w, name):
    """A state buffer updated in place: it must already be w's shape, dtype and contiguous."""
    return check_buffer(buf, w.shape, w.dtype, name).reshape(-1)


def _parameter(w):
    if float_input(w, "w") is not w or not w.flags.writeable:  # a copy would lose the update
        raise ValueError("the parameter w is updated in place: it must be a writeable "
                         "C-contiguous array")
    return w


def sgd_step(w, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
             first_step=False, tmp=None):
    """SGD, one fused pass (equations: reference.sgd_step).  ``tmp`` is not needed here."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    b = None
    if momentum:
        b = _state_buffer(buf, w, "buf (momentum buffer)")
    _C.sgd_step(w.reshape(-1), g.reshape(-1), b, float(lr), float(momentum), float(dampening),
                bool(nesterov), float(weight_decay), bool(first_step))


def adam_step(w, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,
              bias_correction1=1.0, bias_correction2=1.0, tmp=None):
    """Adam / AdamW, one fused pass (equations: reference.adam_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    m = _state_buffer(m, w, "m (exp_avg)")
    v = _state_buffer(v, w, "v (exp_avg_sq)")
    if vmax is not None:
        vmax = _state_buffer(vmax, w, "vmax (max_exp_avg_sq)")
    _C.adam_step(w.reshape(-1), g.reshape(-1), m, v, vmax, float(lr), float(beta1), float(beta2),
                 float(eps), float(weight_decay), bool(decoupled), float(bias_correction1),
                 float(bias_correction2))


def adagrad_step(w, g, state_sum, clr, eps, weight_decay=0.0, tmp=None):
    """Adagrad, one fused pass (equations: reference.adagrad_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    s = _state_buffer(state_sum, w, "state_sum (sum of squared gradients)")
    _C.adagrad_step(w.reshape(-1), g.reshape(-1), s, float(clr), float(eps), float(weight_decay))


def rmsprop_step(w, g, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay=0.0,
                 momentum=0.0, tmp=None):
    """RMSprop, one fused pass (equations: reference.rmsprop_step); centered when ``grad_avg``
    is not None.  ``tmp`` is not needed."""
    w = _parameter(w)
    g = same_as(w, g, "g", "w")
    v = _state_buffer(square_avg, w, "square_avg")
    a = None
    if grad_avg is not None:
        a = _state_buffer(grad_avg, w, "grad_avg")
    b = None
    if momentum:
        b = _state_buffer(momentum_buffer, w, "momentum_buffer")
    _C.rmsprop_step(w.reshape(-1), g.reshape(-1), v, a, b, float(lr), float(alpha), float(eps),
                    float(weight_decay), float(momentum))
