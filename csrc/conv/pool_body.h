/*
 * conv/pool_body.h -- the pooling kernels of one type: a template body
 * (common/template.h) that pool.c reads once per type.  Equations: pool.h.
 */

static int SFX(is_2x2_s2)(const eng_pool_geometry *g)
{
    return g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0;
}

/* ---------------------------------------------------------------- max */

/* The portable 2x2 stride-2 kernels of one plane (the generic table; pool_table.h). */
static void SFX(max2x2_forward)(const REAL *xp, REAL *yp, int32_t *ap, ptrdiff_t W, ptrdiff_t OH,
                                ptrdiff_t OW)
{
    /* each output reads a 2x2 block of two adjacent rows: branch-free selects */
    for (ptrdiff_t i = 0; i < OH; i++) {
        const REAL *r0 = xp + (2 * i) * W, *r1 = r0 + W;
        const int32_t base = (int32_t)(2 * i * W);
        for (ptrdiff_t j = 0; j < OW; j++) {
            REAL a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
            int32_t ia = base + (int32_t)(2 * j);
            /* POOL_BEATS keeps the first maximum in row-major order and lets the first NaN
               win, exactly as the general path (a plain ">" would drop a NaN that is not the
               window's first element) */
            const int b_wins = POOL_BEATS(b, a), d_wins = POOL_BEATS(d, c);
            REAL m0 = b_wins ? b : a;
            int32_t i0 = b_wins ? ia + 1 : ia;
            REAL m1 = d_wins ? d : c;
            int32_t i1 = d_wins ? ia + (int32_t)W + 1 : ia + (int32_t)W;
            const int second_row_wins = POOL_BEATS(m1, m0);
            yp[i * OW + j] = second_row_wins ? m1 : m0;
            ap[i * OW + j] = second_row_wins ? i1 : i0;
        }
    }
}

static int SFX(max2x2_backward)(const REAL *gyp, const int32_t *ap, REAL *gxp, ptrdiff_t H,
                                ptrdiff_t W, ptrdiff_t OH, ptrdiff_t OW)
{
    /* First: does every index point into its own window, at offset 0, 1, W or W+1?  In
       unsigned arithmetic (it wraps for any index instead of overflowing), as a reduction
       the compiler vectorises. */
    const uint32_t w = (uint32_t)W;
    unsigned stray = 0;
    for (ptrdiff_t i = 0; i < OH; i++) {
        const uint32_t base = (uint32_t)(2 * i * W);
        for (ptrdiff_t j = 0; j < OW; j++) {
            const uint32_t at = (uint32_t)ap[i * OW + j] - (base + (uint32_t)(2 * j));
            stray |= (at > 1u) & (at - w > 1u);
        }
    }
    if (stray)
        return -1;
    /* then the windows do not overlap: each index gets one gradient, the rest stays 0 (a
       memset and a scatter are what this portable loop does fastest) */
    for (ptrdiff_t e = 0; e < H * W; e++) gxp[e] = 0;
    for (ptrdiff_t o = 0; o < OH * OW; o++) gxp[ap[o]] = gyp[o];
    return 0;
}

/* One pooling call, for eng_spread's calls back over planes lo .. hi - 1 (pool_spread):
 * `in` is x (forward) or gy (backward), `out` is y or gx. */
typedef struct {
    const REAL *in;
    REAL *out;
    int32_t *argmax;              /* max forward: where each maximum was (written) */
    const int32_t *argmax_in;     /* max backward: the forward's argmax (read) */
    const eng_pool_geometry *g;
    const eng_pool_table *fast;   /* max pooling's 2x2 stride-2 kernels, or NULL */
} SFX(pool_call);

/* planes(call, lo, hi) over all the planes: a direct call for a small input, a share of the
 * planes per thread for a big one (common/spread.h). */
static void SFX(pool_spread)(eng_range_fn planes, SFX(pool_call) call)
{
    const eng_pool_geometry *g = call.g;
    eng_spread(g->planes, 1, g->planes * g->h * g->w >= ENG_PAR_MIN_POOL, planes, &call);
}

static void SFX(max_forward_planes)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(pool_call) *call = ctx;
    const REAL *x = call->in;
    REAL *y = call->out;
    int32_t *argmax = call->argmax;
    const eng_pool_geometry *g = call->g;
    const eng_pool_table *fast = call->fast;
    const ptrdiff_t H = g->h, W = g->w, OH = g->oh, OW = g->ow;
    for (ptrdiff_t p = lo; p < hi; p++) {
        const REAL *xp = x + p * H * W;
        REAL *yp = y + p * OH * OW;
        int32_t *ap = argmax + p * OH * OW;
        if (fast) {
            fast->SFX(max2x2_forward)(xp, yp, ap, W, OH, OW);
            continue;
        }
        for (ptrdiff_t i = 0; i < OH; i++) {
            ptrdiff_t hs, he, ws, we;                   /* the window, inside the plane */
            pool_span(i * g->sh - g->ph, g->kh, H, &hs, &he);
            for (ptrdiff_t j = 0; j < OW; j++) {
                pool_span(j * g->sw - g->pw, g->kw, W, &ws, &we);
                ptrdiff_t best = hs * W + ws;
                REAL m = xp[best];
                for (ptrdiff_t r = hs; r < he; r++)
                    for (ptrdiff_t c = ws; c < we; c++)
                        if (POOL_BEATS(xp[r * W + c], m)) {
                            m = xp[r * W + c];          /* NaN propagates, as in PyTorch */
                            best = r * W + c;
                        }
                yp[i * OW + j] = m;
                ap[i * OW + j] = (int32_t)best;
            }
        }
    }
}

void SFX(eng_max_pool2d_forward)(const REAL *x, REAL *y, int32_t *argmax, const eng_pool_geometry *g)
{
    const SFX(pool_call) call = {
        .in = x, .out = y, .argmax = argmax, .g = g,
        .fast = SFX(is_2x2_s2)(g) ? eng_isa_table(ENG_FAMILY_POOL) : NULL };
    SFX(pool_spread)(SFX(max_forward_planes), call);
}

static void SFX(max_backward_planes)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(pool_call) *call = ctx;
    const REAL *gy = call->in;
    const int32_t *argmax = call->argmax_in;
    REAL *gx = call->out;
    const eng_pool_geometry *g = call->g;
    const eng_pool_table *fast = call->fast;
    const ptrdiff_t H = g->h, W = g->w, OH = g->oh, OW = g->ow;
    for (ptrdiff_t p = lo; p < hi; p++) {
        const REAL *gyp = gy + p * OH * OW;
        const int32_t *ap = argmax + p * OH * OW;
        REAL *gxp = gx + p * H * W;
        /* windows that do not overlap: each 2x2 block written once, unless an index strays
           from its window (then the plane is redone below, as for any geometry) */
        if (fast && fast->SFX(max2x2_backward)(gyp, ap, gxp, H, W, OH, OW) == 0)
            continue;
        for (ptrdiff_t e = 0; e < H * W; e++) gxp[e] = 0;
        for (ptrdiff_t o = 0; o < OH * OW; o++) gxp[ap[o]] += gyp[o];
    }
}

void SFX(eng_max_pool2d_backward)(const REAL *gy, const int32_t *argmax, REAL *gx, const eng_pool_geometry *g)
{
    const SFX(pool_call) call = {
        .in = gy, .out = gx, .argmax_in = argmax, .g = g,
        .fast = !SFX(is_2x2_s2)(g) ? NULL
                : g->ow < POOL_BACKWARD_MIN_VECTOR_OW ? &eng_pool_generic
                : eng_isa_table(ENG_FAMILY_POOL) };
    SFX(pool_spread)(SFX(max_backward_planes), call);
}

/* ---------------------------------------------------------------- average */

static void SFX(avg_forward_planes)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(pool_call) *call = ctx;
    const REAL *x = call->in;
    REAL *y = call->out;
    const eng_pool_geometry *g = call->g;
    const ptrdiff_t H = g->h, W = g->w, OH = g->oh, OW = g->ow;
    const int fast = SFX(is_2x2_s2)(g);
    const REAL scale = (REAL)1 / ((REAL)g->kh * (REAL)g->kw);   /* kh*kw may pass 2^63 */
    for (ptrdiff_t p = lo; p < hi; p++) {
        const REAL *xp = x + p * H * W;
        REAL *yp = y + p * OH * OW;
        if (fast) {
            for (ptrdiff_t i = 0; i < OH; i++) {
                const REAL *r0 = xp + (2 * i) * W, *r1 = r0 + W;
                for (ptrdiff_t j = 0; j < OW; j++)
                    yp[i * OW + j] = ((r0[2 * j] + r0[2 * j + 1]) + (r1[2 * j] + r1[2 * j + 1])) * scale;
            }
            continue;
        }
        for (ptrdiff_t i = 0; i < OH; i++) {
            ptrdiff_t hs, he, ws, we;                   /* the window, inside the plane */
            pool_span(i * g->sh - g->ph, g->kh, H, &hs, &he);
            for (ptrdiff_t j = 0; j < OW; j++) {
                pool_span(j * g->sw - g->pw, g->kw, W, &ws, &we);
                REAL s = 0;
                for (ptrdiff_t r = hs; r < he; r++)
                    for (ptrdiff_t c = ws; c < we; c++)
                        s += xp[r * W + c];
                yp[i * OW + j] = s * scale;        /* padding counted: always kh*kw */
            }
        }
    }
}

void SFX(eng_avg_pool2d_forward)(const REAL *x, REAL *y, const eng_pool_geometry *g)
{
    const SFX(pool_call) call = { .in = x, .out = y, .g = g };
    SFX(pool_spread)(SFX(avg_forward_planes), call);
}

static void SFX(avg_backward_planes)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(pool_call) *call = ctx;
    const REAL *gy = call->in;
    REAL *gx = call->out;
    const eng_pool_geometry *g = call->g;
    const ptrdiff_t H = g->h, W = g->w, OH = g->oh, OW = g->ow;
    const int fast = SFX(is_2x2_s2)(g);
    const REAL scale = (REAL)1 / ((REAL)g->kh * (REAL)g->kw);   /* kh*kw may pass 2^63 */
    for (ptrdiff_t p = lo; p < hi; p++) {
        const REAL *gyp = gy + p * OH * OW;
        REAL *gxp = gx + p * H * W;
        if (fast) {
            for (ptrdiff_t i = 0; i < OH; i++) {
                REAL *r0 = gxp + (2 * i) * W, *r1 = r0 + W;
                for (ptrdiff_t j = 0; j < OW; j++) {
                    const REAL v = gyp[i * OW + j] * scale;
                    r0[2 * j] = r0[2 * j + 1] = r1[2 * j] = r1[2 * j + 1] = v;
                }
                for (ptrdiff_t c = 2 * OW; c < W; c++) r0[c] = r1[c] = 0;
            }
            for (ptrdiff_t e = 2 * OH * W; e < H * W; e++) gxp[e] = 0;
            continue;
        }
        for (ptrdiff_t e = 0; e < H * W; e++) gxp[e] = 0;
        for (ptrdiff_t i = 0; i < OH; i++) {
            ptrdiff_t hs, he, ws, we;                   /* the window, inside the plane */
            pool_span(i * g->sh - g->ph, g->kh, H, &hs, &he);
            for (ptrdiff_t j = 0; j < OW; j++) {
                pool_span(j * g->sw - g->pw, g->kw, W, &ws, &we);
                const REAL v = gyp[i * OW + j] * scale;
                for (ptrdiff_t r = hs; r < he; r++)
                    for (ptrdiff_t c = ws; c < we; c++)
                        gxp[r * W + c] += v;
            }
        }
    }
}

void SFX(eng_avg_pool2d_backward)(const REAL *gy, REAL *gx, const eng_pool_geometry *g)
{
    const SFX(pool_call) call = { .in = gy, .out = gx, .g = g };
    SFX(pool_spread)(SFX(avg_backward_planes), call);
}
