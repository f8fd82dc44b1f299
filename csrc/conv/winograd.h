/*
 * conv/winograd.h -- Winograd's minimal filtering F(2x2, 3x3) and F(4x4, 3x3) for 3x3
 * stride-1 convolutions (Lavin and Gray, 2016): the three transforms.  The K matrix products
 * between them run on the engine's GEMM (engine/ops/conv.py).
 *
 * The files, in reading order:
 *   winograd.h        this file: the layouts and the functions
 *   winograd_body.h   F(2x2, 3x3)'s transforms (forward and adjoint), written once for float
 *                     and double (common/template.h)
 *   winograd4_body.h  F(4x4, 3x3)'s, the same way
 *   winograd_steps_body.h  the one `tile` picks, and the three steps as functions
 *   winograd_fused_body.h  the whole convolution, block of tiles by block (with the GEMM)
 *   winograd_grad_body.h   the weight gradient, the same way
 *   winograd.c        the bodies for float and double
 * The NumPy twin, with the equations, is engine/backend/reference/winograd.py.
 *
 * `tile` is the side m of the output block: 2 or 4.  Per (m+2)x(m+2) input tile d and 3x3
 * filter g, the m x m output block is
 *
 *     Y = A^T [ (G g G^T) .* (B^T d B) ] A
 *
 * Layouts (row-major, K = (m+2)^2 entries, P = n*th*tw tiles, th = ceil(oh/m),
 * tw = ceil(ow/m), entry k = a*(m+2) + b):
 *   w  (O, C, 3, 3)        U  (K, O, C)      U[k][o][c] = (G g_oc G^T)[a][b]
 *   x  (n, C, h, w)        V  (K, C, P)      V[k][c][p] = (B^T d_cp B)[a][b]
 *   M  (K, O, P)           y  (n, O, oh, ow) y = A^T M A per tile, + bias[o]
 * with tile p = (image*th + i)*tw + j reading input rows m*i-ph .. m*i-ph+m+1 and columns
 * m*j-pw .. m*j-pw+m+1 (zero outside the image); oh = h + 2*ph - 2, ow = w + 2*pw - 2.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_WINOGRAD_H
#define ENGINE_WINOGRAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void eng_winograd_filter_f32(const float *w, float *u, ptrdiff_t O, ptrdiff_t C, int tile);
void eng_winograd_filter_f64(const double *w, double *u, ptrdiff_t O, ptrdiff_t C,
                             int tile);
void eng_winograd_input_f32(const float *x, float *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                            ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile);
void eng_winograd_input_f64(const double *x, double *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                            ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile);
/* bias may be NULL */
void eng_winograd_output_f32(const float *m, const float *bias, float *y, ptrdiff_t n,
                             ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile);
void eng_winograd_output_f64(const double *m, const double *bias, double *y, ptrdiff_t n,
                             ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile);

/* The whole convolution y = conv(x, w) + bias (bias may be NULL), from U = the filter
 * transform of w: input transform, K GEMMs and output transform block by block of tiles
 * (winograd_fused_body.h).  Returns 0; 1 when y holds a NaN or an infinity (from the data, or
 * an overflow in the transforms); -1 when its buffers could not be allocated. */
int eng_winograd_conv_f32(const float *x, const float *u, const float *bias, float *y,
                          ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                          ptrdiff_t ph, ptrdiff_t pw, int tile);
int eng_winograd_conv_f64(const double *x, const double *u, const double *bias, double *y,
                          ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                          ptrdiff_t ph, ptrdiff_t pw, int tile);

/* The weight gradient dw (O, C, 3, 3) of y = conv(x, w), 3x3 stride 1, from x (n, C, h, w)
 * and dy (n, O, oh, ow), by the adjoint transforms and K GEMMs over the tiles
 * (winograd_grad_body.h).  Returns 0, or -1 when its buffers could not be allocated. */
int eng_winograd_weight_grad_f32(const float *x, const float *gy, float *dw, ptrdiff_t n,
                                 ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                 ptrdiff_t ph, ptrdiff_t pw, int tile);
int eng_winograd_weight_grad_f64(const double *x, const double *gy, double *dw, ptrdiff_t n,
                                 ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                 ptrdiff_t ph, ptrdiff_t pw, int tile);

/* For tests: tiles per block of eng_winograd_conv (about; whole images or whole rows of
 * tiles), 0: default. */
void eng_winograd_set_block_tiles(int tiles);

/* -- inside the library -------------------------------------------------------------------
 * The functions above as one instruction set's version has them (conv/winograd_kernels.h,
 * compiled by winograd.c, winograd_avx2.c and winograd_avx512.c): the convolution family's
 * table (conv/vector.h) points at one of these. */
typedef struct eng_winograd_table {
    void (*filter_f32)(const float *, float *, ptrdiff_t, ptrdiff_t, int);
    void (*filter_f64)(const double *, double *, ptrdiff_t, ptrdiff_t, int);
    void (*input_f32)(const float *, float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                      ptrdiff_t, ptrdiff_t, int);
    void (*input_f64)(const double *, double *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                      ptrdiff_t, ptrdiff_t, int);
    void (*output_f32)(const float *, const float *, float *, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                       ptrdiff_t, int);
    void (*output_f64)(const double *, const double *, double *, ptrdiff_t, ptrdiff_t,
                       ptrdiff_t, ptrdiff_t, int);
    int (*conv_f32)(const float *, const float *, const float *, float *, ptrdiff_t, ptrdiff_t,
                    ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int);
    int (*conv_f64)(const double *, const double *, const double *, double *, ptrdiff_t,
                    ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int);
    int (*weight_grad_f32)(const float *, const float *, float *, ptrdiff_t, ptrdiff_t,
                           ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int);
    int (*weight_grad_f64)(const double *, const double *, double *, ptrdiff_t, ptrdiff_t,
                           ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int);
} eng_winograd_table;

extern const eng_winograd_table eng_winograd_generic, eng_winograd_avx2, eng_winograd_avx512;

/* the setting of eng_winograd_set_block_tiles */
int eng_winograd_block_tiles(void);

#ifdef __cplusplus
}
#endif

#endif /* ENGINE_WINOGRAD_H */
