/*
 * conv/direct_body.h -- a convolution with few weights, forward and weight gradient, without
 * the column matrix, for a unit width stride, one vector instruction set and one type: a
 * template body (common/template.h) that avx2.c and avx512.c read once per type, after
 * vector_body.h.
 *
 * Forward (direct_forward):
 *
 *     y[i, o, l] = bias[o] + sum over rows r = (c, kd, kh, kw) of  W[o, r] * cols[r, i*L + l]
 *
 * one output row at a time: the input row each kernel offset reads, shifted, times the
 * weight broadcast, into OB x P accumulators (OB output channels, P vectors of the row),
 * stored straight into y (N, O, ...): no columns, no channel-major copy afterwards.
 *
 * Weight gradient (weight_grad_vector):
 *
 *     gw[o, r] = sum over images i and output positions l of  gy[i, o, l] * cols[r, i*L + l]
 *
 * i.e. dW = dY . cols^T (conv.h), with row r = (c, kd, kh, kw) of the columns read straight
 * from x: for each output row, the input row it came from, shifted by the kernel offset, read
 * from a copy of the image's channel with its padding written out as zeros (pad_planes), up
 * to 5 kernel columns at a time (weight_grad_tile).  The forward reads such a copy too.  The
 * columns of a whole batch are (C*K) x (n*L) values (LeNet conv1: 25 x 50176, 5 MB) that a
 * backward would otherwise write and read again; here each image's rows of x and gy are read
 * while they are in L1.
 *
 * Each entry (o, r) keeps LANES partial sums (lane l: output columns l, l + LANES, ...),
 * added image after image, output row after output row, in that fixed order, and summed
 * pairwise at the end: the same bits for any number of threads (threads share out the
 * (c, kd, kh) groups of rows).
 */

#define LANES SFX(lanes)

/* `planes` consecutive D-slices of x from `src` (a whole image: C*D of them; one channel: D)
 * with their height and width padding written out as zeros: planes of Hp rows of Wp values,
 * Wp = W + 2*pw + LANES (a vector of slack past each row, which the last vector of an output
 * row may read).  Only the inside is written: the borders stay 0 from calloc. */
static void SFX(pad_planes)(const REAL *src, ptrdiff_t planes, REAL *xpad,
                            const eng_conv_geometry *g, ptrdiff_t Hp, ptrdiff_t Wp)
{
    const ptrdiff_t H = g->in[1], W = g->in[2];
    for (ptrdiff_t e = 0; e < planes * H; e++)
        memcpy(xpad + (e / H * Hp + g->pad[1] + e % H) * Wp + g->pad[2], src + e * W,
               (size_t)W * sizeof(REAL));
}

/* The entries (o0 .. o0+OB-1, r .. r+KWC-1) of one image, r the row of kernel column k0 of
 * one (c, kd, kh): the KWC kernel columns are the same input row shifted, so each vector of
 * gy is used KWC times and each vector of x OB times (OB * KWC accumulators: 4 x 5 = 20).
 * `xpad` is the image's channel c with its height and width padding written out as zeros
 * (pad_planes): only the last vector of an output row needs a mask, the lanes past OW. */
static inline __attribute__((always_inline)) void SFX(weight_grad_tile)(
    const int OB, const int KWC, const REAL *xpad, ptrdiff_t Hp, ptrdiff_t Wp, const REAL *gyo,
    REAL *vsum, ptrdiff_t vstride, const eng_conv_geometry *g, ptrdiff_t n, ptrdiff_t kd,
    ptrdiff_t kh, ptrdiff_t k0, int first)
{
    ENG_CONV_SIZES(g, n);
    (void)C; (void)ld; (void)KW; (void)H; (void)W;
    const ptrdiff_t d0 = kd * g->dilation[0] - g->pad[0];
    const ptrdiff_t full = OW / LANES, rest = OW - full * LANES;
    const ptrdiff_t dw = g->dilation[2], row_step = g->stride[1] * Wp;
    const SFX(mask) tail = SFX(mask_of)(eng_lane_bits(0, rest, LANES));
    ptrdiff_t od_lo, od_hi;
    eng_conv_valid_range(d0, g->stride[0], D, OD, &od_lo, &od_hi);
    SFX(vec) acc[4][5];
    for (int b = 0; b < OB; b++)
        for (int k = 0; k < KWC; k++)
            acc[b][k] = first ? SFX(vzero)() : SFX(loadu)(vsum + b * vstride + k * LANES);
    for (ptrdiff_t od = od_lo; od < od_hi; od++) {
        const ptrdiff_t id = d0 + od * g->stride[0];
        const REAL *src = xpad + (id * Hp + kh * g->dilation[1]) * Wp + k0 * dw;
        const REAL *gr = gyo + od * OH * OW;
        for (ptrdiff_t oh = 0; oh < OH; oh++, src += row_step, gr += OW) {
            for (ptrdiff_t q = 0; q <= full; q++) {
                if (q == full && rest == 0)
                    break;
                SFX(vec) gv[4];
                for (int b = 0; b < OB; b++)
                    gv[b] = q < full ? SFX(loadu)(gr + b * L + q * LANES)
                                     : SFX(load_masked)(tail, gr + b * L + q * LANES);
                for (int k = 0; k < KWC; k++) {
                    const REAL *xs = src + k * dw + q * LANES;
                    const SFX(vec) xv = q < full ? SFX(loadu)(xs) : SFX(load_masked)(tail, xs);
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

/* Every image: the rows of (c, kd, kh) groups t0 .. t1-1 into vsum, up to 4 output channels
 * and 5 kernel columns at a time.  Each image's channel is first copied into xpad with its
 * padding as zeros; -1 when xpad could not be allocated. */
static int SFX(weight_grad_groups)(const REAL *x, const REAL *gy, REAL *vsum, ptrdiff_t n,
                                   ptrdiff_t O, const eng_conv_geometry *g, ptrdiff_t t0,
                                   ptrdiff_t t1)
{
    ENG_CONV_SIZES(g, n);
    (void)ld;
    const ptrdiff_t CK = C * K;
    const ptrdiff_t Hp = H + 2 * g->pad[1], Wp = W + 2 * g->pad[2] + LANES;
    REAL *xpad = (REAL *)calloc((size_t)(D * Hp * Wp), sizeof(REAL));
    if (xpad == NULL)
        return -1;
    ptrdiff_t pad_c = -1, pad_i = -1;                   /* which plane xpad holds */
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t t = t0; t < t1; t++) {
            const ptrdiff_t c = t / (KD * KH), kd = t % (KD * KH) / KH, kh = t % KH;
            if (c != pad_c || i != pad_i) {
                SFX(pad_planes)(x + (i * C + c) * (D * H * W), D, xpad, g, Hp, Wp);
                pad_c = c;
                pad_i = i;
            }
            for (ptrdiff_t o0 = 0; o0 < O; o0 += 4)
                for (ptrdiff_t k0 = 0; k0 < KW; k0 += 5) {
                    const REAL *gyo = gy + (i * O + o0) * L;
                    REAL *v = vsum + (o0 * CK + t * KW + k0) * LANES;
                    const int ob = O - o0 < 4 ? (int)(O - o0) : 4;
                    const int kc = KW - k0 < 5 ? (int)(KW - k0) : 5;
#define WG_TILE(B, KC) case B * 8 + KC: SFX(weight_grad_tile)(B, KC, xpad, Hp, Wp, gyo, v, \
                                        CK * LANES, g, n, kd, kh, k0, i == 0); break;
#define WG_CASE(B) WG_TILE(B, 1) WG_TILE(B, 2) WG_TILE(B, 3) WG_TILE(B, 4) WG_TILE(B, 5)
                    switch (ob * 8 + kc) {
                    WG_CASE(1) WG_CASE(2) WG_CASE(3) WG_CASE(4)
                    default: break;
                    }
#undef WG_CASE
#undef WG_TILE
                }
        }
    free(xpad);
    return 0;
}

/* Output rows of channels o0 .. o0+OB-1 of one image: P vectors per row (P constant). */
static inline __attribute__((always_inline)) void SFX(direct_rows)(
    const int OB, const int P, const REAL *xpad, ptrdiff_t Hp, ptrdiff_t Wp, const REAL *w,
    const REAL *bias, REAL *y, const eng_conv_geometry *g, ptrdiff_t o0)
{
    ENG_CONV_SIZES(g, 1);
    (void)ld; (void)H; (void)W;
    const ptrdiff_t CK = C * K, rest = OW - (P - 1) * LANES;
    const SFX(mask) tail = SFX(mask_of)(eng_lane_bits(0, rest, LANES));
    for (ptrdiff_t od = 0; od < OD; od++)
        for (ptrdiff_t oh = 0; oh < OH; oh++) {
            SFX(vec) acc[4][4];
            for (int b = 0; b < OB; b++) {
                const SFX(vec) b0 = bias ? SFX(set1)(bias[o0 + b]) : SFX(vzero)();
                for (int q = 0; q < P; q++)
                    acc[b][q] = b0;
            }
            for (ptrdiff_t c = 0; c < C; c++)
                for (ptrdiff_t kd = 0; kd < KD; kd++) {
                    const ptrdiff_t id = od * g->stride[0] - g->pad[0] + kd * g->dilation[0];
                    if (id < 0 || id >= D)
                        continue;                           /* a padding slice: 0 */
                    for (ptrdiff_t kh = 0; kh < KH; kh++) {
                        const REAL *row = xpad + ((c * D + id) * Hp + oh * g->stride[1]
                                                  + kh * g->dilation[1]) * Wp;
                        const REAL *wr = w + o0 * CK + (c * KD + kd) * KH * KW + kh * KW;
                        for (ptrdiff_t kw = 0; kw < KW; kw++) {
                            const REAL *xs = row + kw * g->dilation[2];
                            SFX(vec) xv[4];
                            for (int q = 0; q < P; q++)
                                xv[q] = SFX(loadu)(xs + q * LANES);
                            for (int b = 0; b < OB; b++) {
                                const SFX(vec) wv = SFX(set1)(wr[b * CK + kw]);
                                for (int q = 0; q < P; q++)
                                    acc[b][q] = SFX(fmadd)(wv, xv[q], acc[b][q]);
                            }
                        }
                    }
                }
            for (int b = 0; b < OB; b++) {
                REAL *yr = y + ((o0 + b) * OD * OH + od * OH + oh) * OW;
                for (int q = 0; q < P - 1; q++)
                    SFX(storeu)(yr + q * LANES, acc[b][q]);
                SFX(store_masked)(yr + (P - 1) * LANES, tail, acc[b][P - 1]);
            }
        }
}

/* y (n, O, OD, OH, OW) = conv(x, w) + bias, w (O, C*K); output rows up to 4 vectors long
 * and a unit width stride (else -1: the caller takes the im2col path). */
static int SFX(direct_forward)(const REAL *x, const REAL *w, const REAL *bias, REAL *y,
                               ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g)
{
    ENG_CONV_WORK(g, n);
    (void)C; (void)K;
    const ptrdiff_t OW = g->out[2], P = (OW + LANES - 1) / LANES;
    if (P > 4 || g->stride[2] != 1 || n == 0)
        return -1;
    const ptrdiff_t Hp = g->in[1] + 2 * g->pad[1], Wp = g->in[2] + 2 * g->pad[2] + LANES;
    const ptrdiff_t L = g->out[0] * g->out[1] * OW;
    const size_t pad_size = (size_t)(g->channels * g->in[0] * Hp * Wp);
    const int threads = work * O >= ENG_PAR_MIN_COPY ? eng_get_num_threads() : 1;
    int failed = 0;
    ptrdiff_t t;
#pragma omp parallel for schedule(static) num_threads(threads) if(parallel: threads > 1)
    for (t = 0; t < threads; t++) {
        REAL *xpad = (REAL *)calloc(pad_size, sizeof(REAL));
        if (xpad == NULL) {
#ifdef _OPENMP  /* (a serial build has one thread; -fopenmp-simd warns on these pragmas) */
#pragma omp atomic write
#endif
            failed = 1;
            continue;
        }
        for (ptrdiff_t i = n * t / threads; i < n * (t + 1) / threads; i++) {
            SFX(pad_planes)(x + i * g->channels * g->in[0] * g->in[1] * g->in[2],
                            g->channels * g->in[0], xpad, g, Hp, Wp);
            REAL *yi = y + i * O * L;
            for (ptrdiff_t o0 = 0; o0 < O; o0 += 4) {
                const int ob = O - o0 < 4 ? (int)(O - o0) : 4;
#define DF_ROWS(B, PP) case B * 8 + PP: \
                    SFX(direct_rows)(B, PP, xpad, Hp, Wp, w, bias, yi, g, o0); break;
#define DF_CASE(B) DF_ROWS(B, 1) DF_ROWS(B, 2) DF_ROWS(B, 3) DF_ROWS(B, 4)
                switch (ob * 8 + (int)P) {
                DF_CASE(1) DF_CASE(2) DF_CASE(3) DF_CASE(4)
                default: break;
                }
#undef DF_CASE
#undef DF_ROWS
            }
        }
        free(xpad);
    }
    return failed ? -1 : 0;
}

static int SFX(weight_grad_vector)(const REAL *x, const REAL *gy, REAL *gw, ptrdiff_t n,
                                   ptrdiff_t O, const eng_conv_geometry *g)
{
    ENG_CONV_WORK(g, n);
    const ptrdiff_t CK = C * K;
    if (n == 0)
        return -1;                                  /* the portable loop: zeros */
    REAL *vsum = (REAL *)malloc((size_t)(O * CK * LANES) * sizeof(REAL));
    if (vsum == NULL)
        return -1;
    const int threads = work >= ENG_PAR_MIN_COPY ? eng_get_num_threads() : 1;
    const ptrdiff_t groups = CK / g->kernel[2];         /* (c, kd, kh) */
    int failed = 0;
    ptrdiff_t t;
#pragma omp parallel for schedule(static) num_threads(threads) if(parallel: threads > 1)
    for (t = 0; t < threads; t++) {
        if (SFX(weight_grad_groups)(x, gy, vsum, n, O, g, groups * t / threads,
                                    groups * (t + 1) / threads) != 0) {
#ifdef _OPENMP  /* (a serial build has one thread; -fopenmp-simd warns on these pragmas) */
#pragma omp atomic write
#endif
            failed = 1;
        }
    }
    if (failed) {
        free(vsum);
        return -1;
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
