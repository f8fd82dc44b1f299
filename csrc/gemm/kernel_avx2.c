/*
 * gemm/kernel_avx2.c -- the AVX2+FMA micro-kernels (intrinsics).
 *
 * float: a 6 x 16 tile of C in 12 ymm registers (6 rows x 2 vectors of 8
 * floats); double: 6 x 8 (4 doubles per ymm).  Each step p of the k loop
 * loads one row of the B micro-panel (2 vectors), broadcasts the 6 values
 * of A's column p and does 12 FMAs.  12 accumulators + 2 B vectors + 1
 * broadcast = 15 of the 16 ymm registers.  The contract is in kernels.h.
 *
 * Compiled with AVX2+FMA for this file only; common/isa.c selects it only when
 * the CPU reports both.
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX2
#include <immintrin.h>
#include <string.h>

#include "gemm/blocking.h"
#include "gemm/kernels.h"

#define MR 6

static void ukr_f32(ptrdiff_t kc, const float *restrict a, const float *restrict b,
                    ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, float alpha, float beta)
{
    __m256 c0[MR], c1[MR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm256_setzero_ps();
        c1[i] = _mm256_setzero_ps();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const __m256 ai = _mm256_broadcast_ss(a + i);
            c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
        }
        a += MR;
        b += ldb;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    if (beta == 0) {
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, c0[i]));
            _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, c1[i]));
        }
    } else {
        const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            float *ci = c + i * ldc;
            _mm256_storeu_ps(ci, _mm256_fmadd_ps(va, c0[i], _mm256_mul_ps(vb, _mm256_loadu_ps(ci))));
            _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(va, c1[i],
                                                     _mm256_mul_ps(vb, _mm256_loadu_ps(ci + 8))));
        }
    }
}

static void ukr_f64(ptrdiff_t kc, const double *restrict a, const double *restrict b,
                    ptrdiff_t ldb, double *restrict c, ptrdiff_t ldc, double alpha, double beta)
{
    __m256d c0[MR], c1[MR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm256_setzero_pd();
        c1[i] = _mm256_setzero_pd();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < kc; p++) {
        const __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const __m256d ai = _mm256_broadcast_sd(a + i);
            c0[i] = _mm256_fmadd_pd(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_pd(ai, b1, c1[i]);
        }
        a += MR;
        b += ldb;
    }
    const __m256d va = _mm256_set1_pd(alpha);
    if (beta == 0) {
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            _mm256_storeu_pd(c + i * ldc, _mm256_mul_pd(va, c0[i]));
            _mm256_storeu_pd(c + i * ldc + 4, _mm256_mul_pd(va, c1[i]));
        }
    } else {
        const __m256d vb = _mm256_set1_pd(beta);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            double *ci = c + i * ldc;
            _mm256_storeu_pd(ci, _mm256_fmadd_pd(va, c0[i], _mm256_mul_pd(vb, _mm256_loadu_pd(ci))));
            _mm256_storeu_pd(ci + 4, _mm256_fmadd_pd(va, c1[i],
                                                     _mm256_mul_pd(vb, _mm256_loadu_pd(ci + 4))));
        }
    }
}


/* The dot-product kernels (dot.h), 32-byte vectors: 8 floats / 4 doubles. */
#define ENG_DOT_VECTOR_BYTES 32
#define ENG_TEMPLATE "gemm/dot.h"
#include "common/template.h"
#include "gemm/interleave.h"
ENG_TARGET_END

const eng_gemm_kernels eng_gemm_avx2 = {
    .f32_blocks = ENG_GEMM_AVX2_F32, .f32 = ukr_f32,
    .f64_blocks = ENG_GEMM_AVX2_F64, .f64 = ukr_f64,
    .dot_mr = 2, .dot_nr = 4,       /* 8 accumulators + 6 loaded vectors of the 16 ymm */
    .dot_f32 = dot_f32, .dot_f64 = dot_f64,
    .interleave_f32 = interleave_f32, .interleave_f64 = interleave_f64,
};
#endif
