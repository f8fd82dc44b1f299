/*
 * gemm/ukr_avx512.h -- the AVX-512 micro-kernel, for any register-block shape: an MR x (NV
 * vectors) tile of C (the contract is in kernels.h).
 *
 * A template body (common/template.h) that kernel_avx512.c reads once per type; the
 * intrinsics are common/simd.h's, named per type: SFX(fmadd) is _mm512_fmadd_ps or _pd ...
 */

#define LANES SFX(lanes)

/* A(i, p) = a[i*rsa + p*csa]: a packed micro-panel (rsa = 1, csa = MR) or A itself (rsa =
 * its row stride, csa = 1: "direct A", see gemm.c); the constants fold in at compile time. */
ENG_UKR_INLINE void SFX(ukr_tile)(const int MR, const int NV, ptrdiff_t kc,
                                  const REAL *restrict a, ptrdiff_t rsa, ptrdiff_t csa,
                                  const REAL *restrict b, ptrdiff_t ldb,
                                  REAL *restrict c, ptrdiff_t ldc, REAL alpha, REAL beta)
{
    SFX(vec) acc[14][4];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[i][v] = SFX(vzero)();
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);       /* C is needed at the end */
    }
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        SFX(vec) bv[4];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            bv[v] = SFX(loadu)(b + LANES * v);
        _mm_prefetch((const char *)(a + 8 * csa), _MM_HINT_T0);       /* A, 8 steps ahead */
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const SFX(vec) ai = SFX(set1)(a[i * rsa]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++)
                acc[i][v] = SFX(fmadd)(ai, bv[v], acc[i][v]);
        }
        a += csa;
        b += ldb;
    }
    const SFX(vec) va = SFX(set1)(alpha), vb = SFX(set1)(beta);
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            REAL *ci = c + i * ldc + LANES * v;
            SFX(storeu)(ci, beta == 0 ? SFX(mul)(va, acc[i][v])
                                 : SFX(fmadd)(va, acc[i][v], SFX(mul)(vb, SFX(loadu)(ci))));
        }
}

#undef LANES
