/*
 * activation/softmax.h -- softmax and log-softmax, forward and backward.
 *
 * A template body (common/template.h), read once per type by kernels.h.  How the loops
 * are written to vectorise: activation.h.
 */

/* ============================================================================
 * Softmax and log-softmax over the middle axis of x viewed as (outer, n, inner)
 *
 *   softmax:      y_j = e^(x_j - m) / S,         S = sum_k e^(x_k - m)
 *   log_softmax:  y_j = (x_j - m) - log(S)
 *   with m = max_k x_k: mathematically it cancels, numerically it keeps
 *   every e^(x - m) <= 1, so nothing overflows.
 *
 *   softmax backward:      gx_j = y_j * (gy_j - sum_k gy_k y_k)
 *   log_softmax backward:  gx_j = gy_j - e^(y_j) * sum_k gy_k
 *   (both take the forward OUTPUT y)
 *
 * Every "row" function below handles one task of the driver:
 *   inner == 1: one contiguous row of n elements (len == 1);
 *   inner >  1: `len` <= ENG_BLOCK neighbouring columns i of one outer
 *               slice; element (j, i) sits at p[j * inner + i], and the inner
 *               loops run along i (contiguous), so they vectorise too.
 * a, b = inputs (b unused by the forward functions), out = output.
 * ==========================================================================*/

typedef void (*SFX(row_fn))(const REAL *a, const REAL *b, REAL *out,
                            ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len);

/* m = max_j x_j of a contiguous row (n >= 1).  One running maximum per lane of a block of
 * ENG_MAX_LANES, so that gcc and clang both vectorise it (clang does not take `?:` as a max
 * reduction).  A NaN in the row makes the softmax NaN whatever m is. */
#ifndef ENG_MAX_LANES
#define ENG_MAX_LANES 16
#endif
static REAL SFX(row_max)(const REAL *x, ptrdiff_t n)
{
    REAL lane[ENG_MAX_LANES];
    for (int k = 0; k < ENG_MAX_LANES; k++)
        lane[k] = x[0];
    ptrdiff_t j = 0;
    for (; j + ENG_MAX_LANES <= n; j += ENG_MAX_LANES) {
#pragma omp simd
        for (int k = 0; k < ENG_MAX_LANES; k++)
            lane[k] = x[j + k] > lane[k] ? x[j + k] : lane[k];
    }
    REAL m = lane[0];
    for (int k = 1; k < ENG_MAX_LANES; k++)
        m = lane[k] > m ? lane[k] : m;
    for (; j < n; j++)
        m = x[j] > m ? x[j] : m;
    return m;
}

/* m[i] = max_j x[j * inner + i] for i < len */
static void SFX(cols_max)(const REAL *x, ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len, REAL *m)
{
    for (ptrdiff_t i = 0; i < len; i++)
        m[i] = x[i];
    for (ptrdiff_t j = 1; j < n; j++) {
        const REAL *xj = x + j * inner;
#pragma omp simd
        for (ptrdiff_t i = 0; i < len; i++)
            m[i] = xj[i] > m[i] ? xj[i] : m[i];
    }
}

/* The forward of one task.  The two forwards share the max and the sum of exponentials;
 * take_log is a constant at each call (the tasks below), so each is one straight loop nest. */
ENG_FORCE_INLINE void SFX(forward_task)(
    const REAL *x, REAL *y, ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len, const int take_log)
{
    if (inner == 1) {
        const REAL m = SFX(row_max)(x, n);
        double s = 0.0;
#pragma omp simd reduction(+:s)
        for (ptrdiff_t j = 0; j < n; j++) {
            const REAL e = SFX(vm_exp)(x[j] - m);
            if (!take_log)
                y[j] = e;                        /* softmax: scaled by 1/S below */
            s += e;
        }
        if (take_log) {
            const REAL ls = (REAL)log(s);        /* one libm call per row */
#pragma omp simd
            for (ptrdiff_t j = 0; j < n; j++)
                y[j] = (x[j] - m) - ls;
        } else {
            const REAL inv = (REAL)(1.0 / s);
#pragma omp simd
            for (ptrdiff_t j = 0; j < n; j++)
                y[j] *= inv;
        }
    } else {
        REAL m[ENG_BLOCK], r[ENG_BLOCK];         /* r: 1/S (softmax) or log(S) */
        double s[ENG_BLOCK];
        SFX(cols_max)(x, n, inner, len, m);
        for (ptrdiff_t i = 0; i < len; i++)
            s[i] = 0.0;
        for (ptrdiff_t j = 0; j < n; j++) {
            const REAL *xj = x + j * inner;
            REAL *yj = y + j * inner;
#pragma omp simd
            for (ptrdiff_t i = 0; i < len; i++) {
                const REAL e = SFX(vm_exp)(xj[i] - m[i]);
                if (!take_log)
                    yj[i] = e;
                s[i] += e;
            }
        }
        for (ptrdiff_t i = 0; i < len; i++)
            r[i] = take_log ? (REAL)log(s[i]) : (REAL)(1.0 / s[i]);
        for (ptrdiff_t j = 0; j < n; j++) {
            const REAL *xj = x + j * inner;
            REAL *yj = y + j * inner;
#pragma omp simd
            for (ptrdiff_t i = 0; i < len; i++)
                yj[i] = take_log ? (xj[i] - m[i]) - r[i] : yj[i] * r[i];
        }
    }
}

/* The backward of one task, from the forward's output y:
 *   softmax:      d = sum_k gy_k y_k,   gx_j = y_j * (gy_j - d)
 *   log_softmax:  d = sum_k gy_k,       gx_j = gy_j - e^(y_j) * d */
ENG_FORCE_INLINE void SFX(backward_task)(
    const REAL *y, const REAL *gy, REAL *gx, ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len,
    const int take_log)
{
    if (inner == 1) {
        double d = 0.0;
#pragma omp simd reduction(+:d)
        for (ptrdiff_t j = 0; j < n; j++)
            d += take_log ? (double)gy[j] : (double)gy[j] * (double)y[j];
        const REAL dr = (REAL)d;
#pragma omp simd
        for (ptrdiff_t j = 0; j < n; j++)
            gx[j] = take_log ? gy[j] - SFX(vm_exp)(y[j]) * dr : y[j] * (gy[j] - dr);
    } else {
        double d[ENG_BLOCK];
        REAL dr[ENG_BLOCK];
        for (ptrdiff_t i = 0; i < len; i++)
            d[i] = 0.0;
        for (ptrdiff_t j = 0; j < n; j++) {
            const REAL *yj = y + j * inner, *gj = gy + j * inner;
#pragma omp simd
            for (ptrdiff_t i = 0; i < len; i++)
                d[i] += take_log ? (double)gj[i] : (double)gj[i] * (double)yj[i];
        }
        for (ptrdiff_t i = 0; i < len; i++)
            dr[i] = (REAL)d[i];
        for (ptrdiff_t j = 0; j < n; j++) {
            const REAL *yj = y + j * inner, *gj = gy + j * inner;
            REAL *gxj = gx + j * inner;
#pragma omp simd
            for (ptrdiff_t i = 0; i < len; i++)
                gxj[i] = take_log ? gj[i] - SFX(vm_exp)(yj[i]) * dr[i] : yj[i] * (gj[i] - dr[i]);
        }
    }
}

/* The four tasks the driver runs (a, b = inputs, b unused by the forwards; out = output) */
static void SFX(softmax_fwd_task)(const REAL *x, const REAL *unused, REAL *y,
                                  ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len)
{
    (void)unused;
    SFX(forward_task)(x, y, n, inner, len, 0);
}

static void SFX(log_softmax_fwd_task)(const REAL *x, const REAL *unused, REAL *y,
                                      ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len)
{
    (void)unused;
    SFX(forward_task)(x, y, n, inner, len, 1);
}

static void SFX(softmax_bwd_task)(const REAL *y, const REAL *gy, REAL *gx,
                                  ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len)
{
    SFX(backward_task)(y, gy, gx, n, inner, len, 0);
}

static void SFX(log_softmax_bwd_task)(const REAL *y, const REAL *gy, REAL *gx,
                                      ptrdiff_t n, ptrdiff_t inner, ptrdiff_t len)
{
    SFX(backward_task)(y, gy, gx, n, inner, len, 1);
}

/* The driver's call: `task` over the rows of an (outer, n, inner) array, in tasks of at
 * most ENG_BLOCK columns (nb per outer slice). */
typedef struct {
    SFX(row_fn) task;
    const REAL *a, *b;
    REAL *out;
    ptrdiff_t n, inner, nb;
} SFX(softmax_call);

/* Tasks lo .. hi - 1 of the call, on one thread. */
static void SFX(softmax_tasks)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(softmax_call) *c = ctx;
    for (ptrdiff_t t = lo; t < hi; t++) {
        const ptrdiff_t o = t / c->nb, i0 = (t - o * c->nb) * ENG_BLOCK;
        const ptrdiff_t len = c->inner - i0 < ENG_BLOCK ? c->inner - i0 : ENG_BLOCK;
        const ptrdiff_t at = o * c->n * c->inner + i0;
        c->task(c->a + at, c->b == NULL ? NULL : c->b + at, c->out + at, c->n, c->inner, len);
    }
}

/* Run `task` over all rows of an (outer, n, inner) array, on threads when it is big
 * (common/spread.h).  A task is one whole softmax row (so each row is summed by one
 * thread, in a fixed order: results do not depend on the thread count). */
static void SFX(softmax_driver)(SFX(row_fn) task, const REAL *a, const REAL *b, REAL *out,
                                ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    if (outer <= 0 || n <= 0 || inner <= 0)
        return;
    const ptrdiff_t nb = (inner + ENG_BLOCK - 1) / ENG_BLOCK;   /* 1 if inner == 1 */
    SFX(softmax_call) c = { task, a, b, out, n, inner, nb };
    eng_spread(outer * nb, 1, outer * n * inner >= ENG_PAR_MIN_EXP, SFX(softmax_tasks), &c);
}

static void SFX(softmax_forward)(const REAL *x, REAL *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    SFX(softmax_driver)(SFX(softmax_fwd_task), x, NULL, y, outer, n, inner);
}

static void SFX(softmax_backward)(const REAL *y, const REAL *gy, REAL *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    SFX(softmax_driver)(SFX(softmax_bwd_task), y, gy, gx, outer, n, inner);
}

static void SFX(log_softmax_forward)(const REAL *x, REAL *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    SFX(softmax_driver)(SFX(log_softmax_fwd_task), x, NULL, y, outer, n, inner);
}

static void SFX(log_softmax_backward)(const REAL *y, const REAL *gy, REAL *gx,
                                      ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    SFX(softmax_driver)(SFX(log_softmax_bwd_task), y, gy, gx, outer, n, inner);
}
