/*
 * gemm/ukr_simd.h -- the x86 vector micro-kernel (AVX2 and AVX-512), for any register-block
 * shape: an MR x (NV vectors) tile of C (the contract is in kernels.h).
 *
 * A template body (common/template.h) that kernel_avx2.c and kernel_avx512.c read once per
 * type; the intrinsics are common/simd.h's, named per type and instruction set: SFX(fmadd)
 * is _mm512_fmadd_ps or _pd with AVX-512, _mm256_fmadd_ps or _pd with AVX2 ...  The
 * kernels of one shape are made from it by ENG_GEMM_SHAPE (ukr_shapes.h).
 */

#define LANES SFX(lanes)

/* The lanes of the vector that starts `left` columns before the edge nr: all of them when
 * left >= LANES, the first `left` otherwise. */
static inline SFX(mask) SFX(edge_mask)(int left)
{
    return SFX(mask_of)(left >= LANES ? (1u << LANES) - 1 : (1u << left) - 1);
}

/* A(i, p) = a[i*rsa + p*csa]: a packed micro-panel (rsa = 1, csa = MR) or A itself (rsa =
 * its row stride, csa = 1: "direct A", see gemm.c); the constants fold in at compile time.
 * Only the first mr rows and nr columns of the tile are stored, and the columns are read
 * from B with a mask when nr ends inside a vector: a full tile passes the constants MR and
 * NV * LANES, and those tests fold away; an edge tile of C (the edge kernels below) passes
 * its own mr and nr and is written in place, with no scratch copy.  The last vector of B's
 * columns is then loaded with a mask too, so a ragged last micro-panel can be read in place
 * (direct B) without reading past B's last column. */
ENG_UKR_INLINE void SFX(ukr_tile)(const int MR, const int NV, ptrdiff_t kc,
                                  const REAL *restrict a, ptrdiff_t rsa, ptrdiff_t csa,
                                  const REAL *restrict b, ptrdiff_t ldb,
                                  REAL *restrict c, ptrdiff_t ldc, REAL alpha, REAL beta,
                                  int mr, int nr)
{
    const int ragged = nr < NV * LANES;               /* the last vector is partly outside */
    const SFX(mask) last = SFX(edge_mask)(nr - LANES * (NV - 1));
    SFX(vec) acc[14][4];                              /* (MR <= 14, NV <= 4) */
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[i][v] = SFX(vzero)();
        if (i < mr)
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);   /* C is needed at the end */
    }
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < kc; p++) {
        SFX(vec) bv[4];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            bv[v] = ragged && v == NV - 1 ? SFX(load_masked)(last, b + LANES * v)
                                          : SFX(loadu)(b + LANES * v);
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
    for (int i = 0; i < MR; i++) {
        if (i >= mr)
            break;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            REAL *ci = c + i * ldc + LANES * v;
            if (ragged && v == NV - 1) {
                const SFX(vec) y = beta == 0 ? SFX(mul)(va, acc[i][v])
                    : SFX(fmadd)(va, acc[i][v], SFX(mul)(vb, SFX(load_masked)(last, ci)));
                SFX(store_masked)(ci, last, y);
            } else {
                SFX(storeu)(ci, beta == 0 ? SFX(mul)(va, acc[i][v])
                                     : SFX(fmadd)(va, acc[i][v], SFX(mul)(vb, SFX(loadu)(ci))));
            }
        }
    }
}

/* An edge tile (kernels.h, eng_gemm_ukr_edge): mr <= MR rows, nr <= NV * LANES columns,
 * computed with only the ceil(nr / LANES) vectors that hold columns of C; A packed (lda 0)
 * or read in place (lda its row stride; then mr == MR).  One instance per vector count. */
ENG_UKR_INLINE void SFX(ukr_edge)(const int MR, const int NV, ptrdiff_t kc, const REAL *a,
                                  ptrdiff_t lda, const REAL *b, ptrdiff_t ldb, REAL *c,
                                  ptrdiff_t ldc, REAL alpha, REAL beta, int mr, int nr)
{
    const int nv = (nr + LANES - 1) / LANES;
#define ENG_EDGE_CASE(V)                                                                 \
    if (nv == V && V <= NV) {                                                            \
        if (lda)                                                                         \
            SFX(ukr_tile)(MR, V, kc, a, lda, 1, b, ldb, c, ldc, alpha, beta, mr, nr);    \
        else                                                                             \
            SFX(ukr_tile)(MR, V, kc, a, 1, MR, b, ldb, c, ldc, alpha, beta, mr, nr);     \
        return;                                                                          \
    }
    ENG_EDGE_CASE(1)
    ENG_EDGE_CASE(2)
    ENG_EDGE_CASE(3)
    ENG_EDGE_CASE(4)
#undef ENG_EDGE_CASE
}

#undef LANES
