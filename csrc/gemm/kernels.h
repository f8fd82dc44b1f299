/*
 * gemm/kernels.h -- the micro-kernel contract and the per-ISA kernel tables.
 *
 * A micro-kernel computes one MR x NR tile of C from one packed micro-panel
 * of A (MR rows, kc columns) and one of B (kc rows, NR columns):
 *
 *     c[i*ldc + j] = alpha * sum_p a[p*MR + i] * b[p*NR + j]  +  beta * c[i*ldc + j]
 *
 * for 0 <= i < MR, 0 <= j < NR; when beta == 0, c is only written, never
 * read (so NaN in C cannot leak).  `a` holds MR consecutive values for each
 * p and `b` NR consecutive values (see pack.h); both are 64-byte aligned and
 * zero-padded at the matrix edges, so a kernel always does a full tile.
 * The tile of C is row-major with row stride ldc and unit column stride
 * (gemm.c passes a scratch tile for edges and odd strides).
 *
 * The MR x NR accumulators live in registers for the whole k loop: that is
 * the point.  Each step p loads NR values of B, broadcasts MR values of A and
 * does MR*NR multiply-adds, so the ratio of arithmetic to loads grows with
 * the tile; the tile is as large as the register file allows.
 */
#ifndef ENGINE_GEMM_KERNELS_H
#define ENGINE_GEMM_KERNELS_H

#include <stddef.h>

typedef void (*eng_gemm_ukr_f32)(ptrdiff_t kc, const float *a, const float *b,
                                 float *c, ptrdiff_t ldc, float alpha, float beta);
typedef void (*eng_gemm_ukr_f64)(ptrdiff_t kc, const double *a, const double *b,
                                 double *c, ptrdiff_t ldc, double alpha, double beta);

/* One instruction set's micro-kernels, with their register and cache blocks
 * (the numbers come from blocking.h). */
typedef struct {
    int mr, nr;        /* register block: the tile of C held in registers */
    int kc, mc, nc;    /* cache blocks (defaults; see blocking.h)        */
} eng_gemm_blocks;

typedef struct {
    const char *name;          /* "generic", "avx2", "avx512" */
    int compiled;              /* 0 if this build could not compile it */
    eng_gemm_blocks f32_blocks;
    eng_gemm_ukr_f32 f32;
    eng_gemm_blocks f64_blocks;
    eng_gemm_ukr_f64 f64;
} eng_gemm_kernels;

extern const eng_gemm_kernels eng_gemm_kernels_generic;
extern const eng_gemm_kernels eng_gemm_kernels_avx2;
extern const eng_gemm_kernels eng_gemm_kernels_avx512;

/* The largest MR*NR of any kernel: the size of gemm.c's scratch tile. */
#define ENG_GEMM_MAX_TILE (16 * 32)

#endif /* ENGINE_GEMM_KERNELS_H */
