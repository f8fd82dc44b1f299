/*
 * activation/prelu.h -- PReLU forward and backward.
 *
 * A template body (common/template.h), read once per type by kernels.h.  How the loops
 * are written to vectorise: activation.h.
 */

/* ============================================================================
 * PReLU: leaky ReLU whose slope w[c] is learned, one per channel c.
 *   x is viewed as (outer, channels, inner); element (o, c, i) uses w[c].
 *   forward:   y = x > 0 ? x : w[c] * x
 *   backward:  gx    = gy * (x > 0 ? 1 : w[c])
 *              gw[c] = sum over o, i with x <= 0 of  gy * x  (and a NaN x: NaN, as the reference)
 * ==========================================================================*/
/* One PReLU call, for eng_spread's calls back over its pieces lo .. hi - 1 (the pieces of
 * each function below).  gy and part are the backward's; y is the backward's gx. */
typedef struct {
    const REAL *x, *w, *gy;
    REAL *y;
    double *part;
    ptrdiff_t outer, channels, inner;
    ptrdiff_t block_rows;       /* the backward's blocks of rows (inner == 1) */
    ptrdiff_t count;            /* blocks, or chunks (of ENG_CHUNK) per row or per channel */
} SFX(prelu_call);

/* (outer, channels): rows lo .. hi - 1, each contiguous in c: vectorise over c */
static void SFX(prelu_forward_rows)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(prelu_call) *p = ctx;
    const REAL *w = p->w;
    for (ptrdiff_t o = lo; o < hi; o++) {
        const REAL *xr = p->x + o * p->channels;
        REAL *yr = p->y + o * p->channels;
#pragma omp simd
        for (ptrdiff_t c = 0; c < p->channels; c++)
            yr[c] = xr[c] > 0 ? xr[c] : w[c] * xr[c];
    }
}

/* rows of `inner` elements sharing one slope, cut into chunks of ENG_CHUNK (p->count a row)
 * so that few big rows still spread over all threads: chunks lo .. hi - 1 */
static void SFX(prelu_forward_chunks)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(prelu_call) *p = ctx;
    for (ptrdiff_t t = lo; t < hi; t++) {
        const ptrdiff_t r = t / p->count, i0 = (t - r * p->count) * ENG_CHUNK;
        const ptrdiff_t len = p->inner - i0 < ENG_CHUNK ? p->inner - i0 : ENG_CHUNK;
        const REAL wc = p->w[r % p->channels];
        const REAL *xr = p->x + r * p->inner + i0;
        REAL *yr = p->y + r * p->inner + i0;
#pragma omp simd
        for (ptrdiff_t i = 0; i < len; i++)
            yr[i] = xr[i] > 0 ? xr[i] : wc * xr[i];
    }
}

static void SFX(prelu_forward)(const REAL *x, const REAL *w, REAL *y,
                               ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    if (outer <= 0 || channels <= 0 || inner <= 0)
        return;
    const int parallel = outer * channels * inner >= ENG_PAR_MIN_CHEAP;
    SFX(prelu_call) p = { x, w, NULL, y, NULL, outer, channels, inner, 0,
                          (inner + ENG_CHUNK - 1) / ENG_CHUNK };
    if (inner == 1)
        eng_spread(outer, 1, parallel, SFX(prelu_forward_rows), &p);
    else
        eng_spread(outer * channels * p.count, 1, parallel, SFX(prelu_forward_chunks), &p);
}

/* Backward for `len` contiguous elements sharing slope wc: writes gx and
 * returns their contribution to gw, sum of gy*x where x <= 0.
 * (float*float is exact in double, so the f32 products lose nothing.) */
static double SFX(prelu_backward_run)(const REAL *x, const REAL *gy, REAL *gx,
                                      REAL wc, ptrdiff_t len)
{
    double acc = 0.0;
#pragma omp simd reduction(+:acc)
    for (ptrdiff_t i = 0; i < len; i++) {
        const REAL v = x[i], g = gy[i];
        gx[i] = g * (v > 0 ? (REAL)1 : wc);
        acc += v > 0 ? 0.0 : (double)g * (double)v;
    }
    return acc;
}

/* Backward for channel c over positions [m0, m1) of its (outer, inner) plane,
 * m = o * inner + i; walks the contiguous runs that the range covers. */
static double SFX(prelu_backward_span)(const REAL *x, const REAL *gy, REAL *gx, REAL wc,
                                       ptrdiff_t channels, ptrdiff_t inner, ptrdiff_t c,
                                       ptrdiff_t m0, ptrdiff_t m1)
{
    double acc = 0.0;
    while (m0 < m1) {
        const ptrdiff_t o = m0 / inner, i = m0 - o * inner;
        const ptrdiff_t len = inner - i < m1 - m0 ? inner - i : m1 - m0;
        const ptrdiff_t at = (o * channels + c) * inner + i;
        acc += SFX(prelu_backward_run)(x + at, gy + at, gx + at, wc, len);
        m0 += len;
    }
    return acc;
}

/* (outer, channels) layout: blocks lo .. hi - 1 of p->block_rows rows; block b's sums go to
 * part[b * channels + c] (p->y is gx). */
static void SFX(prelu_backward_blocks)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(prelu_call) *p = ctx;
    const REAL *w = p->w;
    const ptrdiff_t channels = p->channels, ob = p->block_rows;
    for (ptrdiff_t b = lo; b < hi; b++) {
        double *sum = p->part + b * channels;
        const ptrdiff_t o1 = (b + 1) * ob < p->outer ? (b + 1) * ob : p->outer;
        for (ptrdiff_t c = 0; c < channels; c++)
            sum[c] = 0.0;
        for (ptrdiff_t o = b * ob; o < o1; o++) {
            const REAL *xr = p->x + o * channels, *gr = p->gy + o * channels;
            REAL *gxr = p->y + o * channels;
#pragma omp simd
            for (ptrdiff_t c = 0; c < channels; c++) {
                const REAL v = xr[c], g = gr[c];
                gxr[c] = g * (v > 0 ? (REAL)1 : w[c]);
                sum[c] += v > 0 ? 0.0 : (double)g * (double)v;
            }
        }
    }
}

/* inner > 1: pieces lo .. hi - 1, piece t = chunk k of channel c's plane (p->count chunks a
 * channel); its sum goes to part[t]. */
static void SFX(prelu_backward_pieces)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(prelu_call) *p = ctx;
    const ptrdiff_t plane = p->outer * p->inner;
    for (ptrdiff_t t = lo; t < hi; t++) {
        const ptrdiff_t c = t / p->count, k = t - c * p->count;
        const ptrdiff_t m1 = (k + 1) * ENG_CHUNK < plane ? (k + 1) * ENG_CHUNK : plane;
        p->part[t] = SFX(prelu_backward_span)(p->x, p->gy, p->y, p->w[c], p->channels, p->inner,
                                              c, k * ENG_CHUNK, m1);
    }
}

/* gw must be deterministic, and the same for any thread count.  So the sum
 * is cut into pieces whose boundaries depend only on the shape; each piece
 * is summed on its own (by whichever thread), and the pieces are added up
 * afterwards in a fixed order.  If the scratch memory for the piece sums
 * cannot be allocated, the same pieces are summed serially instead, which
 * gives bit-identical results. */
static void SFX(prelu_backward)(const REAL *x, const REAL *w, const REAL *gy, REAL *gx, REAL *gw,
                                ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    if (channels <= 0)
        return;
    if (outer <= 0 || inner <= 0) {
        for (ptrdiff_t c = 0; c < channels; c++)
            gw[c] = 0;
        return;
    }
    if (inner == 1) {
        /* (outer, channels) layout: vectorise over c.  Pieces = blocks of
         * `ob` rows; part[b * channels + c] = sum of block b for channel c.
         * At most 64 blocks, and at least ~ENG_CHUNK elements per block. */
        ptrdiff_t ob = (ENG_CHUNK + channels - 1) / channels;
        if (ob < (outer + 63) / 64)
            ob = (outer + 63) / 64;
        const ptrdiff_t nb = (outer + ob - 1) / ob;
        double *part = (double *)malloc((size_t)(nb * channels) * sizeof(double));
        if (part != NULL) {
            SFX(prelu_call) p = { x, w, gy, gx, part, outer, channels, inner, ob, nb };
            eng_spread(nb, 1, outer * channels >= ENG_PAR_MIN_CHEAP, SFX(prelu_backward_blocks),
                       &p);
            for (ptrdiff_t c = 0; c < channels; c++) {
                double s = 0.0;
                for (ptrdiff_t b = 0; b < nb; b++)
                    s += part[b * channels + c];
                gw[c] = (REAL)s;
            }
            free(part);
        } else {
            for (ptrdiff_t c = 0; c < channels; c++) {
                double s = 0.0;
                for (ptrdiff_t b = 0; b < nb; b++) {
                    const ptrdiff_t o1 = (b + 1) * ob < outer ? (b + 1) * ob : outer;
                    double p = 0.0;
                    for (ptrdiff_t o = b * ob; o < o1; o++) {
                        const REAL v = x[o * channels + c], g = gy[o * channels + c];
                        gx[o * channels + c] = g * (v > 0 ? (REAL)1 : w[c]);
                        p += v > 0 ? 0.0 : (double)g * (double)v;
                    }
                    s += p;
                }
                gw[c] = (REAL)s;
            }
        }
    } else {
        /* inner > 1: channel c owns outer * inner elements; pieces are
         * ENG_CHUNK consecutive positions of that (outer, inner) plane. */
        const ptrdiff_t plane = outer * inner;
        const ptrdiff_t nch = (plane + ENG_CHUNK - 1) / ENG_CHUNK;
        double *part = (double *)malloc((size_t)(channels * nch) * sizeof(double));
        if (part != NULL) {
            SFX(prelu_call) p = { x, w, gy, gx, part, outer, channels, inner, 0, nch };
            eng_spread(channels * nch, 1, channels * plane >= ENG_PAR_MIN_CHEAP,
                       SFX(prelu_backward_pieces), &p);
            for (ptrdiff_t c = 0; c < channels; c++) {
                double s = 0.0;
                for (ptrdiff_t k = 0; k < nch; k++)
                    s += part[c * nch + k];
                gw[c] = (REAL)s;
            }
            free(part);
        } else {
            for (ptrdiff_t c = 0; c < channels; c++) {
                double s = 0.0;
                for (ptrdiff_t k = 0; k < nch; k++) {
                    const ptrdiff_t m1 = (k + 1) * ENG_CHUNK < plane ? (k + 1) * ENG_CHUNK : plane;
                    s += SFX(prelu_backward_span)(x, gy, gx, w[c], channels, inner, c,
                                                  k * ENG_CHUNK, m1);
                }
                gw[c] = (REAL)s;
            }
        }
    }
}
