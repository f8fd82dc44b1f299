/*
 * gemm/reference.h -- the textbook triple loop.
 *
 * A template body (common/template.h) that gemm.c reads once per type; it
 * defines the public eng_gemm_reference_f32 / _f64 (gemm.h).  C(i, j) = alpha *
 * sum_p A(i, p) B(p, j) + beta * C(i, j), one dot product per element of C,
 * with X(i, j) = X[i*rs + j*cs].  It is the definition, slow for large
 * matrices (it reloads A and B from memory n and m times), and the fastest
 * choice for tiny ones (a perceptron's 4 x 2 times 2 x 1: packing and
 * threads would cost more than the arithmetic).
 */
ENG_GEMM_SIGNATURE(SFX(eng_gemm_reference), REAL)
{
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            REAL sum = 0;
            for (ptrdiff_t p = 0; p < k; p++)
                sum += A[i * rs_a + p * cs_a] * B[p * rs_b + j * cs_b];
            REAL *c = C + i * rs_c + j * cs_c;
            *c = beta == 0 ? alpha * sum : alpha * sum + beta * *c;   /* beta 0: never read C */
        }
}
