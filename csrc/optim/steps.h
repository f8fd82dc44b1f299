/*
 * optim/steps.h -- the optimizer steps (equations: optim.h), a template body
 * (common/template.h) read once per type by kernels.h.
 *
 * Each step runs one loop over a range of the parameter (SFX(*_range)): over all of it
 * for a small parameter, over a share per thread for a big one.  eng_spread decides
 * (common/spread.h), and calls back SFX(*_part) with the range, which finds the step's
 * arrays and settings in a struct (SFX(*_args)).  The loop is a function of its own so
 * that the restrict pointers and hyper-parameters stay in registers and the compiler
 * vectorises it; flags are loop-invariant selects, so the loops are branch-free.
 */

/* The SGD loop over one contiguous range. */
static void SFX(sgd_range)(REAL *restrict w, const REAL *restrict g, REAL *restrict buf,
                           ptrdiff_t n, REAL lr, REAL mu, REAL keep, REAL wd, int damp,
                           int nesterov, int first_step)
{
    if (buf == NULL) {                                   /* momentum = 0 */
        #pragma omp simd
        for (ptrdiff_t i = 0; i < n; i++) {
            REAL gi = w[i] * wd + g[i];                  /* g' = wd·w + g */
            w[i] -= gi * lr;                             /* w = w − lr·g' */
        }
        return;
    }
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL gi = w[i] * wd + g[i];                      /* g' = wd·w + g */
        REAL b = first_step ? gi                         /* buf = g' (first step) */
            : damp ? buf[i] * mu + keep * gi             /* buf = μ·buf + (1 − τ)·g' */
            : buf[i] * mu + gi;                          /* buf = μ·buf + g' */
        buf[i] = b;
        REAL d = nesterov ? gi + mu * b : b;             /* nesterov: d = g' + μ·buf */
        w[i] -= d * lr;                                  /* w = w − lr·d */
    }
}

typedef struct {
    REAL *w; const REAL *g; REAL *buf;
    REAL lr, mu, keep, wd;
    int damp, nesterov, first_step;
} SFX(sgd_args);

static void SFX(sgd_part)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(sgd_args) *a = ctx;
    SFX(sgd_range)(a->w + lo, a->g + lo, a->buf ? a->buf + lo : NULL, hi - lo, a->lr, a->mu,
                   a->keep, a->wd, a->damp, a->nesterov, a->first_step);
}

static void SFX(sgd_step)(REAL *restrict w, const REAL *restrict g, REAL *restrict buf,
                          ptrdiff_t n, double lr, double momentum, double dampening,
                          int nesterov, double weight_decay, int first_step)
{
    if (momentum == 0.0)
        buf = NULL;
    SFX(sgd_args) a = { w, g, buf, (REAL)lr, (REAL)momentum, (REAL)(1.0 - dampening),
                        (REAL)weight_decay, dampening != 0.0, nesterov, first_step };
    eng_spread(n, ENG_OPTIM_GRAIN, n >= ENG_OPTIM_PARALLEL_MIN, SFX(sgd_part), &a);
}

/* The Adam loop over one contiguous range (amsgrad: vmax != NULL). */
static inline __attribute__((always_inline)) void SFX(adam_loop)(
    REAL *restrict w, const REAL *restrict g, REAL *restrict m, REAL *restrict v,
    REAL *restrict vmax, ptrdiff_t n, REAL beta1, REAL beta2, REAL one_minus_b1,
    REAL one_minus_b2, REAL eps, REAL l2_wd, REAL decay, REAL step_size, REAL bc2_sqrt,
    const int amsgrad)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL wi = w[i] * decay;                          /* AdamW: w·(1 − lr·wd), else ·1 */
        REAL gi = g[i] + l2_wd * wi;                     /* Adam: g' = g + wd·w, else + 0 */
        REAL mi = m[i] * beta1 + gi * one_minus_b1;      /* m = β₁·m + (1 − β₁)·g' */
        REAL vi = v[i] * beta2 + (gi * gi) * one_minus_b2; /* v = β₂·v + (1 − β₂)·g'² */
        m[i] = mi;
        v[i] = vi;
        if (amsgrad) {                                   /* v̂ = max(v̂, v) replaces v */
            REAL vm = vmax[i] > vi ? vmax[i] : vi;
            vmax[i] = vm;
            vi = vm;
        }
        REAL denom = SFX(vm_sqrt)(vi) / bc2_sqrt + eps;  /* √v / √(1 − β₂ᵗ) + eps */
        w[i] = wi - (mi / denom) * step_size;            /* w − lr/(1 − β₁ᵗ) · m / denom */
    }
}

static void SFX(adam_range)(REAL *restrict w, const REAL *restrict g, REAL *restrict m,
                            REAL *restrict v, REAL *restrict vmax, ptrdiff_t n, REAL beta1,
                            REAL beta2, REAL one_minus_b1, REAL one_minus_b2, REAL eps,
                            REAL l2_wd, REAL decay, REAL step_size, REAL bc2_sqrt)
{
    if (vmax != NULL)
        SFX(adam_loop)(w, g, m, v, vmax, n, beta1, beta2, one_minus_b1, one_minus_b2, eps,
                       l2_wd, decay, step_size, bc2_sqrt, 1);
    else
        SFX(adam_loop)(w, g, m, v, NULL, n, beta1, beta2, one_minus_b1, one_minus_b2, eps,
                       l2_wd, decay, step_size, bc2_sqrt, 0);
}

typedef struct {
    REAL *w; const REAL *g; REAL *m, *v, *vmax;
    REAL beta1, beta2, one_minus_b1, one_minus_b2, eps, l2_wd, decay, step_size, bc2_sqrt;
} SFX(adam_args);

static void SFX(adam_part)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(adam_args) *a = ctx;
    SFX(adam_range)(a->w + lo, a->g + lo, a->m + lo, a->v + lo, a->vmax ? a->vmax + lo : NULL,
                    hi - lo, a->beta1, a->beta2, a->one_minus_b1, a->one_minus_b2, a->eps,
                    a->l2_wd, a->decay, a->step_size, a->bc2_sqrt);
}

static void SFX(adam_step)(REAL *restrict w, const REAL *restrict g, REAL *restrict m,
                           REAL *restrict v, REAL *restrict vmax, ptrdiff_t n, double lr,
                           double beta1, double beta2, double eps, double weight_decay,
                           int decoupled, double bias_correction1, double bias_correction2)
{
    /* Multiplying by 1 and adding 0·w are exact (for finite w), so the variants without
     * weight decay share the loop: decay = 1 unless AdamW, l2_wd = 0 unless Adam. */
    const REAL decay = decoupled ? (REAL)(1.0 - lr * weight_decay) : (REAL)1;
    const REAL l2_wd = decoupled ? (REAL)0 : (REAL)weight_decay;
    SFX(adam_args) a = { w, g, m, v, vmax, (REAL)beta1, (REAL)beta2, (REAL)(1.0 - beta1),
                         (REAL)(1.0 - beta2), (REAL)eps, l2_wd, decay,
                         (REAL)(lr / bias_correction1), (REAL)sqrt(bias_correction2) };
    eng_spread(n, ENG_OPTIM_GRAIN, n >= ENG_OPTIM_PARALLEL_MIN, SFX(adam_part), &a);
}

/* The Adagrad loop over one contiguous range: one load of w, g and s, one store of w and s. */
static void SFX(adagrad_range)(REAL *restrict w, const REAL *restrict g, REAL *restrict sum,
                               ptrdiff_t n, REAL clr, REAL eps, REAL wd)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL gi = w[i] * wd + g[i];                      /* g' = wd·w + g */
        REAL si = sum[i] + gi * gi;                      /* s = s + g'² */
        sum[i] = si;
        w[i] -= (gi / (SFX(vm_sqrt)(si) + eps)) * clr;  /* w = w − clr · g' / (√s + eps) */
    }
}

typedef struct {
    REAL *w; const REAL *g; REAL *sum;
    REAL clr, eps, wd;
} SFX(adagrad_args);

static void SFX(adagrad_part)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(adagrad_args) *a = ctx;
    SFX(adagrad_range)(a->w + lo, a->g + lo, a->sum + lo, hi - lo, a->clr, a->eps, a->wd);
}

static void SFX(adagrad_step)(REAL *restrict w, const REAL *restrict g, REAL *restrict sum,
                              ptrdiff_t n, double clr, double eps, double weight_decay)
{
    /* Without weight decay wd = 0, and adding 0·w is exact (for finite w): one loop for both. */
    SFX(adagrad_args) a = { w, g, sum, (REAL)clr, (REAL)eps, (REAL)weight_decay };
    eng_spread(n, ENG_OPTIM_GRAIN, n >= ENG_OPTIM_PARALLEL_MIN, SFX(adagrad_part), &a);
}

/* The RMSprop loop over one contiguous range.  `centered` (grad_avg a != NULL) and
 * `use_momentum` (buffer b != NULL) are compile-time constants in each of the four
 * instances rmsprop_range_ makes, so every instance is a straight loop that touches only
 * the buffers it needs. */
static inline __attribute__((always_inline)) void SFX(rmsprop_loop)(
    REAL *restrict w, const REAL *restrict g, REAL *restrict v, REAL *restrict a, REAL *restrict b,
    ptrdiff_t n, REAL lr, REAL alpha, REAL one_minus_alpha, REAL eps, REAL wd, REAL mu,
    const int centered, const int use_momentum)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL gi = w[i] * wd + g[i];                      /* g' = wd·w + g */
        REAL vi = v[i] * alpha + (gi * gi) * one_minus_alpha; /* v = α·v + (1 − α)·g'² */
        v[i] = vi;
        REAL d;
        if (centered) {
            REAL ai = a[i] * alpha + gi * one_minus_alpha; /* a = α·a + (1 − α)·g' */
            a[i] = ai;
            REAL var = vi - ai * ai;                    /* ≥ 0 but for rounding: */
            d = SFX(vm_sqrt)(var < 0 ? 0 : var) + eps;  /* d = √max(v − a², 0) + eps */
        } else {
            d = SFX(vm_sqrt)(vi) + eps;                 /* d = √v + eps */
        }
        if (use_momentum) {
            REAL bi = b[i] * mu + gi / d;                /* b = μ·b + g' / d */
            b[i] = bi;
            w[i] -= bi * lr;                             /* w = w − lr·b */
        } else {
            w[i] -= (gi / d) * lr;                       /* w = w − lr · g' / d */
        }
    }
}

static void SFX(rmsprop_range)(REAL *restrict w, const REAL *restrict g, REAL *restrict v,
                               REAL *restrict a, REAL *restrict b, ptrdiff_t n, REAL lr,
                               REAL alpha, REAL one_minus_alpha, REAL eps, REAL wd, REAL mu)
{
    if (a != NULL && b != NULL)
        SFX(rmsprop_loop)(w, g, v, a, b, n, lr, alpha, one_minus_alpha, eps, wd, mu, 1, 1);
    else if (a != NULL)
        SFX(rmsprop_loop)(w, g, v, a, NULL, n, lr, alpha, one_minus_alpha, eps, wd, mu, 1, 0);
    else if (b != NULL)
        SFX(rmsprop_loop)(w, g, v, NULL, b, n, lr, alpha, one_minus_alpha, eps, wd, mu, 0, 1);
    else
        SFX(rmsprop_loop)(w, g, v, NULL, NULL, n, lr, alpha, one_minus_alpha, eps, wd, mu, 0,
                          0);
}

typedef struct {
    REAL *w; const REAL *g; REAL *v, *a, *b;
    REAL lr, alpha, one_minus_alpha, eps, wd, mu;
} SFX(rmsprop_args);

static void SFX(rmsprop_part)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(rmsprop_args) *r = ctx;
    SFX(rmsprop_range)(r->w + lo, r->g + lo, r->v + lo, r->a ? r->a + lo : NULL,
                       r->b ? r->b + lo : NULL, hi - lo, r->lr, r->alpha, r->one_minus_alpha,
                       r->eps, r->wd, r->mu);
}

static void SFX(rmsprop_step)(REAL *restrict w, const REAL *restrict g,
                              REAL *restrict square_avg, REAL *restrict grad_avg,
                              REAL *restrict momentum_buffer, ptrdiff_t n, double lr,
                              double alpha, double eps, double weight_decay, double momentum)
{
    /* As in sgd_step_: without momentum the buffer plays no part, even if one is passed. */
    if (momentum == 0.0)
        momentum_buffer = NULL;
    SFX(rmsprop_args) a = { w, g, square_avg, grad_avg, momentum_buffer, (REAL)lr, (REAL)alpha,
                            (REAL)(1.0 - alpha), (REAL)eps, (REAL)weight_decay, (REAL)momentum };
    eng_spread(n, ENG_OPTIM_GRAIN, n >= ENG_OPTIM_PARALLEL_MIN, SFX(rmsprop_part), &a);
}

/* The Adadelta loop over one contiguous range: w, g, v and u loaded once, w, v, u stored once. */
static void SFX(adadelta_range)(REAL *restrict w, const REAL *restrict g, REAL *restrict v,
                                REAL *restrict u, ptrdiff_t n, REAL lr, REAL rho,
                                REAL one_minus_rho, REAL eps, REAL wd)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL gi = w[i] * wd + g[i];                      /* g' = wd·w + g */
        REAL vi = v[i] * rho + (gi * gi) * one_minus_rho; /* v = ρ·v + (1 − ρ)·g'² */
        v[i] = vi;
        REAL d = SFX(vm_sqrt)(u[i] + eps) / SFX(vm_sqrt)(vi + eps) * gi;
                                                         /* Δ = √(u + eps) / √(v + eps) · g' */
        u[i] = u[i] * rho + (d * d) * one_minus_rho;     /* u = ρ·u + (1 − ρ)·Δ² */
        w[i] -= d * lr;                                  /* w = w − lr·Δ */
    }
}

typedef struct {
    REAL *w; const REAL *g; REAL *v, *u;
    REAL lr, rho, one_minus_rho, eps, wd;
} SFX(adadelta_args);

static void SFX(adadelta_part)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(adadelta_args) *a = ctx;
    SFX(adadelta_range)(a->w + lo, a->g + lo, a->v + lo, a->u + lo, hi - lo, a->lr, a->rho,
                        a->one_minus_rho, a->eps, a->wd);
}

static void SFX(adadelta_step)(REAL *restrict w, const REAL *restrict g,
                               REAL *restrict square_avg, REAL *restrict acc_delta, ptrdiff_t n,
                               double lr, double rho, double eps, double weight_decay)
{
    /* Without weight decay wd = 0, and adding 0·w is exact (for finite w): one loop for both. */
    SFX(adadelta_args) a = { w, g, square_avg, acc_delta, (REAL)lr, (REAL)rho, (REAL)(1.0 - rho),
                             (REAL)eps, (REAL)weight_decay };
    eng_spread(n, ENG_OPTIM_GRAIN, n >= ENG_OPTIM_PARALLEL_MIN, SFX(adadelta_part), &a);
}
