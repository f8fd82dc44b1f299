/*
 * activation/neon_body.h -- NEON intrinsic versions of the cheap elementwise kernels (ReLU,
 * leaky ReLU, Heaviside; the backwards of ReLU, leaky ReLU, sigmoid, tanh): a template body
 * (common/template.h) that neon.c reads once per type, after kernels.h, with the intrinsics
 * named per type there (SFX(vec) is float32x4_t or float64x2_t ...).
 *
 * Each one does the whole vectors of its array, LANES values per step, with the same
 * formulas as elementwise.h (a compare and a bit select where elementwise.h has `?:`, so
 * NaN and -0 come out the same), and hands the last n % LANES values to elementwise.h's
 * loop.  The exp-based kernels stay elementwise.h's: the compiler vectorises them (and
 * vmath.h) with NEON already.
 */

#define LANES SFX(lanes)

/* for (each whole vector, from element i) { BODY }, on one thread as elementwise.h's loops
 * (spread.c shares a big array among threads) */
#define NEON_LOOP(n, ...)                                                                \
    const ptrdiff_t nv = (n) / LANES;                                                    \
    for (ptrdiff_t v = 0; v < nv; v++) {                                                 \
        const ptrdiff_t i = v * LANES;                                                   \
        __VA_ARGS__                                                                      \
    }

static void SFX(neon_relu_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    const SFX(vec) zero = SFX(dup)(0);
    NEON_LOOP(n, {
        const SFX(vec) xv = SFX(load)(x + i);
        SFX(store)(y + i, SFX(select)(SFX(lt)(xv, zero), zero, xv));
    })
    SFX(relu_forward)(x + nv * LANES, y + nv * LANES, n - nv * LANES, p);
}

static void SFX(neon_relu_backward)(const REAL *x, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    const SFX(vec) zero = SFX(dup)(0), one = SFX(dup)(1);
    NEON_LOOP(n, {
        const SFX(vec) xv = SFX(load)(x + i);
        SFX(store)(gx + i, SFX(mul)(SFX(load)(gy + i), SFX(select)(SFX(gt)(xv, zero), one, zero)));
    })
    SFX(relu_backward)(x + nv * LANES, gy + nv * LANES, gx + nv * LANES, n - nv * LANES, p);
}

static void SFX(neon_leaky_relu_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL slope)
{
    const SFX(vec) zero = SFX(dup)(0), a = SFX(dup)(slope);
    NEON_LOOP(n, {
        const SFX(vec) xv = SFX(load)(x + i);
        SFX(store)(y + i, SFX(select)(SFX(gt)(xv, zero), xv, SFX(mul)(a, xv)));
    })
    SFX(leaky_relu_forward)(x + nv * LANES, y + nv * LANES, n - nv * LANES, slope);
}

static void SFX(neon_leaky_relu_backward)(const REAL *x, const REAL *gy, REAL *gx, ptrdiff_t n,
                                          REAL slope)
{
    const SFX(vec) zero = SFX(dup)(0), one = SFX(dup)(1), a = SFX(dup)(slope);
    NEON_LOOP(n, {
        const SFX(vec) xv = SFX(load)(x + i);
        SFX(store)(gx + i, SFX(mul)(SFX(load)(gy + i), SFX(select)(SFX(gt)(xv, zero), one, a)));
    })
    SFX(leaky_relu_backward)(x + nv * LANES, gy + nv * LANES, gx + nv * LANES, n - nv * LANES,
                             slope);
}

/* y = 1 if x > 0, value_at_zero if x == 0, 0 if x < 0, NaN if NaN (x != x) */
static void SFX(neon_heaviside_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL value_at_zero)
{
    const SFX(vec) zero = SFX(dup)(0), one = SFX(dup)(1), at0 = SFX(dup)(value_at_zero);
    NEON_LOOP(n, {
        const SFX(vec) xv = SFX(load)(x + i);
        const SFX(vec) step = SFX(select)(SFX(gt)(xv, zero), one,
                                          SFX(select)(SFX(eq)(xv, zero), at0, zero));
        SFX(store)(y + i, SFX(select)(SFX(eq)(xv, xv), step, xv));
    })
    SFX(heaviside_forward)(x + nv * LANES, y + nv * LANES, n - nv * LANES, value_at_zero);
}

/* gx = gy * y * (1 - y), from the forward's output y */
static void SFX(neon_sigmoid_backward)(const REAL *y, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    const SFX(vec) one = SFX(dup)(1);
    NEON_LOOP(n, {
        const SFX(vec) yv = SFX(load)(y + i);
        SFX(store)(gx + i, SFX(mul)(SFX(mul)(SFX(load)(gy + i), yv), SFX(sub)(one, yv)));
    })
    SFX(sigmoid_backward)(y + nv * LANES, gy + nv * LANES, gx + nv * LANES, n - nv * LANES, p);
}

/* gx = gy * (1 - y^2), from the forward's output y (1 - y*y in one fused step) */
static void SFX(neon_tanh_backward)(const REAL *y, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p)
{
    const SFX(vec) one = SFX(dup)(1);
    NEON_LOOP(n, {
        const SFX(vec) yv = SFX(load)(y + i);
        SFX(store)(gx + i, SFX(mul)(SFX(load)(gy + i), SFX(fms)(one, yv, yv)));
    })
    SFX(tanh_backward)(y + nv * LANES, gy + nv * LANES, gx + nv * LANES, n - nv * LANES, p);
}

#undef NEON_LOOP
#undef LANES
