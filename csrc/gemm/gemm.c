/*
 * gemm/gemm.c -- C = alpha * op(A) * op(B) + beta * C, the BLIS way.
 *
 * The algorithm (Goto; Van Zee & van de Geijn, "BLIS", 2015) is five loops
 * around a micro-kernel.  Reading from the outside in:
 *
 *   for jc in 0..n step NC          loop 5: a KC x NC panel of B ...
 *     for pc in 0..k step KC        loop 4: ... one rank-KC update at a time
 *       pack B(pc:+KC, jc:+NC)      -> Bp, in the L3 cache, shared by threads
 *       for ic in 0..m step MC      loop 3: an MC x KC block of A ...
 *         pack A(ic:+MC, pc:+KC)    -> Ap, in the L2 cache
 *         for jr in 0..NC step NR   loop 2: a KC x NR micro-panel of Bp (L1)
 *           for ir in 0..MC step MR loop 1: an MR x KC micro-panel of Ap
 *             micro-kernel: C(ic+ir:+MR, jc+jr:+NR) += Ap_ir * Bp_jr
 *
 * Each level keeps one operand in one cache level while the loop inside it
 * streams the others (blocking.h has the sizes and the reasoning).  The
 * micro-kernel keeps its MR x NR tile of C in registers for all KC steps.
 *
 * Threads (OpenMP): C is cut into one part per thread -- its columns when C
 * has more micro-tiles across than down (wide C, e.g. a convolution's
 * W * cols), else its rows -- and each thread runs all five loops on its
 * part with its own packed buffers: no barrier inside the loops.  The cuts
 * fall on multiples of MR / NR, so every micro-tile is the one a single
 * thread would compute, summed over k in the same order: results are
 * bitwise reproducible, and identical for 1 and for N threads.
 *
 * Register-block shape: an ISA may offer several (kernels.h); each call
 * takes the one that pads C the least (choose_shape), so LeNet's 6 x 25 x
 * 50176 product runs a 6-row kernel instead of using 6 of 14 rows.
 *
 * Direct B: when B's rows are contiguous and either C has few rows (m <=
 * 2 MR: each packed B element would be used by only one or two micro-panels
 * of A, so copying B costs as much as computing with it) or B is small
 * (<= 128 KiB: it stays in L1/L2 as it is, e.g. a 64 x 64 product), the
 * micro-kernel reads B in place (ldb = B's row stride) and only the ragged
 * last NR columns are packed (their zero padding is needed).
 *
 * Tiny problems (m*n*k <= small_max) skip all of this and run the triple
 * loop of reference.h: packing and a parallel region would cost more than
 * the arithmetic.
 *
 * Packed buffers are 64-byte aligned and kept between calls (one workspace
 * per calling thread, grown when a larger problem comes), so a training
 * loop does not allocate and page-fault on every multiply.
 */
#include <stdint.h>
#include <stdlib.h>
#include "cpu.h"
#include "gemm.h"
#include "kernels.h"
#include "blocking.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(_MSC_VER)
#define ENG_ALIGN64 __declspec(align(64))
#define ENG_THREAD_LOCAL __declspec(thread)
#elif defined(__GNUC__)
#define ENG_ALIGN64 __attribute__((aligned(64)))
#define ENG_THREAD_LOCAL __thread
#else
#define ENG_ALIGN64
#define ENG_THREAD_LOCAL            /* no TLS: one workspace (callers must not overlap) */
#endif

/* ---- instruction-set choice --------------------------------------------- */

static const eng_gemm_kernels *const TABLES[ENG_ISA_COUNT] = {
    &eng_gemm_kernels_generic, &eng_gemm_kernels_avx2, &eng_gemm_kernels_avx512 };

/* eng_isa_choose (cpu.h) over this family's tables */
static int choose(const char *name)
{
    const int compiled[ENG_ISA_COUNT] = { TABLES[0]->compiled, TABLES[1]->compiled,
                                          TABLES[2]->compiled };
    return eng_isa_choose(name, compiled);
}

/* The table in use; NULL until the first call picks the fastest this CPU runs (threads
 * racing through the first call store the same value, so no lock). */
static const eng_gemm_kernels *g_kernels = NULL;

static const eng_gemm_kernels *kernels(void)
{
    if (g_kernels == NULL)
        g_kernels = TABLES[choose(NULL)];
    return g_kernels;
}

int eng_gemm_isa_available(const char *name)
{
    return name != NULL && choose(name) >= 0;
}

const char *eng_gemm_isa(void)
{
    return kernels()->name;
}

int eng_gemm_set_isa(const char *name)
{
    const int isa = name == NULL ? -1 : choose(name);
    if (isa < 0)
        return isa;
    g_kernels = TABLES[isa];
    return 0;
}

/* ---- block sizes ------------------------------------------------------------ */

static int g_kc = 0, g_mc = 0, g_nc = 0;      /* 0: the kernel table's default */
static long g_small_max = ENG_GEMM_SMALL_MAX;
static int g_shape = -1;                      /* -1: choose per call (choose_shape) */
static int g_direct_b = -1;                   /* -1: when it pays; 0: never; 1: always */
static int g_dot = -1;                        /* dot-product path: -1 when it pays; 0 never; 1 always */

void eng_gemm_set_dot(int mode)
{
    g_dot = mode < 0 ? -1 : (mode > 0);
}

void eng_gemm_set_shape(int shape, int direct_b)
{
    g_shape = shape < 0 ? -1 : shape;
    g_direct_b = direct_b < 0 ? -1 : (direct_b > 0);
}

/* Shape number `s` of table t: 0 the main one, 1.. the alternatives;
 * returns 0 (and leaves *blk, *ukr alone) when there is no such shape. */
static int shape_of(const eng_gemm_kernels *t, int is_f64, int s,
                    eng_gemm_blocks *blk, const void **ukr)
{
    if (s == 0) {
        *blk = is_f64 ? t->f64_blocks : t->f32_blocks;
        *ukr = is_f64 ? (const void *)t->f64 : (const void *)t->f32;
        return 1;
    }
    if (s > ENG_GEMM_MAX_ALT)
        return 0;
    const void *u = is_f64 ? (const void *)t->alt_f64[s - 1].ukr
                           : (const void *)t->alt_f32[s - 1].ukr;
    if (u == NULL)
        return 0;
    *blk = is_f64 ? t->alt_f64[s - 1].blocks : t->alt_f32[s - 1].blocks;
    *ukr = u;
    return 1;
}

int eng_gemm_num_shapes(int is_f64)
{
    eng_gemm_blocks b;
    const void *u;
    int s = 0;
    while (shape_of(kernels(), is_f64, s, &b, &u))
        s++;
    return s;
}

/* The shape that pads C the least: cost = the padded tile area
 * round_up(m, MR) * round_up(n, NR); a tie goes to the lower number.  E.g.
 * m = 6 -> 6 x 64, m = 16 -> 8 x 48, m = n = 96 -> 14 x 32 (6 x 64 would
 * pad 96 columns to 128), m = n = 128 -> 6 x 64 (132 rows, not 140). */
static int choose_shape(const eng_gemm_kernels *t, int is_f64, ptrdiff_t m, ptrdiff_t n)
{
    if (g_shape >= 0) {
        eng_gemm_blocks b;
        const void *u;
        return shape_of(t, is_f64, g_shape, &b, &u) ? g_shape : 0;
    }
    int best = 0;
    double best_cost = 0;
    eng_gemm_blocks b;
    const void *u;
    for (int s = 0; shape_of(t, is_f64, s, &b, &u); s++) {
        double cost = (double)((m + b.mr - 1) / b.mr * b.mr) * (double)((n + b.nr - 1) / b.nr * b.nr);
        if (s == 0 || cost < best_cost) {
            best = s;
            best_cost = cost;
        }
    }
    return best;
}

void eng_gemm_set_blocking(int kc, int mc, int nc, long small_max)
{
    g_kc = kc > 0 ? kc : 0;
    g_mc = mc > 0 ? mc : 0;
    g_nc = nc > 0 ? nc : 0;
    g_small_max = small_max < 0 ? ENG_GEMM_SMALL_MAX : small_max;
}

static ptrdiff_t round_up(ptrdiff_t x, ptrdiff_t multiple)
{
    return (x + multiple - 1) / multiple * multiple;
}

/* The blocks of shape s for one call, with any overrides (MC, NC rounded
 * up to whole micro-panels). */
static eng_gemm_blocks blocks_for(const eng_gemm_kernels *t, int is_f64, int s)
{
    eng_gemm_blocks b = is_f64 ? t->f64_blocks : t->f32_blocks;
    const void *u;
    shape_of(t, is_f64, s, &b, &u);
    if (g_kc) b.kc = g_kc;
    if (g_mc) b.mc = (int)round_up(g_mc, b.mr);
    if (g_nc) b.nc = (int)round_up(g_nc, b.nr);
    return b;
}

void eng_gemm_get_blocking(int is_f64, long out[6])
{
    const eng_gemm_kernels *t = kernels();
    eng_gemm_blocks b = blocks_for(t, is_f64, g_shape >= 0 ? choose_shape(t, is_f64, 1, 1) : 0);
    out[0] = b.mr; out[1] = b.nr; out[2] = b.kc; out[3] = b.mc; out[4] = b.nc;
    out[5] = g_small_max;
}

/* ---- the per-calling-thread workspace -------------------------------------- */

/* A buffer of at least `bytes`, 64-byte aligned (a cache line, and the
 * alignment of a zmm load), kept for the next call. */
typedef struct { void *raw; void *aligned; size_t bytes; } buffer;

static ENG_THREAD_LOCAL buffer g_apack, g_bpack, g_dotsum;

static void *reserve(buffer *buf, size_t bytes)
{
    if (bytes > buf->bytes) {
        free(buf->raw);
        buf->raw = malloc(bytes + 64);
        if (buf->raw == NULL) {
            buf->aligned = NULL;
            buf->bytes = 0;
            return NULL;
        }
        buf->aligned = (void *)(((uintptr_t)buf->raw + 63) & ~(uintptr_t)63);
        buf->bytes = bytes;
    }
    return buf->aligned;
}

/* ---- the problem, as the loops see it -------------------------------------- */

/* The loops below are written once for both types: they handle blocks by
 * their coordinates and move through the packed buffers in bytes (es =
 * element size); the typed work is done by the three functions of typed.h. */
typedef struct gemm_problem gemm_problem;
struct gemm_problem {
    ptrdiff_t m, n, k;
    const void *A, *B;
    void *C;
    ptrdiff_t rs_a, cs_a, rs_b, cs_b, rs_c, cs_c;
    double alpha, beta;
    size_t es;                 /* sizeof(float) or sizeof(double) */
    eng_gemm_blocks blk;       /* MR, NR, KC, MC, NC */
    const void *kernel;        /* the typed micro-kernel of kernels.h */
    void (*pack_a)(const gemm_problem *, ptrdiff_t i0, ptrdiff_t p0, int mr, ptrdiff_t kc, void *dst);
    void (*pack_b)(const gemm_problem *, ptrdiff_t p0, ptrdiff_t j0, int nr, ptrdiff_t kc, void *dst);
    void (*tile)(const gemm_problem *, ptrdiff_t i0, ptrdiff_t j0, int mr, int nr, ptrdiff_t kc,
                 const void *ap, const void *bp, ptrdiff_t ldb, double beta);
    int direct_b;              /* 1: full micro-panels of B are read in place */
    const void *interleave;    /* the ISA's transposing copy for packing, or NULL */
};

static ptrdiff_t min_p(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

static eng_gemm_dot_f32 dot_kernel_of_f32(const eng_gemm_kernels *t) { return t->dot_f32; }
static eng_gemm_dot_f64 dot_kernel_of_f64(const eng_gemm_kernels *t) { return t->dot_f64; }

#define real float
#define FN(name) name##_f32
#include "pack.h"
#include "reference.h"
#include "typed.h"
#undef real
#undef FN

#define real double
#define FN(name) name##_f64
#include "pack.h"
#include "reference.h"
#include "typed.h"
#undef real
#undef FN

/* ---- the five loops ---------------------------------------------------------- */

/* The five loops on the part C(i0:i1, j0:j1) of C, with packed buffers Ap, Bp
 * owned by the calling thread. */
static void gemm_part(const gemm_problem *g, ptrdiff_t i0, ptrdiff_t i1, ptrdiff_t j0,
                      ptrdiff_t j1, char *Ap, char *Bp)
{
    const ptrdiff_t k = g->k;
    const ptrdiff_t MR = g->blk.mr, NR = g->blk.nr;
    const ptrdiff_t KC = g->blk.kc, MC = g->blk.mc, NC = g->blk.nc;
    const size_t es = g->es;

    for (ptrdiff_t jc = j0; jc < j1; jc += NC) {                        /* loop 5 */
        const ptrdiff_t nc = min_p(NC, j1 - jc);
        const ptrdiff_t n_jr = (nc + NR - 1) / NR;                      /* micro-panels of B */

        for (ptrdiff_t pc = 0; pc < k; pc += KC) {                      /* loop 4 */
            const ptrdiff_t kc = min_p(KC, k - pc);
            /* The first rank-KC update applies the caller's beta; the
             * later ones add onto what the earlier ones wrote. */
            const double beta = pc == 0 ? g->beta : 1.0;

            /* pack B(pc:pc+kc, jc:jc+nc) -> Bp, one NR-column micro-panel at
             * a time (direct B: only a ragged last one) */
            for (ptrdiff_t t = 0; t < n_jr; t++) {
                const int nr = (int)min_p(NR, nc - t * NR);
                if (!g->direct_b || nr < NR)
                    g->pack_b(g, pc, jc + t * NR, nr, kc, Bp + (size_t)(t * NR * kc) * es);
            }

            for (ptrdiff_t ic = i0; ic < i1; ic += MC) {                /* loop 3 */
                const ptrdiff_t mc = min_p(MC, i1 - ic);
                const ptrdiff_t n_ir = (mc + MR - 1) / MR;              /* micro-panels of A */

                /* pack A(ic:ic+mc, pc:pc+kc) -> Ap, one MR-row micro-panel at a time */
                for (ptrdiff_t t = 0; t < n_ir; t++)
                    g->pack_a(g, ic + t * MR, pc, (int)min_p(MR, mc - t * MR), kc,
                              Ap + (size_t)(t * MR * kc) * es);

                for (ptrdiff_t jr = 0; jr < n_jr; jr++) {               /* loop 2 */
                    const int nr = (int)min_p(NR, nc - jr * NR);
                    const char *bp = Bp + (size_t)(jr * NR * kc) * es;
                    ptrdiff_t ldb = NR;
                    if (g->direct_b && nr == NR) {                      /* B in place */
                        bp = (const char *)g->B + (size_t)(pc * g->rs_b + jc + jr * NR) * es;
                        ldb = g->rs_b;
                    }
                    for (ptrdiff_t ir = 0; ir < n_ir; ir++)             /* loop 1 */
                        g->tile(g, ic + ir * MR, jc + jr * NR, (int)min_p(MR, mc - ir * MR), nr,
                                kc, Ap + (size_t)(ir * MR * kc) * es, bp, ldb, beta);
                }
            }
        }
    }
}

/* This thread's part of C, when `nthreads` threads share it: the columns
 * (or rows) are cut into nthreads runs of whole micro-tiles. */
static void part_of(ptrdiff_t m, ptrdiff_t n, ptrdiff_t MR, ptrdiff_t NR, int t, int nthreads,
                    ptrdiff_t r[4])
{
    const ptrdiff_t tiles_m = (m + MR - 1) / MR, tiles_n = (n + NR - 1) / NR;
    r[0] = 0; r[1] = m; r[2] = 0; r[3] = n;
    if (tiles_n >= tiles_m) {
        r[2] = min_p(n, tiles_n * t / nthreads * NR);
        r[3] = min_p(n, tiles_n * (t + 1) / nthreads * NR);
    } else {
        r[0] = min_p(m, tiles_m * t / nthreads * MR);
        r[1] = min_p(m, tiles_m * (t + 1) / nthreads * MR);
    }
}

/* The packed buffers of the calling thread, large enough for one part. */
static int reserve_buffers(const gemm_problem *g, char **Ap, char **Bp)
{
    const ptrdiff_t kc = min_p(g->blk.kc, g->k);
    const ptrdiff_t mc = round_up(min_p(g->blk.mc, g->m), g->blk.mr);
    const ptrdiff_t nc = round_up(min_p(g->blk.nc, g->n), g->blk.nr);
    *Ap = reserve(&g_apack, (size_t)(mc * kc) * g->es);
    *Bp = reserve(&g_bpack, (size_t)(kc * nc) * g->es);
    return *Ap != NULL && *Bp != NULL;
}

/* Threads only when there is enough work to share: ~a 64^3 multiply. */
static int threads_for(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k)
{
    return (double)m * n * k >= 262144.0 ? eng_get_num_threads() : 1;
}

/* Returns 0, or -1 when a workspace could not be allocated (then nothing
 * was written to C). */
static int gemm_blocked(const gemm_problem *g)
{
    const int nthreads = threads_for(g->m, g->n, g->k);
    char *Ap, *Bp;
    if (nthreads <= 1) {
        if (!reserve_buffers(g, &Ap, &Bp))
            return -1;
        gemm_part(g, 0, g->m, 0, g->n, Ap, Bp);
        return 0;
    }
    int failed = 0;
    #pragma omp parallel num_threads(nthreads) private(Ap, Bp)
    {
        int t = 0, T = 1;
#ifdef _OPENMP
        t = omp_get_thread_num();
        T = omp_get_num_threads();
#endif
        if (!reserve_buffers(g, &Ap, &Bp)) {   /* each OpenMP thread keeps its own */
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp barrier
        int any_failed;
        #pragma omp atomic read
        any_failed = failed;
        if (!any_failed) {
            ptrdiff_t r[4];
            part_of(g->m, g->n, g->blk.mr, g->blk.nr, t, T, r);
            if (r[0] < r[1] && r[2] < r[3])
                gemm_part(g, r[0], r[1], r[2], r[3], Ap, Bp);
        }
    }
    return failed ? -1 : 0;
}

/* ---- dot products ---------------------------------------------------------- */

/* When C has few entries and k is long (a convolution's weight gradient:
 * LeNet conv1's dW is 6 x 25 with k = 50176), each entry is one long dot
 * product of a row of op(A) with a column of op(B); when both are contiguous
 * along k, they are computed in place, a small block of them at a time
 * (dot.h, gemm_dot in typed.h): no packing, no padding of C to a 14 x 32
 * tile.  k is cut into blocks of ENG_GEMM_DOT_KB (or the KC override of
 * eng_gemm_set_blocking), so that the rows in use stay in L2. */
static int use_dot(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, ptrdiff_t cs_a, ptrdiff_t rs_b)
{
    if (g_dot == 0 || cs_a != 1 || rs_b != 1 || (double)m * n > ENG_GEMM_DOT_MAX_MN)
        return 0;
    const ptrdiff_t longer = m > n ? m : n;
    return g_dot == 1 || ((double)m * n <= ENG_GEMM_DOT_AUTO_MN && k >= ENG_GEMM_DOT_MIN_K)
                      || k >= ENG_GEMM_DOT_K_RATIO * longer;
}

static ptrdiff_t dot_kb(void)
{
    return g_kc ? g_kc : ENG_GEMM_DOT_KB;
}

/* ---- entry points ------------------------------------------------------------- */

/* C = beta * C (beta == 0: C = 0, whatever was there). */
#define SCALE_C(real)                                                         \
    for (ptrdiff_t i = 0; i < m; i++)                                         \
        for (ptrdiff_t j = 0; j < n; j++) {                                   \
            real *c = C + i * rs_c + j * cs_c;                                \
            *c = beta == 0 ? (real)0 : beta * *c;                             \
        }

/* Fill in the blocks, kernel and buffers; run the loops.  Returns 0, or -1
 * when the workspace could not be allocated (then nothing was computed). */
static int run_blocked(gemm_problem *g, int is_f64)
{
    const eng_gemm_kernels *t = kernels();
    const int s = choose_shape(t, is_f64, g->m, g->n);
    eng_gemm_blocks unused;
    shape_of(t, is_f64, s, &unused, &g->kernel);
    g->blk = blocks_for(t, is_f64, s);
    g->interleave = is_f64 ? (const void *)t->interleave_f64 : (const void *)t->interleave_f32;
    g->direct_b = g_direct_b >= 0 ? (g_direct_b && g->cs_b == 1)
                                  : (g->cs_b == 1 && (g->m <= 2 * (ptrdiff_t)g->blk.mr ||
                                                      (double)g->k * g->n * g->es <= 128 * 1024));
    return gemm_blocked(g);
}

void eng_gemm_f32(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                  const float *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                  const float *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                  float beta, float *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0) {
        SCALE_C(float)
        return;
    }
    if ((double)m * n * k <= (double)g_small_max) {
        gemm_reference_f32(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
        return;
    }
    gemm_problem g = { m, n, k, A, B, C, rs_a, cs_a, rs_b, cs_b, rs_c, cs_c, alpha, beta,
                       sizeof(float), { 0, 0, 0, 0, 0 }, NULL, pack_a_f32, pack_b_f32, tile_f32, 0, NULL };
    if (use_dot(m, n, k, cs_a, rs_b) && gemm_dot_f32(&g, kernels(), dot_kb(), threads_for(m, n, k)) == 0)
        return;
    if (run_blocked(&g, 0) != 0)    /* out of memory: the slow loop still gives the answer */
        gemm_reference_f32(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
}

void eng_gemm_f64(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
                  const double *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                  const double *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                  double beta, double *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0) {
        SCALE_C(double)
        return;
    }
    if ((double)m * n * k <= (double)g_small_max) {
        gemm_reference_f64(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
        return;
    }
    gemm_problem g = { m, n, k, A, B, C, rs_a, cs_a, rs_b, cs_b, rs_c, cs_c, alpha, beta,
                       sizeof(double), { 0, 0, 0, 0, 0 }, NULL, pack_a_f64, pack_b_f64, tile_f64, 0, NULL };
    if (use_dot(m, n, k, cs_a, rs_b) && gemm_dot_f64(&g, kernels(), dot_kb(), threads_for(m, n, k)) == 0)
        return;
    if (run_blocked(&g, 1) != 0)
        gemm_reference_f64(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
}

void eng_gemm_reference_f32(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                            const float *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                            const float *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                            float beta, float *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    gemm_reference_f32(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
}

void eng_gemm_reference_f64(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
                            const double *A, ptrdiff_t rs_a, ptrdiff_t cs_a,
                            const double *B, ptrdiff_t rs_b, ptrdiff_t cs_b,
                            double beta, double *C, ptrdiff_t rs_c, ptrdiff_t cs_c)
{
    gemm_reference_f64(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
}
