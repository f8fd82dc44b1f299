/*
 * activation/elementwise.h -- the elementwise activations: first their list, then their
 * loops.
 *
 * Two parts in one file, so that adding an activation touches one C file:
 *   - ENG_ELEMENTWISE, the list: read by activation.h (without REAL defined) to number the
 *     activations, and by kernels.h to put each one's loops in the table;
 *   - the loops: a template body (common/template.h), read once with REAL = float and
 *     once with REAL = double, for each instruction set (kernels.h).
 *
 * Adding an elementwise activation "foo": a line X(foo, ENG_FOO, grad) below (nograd if
 * it has no backward kernel), then SFX(foo_forward) (and SFX(foo_backward)) with the
 * signatures of eng_map / eng_grad (activation.h) among the loops, then its wrappers in
 * engine/_activation.pxi.  How the loops are written to vectorise: activation.h.
 */
#ifndef ENGINE_ACTIVATION_ELEMENTWISE_LIST
#define ENGINE_ACTIVATION_ELEMENTWISE_LIST

/* The cost of an element, forward and backward: CHEAP (a compare, a multiply: memory
 * bound) or EXP (an exp or log each), which sets the size from which an array is shared
 * among threads (ENG_PAR_MIN_CHEAP / _EXP in activation.h).
 *
 *   X(name,       tag,            backward kernel?, forward, backward) */
#define ENG_ELEMENTWISE(X)                                           \
    X(relu,       ENG_RELU,       grad,               CHEAP,   CHEAP) \
    X(leaky_relu, ENG_LEAKY_RELU, grad,               CHEAP,   CHEAP) \
    X(elu,        ENG_ELU,        grad,               EXP,     EXP)   \
    X(sigmoid,    ENG_SIGMOID,    grad,               EXP,     CHEAP) \
    X(tanh,       ENG_TANH,       grad,               EXP,     CHEAP) \
    X(softplus,   ENG_SOFTPLUS,   grad,               EXP,     EXP)   \
    X(heaviside,  ENG_HEAVISIDE,  nograd,             CHEAP,   CHEAP) \
    X(vexp,       ENG_VEXP,       nograd,             EXP,     EXP)   \
    X(vexpm1,     ENG_VEXPM1,     nograd,             EXP,     EXP)   \
    X(vlog1p,     ENG_VLOG1P,     nograd,             EXP,     EXP)

#endif /* ENGINE_ACTIVATION_ELEMENTWISE_LIST */

#ifdef REAL     /* the loops, for one type; p is ignored by the activations without one */

/* ReLU
 *   forward:   y = max(0, x)
 *   backward:  dy/dx = 1 if x > 0 else 0   ->   gx = gy * (x > 0)
 * `x < 0 ? 0 : x` lets NaN through, like np.maximum(x, 0). */
static void SFX(relu_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        y[i] = x[i] < 0 ? (REAL)0 : x[i];
}

static void SFX(relu_backward)(const REAL *x, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        gx[i] = gy[i] * (x[i] > 0 ? (REAL)1 : (REAL)0);
}

/* Leaky ReLU (fixed slope a, e.g. 0.01)
 *   forward:   y = x        if x > 0
 *                  a * x    otherwise
 *   backward:  gx = gy * (x > 0 ? 1 : a) */
static void SFX(leaky_relu_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL slope)
{
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : slope * x[i];
}

static void SFX(leaky_relu_backward)(const REAL *x, const REAL *gy, REAL *gx, ptrdiff_t n, REAL slope)
{
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        gx[i] = gy[i] * (x[i] > 0 ? (REAL)1 : slope);
}

/* ELU
 *   forward:   y = x                  if x > 0
 *                  a * (e^x - 1)      otherwise      (expm1: exact near 0)
 *   backward:  dy/dx = 1 if x > 0 else a * e^x   ->   gx = gy * dy/dx */
static void SFX(elu_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL alpha)
{
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL neg = alpha * SFX(vm_expm1)(v);
        y[i] = v > 0 ? v : neg;
    }
}

static void SFX(elu_backward)(const REAL *x, const REAL *gy, REAL *gx, ptrdiff_t n, REAL alpha)
{
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL d = alpha * SFX(vm_exp)(v);
        gx[i] = gy[i] * (v > 0 ? (REAL)1 : d);
    }
}

/* Sigmoid
 *   forward:   y = 1 / (1 + e^-x)
 *      stable for both signs with e = e^-|x| (never overflows):
 *              x >= 0:  y = 1 / (1 + e)
 *              x <  0:  y = e / (1 + e)
 *   backward:  dy/dx = y (1 - y)   ->   gx = gy * y * (1 - y)
 *              (takes the forward OUTPUT y) */
static void SFX(sigmoid_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL e = SFX(vm_exp)(-SFX(vm_abs)(v));
        y[i] = (v >= 0 ? (REAL)1 : e) / ((REAL)1 + e);
    }
}

static void SFX(sigmoid_backward)(const REAL *y, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        gx[i] = gy[i] * y[i] * ((REAL)1 - y[i]);
}

/* Tanh
 *   forward:   tanh(x) = (e^x - e^-x) / (e^x + e^-x)
 *      with m = e^(-2|x|) - 1  (expm1, so exact for tiny x, and no overflow):
 *              tanh(|x|) = (1 - e^-2|x|) / (1 + e^-2|x|) = -m / (2 + m)
 *              tanh(x)   = sign(x) * tanh(|x|)
 *   backward:  dy/dx = 1 - y^2   ->   gx = gy * (1 - y^2)   (takes OUTPUT y) */
static void SFX(tanh_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL m = SFX(vm_expm1)((REAL)-2 * SFX(vm_abs)(v));
        y[i] = SFX(vm_copysign)(-m / ((REAL)2 + m), v);
    }
}

static void SFX(tanh_backward)(const REAL *y, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        gx[i] = gy[i] * ((REAL)1 - y[i] * y[i]);
}

/* Softplus (a smooth ReLU)
 *   forward:   y = log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)
 *              (the right form never overflows and keeps small values exact)
 *   backward:  dy/dx = e^x / (1 + e^x) = sigmoid(x)   ->   gx = gy * sigmoid(x) */
static void SFX(softplus_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL pos = v < 0 ? (REAL)0 : v;                 /* max(x, 0), NaN stays */
        y[i] = pos + SFX(vm_log1p)(SFX(vm_exp)(-SFX(vm_abs)(v)));
    }
}

static void SFX(softplus_backward)(const REAL *x, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL e = SFX(vm_exp)(-SFX(vm_abs)(v));
        REAL sig = (v >= 0 ? (REAL)1 : e) / ((REAL)1 + e);
        gx[i] = gy[i] * sig;
    }
}

/* Heaviside step
 *   y = 1 if x > 0,   value_at_zero if x == 0,   0 if x < 0,   NaN if NaN
 *   (its derivative is 0 almost everywhere, so there is no backward kernel) */
static void SFX(heaviside_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL value_at_zero)
{
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL v = x[i];
        REAL step = v > 0 ? (REAL)1 : (v == 0 ? value_at_zero : (REAL)0);
        y[i] = v != v ? v : step;
    }
}

/* Test hooks: vmath.h's exp, expm1 and log1p, elementwise (tests check their accuracy). */
static void SFX(vexp_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        y[i] = SFX(vm_exp)(x[i]);
}

static void SFX(vexpm1_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        y[i] = SFX(vm_expm1)(x[i]);
}

static void SFX(vlog1p_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    (void)p;                                   /* no parameter */
#pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++)
        y[i] = SFX(vm_log1p)(x[i]);
}

#endif /* REAL */
