/*
 * gemm/kernel_avx512.c -- the AVX-512F micro-kernels (intrinsics).
 *
 * The main shape.  float: a 14 x 32 tile of C in 28 zmm registers (14 rows x 2 vectors of 16
 * floats).  Each step p of the k loop
 *     loads  b0 = B[p, 0:16], b1 = B[p, 16:32]           (2 vector loads)
 *     for each row i: a = broadcast A[i, p]              (folded into the FMA)
 *                     c[i][0] += a * b0;  c[i][1] += a * b1
 * i.e. 28 FMAs (896 flops) for 2 loads + 14 broadcasts.  double: the same
 * with 14 x 16 (8 doubles per zmm).  The contract is in kernels.h.
 *
 * Two narrower-in-m shapes (6 x 64, 8 x 48) serve products with few rows;
 * all are instances of one template (below).
 *
 * Compiled with AVX-512F (+FMA) for this file only; common/isa.c selects it only
 * when the CPU reports AVX-512.
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX512
#include <immintrin.h>
#include <string.h>

#include "gemm/blocking.h"
#include "gemm/kernels.h"

/* One template for every shape: an MR x (NV vectors) tile of C.  MR and NV
 * are compile-time constants at each instantiation below (the function is
 * always inlined), so the loops over i and v unroll completely and acc[][]
 * is indexed only with constants: the compiler keeps the MR*NV accumulators
 * in registers (check with objdump: no stack traffic inside the k loop).
 * MR*NV + NV + 1 <= 32 zmm registers. */
#define ENG_UKR_INLINE static inline __attribute__((always_inline))

ENG_UKR_INLINE void ukr_f32_tile(const int MR, const int NV, ptrdiff_t kc,
                                 const float *restrict a, const float *restrict b, ptrdiff_t ldb,
                                 float *restrict c, ptrdiff_t ldc, float alpha, float beta)
{
    __m512 acc[14][4];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[i][v] = _mm512_setzero_ps();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);       /* C is needed at the end */
    }
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m512 bv[4];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            bv[v] = _mm512_loadu_ps(b + 16 * v);
        _mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);        /* A, 8 steps ahead */
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++)
                acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
        }
        a += MR;
        b += ldb;
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            float *ci = c + i * ldc + 16 * v;
            _mm512_storeu_ps(ci, beta == 0 ? _mm512_mul_ps(va, acc[i][v])
                                 : _mm512_fmadd_ps(va, acc[i][v], _mm512_mul_ps(vb, _mm512_loadu_ps(ci))));
        }
}

ENG_UKR_INLINE void ukr_f64_tile(const int MR, const int NV, ptrdiff_t kc,
                                 const double *restrict a, const double *restrict b, ptrdiff_t ldb,
                                 double *restrict c, ptrdiff_t ldc, double alpha, double beta)
{
    __m512d acc[14][4];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[i][v] = _mm512_setzero_pd();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    }
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        __m512d bv[4];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            bv[v] = _mm512_loadu_pd(b + 8 * v);
        _mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512d ai = _mm512_set1_pd(a[i]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++)
                acc[i][v] = _mm512_fmadd_pd(ai, bv[v], acc[i][v]);
        }
        a += MR;
        b += ldb;
    }
    const __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            double *ci = c + i * ldc + 8 * v;
            _mm512_storeu_pd(ci, beta == 0 ? _mm512_mul_pd(va, acc[i][v])
                                 : _mm512_fmadd_pd(va, acc[i][v], _mm512_mul_pd(vb, _mm512_loadu_pd(ci))));
        }
}

/* The shapes (blocking.h has their cache blocks):
 *   14 x 32 (f32) / 14 x 16 (f64): the main one, 28 accumulators;
 *    6 x 64       /  6 x 32      : m <= 6 (LeNet conv1's 6 channels), 24;
 *    8 x 48       /  8 x 24      : m = 16, 64, 128 ... (multiples of 8), 24. */
#define UKR(type, template, name, MR, NV)                                                \
    static void name(ptrdiff_t kc, const type *restrict a, const type *restrict b,       \
                     ptrdiff_t ldb, type *restrict c, ptrdiff_t ldc, type alpha, type beta) \
    {                                                                                    \
        template(MR, NV, kc, a, b, ldb, c, ldc, alpha, beta);                            \
    }
UKR(float, ukr_f32_tile, ukr_f32, 14, 2)
UKR(float, ukr_f32_tile, ukr_f32_6x64, 6, 4)
UKR(float, ukr_f32_tile, ukr_f32_8x48, 8, 3)
UKR(double, ukr_f64_tile, ukr_f64, 14, 2)
UKR(double, ukr_f64_tile, ukr_f64_6x32, 6, 4)
UKR(double, ukr_f64_tile, ukr_f64_8x24, 8, 3)


/* The dot-product kernels (dot.h), 64-byte vectors: 16 floats / 8 doubles. */
#define ENG_DOT_VECTOR_BYTES 64
#define ENG_TEMPLATE "gemm/dot.h"
#include "common/template.h"
#include "gemm/interleave.h"
ENG_TARGET_END

const eng_gemm_kernels eng_gemm_avx512 = {
    .f32_blocks = ENG_GEMM_AVX512_F32, .f32 = ukr_f32,
    .f64_blocks = ENG_GEMM_AVX512_F64, .f64 = ukr_f64,
    .alt_f32 = { { ENG_GEMM_AVX512_F32_6x64, ukr_f32_6x64 }, { ENG_GEMM_AVX512_F32_8x48, ukr_f32_8x48 } },
    .alt_f64 = { { ENG_GEMM_AVX512_F64_6x32, ukr_f64_6x32 }, { ENG_GEMM_AVX512_F64_8x24, ukr_f64_8x24 } },
    .dot_mr = 4, .dot_nr = 4,       /* 16 accumulators + 8 loaded vectors of the 32 zmm */
    .dot_f32 = dot_f32, .dot_f64 = dot_f64,
    .interleave_f32 = interleave_f32, .interleave_f64 = interleave_f64,
};
#endif
