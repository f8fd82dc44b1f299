/*
 * conv/vector_body.h -- im2col / col2im for a unit width stride, one vector instruction set
 * and one type: a template body (common/template.h) that avx2.c and avx512.c read once per
 * type.  The vector operations are common/simd.h's: SFX(load_masked), SFX(storeu) ...
 * Layout and equations: conv.h.  Why these versions exist: vector.h.
 *
 * The runs are short (LeNet conv2: 10 values, one vector), so what costs is the work
 * around each vector, not the copy: the loops below keep it to a few instructions, with
 * every mask, offset and valid range worked out before the loops that use it.
 */

#define LANES SFX(lanes)
#define RANGE(a, b) SFX(mask_of)(eng_lane_bits((a), (b), LANES))

/* output rows up to this many vectors long get their masks worked out once per matrix row */
#ifndef ENG_IM2COL_MAX_PIECES
#define ENG_IM2COL_MAX_PIECES 16
#endif

/* dst[0 .. count) = src[0 .. count), reading only the lanes in [lo, hi) (0 elsewhere).
 * The last vector may run past count when that stays below `limit`: this thread writes
 * the values there next anyway, and one full store is cheaper than a masked one. */
static inline void SFX(copy_run)(const REAL *src, REAL *dst, ptrdiff_t lo, ptrdiff_t hi,
                                 ptrdiff_t count, const REAL *limit)
{
    for (ptrdiff_t j = 0; j < count; j += LANES) {
        const SFX(vec) v = SFX(load_masked)(RANGE(lo - j, hi - j), src + j);
        if (dst + j + LANES <= limit)
            SFX(storeu)(dst + j, v);
        else
            SFX(store_masked)(dst + j, RANGE(0, count - j), v);
    }
}

/* `count` zeros at dst (padding rows), the same way */
static inline void SFX(zero_run)(REAL *dst, ptrdiff_t count, const REAL *limit)
{
    SFX(copy_run)(dst, dst, 0, 0, count, limit);
}

/* Row r of the column matrix (one channel and kernel offset).  A function of its own, called
 * from the parallel loop, so that the vector code keeps this file's target under clang too
 * (clang compiles the body of an OpenMP loop as a separate function without it). */
static void SFX(im2col_row)(const REAL *x, REAL *cols, ptrdiff_t n, const eng_conv_geometry *g,
                            ptrdiff_t r)
{
    ENG_CONV_SIZES(g, n);
    const ptrdiff_t src_step = g->stride[1] * W;     /* input advance per output row */
    const ptrdiff_t c = r / K, kd = r % K / (KH * KW), kh = r % (KH * KW) / KW, kw = r % KW;
    const ptrdiff_t d0 = kd * g->dilation[0] - g->pad[0];   /* input depth of od = 0 */
    const ptrdiff_t h0 = kh * g->dilation[1] - g->pad[1];   /* input row of oh = 0 */
    const ptrdiff_t w0 = kw * g->dilation[2] - g->pad[2];   /* input column of ow = 0 */
    const REAL *row_end = cols + (r + 1) * ld;              /* the next row: another thread's */
    ptrdiff_t od_lo, od_hi, oh_lo, oh_hi, lo, hi;           /* valid output positions */
    eng_conv_valid_range(d0, g->stride[0], D, OD, &od_lo, &od_hi);
    eng_conv_valid_range(h0, g->stride[1], H, OH, &oh_lo, &oh_hi);
    eng_conv_valid_range(w0, 1, W, OW, &lo, &hi);
    /* the lanes to read of each vector of an output row (the same for every row) */
    unsigned bits[ENG_IM2COL_MAX_PIECES];
    const ptrdiff_t pieces = (OW + LANES - 1) / LANES;
    for (ptrdiff_t q = 0; q < pieces && q < ENG_IM2COL_MAX_PIECES; q++)
        bits[q] = eng_lane_bits(lo - q * LANES, hi - q * LANES, LANES);
    for (ptrdiff_t i = 0; i < n; i++) {
        const REAL *plane = x + (i * C + c) * (D * H * W);
        REAL *dst = cols + r * ld + i * L;
        for (ptrdiff_t od = 0; od < OD; od++) {
            if (od < od_lo || od >= od_hi) {                /* a padding slice: zeros */
                SFX(zero_run)(dst, OH * OW, row_end);
                dst += OH * OW;
                continue;
            }
            const ptrdiff_t id = d0 + od * g->stride[0];
            const REAL *src = plane + (id * H + h0 + oh_lo * g->stride[1]) * W + w0;
            SFX(zero_run)(dst, oh_lo * OW, row_end);        /* padding rows above */
            dst += oh_lo * OW;
            if (pieces == 1) {                  /* short rows: one vector each */
                const SFX(mask) m = SFX(mask_of)(bits[0]), last = RANGE(0, OW);
                for (ptrdiff_t oh = oh_lo; oh < oh_hi; oh++, src += src_step, dst += OW) {
                    const SFX(vec) v = SFX(load_masked)(m, src);
                    if (dst + LANES <= row_end)
                        SFX(storeu)(dst, v);
                    else
                        SFX(store_masked)(dst, last, v);
                }
            } else if (pieces <= ENG_IM2COL_MAX_PIECES) {
                for (ptrdiff_t oh = oh_lo; oh < oh_hi; oh++, src += src_step, dst += OW)
                    for (ptrdiff_t q = 0; q < pieces; q++) {
                        const SFX(vec) v = SFX(load_masked)(SFX(mask_of)(bits[q]), src + q * LANES);
                        if (dst + q * LANES + LANES <= row_end)
                            SFX(storeu)(dst + q * LANES, v);
                        else
                            SFX(store_masked)(dst + q * LANES, RANGE(0, OW - q * LANES), v);
                    }
            } else {
                for (ptrdiff_t oh = oh_lo; oh < oh_hi; oh++, src += src_step, dst += OW)
                    SFX(copy_run)(src, dst, lo, hi, OW, row_end);
            }
            SFX(zero_run)(dst, (OH - oh_hi) * OW, row_end); /* padding rows below */
            dst += (OH - oh_hi) * OW;
        }
    }
}

static int SFX(im2col_vector)(const REAL *x, REAL *cols, ptrdiff_t n,
                              const eng_conv_geometry *g)
{
    ENG_CONV_WORK(g, n);
    ptrdiff_t r;

    /* the portable loop's order (portable.h): one matrix row at a time, front to back */
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: work >= ENG_PAR_MIN_COPY)
    for (r = 0; r < C * K; r++)
        SFX(im2col_row)(x, cols, n, g, r);
    return 0;
}

/* Plane ic (image i, channel c) of the input gradient: a function of its own for the same
 * reason as im2col_row. */
static void SFX(col2im_plane)(const REAL *cols, REAL *x, ptrdiff_t n, const eng_conv_geometry *g,
                              const eng_col2im_plan *restrict pplan, ptrdiff_t ic)
{
    ENG_CONV_SIZES(g, n);
    const ptrdiff_t pieces = (W + LANES - 1) / LANES;          /* vectors per input row */
    const eng_col2im_plan plan = *pplan;
    const ptrdiff_t c = ic / n, i = ic % n;
    REAL *dst = x + (i * C + c) * (D * H * W);
    const REAL *plane_end = dst + D * H * W;               /* the next plane: another thread's */
    const REAL *block = cols + (c * K) * ld + i * L;
    for (ptrdiff_t id = 0; id < D; id++)
    for (ptrdiff_t ih = 0; ih < H; ih++, dst += W) {
        for (ptrdiff_t q = 0; q < pieces; q++) {
            const eng_col2im_piece *piece = plan.width + q * KW;
            SFX(vec) sum = SFX(vzero)();
            for (ptrdiff_t kd = 0; kd < KD; kd++) {
                const ptrdiff_t od = plan.depth[id * KD + kd];
                if (od < 0) continue;
                for (ptrdiff_t kh = 0; kh < KH; kh++) {
                    const ptrdiff_t oh = plan.height[ih * KH + kh];
                    if (oh < 0) continue;
                    const REAL *src = block + (kd * KH + kh) * KW * ld + (od * OH + oh) * OW;
                    for (ptrdiff_t kw = 0; kw < KW; kw++, src += ld)
                        sum = SFX(vadd)(sum, SFX(load_masked)(SFX(mask_of)(piece[kw].bits),
                                                    src + piece[kw].offset));
                }
            }
            if (dst + q * LANES + LANES <= plane_end)
                SFX(storeu)(dst + q * LANES, sum);
            else
                SFX(store_masked)(dst + q * LANES, RANGE(0, W - q * LANES), sum);
        }
    }
}

static int SFX(col2im_vector)(const REAL *cols, REAL *x, ptrdiff_t n,
                              const eng_conv_geometry *g)
{
    ENG_CONV_WORK(g, n);
    eng_col2im_plan plan;
    ptrdiff_t ic;

    if (eng_col2im_plan_make(&plan, g, LANES) != 0)
        return -1;

    /* Each input row is summed in registers, LANES values at a time, from the column
     * entries that read it, in the portable scatter's (kd, kh, kw) order (so the sums are
     * bitwise the same).  Planes in channel-major order, as in the portable col2im. */
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: work >= ENG_PAR_MIN_COPY)
    for (ic = 0; ic < n * C; ic++)
        SFX(col2im_plane)(cols, x, n, g, &plan, ic);
    eng_col2im_plan_free(&plan);
    return 0;
}

#undef RANGE
#undef LANES
