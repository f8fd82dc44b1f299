/*
 * gemm/reference.h -- the textbook triple loop.
 *
 * Included twice by gemm.c (real = float, double).  C(i, j) = alpha *
 * sum_p A(i, p) B(p, j) + beta * C(i, j), one dot product per element of C,
 * with X(i, j) = X[i*rs + j*cs].  It is the definition, slow for large
 * matrices (it reloads A and B from memory n and m times), and the fastest
 * choice for tiny ones (a perceptron's 4 x 2 times 2 x 1: packing and
 * threads would cost more than the arithmetic).
 */
static void FN(gemm_reference)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, real alpha,
                               const real *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                               const real *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                               real beta, real *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            real sum = 0;
            for (ptrdiff_t p = 0; p < k; p++)
                sum += A[i * rs_a + p * cs_a] * B[p * rs_b + j * cs_b];
            real *c = C + i * rs_c + j * cs_c;
            *c = beta == 0 ? alpha * sum : alpha * sum + beta * *c;   /* beta 0: never read C */
        }
}
