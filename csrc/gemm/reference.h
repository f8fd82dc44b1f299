/*
 * gemm/reference.h -- the textbook triple loop.
 *
 * A template body (common/template.h) that gemm.c reads once per type; it
 * defines the public eng_gemm_reference_f32 / _f64 (gemm.h).  C(i, j) = alpha *
 * sum_p A(i, p) B(p, j) + beta * C(i, j), with X(i, j) = X[i*rs + j*cs].  It is
 * the definition, slow for large matrices (it reloads B from memory for every row
 * of C), and the fastest choice for tiny ones (a perceptron's 4 x 2 times 2 x 1:
 * packing and threads would cost more than the arithmetic).
 *
 * Each row of C is summed as rows of B scaled by A's values, a chunk of columns at a
 * time: sum(i, j) += A(i, p) * B(p, j) for p = 0, 1, ...  Every sum is the same sequence
 * of additions as a dot product of A's row with B's column, but the columns' sums are
 * independent, so the compiler vectorises the loop over j (where B's rows are
 * contiguous), where one dot product at a time waits on each addition in turn.
 */
ENG_GEMM_SIGNATURE(SFX(eng_gemm_reference), REAL)
{
    enum { CHUNK = 64 };                /* columns summed at once, on the stack */
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j0 = 0; j0 < n; j0 += CHUNK) {
            const ptrdiff_t nj = n - j0 < CHUNK ? n - j0 : CHUNK;
            REAL sum[CHUNK];
            for (ptrdiff_t j = 0; j < nj; j++)
                sum[j] = 0;
            for (ptrdiff_t p = 0; p < k; p++) {
                const REAL a = A[i * rs_a + p * cs_a];
                const REAL *b = B + p * rs_b + j0 * cs_b;
                for (ptrdiff_t j = 0; j < nj; j++)
                    sum[j] += a * b[j * cs_b];
            }
            REAL *c = C + i * rs_c + j0 * cs_c;
            for (ptrdiff_t j = 0; j < nj; j++)    /* beta 0: C is never read */
                c[j * cs_c] = beta == 0 ? alpha * sum[j] : alpha * sum[j] + beta * c[j * cs_c];
        }
}
