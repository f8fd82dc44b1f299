/*
 * conv/weight_grad_body.h -- a convolution's weight gradient without the column matrix, for
 * a unit width stride, one vector instruction set and one type: a template body
 * (common/template.h) that avx2.c and avx512.c read once per type, after vector_body.h.
 *
 *     gw[o, r] = sum over images i and output positions l of  gy[i, o, l] * cols[r, i*L + l]
 *
 * i.e. dW = dY . cols^T (conv.h), with row r = (c, kd, kh, kw) of the columns read straight
 * from x: for each output row, the input row it came from, shifted by the kernel offset,
 * with the lanes that fall in the padding masked to 0.  The columns of a whole batch are
 * (C*K) x (n*L) values (LeNet conv1: 25 x 50176, 5 MB) that a backward would otherwise write
 * and read again; here each image's rows of x and gy are read while they are in L1.
 *
 * Each entry (o, r) keeps LANES partial sums (lane l: output columns l, l + LANES, ...),
 * added image after image, output row after output row, in that fixed order, and summed
 * pairwise at the end: the same bits for any number of threads (threads share out rows r).
 */

#define LANES SFX(lanes)

/* The entries (o0 .. o0+OB-1, r) of one image: OB output channels at once, OB constant at
 * each instantiation so that the accumulators stay in registers. */
static inline __attribute__((always_inline)) void SFX(weight_grad_block)(
    const int OB, const REAL *plane, const REAL *gyo, REAL *vsum, ptrdiff_t vstride,
    const eng_conv_geometry *g, ptrdiff_t n, ptrdiff_t kd, ptrdiff_t kh, ptrdiff_t kw,
    const unsigned *bits, int first)
{
    ENG_CONV_SIZES(g, n);
    (void)C; (void)ld;
    const ptrdiff_t d0 = kd * g->dilation[0] - g->pad[0];
    const ptrdiff_t h0 = kh * g->dilation[1] - g->pad[1];
    const ptrdiff_t w0 = kw * g->dilation[2] - g->pad[2];
    const ptrdiff_t pieces = (OW + LANES - 1) / LANES;
    ptrdiff_t od_lo, od_hi, oh_lo, oh_hi;
    eng_conv_valid_range(d0, g->stride[0], D, OD, &od_lo, &od_hi);
    eng_conv_valid_range(h0, g->stride[1], H, OH, &oh_lo, &oh_hi);
    SFX(vec) acc[8];
    for (int b = 0; b < OB; b++)
        acc[b] = first ? SFX(vzero)() : SFX(loadu)(vsum + b * vstride);
    for (ptrdiff_t od = od_lo; od < od_hi; od++) {
        const ptrdiff_t id = d0 + od * g->stride[0];
        for (ptrdiff_t oh = oh_lo; oh < oh_hi; oh++) {
            const REAL *src = plane + (id * H + h0 + oh * g->stride[1]) * W + w0;
            const REAL *gr = gyo + (od * OH + oh) * OW;
            for (ptrdiff_t q = 0; q < pieces; q++) {
                const SFX(mask) m = SFX(mask_of)(bits[q]);
                const SFX(vec) xv = SFX(load_masked)(m, src + q * LANES);
                for (int b = 0; b < OB; b++)
                    acc[b] = SFX(fmadd)(xv, SFX(load_masked)(m, gr + b * L + q * LANES), acc[b]);
            }
        }
    }
    for (int b = 0; b < OB; b++)
        SFX(storeu)(vsum + b * vstride, acc[b]);
}

/* The entries (o0 .. o0+OB-1, r .. r+KWC-1) of one image, r the row of kernel column 0 of
 * one (c, kd, kh): the KWC kernel columns are the same input row shifted, so each vector of
 * gy is used KWC times and each vector of x OB times (OB * KWC accumulators: 4 x 5 = 20). */
static inline __attribute__((always_inline)) void SFX(weight_grad_tile)(
    const int OB, const int KWC, const REAL *plane, const REAL *gyo, REAL *vsum,
    ptrdiff_t vstride, const eng_conv_geometry *g, ptrdiff_t n, ptrdiff_t kd, ptrdiff_t kh,
    const unsigned *bits, const unsigned *row_bits, int first)
{
    ENG_CONV_SIZES(g, n);
    (void)C; (void)ld; (void)KW;
    const ptrdiff_t d0 = kd * g->dilation[0] - g->pad[0];
    const ptrdiff_t h0 = kh * g->dilation[1] - g->pad[1];
    const ptrdiff_t pieces = (OW + LANES - 1) / LANES;
    ptrdiff_t od_lo, od_hi, oh_lo, oh_hi;
    eng_conv_valid_range(d0, g->stride[0], D, OD, &od_lo, &od_hi);
    eng_conv_valid_range(h0, g->stride[1], H, OH, &oh_lo, &oh_hi);
    SFX(vec) acc[4][5];
    for (int b = 0; b < OB; b++)
        for (int k = 0; k < KWC; k++)
            acc[b][k] = first ? SFX(vzero)() : SFX(loadu)(vsum + b * vstride + k * LANES);
    for (ptrdiff_t od = od_lo; od < od_hi; od++) {
        const ptrdiff_t id = d0 + od * g->stride[0];
        for (ptrdiff_t oh = oh_lo; oh < oh_hi; oh++) {
            const REAL *src = plane + (id * H + h0 + oh * g->stride[1]) * W - g->pad[2];
            const REAL *gr = gyo + (od * OH + oh) * OW;
            for (ptrdiff_t q = 0; q < pieces; q++) {
                SFX(vec) gv[4];
                const SFX(mask) rm = SFX(mask_of)(row_bits[q]);
                for (int b = 0; b < OB; b++)
                    gv[b] = SFX(load_masked)(rm, gr + b * L + q * LANES);
                for (int k = 0; k < KWC; k++) {
                    const SFX(vec) xv = SFX(load_masked)(SFX(mask_of)(bits[k * pieces + q]),
                                                         src + k * g->dilation[2] + q * LANES);
                    for (int b = 0; b < OB; b++)
                        acc[b][k] = SFX(fmadd)(xv, gv[b], acc[b][k]);
                }
            }
        }
    }
    for (int b = 0; b < OB; b++)
        for (int k = 0; k < KWC; k++)
            SFX(storeu)(vsum + b * vstride + k * LANES, acc[b][k]);
}

/* Kernels 3 or 5 columns wide, every image: (c, kd, kh) groups t0 .. t1-1 into vsum. */
static void SFX(weight_grad_groups)(const REAL *x, const REAL *gy, REAL *vsum, ptrdiff_t n,
                                    ptrdiff_t O, const eng_conv_geometry *g, ptrdiff_t t0,
                                    ptrdiff_t t1)
{
    ENG_CONV_SIZES(g, n);
    (void)ld;
    const ptrdiff_t CK = C * K, pieces = (OW + LANES - 1) / LANES;
    unsigned bits[5 * ENG_WEIGHT_GRAD_MAX_PIECES], row_bits[ENG_WEIGHT_GRAD_MAX_PIECES];
    for (ptrdiff_t k = 0; k < KW; k++) {        /* the lanes inside the input, per column */
        ptrdiff_t lo, hi;
        eng_conv_valid_range(k * g->dilation[2] - g->pad[2], 1, W, OW, &lo, &hi);
        for (ptrdiff_t q = 0; q < pieces; q++)
            bits[k * pieces + q] = eng_lane_bits(lo - q * LANES, hi - q * LANES, LANES);
    }
    for (ptrdiff_t q = 0; q < pieces; q++)
        row_bits[q] = eng_lane_bits(0, OW - q * LANES, LANES);
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t t = t0; t < t1; t++) {
            const ptrdiff_t c = t / (KD * KH), kd = t % (KD * KH) / KH, kh = t % KH;
            const ptrdiff_t r = t * KW;                 /* the row of kernel column 0 */
            const REAL *plane = x + (i * C + c) * (D * H * W);
            for (ptrdiff_t o0 = 0; o0 < O; o0 += 4) {
                const REAL *gyo = gy + (i * O + o0) * L;
                REAL *v = vsum + (o0 * CK + r) * LANES;
                const ptrdiff_t vs = CK * LANES;
                const int ob = O - o0 < 4 ? (int)(O - o0) : 4;
#define WG_TILE(B, KC) SFX(weight_grad_tile)(B, KC, plane, gyo, v, vs, g, n, kd, kh, bits, \
                                             row_bits, i == 0)
                if (KW == 5)
                    switch (ob) {
                    case 1: WG_TILE(1, 5); break;
                    case 2: WG_TILE(2, 5); break;
                    case 3: WG_TILE(3, 5); break;
                    default: WG_TILE(4, 5); break;
                    }
                else
                    switch (ob) {
                    case 1: WG_TILE(1, 3); break;
                    case 2: WG_TILE(2, 3); break;
                    case 3: WG_TILE(3, 3); break;
                    default: WG_TILE(4, 3); break;
                    }
#undef WG_TILE
            }
        }
}

/* Rows r0 .. r1-1 of every image into vsum (entry (o, r) at vsum + (o*C*K + r)*LANES). */
static void SFX(weight_grad_rows)(const REAL *x, const REAL *gy, REAL *vsum, ptrdiff_t n,
                                  ptrdiff_t O, const eng_conv_geometry *g, ptrdiff_t r0,
                                  ptrdiff_t r1)
{
    ENG_CONV_SIZES(g, n);
    (void)ld;
    const ptrdiff_t CK = C * K, pieces = (OW + LANES - 1) / LANES;
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t r = r0; r < r1; r++) {
            const ptrdiff_t c = r / K, kd = r % K / (KH * KW), kh = r % (KH * KW) / KW,
                            kw = r % KW;
            const ptrdiff_t w0 = kw * g->dilation[2] - g->pad[2];
            ptrdiff_t lo, hi;                       /* the output columns inside the input */
            eng_conv_valid_range(w0, 1, W, OW, &lo, &hi);
            unsigned bits[ENG_WEIGHT_GRAD_MAX_PIECES];
            for (ptrdiff_t q = 0; q < pieces; q++)
                bits[q] = eng_lane_bits(lo - q * LANES, hi - q * LANES, LANES);
            const REAL *plane = x + (i * C + c) * (D * H * W);
            for (ptrdiff_t o0 = 0; o0 < O; o0 += 8) {
                const REAL *gyo = gy + (i * O + o0) * L;
                REAL *v = vsum + (o0 * CK + r) * LANES;
                const ptrdiff_t vs = CK * LANES;
                switch (O - o0 < 8 ? (int)(O - o0) : 8) {
#define WG_CASE(B) case B: SFX(weight_grad_block)(B, plane, gyo, v, vs, g, n, kd, kh, kw, bits, \
                                                  i == 0); break;
                WG_CASE(1) WG_CASE(2) WG_CASE(3) WG_CASE(4)
                WG_CASE(5) WG_CASE(6) WG_CASE(7) WG_CASE(8)
#undef WG_CASE
                default: break;
                }
            }
        }
}

static int SFX(weight_grad_vector)(const REAL *x, const REAL *gy, REAL *gw, ptrdiff_t n,
                                   ptrdiff_t O, const eng_conv_geometry *g)
{
    ENG_CONV_WORK(g, n);
    const ptrdiff_t CK = C * K;
    if ((g->out[2] + LANES - 1) / LANES > ENG_WEIGHT_GRAD_MAX_PIECES || n == 0)
        return -1;                                  /* the portable loop (n = 0: zeros) */
    REAL *vsum = (REAL *)malloc((size_t)(O * CK * LANES) * sizeof(REAL));
    if (vsum == NULL)
        return -1;
    const int threads = work >= ENG_PAR_MIN_COPY ? eng_get_num_threads() : 1;
    const int tiled = g->kernel[2] == 3 || g->kernel[2] == 5;     /* weight_grad_groups */
    const ptrdiff_t units = tiled ? CK / g->kernel[2] : CK;
    ptrdiff_t t;
#pragma omp parallel for schedule(static) num_threads(threads) if(parallel: threads > 1)
    for (t = 0; t < threads; t++) {
        const ptrdiff_t u0 = units * t / threads, u1 = units * (t + 1) / threads;
        if (tiled)
            SFX(weight_grad_groups)(x, gy, vsum, n, O, g, u0, u1);
        else
            SFX(weight_grad_rows)(x, gy, vsum, n, O, g, u0, u1);
    }
    for (ptrdiff_t e = 0; e < O * CK; e++) {        /* the lanes of each entry, pairwise */
        REAL lane[LANES];
        SFX(storeu)(lane, SFX(loadu)(vsum + e * LANES));
        for (int w = LANES / 2; w >= 1; w /= 2)
            for (int l = 0; l < w; l++)
                lane[l] += lane[l + w];
        gw[e] = lane[0];
    }
    free(vsum);
    return 0;
}

#undef LANES
