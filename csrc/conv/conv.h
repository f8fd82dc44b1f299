/*
 * conv/conv.h -- unfold image patches into the columns of a matrix (im2col) and
 * fold them back, adding overlaps (col2im): convolution becomes one GEMM.
 *
 * The files of this folder, in reading order:
 *   conv.h          this file: the column layout, the geometry, im2col / col2im
 *   portable.h      the loops for any geometry and CPU
 *   im2col.c        portable.h for float and double, and the choice of the vector version
 *   vector.h        why there are vector versions (unit width stride), their table and helpers
 *   vector_body.h   the vector loops, written once for any vector instruction set
 *   direct_body.h   the forward and dW = dY . cols^T without the columns, for few weights
 *                   (vector loops)
 *   by_chunk.c      the im2col path in cache-sized chunks of images (by_chunk_body.h)
 *   avx2.c avx512.c vector_body.h with each instruction set's masked loads and stores
 *   pool.h          max and average pooling (portable C only)
 *   pool_body.h     its loops;  pool.c compiles them for float and double
 * The Cython wrappers are in engine/_conv.pxi; common/isa.h picks the vector table.
 *
 * Inputs are NCDHW (3-D); 2-D NCHW and 1-D NCL inputs are the same with the
 * missing leading spatial sizes set to 1 (kernel 1, stride 1, padding 0,
 * dilation 1).  For every spatial axis
 *
 *     out = floor((in + 2*pad - dilation*(kernel - 1) - 1) / stride) + 1.
 *
 * Column layout, for a chunk of n images (K = kd*kh*kw, L = od*oh*ow):
 *
 *     cols is a (C*K) x (n*L) row-major matrix,
 *     cols[(c*K + k), i*L + l] = x[i, c, o*stride - pad + k*dilation]
 *
 * per axis (k the kernel offset, o the output position; 0 where the input
 * position falls in the padding).  Row r = (c, kd, kh, kw) matches the
 * weight layout (O, C, kd, kh, kw) flattened to (O, C*K), so for one group
 *
 *     Y (O x n*L) = W (O x C*K) . cols (C*K x n*L)
 *     dW          = dY . cols^T
 *     dcols       = W^T . dY,   dX = col2im(dcols)
 *
 * col2im OVERWRITES x (it is zeroed first) with the sum over every column
 * entry that im2col would have read from each input element: it is the
 * adjoint (transpose) of im2col.  im2col runs in parallel over the rows of
 * the matrix, col2im over (image, channel) planes: each thread owns what it
 * writes, so there are no races.  With a width stride of 1 both run as
 * masked vector loops (vector.h), chosen per instruction set at run time.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_CONV_H
#define ENGINE_CONV_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    ptrdiff_t channels;     /* C */
    ptrdiff_t in[3];        /* input depth, height, width (1 where unused) */
    ptrdiff_t out[3];       /* output depth, height, width */
    ptrdiff_t kernel[3];
    ptrdiff_t stride[3];
    ptrdiff_t pad[3];
    ptrdiff_t dilation[3];
} eng_conv_geometry;

/* For the loops of portable.h and vector_body.h: the geometry's sizes as local constants,
 *   C; D, H, W (input); OD, OH, OW (output); KD, KH, KW (kernel);
 *   K = KD*KH*KW kernel offsets and L = OD*OH*OW output positions per image;
 *   ld = n*L, the length of a row of the column matrix; work = n*C*K*L, its entries. */
#define ENG_CONV_SIZES(g, n)                                                        \
    const ptrdiff_t C = (g)->channels;                                              \
    const ptrdiff_t D = (g)->in[0], H = (g)->in[1], W = (g)->in[2];                 \
    const ptrdiff_t OD = (g)->out[0], OH = (g)->out[1], OW = (g)->out[2];           \
    const ptrdiff_t KD = (g)->kernel[0], KH = (g)->kernel[1], KW = (g)->kernel[2];  \
    const ptrdiff_t K = KD * KH * KW, L = OD * OH * OW, ld = (n) * L;               \
    const ptrdiff_t work = (n) * C * K * L;                                         \
    (void)work                      /* read only by the OpenMP if() clauses */

/* The drivers of vector_body.h's loops need only C, K and work (as ENG_CONV_SIZES has them). */
#define ENG_CONV_WORK(g, n)                                                         \
    const ptrdiff_t C = (g)->channels;                                              \
    const ptrdiff_t K = (g)->kernel[0] * (g)->kernel[1] * (g)->kernel[2];           \
    const ptrdiff_t work = (n) * C * K * ((g)->out[0] * (g)->out[1] * (g)->out[2]); \
    (void)work                      /* read only by the OpenMP if() clauses */

void eng_im2col_f32(const float *x, float *cols, ptrdiff_t n, const eng_conv_geometry *g);
void eng_im2col_f64(const double *x, double *cols, ptrdiff_t n, const eng_conv_geometry *g);
void eng_col2im_f32(const float *cols, float *x, ptrdiff_t n, const eng_conv_geometry *g);
void eng_col2im_f64(const double *cols, double *x, ptrdiff_t n, const eng_conv_geometry *g);

/* A convolution's weight gradient without the column matrix (one group, O output channels):
 *     gw[o*C*K + r] = sum_{i < n, l < L} gy[(i*O + o)*L + l] * cols[r, i*L + l]
 * = dY . cols^T with cols = im2col(x), each entry summed in an order fixed by the geometry
 * (direct_body.h; portable.h for other strides and CPUs). */
void eng_conv_weight_grad_f32(const float *x, const float *gy, float *gw, ptrdiff_t n,
                              ptrdiff_t O, const eng_conv_geometry *g);
void eng_conv_weight_grad_f64(const double *x, const double *gy, double *gw, ptrdiff_t n,
                              ptrdiff_t O, const eng_conv_geometry *g);

/* The forward without the column matrix (one group): y (n, O, OD, OH, OW) = conv(x, w) + bias
 * with w (O, C*K) and bias NULL or O values (direct_body.h).  Returns 0, or -1 when this CPU's
 * instruction set has no such loop for the geometry (a width stride other than 1, output rows
 * over 4 vectors): then nothing was written. */
int eng_conv_direct_f32(const float *x, const float *w, const float *bias, float *y,
                        ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g);
int eng_conv_direct_f64(const double *x, const double *w, const double *bias, double *y,
                        ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g);

/* The im2col path in cache-sized chunks of images (one group, O output channels;
 * by_chunk_body.h).
 *
 * A batch's column matrix can be far larger than the caches (16 -> 32 channels, 3 x 3, at
 * 28 x 28, batch 64: 29 MB): the GEMM then reads back from memory what im2col has just
 * written there.  Here the images go through in chunks whose columns and output block fit
 * in ENG_CONV_CHUNK_BYTES, so they are still in the L2 cache when the GEMM reads them (one
 * image of that example, 451 KB; several where one is small):
 *
 *     forward    Y_c   = W . im2col(x_c) + bias          (each chunk c of images)
 *     backward   dW^T  = sum_c im2col(x_c) . dY_c^T
 *                dx_c  = col2im(W^T . dY_c)
 *
 * with Y_c and dY_c (O x m*L), the chunk's images side by side: for one image that is y's own
 * layout, so the GEMM writes y directly.  dW is summed transposed, (C*K x O): the GEMM then
 * reads the columns in place and packs only dY_c, where dW = dY_c . cols^T would pack
 * (transpose) all the columns.
 *
 * Threads share out the chunks (the forward) or ENG_CONV_CHUNK_GROUPS fixed groups of images
 * (the backward); the im2col, GEMM and col2im calls inside run on their thread (a GEMM inside
 * a parallel region stays on its thread; an OpenMP loop inside another runs on one thread).
 * dW sums each group's chunks in order, then the groups in order: the same sums for any
 * thread count.
 *
 * work (values): threads * m * (C*K + O) * L, each thread's columns and output block for m
 * images (eng_conv_chunk_images); the backward's also groups(n) * C*K*O after them, each
 * group's dW^T.  eng_conv_by_chunk_work gives the count (-1: it overflows).  gx or gw may be
 * NULL (not wanted). */
#define ENG_CONV_CHUNK_BYTES (512 * 1024)
#define ENG_CONV_CHUNK_GROUPS 16
ptrdiff_t eng_conv_chunk_images(ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g,
                                size_t es);
ptrdiff_t eng_conv_chunk_groups(ptrdiff_t n);
ptrdiff_t eng_conv_by_chunk_work(ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g,
                                 size_t es, int threads, int backward);
void eng_conv_by_chunk_f32(const float *x, const float *w, const float *bias, float *y,
                           ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g, float *work,
                           int threads);
void eng_conv_by_chunk_f64(const double *x, const double *w, const double *bias, double *y,
                           ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g, double *work,
                           int threads);
void eng_conv_by_chunk_grads_f32(const float *x, const float *w, const float *gy, float *gx,
                                 float *gw, ptrdiff_t n, ptrdiff_t O,
                                 const eng_conv_geometry *g, float *work, int threads);
void eng_conv_by_chunk_grads_f64(const double *x, const double *w, const double *gy,
                                 double *gx, double *gw, ptrdiff_t n, ptrdiff_t O,
                                 const eng_conv_geometry *g, double *work, int threads);

#ifdef __cplusplus
}
#endif

#endif /* ENGINE_CONV_H */
