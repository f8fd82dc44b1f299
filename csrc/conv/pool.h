/*
 * conv/pool.h -- max and average pooling over the last two axes, forward and
 * backward.  1-D pooling is the 2-D case with height 1 (kernel 1, stride 1,
 * padding 0 along it).
 *
 * x is viewed as `planes` = N*C independent (h, w) planes; y as (oh, ow)
 * planes with, per axis, out = floor((in + 2*pad - kernel) / stride) + 1.
 * Window (i, j) covers rows i*sh - ph ... + kh - 1 and columns
 * j*sw - pw ... + kw - 1 of the zero-padded plane.
 *
 *   max:  y = max over the window (padding is -inf: never chosen, so
 *         pad <= kernel/2 is required, as in PyTorch, to keep every window
 *         non-empty); argmax = flat index (row*w + col) in the plane of the
 *         element chosen (the first one on ties).
 *         backward: gx[argmax] += gy  (gx overwritten: zeroed first).
 *   avg:  y = sum over the window / (kh*kw): padding counts as zeros
 *         (PyTorch's count_include_pad=True).
 *         backward: every element of the window gets gy / (kh*kw).
 *
 * 2x2 windows with stride 2 and no padding take a fast path.  Threads run
 * over planes.  Plain C99, no Python headers.
 */
#ifndef ENGINE_CONV_POOL_H
#define ENGINE_CONV_POOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    ptrdiff_t planes;       /* N*C */
    ptrdiff_t h, w;         /* input plane */
    ptrdiff_t oh, ow;       /* output plane */
    ptrdiff_t kh, kw, sh, sw, ph, pw;
} eng_pool_geometry;

void eng_max_pool2d_forward_f32(const float *x, float *y, int32_t *argmax, const eng_pool_geometry *g);
void eng_max_pool2d_forward_f64(const double *x, double *y, int32_t *argmax, const eng_pool_geometry *g);
void eng_max_pool2d_backward_f32(const float *gy, const int32_t *argmax, float *gx, const eng_pool_geometry *g);
void eng_max_pool2d_backward_f64(const double *gy, const int32_t *argmax, double *gx, const eng_pool_geometry *g);
/* How many of the n indices lie outside [0, limit): the backward's safety check. */
ptrdiff_t eng_pool_count_bad_indices(const int32_t *idx, ptrdiff_t n, int32_t limit);

void eng_avg_pool2d_forward_f32(const float *x, float *y, const eng_pool_geometry *g);
void eng_avg_pool2d_forward_f64(const double *x, double *y, const eng_pool_geometry *g);
void eng_avg_pool2d_backward_f32(const float *gy, float *gx, const eng_pool_geometry *g);
void eng_avg_pool2d_backward_f64(const double *gy, double *gx, const eng_pool_geometry *g);

#ifdef __cplusplus
}
#endif

#endif /* ENGINE_CONV_POOL_H */
