/*
 * gemm/ukr_neon.h -- the NEON micro-kernel: an MR x (NV vectors) tile of C in MR * NV
 * 128-bit registers (the contract is in kernels.h, the shapes in kernel_neon.c).
 *
 * A template body (common/template.h) that kernel_neon.c reads once per type, with the
 * intrinsics named per type there: SFX(fma_n)(c, b, s) is vfmaq_n_f32 or vfmaq_n_f64
 * (c + b * s for every lane, the scalar s from A: a multiply-add by element).
 */

#define LANES SFX(lanes)

static void SFX(ukr)(ptrdiff_t kc, const REAL *restrict a, const REAL *restrict b,
                     ptrdiff_t ldb, REAL *restrict c, ptrdiff_t ldc, REAL alpha, REAL beta)
{
    SFX(vec) acc[MR][NV];
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++)
            acc[i][v] = SFX(vdup)(0);
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        SFX(vec) bv[NV];
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++)
            bv[v] = SFX(load)(b + LANES * v);
#pragma GCC unroll 8
        for (int i = 0; i < MR; i++) {
            const REAL ai = a[i];
#pragma GCC unroll 3
            for (int v = 0; v < NV; v++)
                acc[i][v] = SFX(fma_n)(acc[i][v], bv[v], ai);
        }
        a += MR;
        b += ldb;
    }
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++) {
            REAL *ci = c + i * ldc + LANES * v;
            const SFX(vec) ab = SFX(mul_n)(acc[i][v], alpha);
            SFX(store)(ci, beta == 0 ? ab : SFX(fma_n)(ab, SFX(load)(ci), beta));
        }
}

#undef LANES
