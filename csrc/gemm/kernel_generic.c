/*
 * gemm/kernel_generic.c -- the portable micro-kernels (plain C).
 *
 * The contract is in kernels.h.  Written so that GCC/clang can vectorise
 * it on any CPU (SSE2 on every x86-64): the accumulator tile ab[MR][NR] is
 * small enough to stay in registers, and the innermost j loop over NR
 * values of B is a vector multiply-add with A's value broadcast.
 */
#include <string.h>

#include "gemm/blocking.h"
#include "gemm/kernels.h"

#define MR_F32 4
#define NR_F32 8
#define MR_F64 4
#define NR_F64 4

static void ukr_f32(ptrdiff_t kc, const float *restrict a, const float *restrict b,
                    ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, float alpha, float beta)
{
    float ab[MR_F32][NR_F32] = {{0}};
    for (ptrdiff_t p = 0; p < kc; p++, a += MR_F32, b += ldb)
        for (int i = 0; i < MR_F32; i++)
            for (int j = 0; j < NR_F32; j++)
                ab[i][j] += a[i] * b[j];
    for (int i = 0; i < MR_F32; i++)
        for (int j = 0; j < NR_F32; j++)
            c[i * ldc + j] = beta == 0 ? alpha * ab[i][j]
                                       : alpha * ab[i][j] + beta * c[i * ldc + j];
}

static void ukr_f64(ptrdiff_t kc, const double *restrict a, const double *restrict b,
                    ptrdiff_t ldb, double *restrict c, ptrdiff_t ldc, double alpha, double beta)
{
    double ab[MR_F64][NR_F64] = {{0}};
    for (ptrdiff_t p = 0; p < kc; p++, a += MR_F64, b += ldb)
        for (int i = 0; i < MR_F64; i++)
            for (int j = 0; j < NR_F64; j++)
                ab[i][j] += a[i] * b[j];
    for (int i = 0; i < MR_F64; i++)
        for (int j = 0; j < NR_F64; j++)
            c[i * ldc + j] = beta == 0 ? alpha * ab[i][j]
                                       : alpha * ab[i][j] + beta * c[i * ldc + j];
}

#if defined(__GNUC__)
/* The dot-product kernels (dot.h), 16-byte vectors: 4 floats / 2 doubles. */
#define ENG_DOT_VECTOR_BYTES 16
#define ENG_TEMPLATE "gemm/dot.h"
#include "common/template.h"
#define DOT_F32 dot_f32
#define DOT_F64 dot_f64
#define DOT_FINISH_F32 dot_finish_f32
#define DOT_FINISH_F64 dot_finish_f64
#else
#define ENG_DOT_VECTOR_BYTES 0
#define DOT_F32 NULL            /* no vector extensions: gemm.c keeps the blocked path */
#define DOT_F64 NULL
#define DOT_FINISH_F32 NULL
#define DOT_FINISH_F64 NULL
#endif

const eng_gemm_kernels eng_gemm_generic = {
    .vector_bytes = 16,
    /* one shape: A always packed, edges through the scratch tile */
    .f32 = { { .blocks = ENG_GEMM_GENERIC_F32, .ukr = ukr_f32 } },
    .f64 = { { .blocks = ENG_GEMM_GENERIC_F64, .ukr = ukr_f64 } },
    .dot_mr = 2, .dot_nr = 4,       /* 8 accumulators + 6 loaded vectors of the 16 xmm */
    .dot_bytes = ENG_DOT_VECTOR_BYTES,
    .dot_f32 = DOT_F32, .dot_f64 = DOT_F64,
    .dot_finish_f32 = DOT_FINISH_F32, .dot_finish_f64 = DOT_FINISH_F64,
    /* no interleave: pack.h's value-by-value copy */
};
