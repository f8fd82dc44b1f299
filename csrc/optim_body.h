/*
 * optim_body.h -- the type-generic bodies of csrc/optim.c, included once per
 * element type with T (float/double), SFX (f32/f64) and SQRT (sqrtf/sqrt) defined.
 *
 * Each hyper-parameter combination gets its own loop (the ifs sit outside the
 * loops), so every loop is branch-free and gcc vectorises it.
 */

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NAME(f) CAT(f, SFX)

void NAME(eng_sgd_step_)(T *restrict w, const T *restrict g, T *restrict buf, ptrdiff_t n,
                         double lr_, double momentum_, double dampening_, int nesterov,
                         double weight_decay_, int first_step)
{
    const T lr = (T)lr_, mu = (T)momentum_, wd = (T)weight_decay_;
    const T keep = (T)(1.0 - dampening_);      /* NumPy: (1 - dampening) * g */
    const int damp = dampening_ != 0.0;
    const int threads = eng_get_num_threads();
    ptrdiff_t i;

    if (momentum_ == 0.0 || buf == NULL) {
        /* w = w − lr·(g + wd·w) */
        #pragma omp parallel for simd num_threads(threads) if (n >= ENG_OPTIM_PARALLEL_MIN)
        for (i = 0; i < n; i++) {
            T gi = wd != 0 ? w[i] * wd + g[i] : g[i];
            w[i] -= gi * lr;
        }
        return;
    }
    #pragma omp parallel for simd num_threads(threads) if (n >= ENG_OPTIM_PARALLEL_MIN)
    for (i = 0; i < n; i++) {
        T gi = wd != 0 ? w[i] * wd + g[i] : g[i];        /* g' = wd·w + g */
        T b;
        if (first_step)
            b = gi;                                      /* buf = g' */
        else if (damp)
            b = buf[i] * mu + keep * gi;                 /* buf = μ·buf + (1 − τ)·g' */
        else
            b = buf[i] * mu + gi;                        /* buf = μ·buf + g' */
        buf[i] = b;
        T d = nesterov ? gi + mu * b : b;                /* nesterov: g' + μ·buf */
        w[i] -= d * lr;
    }
}

void NAME(eng_adam_step_)(T *restrict w, const T *restrict g, T *restrict m, T *restrict v,
                          T *restrict vmax, ptrdiff_t n, double lr_, double beta1_,
                          double beta2_, double eps_, double weight_decay_, int decoupled,
                          double bias_correction1, double bias_correction2)
{
    const T beta1 = (T)beta1_, beta2 = (T)beta2_, eps = (T)eps_, wd = (T)weight_decay_;
    const T one_minus_b1 = (T)(1.0 - beta1_), one_minus_b2 = (T)(1.0 - beta2_);
    const T decay = (T)(1.0 - lr_ * weight_decay_);           /* AdamW's w·(1 − lr·wd) */
    const T step_size = (T)(lr_ / bias_correction1);          /* lr / (1 − β₁ᵗ) */
    const T bc2_sqrt = (T)sqrt(bias_correction2);             /* √(1 − β₂ᵗ) */
    const int l2 = !decoupled && weight_decay_ != 0.0;
    const int dw = decoupled && weight_decay_ != 0.0;
    const int threads = eng_get_num_threads();
    ptrdiff_t i;

    #pragma omp parallel for simd num_threads(threads) if (n >= ENG_OPTIM_PARALLEL_MIN)
    for (i = 0; i < n; i++) {
        T wi = w[i];
        if (dw)
            wi *= decay;
        T gi = l2 ? g[i] + wd * wi : g[i];               /* g' = g + wd·w (Adam's L2) */
        T mi = m[i] * beta1 + gi * one_minus_b1;           /* m = β₁·m + (1 − β₁)·g' */
        T vi = v[i] * beta2 + (gi * gi) * one_minus_b2;  /* v = β₂·v + (1 − β₂)·g'² */
        m[i] = mi;
        v[i] = vi;
        if (vmax != NULL) {                              /* amsgrad */
            T vm = vmax[i];
            vm = vm > vi ? vm : vi;
            vmax[i] = vm;
            vi = vm;
        }
        T denom = SQRT(vi) / bc2_sqrt + eps;             /* √v / √(1 − β₂ᵗ) + eps */
        w[i] = wi - (mi / denom) * step_size;            /* w − lr/(1 − β₁ᵗ) · m / denom */
    }
}

#undef NAME
#undef CAT
#undef CAT_
