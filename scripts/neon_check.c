/*
 * scripts/neon_check.c -- the aarch64 kernels against their portable twins, as a plain C
 * program (scripts/check_aarch64.sh cross-compiles it with csrc/ and runs it under
 * qemu-aarch64, where no arm64 Python is needed).
 *
 *   - the registry: gemm and activations chose "neon", im2col and optim have no NEON
 *     version;
 *   - GEMM: random shapes, strides (transposes), alpha, beta, float and double, through the
 *     blocked NEON micro-kernel (tiny cache blocks so every block edge is crossed, and the
 *     small-product shortcut off), the dot-product path, and once more with the "generic"
 *     kernels: each result against the textbook triple loop;
 *   - activations: every elementwise forward against a libm formula and the "generic"
 *     table (ReLU, leaky ReLU, Heaviside bit for bit, NaN and -0 included), every backward,
 *     PReLU and (log-)softmax against the "generic" table, softmax against its formula,
 *     float and double, every length up to 40 (all tails) and random ones.
 *
 * Prints one line per check and exits 1 on the first mismatch.  It measures no speed:
 * under an emulator times mean nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/isa.h"
#include "activation/activation.h"
#include "gemm/gemm.h"

static unsigned long long g_state = 88172645463325252ULL;

static double uniform(double lo, double hi)            /* xorshift64: reproducible */
{
    g_state ^= g_state << 13;
    g_state ^= g_state >> 7;
    g_state ^= g_state << 17;
    return lo + (hi - lo) * (double)(g_state >> 11) / 9007199254740992.0;
}

static int rand_int(int lo, int hi)
{
    return lo + (int)(uniform(0, 1) * (hi - lo + 1)) % (hi - lo + 1);
}

static void fail(const char *what)
{
    printf("FAIL: %s\n", what);
    exit(1);
}

/* ---------------------------------------------------------------- GEMM */

#define GEMM_CASE(T, gemm, reference, tol)                                                   \
    static int gemm_case_##T(int m, int n, int k, int trans_a, int trans_b)                  \
    {                                                                                        \
        T *A = malloc(sizeof(T) * (size_t)(m * k + 1));                                      \
        T *B = malloc(sizeof(T) * (size_t)(k * n + 1));                                      \
        T *C = malloc(sizeof(T) * (size_t)(m * n + 1));                                      \
        T *R = malloc(sizeof(T) * (size_t)(m * n + 1));                                      \
        T *S = malloc(sizeof(T) * (size_t)(m * n + 1));                                      \
        for (int i = 0; i < m * k; i++) A[i] = (T)uniform(-1, 1);                            \
        for (int i = 0; i < k * n; i++) B[i] = (T)uniform(-1, 1);                            \
        for (int i = 0; i < m * n; i++) C[i] = R[i] = (T)uniform(-1, 1);                     \
        const T alpha = (T)uniform(-2, 2), beta = rand_int(0, 2) == 0 ? (T)0 : (T)uniform(-1, 1); \
        /* op(A) is m x k: row-major A (m x k), or the transpose of a row-major k x m */     \
        const ptrdiff_t rs_a = trans_a ? 1 : k, cs_a = trans_a ? m : 1;                      \
        const ptrdiff_t rs_b = trans_b ? 1 : n, cs_b = trans_b ? k : 1;                      \
        if (beta == 0)                                                                       \
            for (int i = 0; i < m * n; i++) C[i] = (T)NAN;   /* beta == 0 never reads C */   \
        gemm(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, n, 1);                   \
        reference(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, R, n, 1);              \
        for (int i = 0; i < m; i++)                                                          \
            for (int j = 0; j < n; j++) {                                                    \
                double scale = 0;                          /* |alpha| sum |a b| + |beta c| */ \
                for (int p = 0; p < k; p++)                                                  \
                    scale += fabs((double)A[i * rs_a + p * cs_a] * B[p * rs_b + j * cs_b]);  \
                S[i * n + j] = (T)scale;                                                     \
                const double err = fabs((double)C[i * n + j] - R[i * n + j]);                \
                if (!(err <= tol * (fabs(alpha) * scale + 1.0))) {                           \
                    printf("gemm %s m=%d n=%d k=%d ta=%d tb=%d: C[%d,%d] = %g, expected %g\n", \
                           #T, m, n, k, trans_a, trans_b, i, j, (double)C[i * n + j],        \
                           (double)R[i * n + j]);                                            \
                    return 1;                                                                \
                }                                                                            \
            }                                                                                \
        free(A); free(B); free(C); free(R); free(S);                                         \
        return 0;                                                                            \
    }
GEMM_CASE(float, eng_gemm_f32, eng_gemm_reference_f32, 1e-5)
GEMM_CASE(double, eng_gemm_f64, eng_gemm_reference_f64, 1e-13)

static void check_gemm(const char *isa, int cases)
{
    if (eng_isa_set(ENG_FAMILY_GEMM, isa) != 0)
        fail("cannot select the gemm kernels");
    int done = 0;
    for (int c = 0; c < cases; c++) {
        const int big = c % 8 == 0;
        const int m = rand_int(1, big ? 150 : 40), n = rand_int(1, big ? 150 : 40);
        const int k = rand_int(1, big ? 300 : 60);
        const int ta = rand_int(0, 1), tb = rand_int(0, 1);
        /* every third case with tiny cache blocks: crosses every KC / MC / NC edge */
        if (c % 3 == 0)
            eng_gemm_set_blocking(rand_int(1, 9), rand_int(1, 20), rand_int(1, 30), 0);
        else
            eng_gemm_set_blocking(0, 0, 0, 0);             /* default blocks, never the shortcut */
        eng_gemm_set_dot(c % 5 == 0 ? 1 : 0);              /* the dot-product path, sometimes */
        if (gemm_case_float(m, n, k, ta, tb) || gemm_case_double(m, n, k, ta, tb))
            fail("gemm");
        done += 2;
    }
    eng_gemm_set_blocking(0, 0, 0, -1);
    eng_gemm_set_dot(-1);
    printf("gemm [%s]: %d random products (float and double) match the triple loop\n", isa, done);
}

/* ---------------------------------------------------------------- activations */

static double formula(int tag, double x, double p)
{
    switch (tag) {
    case ENG_RELU: return x < 0 ? 0 : x;
    case ENG_LEAKY_RELU: return x > 0 ? x : p * x;
    case ENG_ELU: return x > 0 ? x : p * expm1(x);
    case ENG_SIGMOID: return 1 / (1 + exp(-x));
    case ENG_TANH: return tanh(x);
    case ENG_SOFTPLUS: return (x > 0 ? x : 0) + log1p(exp(-fabs(x)));
    case ENG_HEAVISIDE: return x > 0 ? 1 : (x == 0 ? p : 0);
    case ENG_VEXP: return exp(x);
    case ENG_VEXPM1: return expm1(x);
    case ENG_VLOG1P: return log1p(x);
    }
    return NAN;
}

static int close_to(double got, double want, double rtol, double atol)
{
    return fabs(got - want) <= atol + rtol * fabs(want);
}

/* the activations without exp: their NEON and generic versions agree bit for bit (NaN, -0) */
static int cheap(int tag)
{
    return tag == ENG_RELU || tag == ENG_LEAKY_RELU || tag == ENG_HEAVISIDE;
}

static int same_bits_f32(float a, float b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static int same_bits_f64(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

#define ACT_CHECK(T, SUF, rtol, atol)                                                        \
    static int check_activations_##T(const eng_activation_table *neon,                       \
                                     const eng_activation_table *generic, int n)             \
    {                                                                                        \
        T *x = malloc(sizeof(T) * n), *g = malloc(sizeof(T) * n), *y = malloc(sizeof(T) * n); \
        T *z = malloc(sizeof(T) * n);                                                        \
        const T p = (T)uniform(0.01, 1.5);                                                   \
        for (int tag = 0; tag < ENG_ELEMENTWISE_COUNT; tag++) {                              \
            for (int i = 0; i < n; i++) {                                                    \
                x[i] = (T)(tag == ENG_VLOG1P ? uniform(-0.99, 30) : uniform(-30, 30));       \
                if (i % 7 == 0) x[i] = (T)(x[i] * 1e-4);          /* near 0: expm1, log1p */ \
                if (i % 11 == 0) x[i] = 0;                                                   \
                if (cheap(tag) && i % 13 == 5) x[i] = (T)NAN;      /* NaN passes through */  \
                if (cheap(tag) && i % 17 == 3) x[i] = (T)-0.0;     /* -0 stays -0 */          \
                g[i] = (T)uniform(-1, 1);                                                    \
            }                                                                                \
            neon->forward_##SUF[tag](x, y, n, p);                                            \
            generic->forward_##SUF[tag](x, z, n, p);                                         \
            for (int i = 0; i < n; i++)                                                      \
                if (cheap(tag) ? !same_bits_##SUF(y[i], z[i]) :                              \
                    !close_to(y[i], formula(tag, x[i], p), rtol, atol) ||                    \
                    !close_to(y[i], z[i], rtol, atol)) {                                     \
                    printf("%s forward %d: x=%g neon %g generic %g libm %g\n", #T, tag,      \
                           (double)x[i], (double)y[i], (double)z[i], formula(tag, x[i], p)); \
                    return 1;                                                                \
                }                                                                            \
            if (neon->backward_##SUF[tag] == NULL)                                           \
                continue;                                                                    \
            /* sigmoid and tanh take the forward's output */                                 \
            const T *a = tag == ENG_SIGMOID || tag == ENG_TANH ? y : x;                      \
            T *gn = malloc(sizeof(T) * n), *gg = malloc(sizeof(T) * n);                      \
            neon->backward_##SUF[tag](a, g, gn, n, p);                                       \
            generic->backward_##SUF[tag](a, g, gg, n, p);                                    \
            for (int i = 0; i < n; i++)                                                      \
                if (!close_to(gn[i], gg[i], rtol, atol)) {                                   \
                    printf("%s backward %d: neon %g generic %g\n", #T, tag, (double)gn[i],   \
                           (double)gg[i]);                                                   \
                    return 1;                                                                \
                }                                                                            \
            free(gn); free(gg);                                                              \
        }                                                                                    \
        /* PReLU and softmax over (outer, len, inner) */                                     \
        const int outer = rand_int(1, 3), inner = rand_int(1, 5), len = n / (outer * inner) + 1; \
        const int total = outer * len * inner;                                               \
        T *u = malloc(sizeof(T) * total), *v1 = malloc(sizeof(T) * total);                   \
        T *v2 = malloc(sizeof(T) * total), *w = malloc(sizeof(T) * len);                     \
        for (int i = 0; i < total; i++) u[i] = (T)uniform(-10, 10);                          \
        for (int i = 0; i < len; i++) w[i] = (T)uniform(-1, 1);                              \
        neon->prelu_forward_##SUF(u, w, v1, outer, len, inner);                              \
        generic->prelu_forward_##SUF(u, w, v2, outer, len, inner);                           \
        for (int i = 0; i < total; i++)                                                      \
            if (!close_to(v1[i], v2[i], rtol, atol)) { printf("prelu\n"); return 1; }        \
        neon->softmax_forward_##SUF(u, v1, outer, len, inner);                               \
        for (int o = 0; o < outer; o++)                                                      \
            for (int i = 0; i < inner; i++) {                                                \
                double mx = -INFINITY, s = 0;                                                \
                for (int j = 0; j < len; j++) mx = fmax(mx, u[(o * len + j) * inner + i]);  \
                for (int j = 0; j < len; j++) s += exp(u[(o * len + j) * inner + i] - mx);   \
                for (int j = 0; j < len; j++) {                                              \
                    const int at = (o * len + j) * inner + i;                                \
                    if (!close_to(v1[at], exp(u[at] - mx) / s, rtol, atol)) {                \
                        printf("softmax %s: %g, expected %g\n", #T, (double)v1[at],          \
                               exp(u[at] - mx) / s);                                         \
                        return 1;                                                            \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
        neon->log_softmax_forward_##SUF(u, v1, outer, len, inner);                           \
        generic->log_softmax_forward_##SUF(u, v2, outer, len, inner);                        \
        for (int i = 0; i < total; i++)                                                      \
            if (!close_to(v1[i], v2[i], rtol, atol)) { printf("log_softmax\n"); return 1; }  \
        free(u); free(v1); free(v2); free(w);                                                \
        free(x); free(g); free(y); free(z);                                                  \
        return 0;                                                                            \
    }
ACT_CHECK(float, f32, 2e-6, 1e-6)
ACT_CHECK(double, f64, 1e-13, 1e-15)

static void check_activations(int cases)
{
    if (eng_isa_set(ENG_FAMILY_ACTIVATIONS, "generic") != 0)
        fail("cannot select the generic activations");
    const eng_activation_table *generic = eng_isa_table(ENG_FAMILY_ACTIVATIONS);
    if (eng_isa_set(ENG_FAMILY_ACTIVATIONS, "neon") != 0)
        fail("cannot select the NEON activations");
    const eng_activation_table *neon = eng_isa_table(ENG_FAMILY_ACTIVATIONS);
    if (neon == generic || neon->forward_f32[ENG_RELU] == generic->forward_f32[ENG_RELU])
        fail("the NEON activations are the generic ones");
    for (int c = 0; c < cases; c++) {
        const int n = c < 40 ? c + 1 : rand_int(1, 5000);   /* every tail length, then more */
        if (check_activations_float(neon, generic, n) || check_activations_double(neon, generic, n))
            fail("activations");
    }
    printf("activations [neon]: %d sizes x %d elementwise kernels, prelu, softmax, "
           "log_softmax (float and double) match libm and the generic table\n",
           cases, ENG_ELEMENTWISE_COUNT);
}

int main(void)
{
    for (int f = 0; f < ENG_FAMILY_COUNT; f++)
        printf("%-12s default isa: %-8s (neon compiled: %s)\n", eng_family_name(f),
               eng_isa_current(f), eng_isa_compiled(f, "neon") ? "yes" : "no");
    if (strcmp(eng_isa_current(ENG_FAMILY_GEMM), "neon") != 0 ||
        strcmp(eng_isa_current(ENG_FAMILY_ACTIVATIONS), "neon") != 0)
        fail("NEON was not chosen by default for gemm and activations");
    if (eng_isa_compiled(ENG_FAMILY_IM2COL, "neon") || eng_isa_compiled(ENG_FAMILY_OPTIM, "neon")
        || eng_isa_compiled(ENG_FAMILY_POOL, "neon"))
        fail("im2col / optim / pool claim a NEON version");
    printf("built for %s by %s\n", eng_build_arch(), eng_build_compiler());
    check_gemm("neon", 400);
    check_gemm("generic", 60);
    check_activations(120);
    printf("all NEON checks passed\n");
    return 0;
}
