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

#undef NAME
#undef CAT
#undef CAT_
