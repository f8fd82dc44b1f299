/*
 * conv/winograd.h -- Winograd's minimal filtering F(2x2, 3x3) for 3x3 stride-1
 * convolutions (Lavin and Gray, 2016): the three transforms.  The 16 matrix products
 * between them run on the engine's GEMM (engine/ops/conv.py).
 *
 * The files, in reading order:
 *   winograd.h        this file: the layouts and the three functions
 *   winograd_body.h   the loops, written once for float and double (common/template.h)
 *   winograd_fused_body.h  the whole convolution, block of tiles by block (with the GEMM)
 *   winograd_grad_body.h   the weight gradient, the same way
 *   winograd.c        both bodies for float and double
 * The NumPy twin, with the equations, is engine/backend/reference/winograd.py.
 *
 * Per 4x4 input tile d and 3x3 filter g, the 2x2 output block is
 *
 *     Y = A^T [ (G g G^T) .* (B^T d B) ] A
 *
 * Layouts (row-major, P = n*th*tw tiles, th = ceil(oh/2), tw = ceil(ow/2)):
 *   w  (O, C, 3, 3)        U  (16, O, C)     U[a*4+b][o][c] = (G g_oc G^T)[a][b]
 *   x  (n, C, h, w)        V  (16, C, P)     V[a*4+b][c][p] = (B^T d_cp B)[a][b]
 *   M  (16, O, P)          y  (n, O, oh, ow) y = A^T M A per tile, + bias[o]
 * with tile p = (image*th + i)*tw + j reading input rows 2i-ph .. 2i-ph+3 and columns
 * 2j-pw .. 2j-pw+3 (zero outside the image); oh = h + 2*ph - 2, ow = w + 2*pw - 2.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_WINOGRAD_H
#define ENGINE_WINOGRAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void eng_winograd_filter_f32(const float *w, float *u, ptrdiff_t O, ptrdiff_t C);
void eng_winograd_filter_f64(const double *w, double *u, ptrdiff_t O, ptrdiff_t C);
void eng_winograd_input_f32(const float *x, float *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                            ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw);
void eng_winograd_input_f64(const double *x, double *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                            ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw);
/* bias may be NULL */
void eng_winograd_output_f32(const float *m, const float *bias, float *y, ptrdiff_t n,
                             ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow);
void eng_winograd_output_f64(const double *m, const double *bias, double *y, ptrdiff_t n,
                             ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow);

/* The whole convolution y = conv(x, w) + bias (bias may be NULL), from U = the filter
 * transform of w: input transform, 16 GEMMs and output transform block by block of tiles
 * (winograd_fused_body.h).  Returns 0, or -1 when its buffers could not be allocated. */
int eng_winograd_conv_f32(const float *x, const float *u, const float *bias, float *y,
                          ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                          ptrdiff_t ph, ptrdiff_t pw);
int eng_winograd_conv_f64(const double *x, const double *u, const double *bias, double *y,
                          ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                          ptrdiff_t ph, ptrdiff_t pw);

/* The weight gradient dw (O, C, 3, 3) of y = conv(x, w), 3x3 stride 1, from x (n, C, h, w)
 * and dy (n, O, oh, ow), by the adjoint transforms and 16 GEMMs over the tiles
 * (winograd_grad_body.h).  Returns 0, or -1 when its buffers could not be allocated. */
int eng_winograd_weight_grad_f32(const float *x, const float *gy, float *dw, ptrdiff_t n,
                                 ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                 ptrdiff_t ph, ptrdiff_t pw);
int eng_winograd_weight_grad_f64(const double *x, const double *gy, double *dw, ptrdiff_t n,
                                 ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                 ptrdiff_t ph, ptrdiff_t pw);

/* For tests: tiles per block of eng_winograd_conv (about; whole rows of tiles), 0: default. */
void eng_winograd_set_block_tiles(int tiles);

#ifdef __cplusplus
}
#endif

#endif /* ENGINE_WINOGRAD_H */
