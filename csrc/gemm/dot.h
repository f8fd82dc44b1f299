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
 * registers.  Every loaded vector is used DNR (or DMR) times, so the loop
 * runs at FMA speed as long as the rows come from L1 (typed.h's gemm_dot
 * cuts k into blocks small enough for that).
 *
 *     C(i, j) = sum_{p < k} a[i*lda + p] * b[j*ldb + p]
 *
 * Each block of k leaves LANES partial sums per entry (lane l sums p = l,
 * l + LANES, ... of the block) that are added onto the entry's running
 * vector, and its kb % LANES last terms onto a scalar tail; dot_finish sums
 * the lanes pairwise at the end and adds the tail.  The order of the
 * additions of one entry depends on nothing but k, the k blocks and LANES,
 * so an entry is the same whatever block of entries it is computed in --
 * typed.h's gemm_dot relies on this for thread-count independent results.
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
 * unroll and the accumulators stay in registers) over one block of kb values
 * of k.  The block's LANES-wide partial sums are added onto the running ones
 * in vsum (entry (i, j) at vsum + (i*ldo + j)*LANES; `first`: start them),
 * and its kb % LANES last terms onto tail[i*ldo + j] -- the lanes are not
 * summed yet: that costs a shuffle tree per entry, paid once per product
 * (dot_finish), not once per block of k. */
static inline __attribute__((always_inline)) void SFX(dot_block)(
    const int mr, const int nr, ptrdiff_t kb, const REAL *restrict a, ptrdiff_t lda,
    const REAL *restrict b, ptrdiff_t ldb, REAL *restrict vsum, REAL *restrict tail,
    ptrdiff_t ldo, int first)
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
            REAL *v = vsum + (i * ldo + j) * LANES;
            if (!first) {
                vec old;
                memcpy(&old, v, sizeof(vec));
                acc[i][j] = old + acc[i][j];
            }
            memcpy(v, &acc[i][j], sizeof(vec));
            REAL s = first ? (REAL)0 : tail[i * ldo + j];
            for (ptrdiff_t p = kv; p < kb; p++)
                s += a[i * lda + p] * b[j * ldb + p];
            tail[i * ldo + j] = s;
        }
}

/* The dot products themselves: out[e] = the lanes of vsum's entry e summed pairwise (a
 * fixed tree), plus tail[e], for e < count. */
static void SFX(dot_finish)(ptrdiff_t count, const REAL *vsum, const REAL *tail, REAL *out)
{
    for (ptrdiff_t e = 0; e < count; e++) {
        REAL lane[LANES];
        memcpy(lane, vsum + e * LANES, sizeof(vec));
        for (int w = LANES / 2; w >= 1; w /= 2)
            for (int l = 0; l < w; l++)
                lane[l] += lane[l + w];
        out[e] = lane[0] + tail[e];
    }
}

/* Any mr x nr block up to DOT_MR x DOT_NR, by a switch to the instance. */
static void SFX(dot)(ptrdiff_t kb, const REAL *a, ptrdiff_t lda, int mr,
                     const REAL *b, ptrdiff_t ldb, int nr, REAL *vsum, REAL *tail,
                     ptrdiff_t ldo, int first)
{
#define DOT_CASE(R, S) case (R) * 8 + (S): \
        SFX(dot_block)(R, S, kb, a, lda, b, ldb, vsum, tail, ldo, first); return;
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
