/*
 * gemm/kernels.h -- the micro-kernel contract and the per-ISA kernel tables.
 *
 * A micro-kernel computes one MR x NR tile of C from one packed micro-panel
 * of A (MR rows, kc columns) and one of B (kc rows, NR columns):
 *
 *     c[i*ldc + j] = alpha * sum_p a[p*MR + i] * b[p*ldb + j]  +  beta * c[i*ldc + j]
 *
 * for 0 <= i < MR, 0 <= j < NR; when beta == 0, c is only written, never
 * read (so NaN in C cannot leak).  `a` holds MR consecutive values for each
 * p and `b` NR consecutive values (see pack.h), zero-padded at the matrix
 * edges, so a kernel always does a full tile.  `a` is 64-byte aligned; `b`
 * is either a packed micro-panel (ldb = NR, aligned) or, when B's rows are
 * contiguous and barely reused, B itself (ldb = B's row stride, any
 * alignment: loops.c then skips packing B, see "direct B" in gemm.c).
 * The tile of C is row-major with row stride ldc and unit column stride
 * (typed.h passes a scratch tile for edges and odd strides).
 *
 * The MR x NR accumulators live in registers for the whole k loop: that is
 * the point.  Each step p loads NR values of B, broadcasts MR values of A and
 * does MR*NR multiply-adds, so the ratio of arithmetic to loads grows with
 * the tile; the tile is as large as the register file allows.
 */
#ifndef ENGINE_GEMM_KERNELS_H
#define ENGINE_GEMM_KERNELS_H

#include <stddef.h>

typedef void (*eng_gemm_ukr_f32)(ptrdiff_t kc, const float *a, const float *b, ptrdiff_t ldb,
                                 float *c, ptrdiff_t ldc, float alpha, float beta);
typedef void (*eng_gemm_ukr_f64)(ptrdiff_t kc, const double *a, const double *b, ptrdiff_t ldb,
                                 double *c, ptrdiff_t ldc, double alpha, double beta);

/* The same tile with A read in place: a[i*lda + p] (rows of A contiguous, no packing): for
 * products whose packed A would be used by only a few micro-panels of B (gemm.c, direct A).
 * Only full tiles (MR rows). */
typedef void (*eng_gemm_ukr_direct_f32)(ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                        const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                                        float alpha, float beta);
typedef void (*eng_gemm_ukr_direct_f64)(ptrdiff_t kc, const double *a, ptrdiff_t lda,
                                        const double *b, ptrdiff_t ldb, double *c,
                                        ptrdiff_t ldc, double alpha, double beta);

/* An edge tile: only the first mr <= MR rows and nr <= NR columns of the tile exist in C
 * (its last rows or columns); they are computed with the vectors that hold them and stored
 * in place with masks (c has unit column stride), and B's columns past nr are never read,
 * so a ragged last micro-panel of B can be read in place.  A is packed (lda = 0) or read in
 * place (lda = its row stride; then mr = MR).  NULL in a table: typed.h's tile() computes a
 * whole tile into a scratch tile and copies the part that exists. */
typedef void (*eng_gemm_ukr_edge_f32)(ptrdiff_t kc, const float *a, ptrdiff_t lda,
                                      const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                                      float alpha, float beta, int mr, int nr);
typedef void (*eng_gemm_ukr_edge_f64)(ptrdiff_t kc, const double *a, ptrdiff_t lda,
                                      const double *b, ptrdiff_t ldb, double *c,
                                      ptrdiff_t ldc, double alpha, double beta, int mr, int nr);

/* The transposing copy of packing (interleave.h): dst[p*W + i] = src[i*ld + p]
 * for i < r <= W, p < kc.  NULL in a table: pack.h copies value by value. */
typedef void (*eng_gemm_interleave_f32)(ptrdiff_t kc, int r, int W, const float *src,
                                        ptrdiff_t ld, float *dst);
typedef void (*eng_gemm_interleave_f64)(ptrdiff_t kc, int r, int W, const double *src,
                                        ptrdiff_t ld, double *dst);

typedef void (*eng_gemm_dot_f32)(ptrdiff_t kb, const float *a, ptrdiff_t lda, int mr,
                                 const float *b, ptrdiff_t ldb, int nr, float *vsum,
                                 float *tail, ptrdiff_t ldo, int first);
typedef void (*eng_gemm_dot_f64)(ptrdiff_t kb, const double *a, ptrdiff_t lda, int mr,
                                 const double *b, ptrdiff_t ldb, int nr, double *vsum,
                                 double *tail, ptrdiff_t ldo, int first);
typedef void (*eng_gemm_dot_finish_f32)(ptrdiff_t count, const float *vsum, const float *tail,
                                        float *out);
typedef void (*eng_gemm_dot_finish_f64)(ptrdiff_t count, const double *vsum,
                                        const double *tail, double *out);

/* The last r <= 4 columns of C as dot products (ragged.h): C(i, j) = alpha * (row i of A,
 * contiguous at a + i*lda) . (row j of bt, kp values, zeros past k) + beta * C(i, j), for
 * i < m, j < r; bt has 4 such rows whatever r (zeros past r). */
typedef void (*eng_gemm_ragged_f32)(ptrdiff_t m, ptrdiff_t k, int r, const float *a,
                                    ptrdiff_t lda, const float *bt, ptrdiff_t kp, float alpha,
                                    float beta, float *c, ptrdiff_t rs_c, ptrdiff_t cs_c);
typedef void (*eng_gemm_ragged_f64)(ptrdiff_t m, ptrdiff_t k, int r, const double *a,
                                    ptrdiff_t lda, const double *bt, ptrdiff_t kp, double alpha,
                                    double beta, double *c, ptrdiff_t rs_c, ptrdiff_t cs_c);

/* One instruction set's micro-kernels, with their register and cache blocks
 * (the numbers come from blocking.h). */
typedef struct {
    int mr, nr;        /* register block: the tile of C held in registers */
    int kc, mc, nc;    /* cache blocks (defaults; see blocking.h)        */
} eng_gemm_blocks;

/* One register-block shape: its blocks and micro-kernels.  An ISA may offer several (the
 * first its main one; AVX-512's others serve products whose m does not fill the main
 * shape's MR rows: LeNet's 6 or 16 output channels would waste 8 or 12 of the 14 rows of
 * the AVX-512 kernel): gemm.c picks, per call, the shape that costs the least
 * (choose_shape). */
#define ENG_GEMM_MAX_SHAPES 4
typedef struct {
    eng_gemm_blocks blocks;
    eng_gemm_ukr_f32 ukr;              /* NULL: no such shape */
    eng_gemm_ukr_direct_f32 direct;    /* NULL: A is always packed */
    eng_gemm_ukr_edge_f32 edge;        /* NULL: edges through a scratch tile */
} eng_gemm_shape_f32;
typedef struct {
    eng_gemm_blocks blocks;
    eng_gemm_ukr_f64 ukr;
    eng_gemm_ukr_direct_f64 direct;
    eng_gemm_ukr_edge_f64 edge;
} eng_gemm_shape_f64;

/* One instruction set's kernels: kernel_generic.c, kernel_avx2.c and kernel_avx512.c each
 * define one (eng_gemm_generic, ...); common/isa.h hands out the one in use. */
typedef struct eng_gemm_kernels {
    int vector_bytes;                              /* the kernels' vector width (0: none) */
    eng_gemm_shape_f32 f32[ENG_GEMM_MAX_SHAPES];   /* [0] the main shape; zeros where unused */
    eng_gemm_shape_f64 f64[ENG_GEMM_MAX_SHAPES];
    /* The dot-product kernels (dot.h), for few entries of C and a long k:
     * an mr x nr block (mr <= dot_mr, nr <= dot_nr <= 4) of dot products over kb values of
     * k, left as dot_bytes-wide vectors of partial sums (vsum) and scalar tails, which
     * dot_finish sums into the products at the end. */
    int dot_mr, dot_nr, dot_bytes;
    eng_gemm_dot_f32 dot_f32;
    eng_gemm_dot_f64 dot_f64;
    eng_gemm_dot_finish_f32 dot_finish_f32;
    eng_gemm_dot_finish_f64 dot_finish_f64;
    eng_gemm_interleave_f32 interleave_f32;
    eng_gemm_interleave_f64 interleave_f64;
    /* The last few columns of C as dot products (ragged.h), where n is 1 to
     * ENG_GEMM_RAGGED_MAX_COLS columns past a whole number of vector_bytes vectors; NULL:
     * the blocked path computes all columns. */
    eng_gemm_ragged_f32 ragged_f32;
    eng_gemm_ragged_f64 ragged_f64;
} eng_gemm_kernels;

/* The largest MR*NR of any kernel: the size of typed.h's scratch tile. */
#define ENG_GEMM_MAX_TILE (16 * 32)

#endif /* ENGINE_GEMM_KERNELS_H */
