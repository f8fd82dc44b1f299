/*
 * gemm/ragged.h -- the last few columns of C as dot products, when n is a few columns past a
 * whole number of vectors.
 *
 * The micro-kernels hold a row of C's tile in vectors of LANES columns (16 floats with
 * AVX-512), so a C with n = 16q + r columns costs q + 1 vectors per row and step of k:
 * 100 columns cost as much as 112.  When r is small (1 to ENG_GEMM_RAGGED_MAX_COLS, within
 * blocking.h's limits), gemm.c gives the blocked path the first n - r columns only, and
 * this kernel computes the last r columns the other way round, each entry as a dot product
 * along k of a row of A with a column of B:
 *
 *     C(i, j) = alpha * sum_{p < k} A(i, p) * B(p, j) + beta * C(i, j)
 *
 * A's row i is read in place (its values along k are contiguous); the r columns of B are
 * packed beforehand as rows of kp = k rounded up to a whole vector, zeros past k (typed.h),
 * four rows whatever r (those past r are zeros).
 * A block of rows of A and the r columns keep rows x r vector accumulators: for each
 * vector of k, rows + r loads and rows * r multiply-adds, k / LANES steps instead of k.
 * A's last k % LANES values are loaded with a mask (never past the row).  The block's
 * accumulators are then summed across their lanes by simd.h's sum4x4, in a fixed order.
 *
 * A template body (common/template.h) that kernel_avx512.c and kernel_avx2.c read once per
 * type, after simd.h and with RAGGED_ACCS set: how many accumulators their registers hold
 * beside the r columns of B and a row of A.
 */

/* Rows per block for r columns: as many as RAGGED_ACCS accumulators allow, at most 8 (a
 * power of two).  Fewer columns need more rows: each accumulator waits for its previous
 * multiply-add, so a block needs about 8 of them in flight to keep the FMA units busy. */
#define RAGGED_BLOCK_ROWS(r) (RAGGED_ACCS / (r) >= 8 ? 8 : RAGGED_ACCS / (r) >= 4 ? 4   \
                              : RAGGED_ACCS / (r) >= 2 ? 2 : 1)

/* One block of `rows` (<= 8) rows and r (<= 4) columns, of which the first `stored` are
 * written to C: constants at each instance, so the accumulators stay in registers. */
static inline __attribute__((always_inline)) void SFX(ragged_block)(
    const int rows, const int r, const int stored, ptrdiff_t k, const REAL *restrict a,
    ptrdiff_t lda, const REAL *restrict bt, ptrdiff_t kp, REAL alpha, REAL beta,
    REAL *restrict c, ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    const ptrdiff_t kv = k / SFX(lanes) * SFX(lanes);
    SFX(vec) acc[8][4];
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++)
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)
            acc[i][j] = SFX(vzero)();
    for (ptrdiff_t p = 0; p < kv; p += SFX(lanes)) {
        SFX(vec) bv[4];
#pragma GCC unroll 4
        for (int j = 0; j < r; j++)
            bv[j] = SFX(loadu)(bt + j * kp + p);
#pragma GCC unroll 8
        for (int i = 0; i < rows; i++) {
            const SFX(vec) av = SFX(loadu)(a + i * lda + p);
#pragma GCC unroll 4
            for (int j = 0; j < r; j++)
                acc[i][j] = SFX(fmadd)(av, bv[j], acc[i][j]);
        }
    }
    if (kv < k) {                       /* the last k % LANES values: A's with a mask */
        const SFX(mask) tail = SFX(mask_of)((1u << (k - kv)) - 1);
        SFX(vec) bv[4];
#pragma GCC unroll 4
        for (int j = 0; j < r; j++)
            bv[j] = SFX(loadu)(bt + j * kp + kv);          /* zeros past k */
#pragma GCC unroll 8
        for (int i = 0; i < rows; i++) {
            const SFX(vec) av = SFX(load_masked)(tail, a + i * lda + kv);
#pragma GCC unroll 4
            for (int j = 0; j < r; j++)
                acc[i][j] = SFX(fmadd)(av, bv[j], acc[i][j]);
        }
    }
#pragma GCC unroll 2
    for (int q = 0; q < rows; q += 4) {    /* 4 rows at a time (those past `rows` are 0) */
        REAL sums[16];                      /* sums[4j + i]: C(q + i, j) */
        SFX(sum4x4)(ENG_SUM4X4_ARGS(acc, q), r, sums);
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)
#pragma GCC unroll 4
            for (int j = 0; j < stored; j++) {
                if (q + i >= rows)
                    break;
                REAL *cij = c + (q + i) * rs_c + j * cs_c;
                const REAL s = alpha * sums[4 * j + i];
                *cij = beta == 0 ? s : s + beta * *cij;
            }
    }
}

/* C(i, j) for i < m, j < r (1 <= r <= 4), as above: blocks of RAGGED_BLOCK_ROWS(r) rows,
 * then the rows left one at a time.  Three columns are computed as four (bt's fourth row is
 * there, and not stored): the four-column instance ran faster than the three-column one
 * (AVX-512, float32, 100 x 100: 0.39 against 0.55 us).  The kernel table's ragged_f32 /
 * ragged_f64 (kernels.h). */
static void SFX(ragged_cols)(ptrdiff_t m, ptrdiff_t k, int r, const REAL *a, ptrdiff_t lda,
                             const REAL *bt, ptrdiff_t kp, REAL alpha, REAL beta, REAL *c,
                             ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    ptrdiff_t i = 0;
#define ENG_RAGGED_CASE(STORED, R)                                                         \
    case STORED:                                                                           \
        for (; i + RAGGED_BLOCK_ROWS(R) <= m; i += RAGGED_BLOCK_ROWS(R))                   \
            SFX(ragged_block)(RAGGED_BLOCK_ROWS(R), R, STORED, k, a + i * lda, lda, bt, kp, \
                              alpha, beta, c + i * rs_c, rs_c, cs_c);                      \
        for (; i < m; i++)                                                                 \
            SFX(ragged_block)(1, R, STORED, k, a + i * lda, lda, bt, kp, alpha, beta,      \
                              c + i * rs_c, rs_c, cs_c);                                   \
        return;
    switch (r) {
        ENG_RAGGED_CASE(1, 1)
        ENG_RAGGED_CASE(2, 2)
        ENG_RAGGED_CASE(3, 4)
        ENG_RAGGED_CASE(4, 4)
    default:
        return;
    }
#undef ENG_RAGGED_CASE
}

#undef RAGGED_BLOCK_ROWS
