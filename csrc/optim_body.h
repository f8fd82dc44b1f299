/*
 * optim_body.h -- the type-generic bodies of the optimizer kernels, included by
 * optim_kernels.h once per element type with T (float/double), SFX (f32/f64)
 * and SQRT (sqrtf/sqrt) defined; optim_kernels.h is in turn compiled once per
 * instruction set (optim_generic.c, optim_avx2.c, optim_avx512.c).
 *
 * Each loop is branch-free (flags are loop-invariant selects), so gcc vectorises it.
 */

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NAME(f) CAT(f, SFX)

/* The SGD loop over one contiguous range.  A separate function (not the body of the
 * `omp parallel` region) so the restrict pointers and the hyper-parameters stay in
 * registers and gcc vectorises it; the flags are loop-invariant selects. */
static void NAME(sgd_range_)(T *restrict w, const T *restrict g, T *restrict buf, ptrdiff_t n,
                             T lr, T mu, T keep, T wd, int damp, int nesterov, int first_step)
{
    if (buf == NULL) {                                   /* momentum = 0 */
        #pragma omp simd
        for (ptrdiff_t i = 0; i < n; i++) {
            T gi = w[i] * wd + g[i];                     /* g' = wd·w + g */
            w[i] -= gi * lr;                             /* w = w − lr·g' */
        }
        return;
    }
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        T gi = w[i] * wd + g[i];                         /* g' = wd·w + g */
        T b = first_step ? gi                            /* buf = g' (first step) */
            : damp ? buf[i] * mu + keep * gi             /* buf = μ·buf + (1 − τ)·g' */
            : buf[i] * mu + gi;                          /* buf = μ·buf + g' */
        buf[i] = b;
        T d = nesterov ? gi + mu * b : b;                /* nesterov: d = g' + μ·buf */
        w[i] -= d * lr;                                  /* w = w − lr·d */
    }
}

static void NAME(sgd_step_)(T *restrict w, const T *restrict g, T *restrict buf, ptrdiff_t n,
                         double lr, double momentum, double dampening, int nesterov,
                         double weight_decay, int first_step)
{
    if (momentum == 0.0)
        buf = NULL;
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        NAME(sgd_range_)(w + lo, g + lo, buf ? buf + lo : NULL, hi - lo, (T)lr, (T)momentum,
                         (T)(1.0 - dampening), (T)weight_decay, dampening != 0.0, nesterov,
                         first_step);
    }
}

/* The Adam loop over one contiguous range (amsgrad: vmax != NULL). */
static inline __attribute__((always_inline)) void NAME(adam_loop_)(
    T *restrict w, const T *restrict g, T *restrict m, T *restrict v, T *restrict vmax,
    ptrdiff_t n, T beta1, T beta2, T one_minus_b1, T one_minus_b2, T eps, T l2_wd,
    T decay, T step_size, T bc2_sqrt, const int amsgrad)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        T wi = w[i] * decay;                             /* AdamW: w·(1 − lr·wd), else ·1 */
        T gi = g[i] + l2_wd * wi;                        /* Adam: g' = g + wd·w, else + 0 */
        T mi = m[i] * beta1 + gi * one_minus_b1;         /* m = β₁·m + (1 − β₁)·g' */
        T vi = v[i] * beta2 + (gi * gi) * one_minus_b2;  /* v = β₂·v + (1 − β₂)·g'² */
        m[i] = mi;
        v[i] = vi;
        if (amsgrad) {                                   /* v̂ = max(v̂, v) replaces v */
            T vm = vmax[i] > vi ? vmax[i] : vi;
            vmax[i] = vm;
            vi = vm;
        }
        T denom = SQRT(vi) / bc2_sqrt + eps;             /* √v / √(1 − β₂ᵗ) + eps */
        w[i] = wi - (mi / denom) * step_size;            /* w − lr/(1 − β₁ᵗ) · m / denom */
    }
}

static void NAME(adam_range_)(T *restrict w, const T *restrict g, T *restrict m, T *restrict v,
                              T *restrict vmax, ptrdiff_t n, T beta1, T beta2, T one_minus_b1,
                              T one_minus_b2, T eps, T l2_wd, T decay, T step_size, T bc2_sqrt)
{
    if (vmax != NULL)
        NAME(adam_loop_)(w, g, m, v, vmax, n, beta1, beta2, one_minus_b1, one_minus_b2, eps,
                         l2_wd, decay, step_size, bc2_sqrt, 1);
    else
        NAME(adam_loop_)(w, g, m, v, NULL, n, beta1, beta2, one_minus_b1, one_minus_b2, eps,
                         l2_wd, decay, step_size, bc2_sqrt, 0);
}

static void NAME(adam_step_)(T *restrict w, const T *restrict g, T *restrict m, T *restrict v,
                          T *restrict vmax, ptrdiff_t n, double lr, double beta1,
                          double beta2, double eps, double weight_decay, int decoupled,
                          double bias_correction1, double bias_correction2)
{
    /* Multiplying by 1 and adding 0·w are exact (for finite w), so the variants without
     * weight decay share the loop: decay = 1 unless AdamW, l2_wd = 0 unless Adam. */
    const T decay = decoupled ? (T)(1.0 - lr * weight_decay) : (T)1;
    const T l2_wd = decoupled ? (T)0 : (T)weight_decay;
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        NAME(adam_range_)(w + lo, g + lo, m + lo, v + lo, vmax ? vmax + lo : NULL, hi - lo,
                          (T)beta1, (T)beta2, (T)(1.0 - beta1), (T)(1.0 - beta2), (T)eps,
                          l2_wd, decay, (T)(lr / bias_correction1), (T)sqrt(bias_correction2));
    }
}

/* The Adagrad loop over one contiguous range: one load of w, g and s, one store of w and s. */
static void NAME(adagrad_range_)(T *restrict w, const T *restrict g, T *restrict sum, ptrdiff_t n,
                                 T clr, T eps, T wd)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        T gi = w[i] * wd + g[i];                         /* g' = wd·w + g */
        T si = sum[i] + gi * gi;                         /* s = s + g'² */
        sum[i] = si;
        w[i] -= (gi / (SQRT(si) + eps)) * clr;           /* w = w − clr · g' / (√s + eps) */
    }
}

static void NAME(adagrad_step_)(T *restrict w, const T *restrict g, T *restrict sum, ptrdiff_t n,
                                double clr, double eps, double weight_decay)
{
    /* Without weight decay wd = 0, and adding 0·w is exact (for finite w): one loop for both. */
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        NAME(adagrad_range_)(w + lo, g + lo, sum + lo, hi - lo, (T)clr, (T)eps, (T)weight_decay);
    }
}

/* The RMSprop loop over one contiguous range.  `centered` (grad_avg a != NULL) and
 * `use_momentum` (buffer b != NULL) are compile-time constants in each of the four
 * instances rmsprop_range_ makes, so every instance is a straight loop that touches only
 * the buffers it needs. */
static inline __attribute__((always_inline)) void NAME(rmsprop_loop_)(
    T *restrict w, const T *restrict g, T *restrict v, T *restrict a, T *restrict b,
    ptrdiff_t n, T lr, T alpha, T one_minus_alpha, T eps, T wd, T mu,
    const int centered, const int use_momentum)
{
    #pragma omp simd
    for (ptrdiff_t i = 0; i < n; i++) {
        T gi = w[i] * wd + g[i];                         /* g' = wd·w + g */
        T vi = v[i] * alpha + (gi * gi) * one_minus_alpha;   /* v = α·v + (1 − α)·g'² */
        v[i] = vi;
        T d;
        if (centered) {
            T ai = a[i] * alpha + gi * one_minus_alpha;  /* a = α·a + (1 − α)·g' */
            a[i] = ai;
            d = SQRT(vi - ai * ai) + eps;                /* d = √(v − a²) + eps */
        } else {
            d = SQRT(vi) + eps;                          /* d = √v + eps */
        }
        if (use_momentum) {
            T bi = b[i] * mu + gi / d;                   /* b = μ·b + g' / d */
            b[i] = bi;
            w[i] -= bi * lr;                             /* w = w − lr·b */
        } else {
            w[i] -= (gi / d) * lr;                       /* w = w − lr · g' / d */
        }
    }
}

static void NAME(rmsprop_range_)(T *restrict w, const T *restrict g, T *restrict v, T *restrict a,
                                 T *restrict b, ptrdiff_t n, T lr, T alpha, T one_minus_alpha,
                                 T eps, T wd, T mu)
{
    if (a != NULL && b != NULL)
        NAME(rmsprop_loop_)(w, g, v, a, b, n, lr, alpha, one_minus_alpha, eps, wd, mu, 1, 1);
    else if (a != NULL)
        NAME(rmsprop_loop_)(w, g, v, a, NULL, n, lr, alpha, one_minus_alpha, eps, wd, mu, 1, 0);
    else if (b != NULL)
        NAME(rmsprop_loop_)(w, g, v, NULL, b, n, lr, alpha, one_minus_alpha, eps, wd, mu, 0, 1);
    else
        NAME(rmsprop_loop_)(w, g, v, NULL, NULL, n, lr, alpha, one_minus_alpha, eps, wd, mu,
                            0, 0);
}

static void NAME(rmsprop_step_)(T *restrict w, const T *restrict g, T *restrict square_avg,
                                T *restrict grad_avg, T *restrict momentum_buffer, ptrdiff_t n,
                                double lr, double alpha, double eps, double weight_decay,
                                double momentum)
{
    /* As in sgd_step_: without momentum the buffer plays no part, even if one is passed. */
    if (momentum == 0.0)
        momentum_buffer = NULL;
    #pragma omp parallel num_threads(eng_get_num_threads()) if (n >= ENG_OPTIM_PARALLEL_MIN)
    {
        ptrdiff_t lo, hi;
        optim_chunk(n, &lo, &hi);
        NAME(rmsprop_range_)(w + lo, g + lo, square_avg + lo, grad_avg ? grad_avg + lo : NULL,
                             momentum_buffer ? momentum_buffer + lo : NULL, hi - lo, (T)lr,
                             (T)alpha, (T)(1.0 - alpha), (T)eps, (T)weight_decay,
                             (T)momentum);
    }
}

#undef NAME
#undef CAT
#undef CAT_
