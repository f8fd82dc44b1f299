# engine/_optim.pxi -- included by _C.pyx: fused optimizer updates (csrc/optim/).
# One pass over each parameter per step; the equations are in csrc/optim/optim.h, and each
# wrapper calls its step through the table of the instruction set in use.  Conventions
# (1-D C-contiguous buffers of one dtype, updated in place, checks before nogil): see _C.pyx.
# The native backend (engine/backend/) checks shapes and dtypes and turns None
# hyper-parameters away; here we only check sizes, so no call can read or write past a buffer.

cdef extern from "optim/optim.h" nogil:
    ctypedef struct eng_optim_table:
        void (*sgd_f32)(float *w, const float *g, float *buf, ptrdiff_t n, double lr,
            double momentum, double dampening, int nesterov, double weight_decay,
            int first_step) noexcept nogil
        void (*sgd_f64)(double *w, const double *g, double *buf, ptrdiff_t n, double lr,
            double momentum, double dampening, int nesterov, double weight_decay,
            int first_step) noexcept nogil
        void (*adam_f32)(float *w, const float *g, float *m, float *v, float *vmax,
            ptrdiff_t n, double lr, double beta1, double beta2, double eps,
            double weight_decay, int decoupled, double bias_correction1,
            double bias_correction2) noexcept nogil
        void (*adam_f64)(double *w, const double *g, double *m, double *v, double *vmax,
            ptrdiff_t n, double lr, double beta1, double beta2, double eps,
            double weight_decay, int decoupled, double bias_correction1,
            double bias_correction2) noexcept nogil
        void (*adagrad_f32)(float *w, const float *g, float *sum, ptrdiff_t n, double clr,
            double eps, double weight_decay) noexcept nogil
        void (*adagrad_f64)(double *w, const double *g, double *sum, ptrdiff_t n, double clr,
            double eps, double weight_decay) noexcept nogil
        void (*rmsprop_f32)(float *w, const float *g, float *square_avg, float *grad_avg,
            float *momentum_buffer, ptrdiff_t n, double lr, double alpha,
            double eps, double weight_decay, double momentum) noexcept nogil
        void (*rmsprop_f64)(double *w, const double *g, double *square_avg, double *grad_avg,
            double *momentum_buffer, ptrdiff_t n, double lr, double alpha,
            double eps, double weight_decay, double momentum) noexcept nogil
        void (*adadelta_f32)(float *w, const float *g, float *square_avg, float *acc_delta,
            ptrdiff_t n, double lr, double rho, double eps, double weight_decay) noexcept nogil
        void (*adadelta_f64)(double *w, const double *g, double *square_avg,
            double *acc_delta, ptrdiff_t n, double lr, double rho, double eps,
            double weight_decay) noexcept nogil


cdef inline const eng_optim_table *_optim() noexcept nogil:
    return <const eng_optim_table *>eng_isa_table(ENG_FAMILY_OPTIM)


def sgd_step(floating[::1] w not None, floating[::1] g not None, floating[::1] buf, double lr,
             double momentum, double dampening, bint nesterov, double weight_decay,
             bint first_step):
    """SGD update of w in place (buf: the momentum buffer, None when momentum == 0)."""
    cdef Py_ssize_t n = w.shape[0]
    cdef floating *pbuf = NULL
    _check_size("sgd_step", "g", g.shape[0], n)
    if buf is not None:
        _check_size("sgd_step", "buf", buf.shape[0], n)
        if n:
            pbuf = &buf[0]
    elif momentum != 0.0:
        raise ValueError("sgd_step: momentum > 0 needs a momentum buffer, got None")
    if n == 0:
        return
    with nogil:
        if floating is float:
            _optim().sgd_f32(&w[0], &g[0], pbuf, n, lr, momentum, dampening, nesterov,
                             weight_decay, first_step)
        else:
            _optim().sgd_f64(&w[0], &g[0], pbuf, n, lr, momentum, dampening, nesterov,
                             weight_decay, first_step)


def adam_step(floating[::1] w not None, floating[::1] g not None, floating[::1] m not None,
              floating[::1] v not None, floating[::1] vmax, double lr, double beta1, double beta2,
              double eps, double weight_decay, bint decoupled, double bias_correction1,
              double bias_correction2):
    """Adam/AdamW update of w, m, v (and vmax when not None: amsgrad) in place."""
    cdef Py_ssize_t n = w.shape[0]
    cdef floating *pvmax = NULL
    _check_size("adam_step", "g", g.shape[0], n)
    _check_size("adam_step", "m", m.shape[0], n)
    _check_size("adam_step", "v", v.shape[0], n)
    if vmax is not None:
        _check_size("adam_step", "vmax", vmax.shape[0], n)
        if n:
            pvmax = &vmax[0]
    if not (bias_correction1 > 0.0 and bias_correction2 > 0.0):
        raise ValueError(f"adam_step: bias corrections must be > 0, got {bias_correction1}, "
                         f"{bias_correction2}")
    if n == 0:
        return
    with nogil:
        if floating is float:
            _optim().adam_f32(&w[0], &g[0], &m[0], &v[0], pvmax, n, lr, beta1, beta2, eps,
                              weight_decay, decoupled, bias_correction1, bias_correction2)
        else:
            _optim().adam_f64(&w[0], &g[0], &m[0], &v[0], pvmax, n, lr, beta1, beta2, eps,
                              weight_decay, decoupled, bias_correction1, bias_correction2)


def adagrad_step(floating[::1] w not None, floating[::1] g not None,
                 floating[::1] state_sum not None, double clr, double eps, double weight_decay):
    """Adagrad update of w and state_sum (the sum of squared gradients) in place; clr is the
    step's decayed learning rate lr / (1 + (t − 1)·lr_decay)."""
    cdef Py_ssize_t n = w.shape[0]
    _check_size("adagrad_step", "g", g.shape[0], n)
    _check_size("adagrad_step", "state_sum", state_sum.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            _optim().adagrad_f32(&w[0], &g[0], &state_sum[0], n, clr, eps, weight_decay)
        else:
            _optim().adagrad_f64(&w[0], &g[0], &state_sum[0], n, clr, eps, weight_decay)


def rmsprop_step(floating[::1] w not None, floating[::1] g not None,
                 floating[::1] square_avg not None, floating[::1] grad_avg,
                 floating[::1] momentum_buffer, double lr, double alpha, double eps,
                 double weight_decay, double momentum):
    """RMSprop update of w, square_avg (and grad_avg when not None: centered, and
    momentum_buffer when momentum > 0) in place."""
    cdef Py_ssize_t n = w.shape[0]
    cdef floating *pavg = NULL
    cdef floating *pbuf = NULL
    _check_size("rmsprop_step", "g", g.shape[0], n)
    _check_size("rmsprop_step", "square_avg", square_avg.shape[0], n)
    if grad_avg is not None:
        _check_size("rmsprop_step", "grad_avg", grad_avg.shape[0], n)
        if n:
            pavg = &grad_avg[0]
    if momentum_buffer is not None:
        _check_size("rmsprop_step", "momentum_buffer", momentum_buffer.shape[0], n)
        if n:
            pbuf = &momentum_buffer[0]
    elif momentum != 0.0:
        raise ValueError("rmsprop_step: momentum > 0 needs a momentum buffer, got None")
    if n == 0:
        return
    with nogil:
        if floating is float:
            _optim().rmsprop_f32(&w[0], &g[0], &square_avg[0], pavg, pbuf, n, lr, alpha, eps,
                                 weight_decay, momentum)
        else:
            _optim().rmsprop_f64(&w[0], &g[0], &square_avg[0], pavg, pbuf, n, lr, alpha, eps,
                                 weight_decay, momentum)



def adadelta_step(floating[::1] w not None, floating[::1] g not None,
                  floating[::1] square_avg not None, floating[::1] acc_delta not None, double lr,
                  double rho, double eps, double weight_decay):
    """Adadelta update of w, square_avg and acc_delta in place."""
    cdef Py_ssize_t n = w.shape[0]
    _check_size("adadelta_step", "g", g.shape[0], n)
    _check_size("adadelta_step", "square_avg", square_avg.shape[0], n)
    _check_size("adadelta_step", "acc_delta", acc_delta.shape[0], n)
    if n == 0:
        return
    with nogil:
        if floating is float:
            _optim().adadelta_f32(&w[0], &g[0], &square_avg[0], &acc_delta[0], n, lr, rho, eps,
                                  weight_decay)
        else:
            _optim().adadelta_f64(&w[0], &g[0], &square_avg[0], &acc_delta[0], n, lr, rho, eps,
                                  weight_decay)
