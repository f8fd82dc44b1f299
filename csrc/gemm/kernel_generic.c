/*
 * gemm/kernel_generic.c -- the portable micro-kernels (plain C).
 *
 * The contract is in kernels.h.  Written so that GCC/clang can vectorise
 * it on any CPU (SSE2 on every x86-64): the accumulator tile ab[MR][NR] is
 * small enough to stay in registers, and the innermost j loop over NR
 * values of B is a vector multiply-add with A's value broadcast.
 */
#include "blocking.h"
#include "kernels.h"

#include <string.h>

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
/* The dot-product kernels (dot.h), LANES = 4 floats / 2 doubles per vector. */
#define real float
#define vec eng_vec_f32
#define LANES 4
#define DOT_FN(name) name##_f32
typedef float eng_vec_f32 __attribute__((vector_size(16), aligned(4)));
#include "dot.h"
#undef real
#undef vec
#undef LANES
#undef DOT_FN
#define real double
#define vec eng_vec_f64
#define LANES 2
#define DOT_FN(name) name##_f64
typedef double eng_vec_f64 __attribute__((vector_size(16), aligned(8)));
#include "dot.h"
#undef real
#undef vec
#undef LANES
#undef DOT_FN
#define ENG_DOT_F32 dot_f32
#define ENG_DOT_F64 dot_f64
#else
#define ENG_DOT_F32 0           /* no vector extensions: gemm.c keeps the blocked path */
#define ENG_DOT_F64 0
#endif

const eng_gemm_kernels eng_gemm_kernels_generic = {
    "generic", 1, ENG_GEMM_GENERIC_F32, ukr_f32, ENG_GEMM_GENERIC_F64, ukr_f64,
    { { { 0 } } }, { { { 0 } } },
    2, 4, ENG_DOT_F32, ENG_DOT_F64, /* 8 accumulators + 6 loaded vectors of the 16 xmm */
    0, 0                            /* interleave: pack.h's value-by-value copy */
};
