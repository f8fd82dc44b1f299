/*
 * optim/steps.h -- the optimizer steps (equations: optim.h), a template body
 * (common/template.h) read once per type by kernels.h.
 *
 * Each step is a parallel region whose threads each run one loop over their own range
 * of the parameter (optim_chunk).  The loop is a function of its own, not the body of
 * the region, so that the restrict pointers and hyper-parameters stay in registers and
 * the compiler vectorises it; flags are loop-invariant selects, so the loops are
 * branch-free.
 */

/* The SGD loop over one contiguous range.  A separate function (not the body of the
 * `omp parallel` region) so the restrict pointers and the hyper-parameters stay in
 * registers and gcc vectorises it; the flags are loop-invariant selects. */
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

static void SFX(sgd_step)(REAL *restrict w, const REAL *restrict g, REAL *restrict buf,
                          ptrdiff_t n, double lr, double momentum, double dampening,
                          int nesterov, double weight_decay, int first_step)
{
    if (momentum == 0.0)
        buf = NULL;
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        SFX(sgd_range)(w + lo, g + lo, buf ? buf + lo : NULL, hi - lo, (REAL)lr, (REAL)momentum,
                       (REAL)(1.0 - dampening), (REAL)weight_decay, dampening != 0.0, nesterov,
                       first_step);
    }
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

static void SFX(adam_step)(REAL *restrict w, const REAL *restrict g, REAL *restrict m,
                           REAL *restrict v, REAL *restrict vmax, ptrdiff_t n, double lr,
                           double beta1, double beta2, double eps, double weight_decay,
                           int decoupled, double bias_correction1, double bias_correction2)
{
    /* Multiplying by 1 and adding 0·w are exact (for finite w), so the variants without
     * weight decay share the loop: decay = 1 unless AdamW, l2_wd = 0 unless Adam. */
    const REAL decay = decoupled ? (REAL)(1.0 - lr * weight_decay) : (REAL)1;
    const REAL l2_wd = decoupled ? (REAL)0 : (REAL)weight_decay;
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        SFX(adam_range)(w + lo, g + lo, m + lo, v + lo, vmax ? vmax + lo : NULL, hi - lo,
                        (REAL)beta1, (REAL)beta2, (REAL)(1.0 - beta1), (REAL)(1.0 - beta2),
                        (REAL)eps, l2_wd, decay, (REAL)(lr / bias_correction1),
                        (REAL)sqrt(bias_correction2));
    }
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

static void SFX(adagrad_step)(REAL *restrict w, const REAL *restrict g, REAL *restrict sum,
                              ptrdiff_t n, double clr, double eps, double weight_decay)
{
    /* Without weight decay wd = 0, and adding 0·w is exact (for finite w): one loop for both. */
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        SFX(adagrad_range)(w + lo, g + lo, sum + lo, hi - lo, (REAL)clr, (REAL)eps,
                           (REAL)weight_decay);
    }
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

static void SFX(rmsprop_step)(REAL *restrict w, const REAL *restrict g,
                              REAL *restrict square_avg, REAL *restrict grad_avg,
                              REAL *restrict momentum_buffer, ptrdiff_t n, double lr,
                              double alpha, double eps, double weight_decay, double momentum)
{
    /* As in sgd_step_: without momentum the buffer plays no part, even if one is passed. */
    if (momentum == 0.0)
        momentum_buffer = NULL;
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        SFX(rmsprop_range)(w + lo, g + lo, square_avg + lo, grad_avg ? grad_avg + lo : NULL,
                           momentum_buffer ? momentum_buffer + lo : NULL, hi - lo, (REAL)lr,
                           (REAL)alpha, (REAL)(1.0 - alpha), (REAL)eps, (REAL)weight_decay,
                           (REAL)momentum);
    }
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

static void SFX(adadelta_step)(REAL *restrict w, const REAL *restrict g,
                               REAL *restrict square_avg, REAL *restrict acc_delta, ptrdiff_t n,
                               double lr, double rho, double eps, double weight_decay)
{
    /* Without weight decay wd = 0, and adding 0·w is exact (for finite w): one loop for both. */
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        SFX(adadelta_range)(w + lo, g + lo, square_avg + lo, acc_delta + lo, hi - lo, (REAL)lr,
                            (REAL)rho, (REAL)(1.0 - rho), (REAL)eps, (REAL)weight_decay);
    }
}
