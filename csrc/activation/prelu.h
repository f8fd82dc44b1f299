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
static void SFX(prelu_forward)(const REAL *x, const REAL *w, REAL *y,
                               ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    if (outer <= 0 || channels <= 0 || inner <= 0)
        return;
    if (inner == 1) {
        /* (outer, channels): each row is contiguous in c, vectorise over c */
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(outer * channels >= ENG_PAR_MIN_CHEAP)
        for (ptrdiff_t o = 0; o < outer; o++) {
            const REAL *xr = x + o * channels;
            REAL *yr = y + o * channels;
#pragma omp simd
            for (ptrdiff_t c = 0; c < channels; c++)
                yr[c] = xr[c] > 0 ? xr[c] : w[c] * xr[c];
        }
    } else {
        /* rows of `inner` elements sharing one slope; long rows are cut into
         * chunks so that few big rows still spread over all threads */
        const ptrdiff_t rows = outer * channels;
        const ptrdiff_t nch = (inner + ENG_CHUNK - 1) / ENG_CHUNK;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(rows * inner >= ENG_PAR_MIN_CHEAP)
        for (ptrdiff_t t = 0; t < rows * nch; t++) {
            const ptrdiff_t r = t / nch, i0 = (t - r * nch) * ENG_CHUNK;
            const ptrdiff_t len = inner - i0 < ENG_CHUNK ? inner - i0 : ENG_CHUNK;
            const REAL wc = w[r % channels];
            const REAL *xr = x + r * inner + i0;
            REAL *yr = y + r * inner + i0;
#pragma omp simd
            for (ptrdiff_t i = 0; i < len; i++)
                yr[i] = xr[i] > 0 ? xr[i] : wc * xr[i];
        }
    }
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
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(outer * channels >= ENG_PAR_MIN_CHEAP)
            for (ptrdiff_t b = 0; b < nb; b++) {
                double *p = part + b * channels;
                const ptrdiff_t o1 = (b + 1) * ob < outer ? (b + 1) * ob : outer;
                for (ptrdiff_t c = 0; c < channels; c++)
                    p[c] = 0.0;
                for (ptrdiff_t o = b * ob; o < o1; o++) {
                    const REAL *xr = x + o * channels, *gr = gy + o * channels;
                    REAL *gxr = gx + o * channels;
#pragma omp simd
                    for (ptrdiff_t c = 0; c < channels; c++) {
                        const REAL v = xr[c], g = gr[c];
                        gxr[c] = g * (v > 0 ? (REAL)1 : w[c]);
                        p[c] += v > 0 ? 0.0 : (double)g * (double)v;
                    }
                }
            }
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
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(channels * plane >= ENG_PAR_MIN_CHEAP)
            for (ptrdiff_t t = 0; t < channels * nch; t++) {
                const ptrdiff_t c = t / nch, k = t - c * nch;
                const ptrdiff_t m1 = (k + 1) * ENG_CHUNK < plane ? (k + 1) * ENG_CHUNK : plane;
                part[t] = SFX(prelu_backward_span)(x, gy, gx, w[c], channels, inner, c,
                                                   k * ENG_CHUNK, m1);
            }
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
