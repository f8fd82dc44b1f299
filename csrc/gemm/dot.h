/*
 * gemm/dot.h -- the dot-product kernels, for C with few entries and a long k.
 *
 * A convolution's weight gradient dW = dY * cols^T is such a product: LeNet
 * conv1 has C (6 x 25) = A (6 x 50176) * B^T with B (25 x 50176).  Each
 * entry of C is a dot product of a row of A with a row of B^T, both
 * contiguous along k.  The blocked GEMM is the wrong tool here: its packing
 * copies all of A and B to use each copied element only a handful of times,
 * and its register tile (14 x 32) is mostly padding.
 *
 * Instead a block of DMR x DNR dot products is computed at once: for each
 * group of LANES consecutive k, load LANES values from each of the DMR rows
 * of A and the DNR rows of B (DMR + DNR vector loads) and do DMR * DNR
 * vector multiply-adds into DMR * DNR accumulator vectors, which stay in
 * registers; each accumulator's lanes are summed at the end.  Every loaded
 * vector is used DNR (or DMR) times, so the loop runs at FMA speed out of
 * L1/L2 rather than at memory speed.
 *
 *     out[i*ldo + j] = sum_{p < kb} a[i*lda + p] * b[j*ldb + p]    i < mr, j < nr
 *
 * The order of the additions of one entry depends on nothing but kb and
 * LANES (lane l sums p = l, l + LANES, ...; lanes are summed pairwise, then
 * the kb % LANES last terms in order), so an entry is the same whatever
 * block it is computed in -- typed.h's gemm_dot relies on this for thread-count
 * independent results.
 *
 * Written once with GCC/clang vector extensions (`vec` = LANES reals), as a
 * template body (common/template.h) that each kernel_*.c reads once per type,
 * after its target and with ENG_DOT_VECTOR_BYTES set to its vector width:
 * LANES = 16 / 8 floats (8 / 4 doubles) for AVX-512 / AVX2, 4 / 2 for SSE2.
 */

typedef REAL SFX(dot_vec) __attribute__((vector_size(ENG_DOT_VECTOR_BYTES), aligned(sizeof(REAL))));
#define vec SFX(dot_vec)
#define LANES ((int)(ENG_DOT_VECTOR_BYTES / sizeof(REAL)))

/* One mr x nr block (mr, nr constants at each instantiation: the loops
 * unroll and the accumulators stay in registers). */
static inline __attribute__((always_inline)) void SFX(dot_block)(
    const int mr, const int nr, ptrdiff_t kb, const REAL *restrict a, ptrdiff_t lda,
    const REAL *restrict b, ptrdiff_t ldb, REAL *restrict out, ptrdiff_t ldo)
{
    vec acc[4][4];
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++)
            acc[i][j] = (vec){ 0 };
    const ptrdiff_t kv = kb / LANES * LANES;
    for (ptrdiff_t p = 0; p < kv; p += LANES) {
        vec av[4], bv[4];
        for (int i = 0; i < mr; i++)
            memcpy(&av[i], a + i * lda + p, sizeof(vec));   /* an unaligned vector load */
        for (int j = 0; j < nr; j++)
            memcpy(&bv[j], b + j * ldb + p, sizeof(vec));
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++)
                acc[i][j] += av[i] * bv[j];                   /* FMA (-ffp-contract=fast) */
    }
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) {
            REAL lane[LANES];
            memcpy(lane, &acc[i][j], sizeof(vec));
            for (int w = LANES / 2; w >= 1; w /= 2)           /* pairwise: a fixed tree */
                for (int l = 0; l < w; l++)
                    lane[l] += lane[l + w];
            REAL s = lane[0];
            for (ptrdiff_t p = kv; p < kb; p++)
                s += a[i * lda + p] * b[j * ldb + p];
            out[i * ldo + j] = s;
        }
}

/* Any mr x nr block up to DOT_MR x DOT_NR, by a switch to the instance. */
static void SFX(dot)(ptrdiff_t kb, const REAL *a, ptrdiff_t lda, int mr,
                     const REAL *b, ptrdiff_t ldb, int nr, REAL *out, ptrdiff_t ldo)
{
#define DOT_CASE(R, S) case (R) * 8 + (S): SFX(dot_block)(R, S, kb, a, lda, b, ldb, out, ldo); return;
#define DOT_ROW(R) DOT_CASE(R, 1) DOT_CASE(R, 2) DOT_CASE(R, 3) DOT_CASE(R, 4)
    switch (mr * 8 + nr) {
        DOT_ROW(1) DOT_ROW(2) DOT_ROW(3) DOT_ROW(4)
    default: return;
    }
#undef DOT_ROW
#undef DOT_CASE
}

#undef vec
#undef LANES
