/*
 * gemm/pack.h -- copying blocks of A and B into the micro-kernel's order.
 *
 * A template body (common/template.h) that gemm.c reads once per type.
 *
 * Why pack?  The micro-kernel (kernels.h) wants, for each step p, MR
 * consecutive values of A's column p and NR consecutive values of B's row p.
 * In the caller's matrices these are scattered (a column of a row-major A is
 * strided by lda; a transposed operand is strided the other way).  Copying
 * a block once into a contiguous, 64-byte aligned buffer makes every load of
 * the kernel a unit-stride, cache-friendly one -- and the copy is reused many
 * times (each packed A block by every micro-panel of B, each packed B panel
 * by every block of A).  Packing also absorbs transposition and arbitrary
 * strides, so the kernel never needs to know about them.
 *
 * Layout of one packed micro-panel of A (mr <= MR rows, kc columns):
 *     dst[p*MR + i] = A(i, p)     zero for mr <= i < MR
 * and of B (kc rows, nr <= NR columns):
 *     dst[p*NR + j] = B(p, j)     zero for nr <= j < NR
 * where X(i, j) = X[i*rs + j*cs].  The zeros let the kernel always compute
 * a full tile; tile() in typed.h writes back only the valid part.
 *
 * A with contiguous rows and B with contiguous columns need a transpose on
 * the way; the ISA's `interleave` (interleave.h) does it in register blocks,
 * the loops below value by value when there is none.
 */

/* One MR-row micro-panel of A. */
static void SFX(pack_a_panel)(ptrdiff_t kc, int mr, int MR, const REAL *A,
                              ptrdiff_t rs, ptrdiff_t cs, REAL *restrict dst,
                              SFX(eng_gemm_interleave) interleave)
{
    if (cs == 1 && interleave != NULL) {
        interleave(kc, mr, MR, A, rs, dst);         /* rows of A contiguous: in register blocks */
    } else if (cs == 1) {
        /* rows of A are contiguous (A not transposed): read each row in order */
        for (int i = 0; i < mr; i++) {
            const REAL *row = A + i * rs;
            for (ptrdiff_t p = 0; p < kc; p++)
                dst[p * MR + i] = row[p];
        }
    } else {
        /* columns contiguous (A transposed) or general strides: column by column */
        for (ptrdiff_t p = 0; p < kc; p++)
            for (int i = 0; i < mr; i++)
                dst[p * MR + i] = A[i * rs + p * cs];
    }
    for (ptrdiff_t p = 0; p < kc && mr < MR; p++)       /* zero rows past the edge */
        for (int i = mr; i < MR; i++)
            dst[p * MR + i] = 0;
}

/* One NR-column micro-panel of B. */
static void SFX(pack_b_panel)(ptrdiff_t kc, int nr, int NR, const REAL *B,
                              ptrdiff_t rs, ptrdiff_t cs, REAL *restrict dst,
                              SFX(eng_gemm_interleave) interleave)
{
    if (cs == 1) {
        /* rows of B contiguous (B not transposed): each step copies nr values */
        for (ptrdiff_t p = 0; p < kc; p++)
            for (int j = 0; j < nr; j++)
                dst[p * NR + j] = B[p * rs + j];
    } else if (rs == 1 && interleave != NULL) {
        interleave(kc, nr, NR, B, cs, dst);         /* columns of B contiguous: register blocks */
    } else if (rs == 1) {
        /* columns contiguous (B transposed, e.g. x * W^T): read each column in order */
        for (int j = 0; j < nr; j++) {
            const REAL *col = B + j * cs;
            for (ptrdiff_t p = 0; p < kc; p++)
                dst[p * NR + j] = col[p];
        }
    } else {
        for (ptrdiff_t p = 0; p < kc; p++)
            for (int j = 0; j < nr; j++)
                dst[p * NR + j] = B[p * rs + j * cs];
    }
    for (ptrdiff_t p = 0; p < kc && nr < NR; p++)       /* zero columns past the edge */
        for (int j = nr; j < NR; j++)
            dst[p * NR + j] = 0;
}
