/*
 * conv/vector.h -- the vector versions of im2col / col2im, one table per instruction set.
 *
 * portable.h has the loops for every geometry.  When the width stride is 1 -- the common
 * case, and the one whose short rows the portable copy handles worst (LeNet conv2: runs of
 * 10 values) -- avx2.c / avx512.c move each run with masked vector loads and stores
 * instead.  common/isa.h picks the table (the best this CPU runs, unless Python chose
 * another); the generic table has no vector functions (NULL).
 *
 * The vector col2im gathers instead of scattering: it builds each input row in a register,
 * adding the column entries that came from it in the same (kd, kh, kw) order as the
 * portable scatter, so both give bitwise the same sums.
 */
#ifndef ENGINE_CONV_VECTOR_H
#define ENGINE_CONV_VECTOR_H

#include <stddef.h>
#include <stdlib.h>

#include "conv/conv.h"

/* below this many copied elements a single thread is faster than waking more */
#define ENG_PAR_MIN_COPY 65536

/* Each returns 0, or -1 when it could not allocate its small tables (then im2col.c runs
 * the portable loop instead). */
typedef int (*eng_im2col_fn_f32)(const float *, float *, ptrdiff_t, const eng_conv_geometry *);
typedef int (*eng_im2col_fn_f64)(const double *, double *, ptrdiff_t, const eng_conv_geometry *);

/* The weight gradient without columns (direct_body.h): gw (O x C*K) from x and gy. */
typedef int (*eng_weight_grad_fn_f32)(const float *x, const float *gy, float *gw, ptrdiff_t n,
                                      ptrdiff_t O, const eng_conv_geometry *);
typedef int (*eng_weight_grad_fn_f64)(const double *x, const double *gy, double *gw,
                                      ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *);

/* The forward without columns (direct_body.h): y (n, O, ...) = conv(x, w) + bias, w (O x C*K),
 * bias NULL or O values; -1 when the geometry is not one it handles (then: im2col + GEMM). */
typedef int (*eng_direct_fn_f32)(const float *x, const float *w, const float *bias, float *y,
                                 ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *);
typedef int (*eng_direct_fn_f64)(const double *x, const double *w, const double *bias,
                                 double *y, ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *);

typedef struct eng_im2col_table {
    eng_im2col_fn_f32 im2col_f32;   /* unit width stride only; NULL: use the portable loop */
    eng_im2col_fn_f64 im2col_f64;
    eng_im2col_fn_f32 col2im_f32;
    eng_im2col_fn_f64 col2im_f64;
    eng_weight_grad_fn_f32 weight_grad_f32;
    eng_weight_grad_fn_f64 weight_grad_f64;
    eng_direct_fn_f32 direct_f32;   /* NULL: no forward without columns */
    eng_direct_fn_f64 direct_f64;
    const struct eng_winograd_table *winograd;   /* the Winograd kernels (conv/winograd.h) */
} eng_im2col_table;

/* the table of a vector instruction set's file, after vector_body.h and direct_body.h, with
 * the Winograd kernels compiled for the same instruction set */
#define ENG_IM2COL_VECTOR_TABLE(winograd) { im2col_vector_f32, im2col_vector_f64, \
                                            col2im_vector_f32, col2im_vector_f64, \
                                            weight_grad_vector_f32, weight_grad_vector_f64, \
                                            direct_forward_f32, direct_forward_f64, \
                                            &(winograd) }

/* The valid output positions [*lo, *hi) along one axis for one kernel offset: input
 * position start + o*stride must lie in [0, size).  Shared by every version. */
static inline void eng_conv_valid_range(ptrdiff_t start, ptrdiff_t stride, ptrdiff_t size,
                                        ptrdiff_t out_size, ptrdiff_t *lo, ptrdiff_t *hi)
{
    ptrdiff_t a = start >= 0 ? 0 : (-start + stride - 1) / stride;
    ptrdiff_t b = start > size - 1 ? 0 : (size - 1 - start) / stride + 1;
    if (b > out_size) b = out_size;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

/* The output position that reads input position i through kernel offset k along one axis
 * (i = o*stride - pad + k*dilation), or -1 when none does. */
static inline ptrdiff_t eng_conv_source(ptrdiff_t i, ptrdiff_t k, ptrdiff_t stride,
                                        ptrdiff_t pad, ptrdiff_t dilation, ptrdiff_t out_size)
{
    const ptrdiff_t t = i + pad - k * dilation;
    if (t < 0 || t % stride != 0 || t / stride >= out_size)
        return -1;
    return t / stride;
}

/* Bits a .. b-1 of a `lanes`-bit lane mask (a, b clamped to [0, lanes]). */
static inline unsigned eng_lane_bits(ptrdiff_t a, ptrdiff_t b, int lanes)
{
    if (a < 0) a = 0;
    if (b > lanes) b = lanes;
    if (b <= a) return 0;
    return ((1u << b) - 1u) & ~((1u << a) - 1u);
}

/* What the vector col2im reads for one piece (`lanes` input columns from iw0 = q*lanes)
 * and one kernel column kw: output columns offset .. offset + lanes - 1 of the matrix row
 * (offset = iw0 + pad - kw*dilation), only the lanes in `bits` (those with 0 <= ow < OW
 * and iw < W). */
typedef struct {
    ptrdiff_t offset;
    unsigned bits;
} eng_col2im_piece;

/* The vector col2im's tables, the same for every plane: depth[id*KD + kd] and
 * height[ih*KH + kh] are the output positions that read (id, ih) through (kd, kh), or -1
 * (eng_conv_source); width[q*KW + kw] is a piece. */
typedef struct {
    ptrdiff_t *depth, *height;
    eng_col2im_piece *width;
} eng_col2im_plan;

static inline int eng_col2im_plan_make(eng_col2im_plan *p, const eng_conv_geometry *g,
                                       int lanes)
{
    const ptrdiff_t D = g->in[0], H = g->in[1], W = g->in[2], OW = g->out[2];
    const ptrdiff_t KD = g->kernel[0], KH = g->kernel[1], KW = g->kernel[2];
    const ptrdiff_t pieces = (W + lanes - 1) / lanes;
    /* one block: the pieces first (their alignment is the strictest), then the two tables */
    p->width = (eng_col2im_piece *)malloc((size_t)(pieces * KW) * sizeof(eng_col2im_piece) +
                                          (size_t)(D * KD + H * KH) * sizeof(ptrdiff_t));
    if (p->width == NULL)
        return -1;
    p->depth = (ptrdiff_t *)(p->width + pieces * KW);
    p->height = p->depth + D * KD;
    for (ptrdiff_t i = 0; i < D; i++)
        for (ptrdiff_t k = 0; k < KD; k++)
            p->depth[i * KD + k] = eng_conv_source(i, k, g->stride[0], g->pad[0],
                                                   g->dilation[0], g->out[0]);
    for (ptrdiff_t i = 0; i < H; i++)
        for (ptrdiff_t k = 0; k < KH; k++)
            p->height[i * KH + k] = eng_conv_source(i, k, g->stride[1], g->pad[1],
                                                    g->dilation[1], g->out[1]);
    for (ptrdiff_t q = 0; q < pieces; q++)
        for (ptrdiff_t k = 0; k < KW; k++) {
            const ptrdiff_t offset = q * lanes + g->pad[2] - k * g->dilation[2];
            const ptrdiff_t in_row = W - q * lanes;          /* lanes still inside the row */
            eng_col2im_piece *piece = &p->width[q * KW + k];
            piece->offset = offset;
            piece->bits = eng_lane_bits(-offset, in_row < OW - offset ? in_row : OW - offset,
                                        lanes);
        }
    return 0;
}

static inline void eng_col2im_plan_free(eng_col2im_plan *p)
{
    free(p->width);
}

#endif /* ENGINE_CONV_VECTOR_H */
