/*
 * gemm/loops.c -- the five loops around the micro-kernel, and how threads share them.
 *
 * The algorithm (Goto; Van Zee & van de Geijn, "BLIS", 2015) is five loops
 * around a micro-kernel.  Reading from the outside in:
 *
 *   for jc in 0..n step NC          loop 5: a KC x NC panel of B ...
 *     for pc in 0..k step KC        loop 4: ... one rank-KC update at a time
 *       pack B(pc:+KC, jc:+NC)      -> Bp, in the L3 cache
 *       for ic in 0..m step MC      loop 3: an MC x KC block of A ...
 *         pack A(ic:+MC, pc:+KC)    -> Ap, in the L2 cache
 *         for jr in 0..NC step NR   loop 2: a KC x NR micro-panel of Bp (L1)
 *           for ir in 0..MC step MR loop 1: an MR x KC micro-panel of Ap
 *             micro-kernel: C(ic+ir:+MR, jc+jr:+NR) += Ap_ir * Bp_jr
 *
 * Each level keeps one operand in one cache level while the loop inside it
 * streams the others (blocking.h has the sizes and the reasoning).  The
 * micro-kernel keeps its MR x NR tile of C in registers for all KC steps.
 * The loops are written once for both types: they handle blocks by their
 * coordinates and move through the packed buffers in bytes (es = element
 * size); the typed work is done by the three functions of typed.h.
 *
 * Threads (OpenMP): C is cut into one part per thread -- its columns when C
 * has more micro-tiles across than down (wide C, e.g. a convolution's
 * W * cols), else its rows -- and each thread runs all five loops on its
 * part with its own packed buffers: no barrier inside the loops.  The cuts
 * fall on multiples of MR / NR, so every micro-tile is the one a single
 * thread would compute, summed over k in the same order: results are
 * bitwise reproducible, and identical for 1 and for N threads.  When C's last
 * few columns are left to dot products (g->last_columns, typed.h), each thread
 * then computes its rows of them, in the same region.
 *
 * Packed buffers are 64-byte aligned and kept between calls (one workspace
 * per thread, grown when a larger problem comes: workspace.c), so a training
 * loop does not allocate and page-fault on every multiply.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/cpu.h"
#include "common/team.h"
#include "gemm/problem.h"

#ifdef _OPENMP
#include <omp.h>
#endif

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
    /* With A read in place, a ragged last micro-panel (mr < MR rows) can be the MR rows
     * that end at the part's last row instead: its first MR - mr rows overlap the tile
     * above, and are written again with the same values (the same kernel adds the same
     * products in the same order).  The full tile goes straight to C, with no packed
     * zeros and no scratch copy.  Only where C is written, not updated (beta 0 and one
     * rank-KC update: a second pass would add those rows twice). */
    const int overlap_last = g->direct_a && g->beta == 0 && k <= KC && i1 - i0 >= MR;

    for (ptrdiff_t jc = j0; jc < j1; jc += NC) {                        /* loop 5 */
        const ptrdiff_t nc = min_p(NC, j1 - jc);
        const ptrdiff_t n_jr = (nc + NR - 1) / NR;                      /* micro-panels of B */

        for (ptrdiff_t pc = 0; pc < k; pc += KC) {                      /* loop 4 */
            const ptrdiff_t kc = min_p(KC, k - pc);
            /* The first rank-KC update applies the caller's beta; the
             * later ones add onto what the earlier ones wrote. */
            const double beta = pc == 0 ? g->beta : 1.0;

            /* pack B(pc:pc+kc, jc:jc+nc) -> Bp, one NR-column micro-panel at
             * a time (direct B: only a ragged last one, and none where an edge kernel
             * reads its columns in place with a mask) */
            for (ptrdiff_t t = 0; t < n_jr; t++) {
                const int nr = (int)min_p(NR, nc - t * NR);
                if (!g->direct_b || (nr < NR && g->kernel_edge == NULL))
                    g->pack_b(g, pc, jc + t * NR, nr, kc, Bp + (size_t)(t * NR * kc) * es);
            }

            for (ptrdiff_t ic = i0; ic < i1; ic += MC) {                /* loop 3 */
                const ptrdiff_t mc = min_p(MC, i1 - ic);
                const ptrdiff_t n_ir = (mc + MR - 1) / MR;              /* micro-panels of A */

                /* pack A(ic:ic+mc, pc:pc+kc) -> Ap, one MR-row micro-panel at a time
                 * (direct A: only a ragged last one) */
                for (ptrdiff_t t = 0; t < n_ir; t++) {
                    const int mr = (int)min_p(MR, mc - t * MR);
                    if (!g->direct_a || (mr < MR && !overlap_last))
                        g->pack_a(g, ic + t * MR, pc, mr, kc, Ap + (size_t)(t * MR * kc) * es);
                }

                for (ptrdiff_t jr = 0; jr < n_jr; jr++) {               /* loop 2 */
                    const int nr = (int)min_p(NR, nc - jr * NR);
                    const char *bp = Bp + (size_t)(jr * NR * kc) * es;
                    ptrdiff_t ldb = NR;
                    if (g->direct_b && (nr == NR || g->kernel_edge != NULL)) {  /* in place */
                        bp = (const char *)g->B + (size_t)(pc * g->rs_b + jc + jr * NR) * es;
                        ldb = g->rs_b;
                    }
                    for (ptrdiff_t ir = 0; ir < n_ir; ir++) {           /* loop 1 */
                        int mr = (int)min_p(MR, mc - ir * MR);
                        ptrdiff_t row = ic + ir * MR;
                        const char *ap = Ap + (size_t)(ir * MR * kc) * es;
                        ptrdiff_t lda = 0;
                        if (g->direct_a && (mr == MR || overlap_last)) {  /* A in place */
                            row -= MR - mr;                 /* (the overlapping last tile) */
                            mr = (int)MR;
                            ap = (const char *)g->A + (size_t)(row * g->rs_a + pc) * es;
                            lda = g->rs_a;
                        }
                        g->tile(g, row, jc + jr * NR, mr, nr, kc, ap, lda, bp, ldb, beta);
                    }
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
    *Ap = eng_gemm_workspace(ENG_GEMM_PACKED_A, (size_t)(mc * kc) * g->es);
    *Bp = eng_gemm_workspace(ENG_GEMM_PACKED_B, (size_t)(kc * nc) * g->es);
    return *Ap != NULL && *Bp != NULL;
}

/* Threads only when there is enough work to share: more than a 64^3 multiply (at 64^3,
 * ~2 us of arithmetic, starting and joining a team costs about as much as it saves).  A
 * GEMM called from inside a parallel region (the fused Winograd convolution runs its GEMMs
 * on its own threads) stays on its thread: no nested team. */
int eng_gemm_threads_for(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k)
{
#ifdef _OPENMP
    if (omp_in_parallel())
        return 1;
#endif
    return (double)m * n * k > 262144.0 ? eng_get_num_threads() : 1;
}

/* All of C: one part, or one part per thread (see the top of this file). */
int eng_gemm_blocked(const gemm_problem *g)
{
    const int nthreads = eng_gemm_threads_for(g->m, g->n, g->k);
    char *Ap, *Bp;
    if (nthreads <= 1) {
        if (!reserve_buffers(g, &Ap, &Bp))
            return -1;
        gemm_part(g, 0, g->m, 0, g->n, Ap, Bp);
        if (g->last_columns != NULL)
            g->last_columns(g, 0, 1);
        return 0;
    }
    int failed = 0;
    eng_team_clock clock;                    /* (common/team.h: is the team worth it?) */
    eng_team_start(&clock, nthreads);
    #pragma omp parallel num_threads(nthreads) private(Ap, Bp)
    {
        int t, T;
        eng_gemm_team_place(&t, &T);
        if (!reserve_buffers(g, &Ap, &Bp)) {   /* each OpenMP thread keeps its own */
#ifdef _OPENMP  /* (a serial build has one thread; -fopenmp-simd warns on these pragmas) */
            #pragma omp atomic write
#endif
            failed = 1;
        }
#ifdef _OPENMP
        #pragma omp barrier
#endif
        int any_failed;
#ifdef _OPENMP
        #pragma omp atomic read
#endif
        any_failed = failed;
        if (!any_failed) {
            const double began = eng_team_now();
            ptrdiff_t r[4];
            part_of(g->m, g->n, g->blk.mr, g->blk.nr, t, T, r);
            if (r[0] < r[1] && r[2] < r[3])
                gemm_part(g, r[0], r[1], r[2], r[3], Ap, Bp);
            if (g->last_columns != NULL)         /* (its share of rows: about its share) */
                g->last_columns(g, t, T);
            eng_team_done(&clock, began, (double)(r[1] - r[0]) * (double)(r[3] - r[2]),
                          (double)g->m * (double)g->n);
        }
    }
    eng_team_finish(&clock);
    return failed ? -1 : 0;
}
