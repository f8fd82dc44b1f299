/*
 * gemm/kernel_avx512.c -- the AVX-512F micro-kernels (intrinsics).
 *
 * float: a 14 x 32 tile of C in 28 zmm registers (14 rows x 2 vectors of 16
 * floats).  Each step p of the k loop
 *     loads  b0 = B[p, 0:16], b1 = B[p, 16:32]           (2 vector loads)
 *     for each row i: a = broadcast A[i, p]              (folded into the FMA)
 *                     c[i][0] += a * b0;  c[i][1] += a * b1
 * i.e. 28 FMAs (896 flops) for 2 loads + 14 broadcasts.  double: the same
 * with 14 x 16 (8 doubles per zmm).  The contract is in kernels.h.
 *
 * The arrays c0[14], c1[14] are indexed only with constants once the i loops
 * are unrolled, so the compiler keeps all 28 accumulators in registers
 * (check with objdump: no stack traffic inside the k loop).
 *
 * Compiled with AVX-512F (+FMA) for this file only; gemm.c selects it only
 * when the CPU reports AVX-512.
 */
#include "cpu.h"
#include "blocking.h"
#include "kernels.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), \
                             apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")
#endif
#include <immintrin.h>

#define MR 14

static void ukr_f32(ptrdiff_t kc, const float *restrict a, const float *restrict b,
                    float *restrict c, ptrdiff_t ldc, float alpha, float beta)
{
    __m512 c0[MR], c1[MR];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm512_setzero_ps();
        c1[i] = _mm512_setzero_ps();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);       /* C is needed */
        _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);  /* at the end  */
    }
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        _mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);        /* A, 8 steps ahead */
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(a[i]);
            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
        a += MR;
        b += 32;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0) {
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, c0[i]));
            _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, c1[i]));
        }
    } else {
        const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            float *ci = c + i * ldc;
            _mm512_storeu_ps(ci, _mm512_fmadd_ps(va, c0[i], _mm512_mul_ps(vb, _mm512_loadu_ps(ci))));
            _mm512_storeu_ps(ci + 16, _mm512_fmadd_ps(va, c1[i],
                                                      _mm512_mul_ps(vb, _mm512_loadu_ps(ci + 16))));
        }
    }
}

static void ukr_f64(ptrdiff_t kc, const double *restrict a, const double *restrict b,
                    double *restrict c, ptrdiff_t ldc, double alpha, double beta)
{
    __m512d c0[MR], c1[MR];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
        c0[i] = _mm512_setzero_pd();
        c1[i] = _mm512_setzero_pd();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 8), _MM_HINT_T0);
    }
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        const __m512d b0 = _mm512_load_pd(b), b1 = _mm512_load_pd(b + 8);
        _mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512d ai = _mm512_set1_pd(a[i]);
            c0[i] = _mm512_fmadd_pd(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_pd(ai, b1, c1[i]);
        }
        a += MR;
        b += 16;
    }
    const __m512d va = _mm512_set1_pd(alpha);
    if (beta == 0) {
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            _mm512_storeu_pd(c + i * ldc, _mm512_mul_pd(va, c0[i]));
            _mm512_storeu_pd(c + i * ldc + 8, _mm512_mul_pd(va, c1[i]));
        }
    } else {
        const __m512d vb = _mm512_set1_pd(beta);
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            double *ci = c + i * ldc;
            _mm512_storeu_pd(ci, _mm512_fmadd_pd(va, c0[i], _mm512_mul_pd(vb, _mm512_loadu_pd(ci))));
            _mm512_storeu_pd(ci + 8, _mm512_fmadd_pd(va, c1[i],
                                                     _mm512_mul_pd(vb, _mm512_loadu_pd(ci + 8))));
        }
    }
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_gemm_kernels eng_gemm_kernels_avx512 = {
    "avx512", 1, ENG_GEMM_AVX512_F32, ukr_f32, ENG_GEMM_AVX512_F64, ukr_f64
};
#else
const eng_gemm_kernels eng_gemm_kernels_avx512 = {
    "avx512", 0, ENG_GEMM_AVX512_F32, 0, ENG_GEMM_AVX512_F64, 0
};
#endif
