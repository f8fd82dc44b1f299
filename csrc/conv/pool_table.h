/*
 * conv/pool_table.h -- the 2x2 stride-2 max pooling of one plane, one version per
 * instruction set (common/isa.h picks the table: the best this CPU runs, unless Python
 * chose another).
 *
 * LeNet-style networks pool every convolution's output with 2x2 windows and stride 2, so
 * that case has kernels of its own: pool.c's portable loops (the "generic" table, and the
 * reference the vector version is tested against) and pool_avx2.c (which AVX-512 CPUs run
 * too: pool_avx2.c says why).  Both give the same bits: the same y, argmax and gx.
 *
 *   forward   y[i][j] = the maximum of x[2i..2i+1][2j..2j+1] by POOL_BEATS (pool.c): the
 *             first maximum in row-major order wins ties, a NaN wins unless an earlier
 *             element of the window was NaN; argmax[i][j] = its flat index row*w + col.
 *             The last row / column of an odd h / w belongs to no window.
 *   backward  gx = gy[i][j] where argmax[i][j] points, 0 elsewhere (the row and column
 *             outside every window too).  The vector version writes each 2x2 block of gx
 *             once, with no pass that zeroes the plane first; the portable one zeroes and
 *             scatters.  Each returns 0, or -1 when some argmax index does not point into
 *             its own window (not the forward's): pool.c then recomputes the plane by the
 *             general scatter-add.  Any int32 index is safe: it is compared, never used as
 *             an address before it was found in its window.
 */
#ifndef ENGINE_CONV_POOL_TABLE_H
#define ENGINE_CONV_POOL_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef void (*eng_max2x2_forward_fn_f32)(const float *x, float *y, int32_t *argmax,
                                          ptrdiff_t w, ptrdiff_t oh, ptrdiff_t ow);
typedef void (*eng_max2x2_forward_fn_f64)(const double *x, double *y, int32_t *argmax,
                                          ptrdiff_t w, ptrdiff_t oh, ptrdiff_t ow);
typedef int (*eng_max2x2_backward_fn_f32)(const float *gy, const int32_t *argmax, float *gx,
                                          ptrdiff_t h, ptrdiff_t w, ptrdiff_t oh, ptrdiff_t ow);
typedef int (*eng_max2x2_backward_fn_f64)(const double *gy, const int32_t *argmax, double *gx,
                                          ptrdiff_t h, ptrdiff_t w, ptrdiff_t oh, ptrdiff_t ow);

typedef struct eng_pool_table {
    eng_max2x2_forward_fn_f32 max2x2_forward_f32;
    eng_max2x2_forward_fn_f64 max2x2_forward_f64;
    eng_max2x2_backward_fn_f32 max2x2_backward_f32;
    eng_max2x2_backward_fn_f64 max2x2_backward_f64;
} eng_pool_table;

/* the table of a file that defines max2x2_forward_f32 ... max2x2_backward_f64 */
#define ENG_POOL_TABLE { max2x2_forward_f32, max2x2_forward_f64, \
                         max2x2_backward_f32, max2x2_backward_f64 }

/* Zero the parts of a gx plane outside every 2x2 window: column w-1 of rows 0..2*oh-1
 * when w is odd, and rows 2*oh..h-1. */
static inline void eng_pool_zero_outside_f32(float *gx, ptrdiff_t h, ptrdiff_t w,
                                             ptrdiff_t oh, ptrdiff_t ow)
{
    if (w > 2 * ow)
        for (ptrdiff_t r = 0; r < 2 * oh; r++) gx[r * w + w - 1] = 0;
    for (ptrdiff_t e = 2 * oh * w; e < h * w; e++) gx[e] = 0;
}

static inline void eng_pool_zero_outside_f64(double *gx, ptrdiff_t h, ptrdiff_t w,
                                             ptrdiff_t oh, ptrdiff_t ow)
{
    if (w > 2 * ow)
        for (ptrdiff_t r = 0; r < 2 * oh; r++) gx[r * w + w - 1] = 0;
    for (ptrdiff_t e = 2 * oh * w; e < h * w; e++) gx[e] = 0;
}

#endif /* ENGINE_CONV_POOL_TABLE_H */
