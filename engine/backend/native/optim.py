"""Optimizer updates by the fused C kernels of csrc/optim: one pass per parameter.

The same names and results as ``reference/optim.py`` (read that one for the equations); w and
the state buffers are updated in place, so each is checked first (``check_buffer``: w's shape
and dtype, C-contiguous, writeable): a copy would lose the update.
"""
from ... import _C
from .._checks import check_buffer, float_input, same_as

__all__ = ["sgd_step", "adam_step", "adagrad_step", "rmsprop_step", "adadelta_step"]


def _parameter(w):
    if float_input(w, "w") is not w or not w.flags.writeable:  # a copy would lose the update
        raise ValueError("the parameter w is updated in place: it must be a writeable, aligned "
                         "C-contiguous array in this machine's byte order")
    return w


def _gradient(w, g):
    """g checked against w; a read-only g (only read here) as a copy, since the C kernels take
    it through a writeable buffer."""
    g = same_as(w, g, "g", "w")
    return g if g.flags.writeable else g.copy()


def sgd_step(w, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
             first_step=False, tmp=None):
    """SGD, one fused pass (equations: reference.sgd_step).  ``tmp`` is not needed here."""
    w = _parameter(w)
    g = _gradient(w, g)
    b = None
    if momentum:
        b = check_buffer(buf, w.shape, w.dtype, "buf (momentum buffer)").reshape(-1)
    _C.sgd_step(w.reshape(-1), g.reshape(-1), b, float(lr), float(momentum), float(dampening),
                bool(nesterov), float(weight_decay), bool(first_step))


def adam_step(w, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,
              bias_correction1=1.0, bias_correction2=1.0, tmp=None):
    """Adam / AdamW, one fused pass (equations: reference.adam_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = _gradient(w, g)
    m = check_buffer(m, w.shape, w.dtype, "m (exp_avg)").reshape(-1)
    v = check_buffer(v, w.shape, w.dtype, "v (exp_avg_sq)").reshape(-1)
    if vmax is not None:
        vmax = check_buffer(vmax, w.shape, w.dtype, "vmax (max_exp_avg_sq)").reshape(-1)
    _C.adam_step(w.reshape(-1), g.reshape(-1), m, v, vmax, float(lr), float(beta1), float(beta2),
                 float(eps), float(weight_decay), bool(decoupled), float(bias_correction1),
                 float(bias_correction2))


def adagrad_step(w, g, state_sum, clr, eps, weight_decay=0.0, tmp=None):
    """Adagrad, one fused pass (equations: reference.adagrad_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = _gradient(w, g)
    s = check_buffer(state_sum, w.shape, w.dtype, "state_sum (sum of squared gradients)")
    s = s.reshape(-1)
    _C.adagrad_step(w.reshape(-1), g.reshape(-1), s, float(clr), float(eps), float(weight_decay))


def rmsprop_step(w, g, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay=0.0,
                 momentum=0.0, tmp=None):
    """RMSprop, one fused pass (equations: reference.rmsprop_step); centered when ``grad_avg``
    is not None.  ``tmp`` is not needed."""
    w = _parameter(w)
    g = _gradient(w, g)
    v = check_buffer(square_avg, w.shape, w.dtype, "square_avg").reshape(-1)
    a = None
    if grad_avg is not None:
        a = check_buffer(grad_avg, w.shape, w.dtype, "grad_avg").reshape(-1)
    b = None
    if momentum:
        b = check_buffer(momentum_buffer, w.shape, w.dtype, "momentum_buffer").reshape(-1)
    _C.rmsprop_step(w.reshape(-1), g.reshape(-1), v, a, b, float(lr), float(alpha), float(eps),
                    float(weight_decay), float(momentum))


def adadelta_step(w, g, square_avg, acc_delta, lr, rho, eps, weight_decay=0.0, tmp=None):
    """Adadelta, one fused pass (equations: reference.adadelta_step).  ``tmp`` is not needed."""
    w = _parameter(w)
    g = _gradient(w, g)
    v = check_buffer(square_avg, w.shape, w.dtype, "square_avg").reshape(-1)
    u = check_buffer(acc_delta, w.shape, w.dtype, "acc_delta").reshape(-1)
    _C.adadelta_step(w.reshape(-1), g.reshape(-1), v, u, float(lr), float(rho), float(eps),
                     float(weight_decay))
