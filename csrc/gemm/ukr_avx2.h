/*
 * gemm/ukr_avx2.h -- the AVX2+FMA micro-kernel: an MR x (2 vectors) tile of C in 2 MR ymm
 * registers (the contract is in kernels.h, the shapes in kernel_avx2.c).
 *
 * A template body (common/template.h) that kernel_avx2.c reads once per type; the
 * intrinsics are common/simd.h's, named per type: SFX(fmadd) is _mm256_fmadd_ps or _pd ...
 */

#define LANES SFX(lanes)

static void SFX(ukr)(ptrdiff_t kc, const REAL *restrict a, const REAL *restrict b,
                     ptrdiff_t ldb, REAL *restrict c, ptrdiff_t ldc, REAL alpha, REAL beta)
{
    SFX(vec) c0[MR], c1[MR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        c0[i] = SFX(vzero)();
        c1[i] = SFX(vzero)();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < kc; p++) {
        const SFX(vec) b0 = SFX(loadu)(b), b1 = SFX(loadu)(b + LANES);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const SFX(vec) ai = SFX(broadcast)(a + i);
            c0[i] = SFX(fmadd)(ai, b0, c0[i]);
            c1[i] = SFX(fmadd)(ai, b1, c1[i]);
        }
        a += MR;
        b += ldb;
    }
    const SFX(vec) va = SFX(set1)(alpha);
    if (beta == 0) {
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            SFX(storeu)(c + i * ldc, SFX(mul)(va, c0[i]));
            SFX(storeu)(c + i * ldc + LANES, SFX(mul)(va, c1[i]));
        }
    } else {
        const SFX(vec) vb = SFX(set1)(beta);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            REAL *ci = c + i * ldc;
            SFX(storeu)(ci, SFX(fmadd)(va, c0[i], SFX(mul)(vb, SFX(loadu)(ci))));
            SFX(storeu)(ci + LANES, SFX(fmadd)(va, c1[i], SFX(mul)(vb, SFX(loadu)(ci + LANES))));
        }
    }
}

#undef LANES
