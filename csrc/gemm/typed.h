/*
 * gemm/typed.h -- what GEMM does for one type: the entry point, the steps the
 * loops call back, the dot-product path.
 *
 * A template body (common/template.h) that gemm.c reads once per type.  The
 * loop nest in loops.c works on untyped pointers (bytes); these three
 * functions turn its block coordinates into typed pointers and do the work:
 *
 *   pack_a  one MR-row micro-panel of A(i0 : i0+mr, p0 : p0+kc)   (pack.h)
 *   pack_b  one NR-col micro-panel of B(p0 : p0+kc, j0 : j0+nr)   (pack.h)
 *   tile    the micro-kernel on one tile C(i0 : i0+mr, j0 : j0+nr)
 *
 * eng_gemm_f32 / _f64 (gemm.h), at the end, choose the path (gemm.c).
 */

static void SFX(pack_a)(const gemm_problem *g, ptrdiff_t i0, ptrdiff_t p0, int mr,
                        ptrdiff_t kc, void *dst)
{
    const REAL *A = (const REAL *)g->A + i0 * g->rs_a + p0 * g->cs_a;
    SFX(pack_a_panel)(kc, mr, g->blk.mr, A, g->rs_a, g->cs_a, (REAL *)dst,
                      (SFX(eng_gemm_interleave))g->interleave);
}

static void SFX(pack_b)(const gemm_problem *g, ptrdiff_t p0, ptrdiff_t j0, int nr,
                        ptrdiff_t kc, void *dst)
{
    const REAL *B = (const REAL *)g->B + p0 * g->rs_b + j0 * g->cs_b;
    SFX(pack_b_panel)(kc, nr, g->blk.nr, B, g->rs_b, g->cs_b, (REAL *)dst,
                      (SFX(eng_gemm_interleave))g->interleave);
}

/* C tile = alpha * (A micro-panel) x (B micro-panel) + beta * C tile;
 * the A micro-panel is packed (lda = 0) or A itself (direct A, lda = rs_a: full tiles only),
 * the B micro-panel is packed (ldb = NR) or B itself (direct B, ldb = rs_b).
 * Full tiles of a C with unit column stride go straight to the kernel, and so do edge
 * tiles (mr < MR or nr < NR) where the ISA has an edge kernel (stores with masks); other
 * edge tiles and odd strides go through a scratch tile, of which only the valid mr x nr
 * part is written back. */
static void SFX(tile)(const gemm_problem *g, ptrdiff_t i0, ptrdiff_t j0, int mr, int nr,
                      ptrdiff_t kc, const void *ap, ptrdiff_t lda, const void *bp, ptrdiff_t ldb,
                      double beta_d)
{
    const int MR = g->blk.mr, NR = g->blk.nr;
    const REAL alpha = (REAL)g->alpha, beta = (REAL)beta_d;
    const SFX(eng_gemm_ukr) kernel = (SFX(eng_gemm_ukr))g->kernel;
    const SFX(eng_gemm_ukr_direct) direct = (SFX(eng_gemm_ukr_direct))g->kernel_direct;
    const SFX(eng_gemm_ukr_edge) edge = (SFX(eng_gemm_ukr_edge))g->kernel_edge;
    const REAL *a = (const REAL *)ap, *b = (const REAL *)bp;
    REAL *C = (REAL *)g->C + i0 * g->rs_c + j0 * g->cs_c;
    if (g->cs_c == 1 && mr == MR && nr == NR) {
        if (lda)
            direct(kc, a, lda, b, ldb, C, g->rs_c, alpha, beta);
        else
            kernel(kc, a, b, ldb, C, g->rs_c, alpha, beta);
        return;
    }
    if (g->cs_c == 1 && edge != NULL) {
        edge(kc, a, lda, b, ldb, C, g->rs_c, alpha, beta, mr, nr);
        return;
    }
    ENG_ALIGN64 REAL scratch[ENG_GEMM_MAX_TILE];
    if (lda)
        direct(kc, a, lda, b, ldb, scratch, NR, alpha, 0);
    else
        kernel(kc, a, b, ldb, scratch, NR, alpha, 0);
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) {
            REAL *c = C + i * g->rs_c + j * g->cs_c;
            *c = beta == 0 ? scratch[i * NR + j] : scratch[i * NR + j] + beta * *c;
        }
}

/* Thread th of T's share of the dot-product path below: its blocks of dot products (the
 * blocks numbered nb * th / T up to nb * (th + 1) / T), over every block of k, then their
 * entries of C. */
static void SFX(dot_blocks)(const gemm_problem *g, const eng_gemm_kernels *t, ptrdiff_t KB,
                            REAL *vsum, int th, int T)
{
    const SFX(eng_gemm_dot) dot = SFX(dot_kernel_of)(t);
    const SFX(eng_gemm_dot_finish) finish = SFX(dot_finish_of)(t);
    const ptrdiff_t m = g->m, n = g->n, k = g->k;
    const int DMR = t->dot_mr, DNR = t->dot_nr;
    const ptrdiff_t lanes = t->dot_bytes / (ptrdiff_t)sizeof(REAL);
    const ptrdiff_t bm = (m + DMR - 1) / DMR, bn = (n + DNR - 1) / DNR, nb = bm * bn;
    /* Block order: the blocks along the smaller of m and n vary fastest, so that
     * operand (m or n rows of KB values) is re-read from L2 while each block of
     * the other one passes through once. */
    const int rows_inner = m <= n;
    const REAL *A = (const REAL *)g->A, *B = (const REAL *)g->B;
    REAL *C = (REAL *)g->C;
    const REAL alpha = (REAL)g->alpha, beta = (REAL)g->beta;
    REAL *tail = vsum + m * n * lanes;
    const ptrdiff_t b0 = nb * th / T, b1 = nb * (th + 1) / T;        /* this thread's blocks */
    for (ptrdiff_t p0 = 0; p0 < k; p0 += KB) {
        const ptrdiff_t kb = min_p(KB, k - p0);
        for (ptrdiff_t blk = b0; blk < b1; blk++) {
            const ptrdiff_t i0 = (rows_inner ? blk % bm : blk / bn) * DMR;
            const ptrdiff_t j0 = (rows_inner ? blk / bm : blk % bn) * DNR;
            const int mr = (int)min_p(DMR, m - i0), nr = (int)min_p(DNR, n - j0);
            dot(kb, A + i0 * g->rs_a + p0, g->rs_a, mr, B + j0 * g->cs_b + p0, g->cs_b, nr,
                vsum + (i0 * n + j0) * lanes, tail + i0 * n + j0, n, p0 == 0);
        }
    }
    for (ptrdiff_t blk = b0; blk < b1; blk++) {                      /* C = alpha sum + beta C */
        const ptrdiff_t i0 = (rows_inner ? blk % bm : blk / bn) * DMR;
        const ptrdiff_t j0 = (rows_inner ? blk / bm : blk % bn) * DNR;
        const int mr = (int)min_p(DMR, m - i0), nr = (int)min_p(DNR, n - j0);
        for (int i = 0; i < mr; i++) {
            REAL sums[4];
            finish(nr, vsum + ((i0 + i) * n + j0) * lanes, tail + (i0 + i) * n + j0, sums);
            for (int j = 0; j < nr; j++) {
                REAL *c = C + (i0 + i) * g->rs_c + (j0 + j) * g->cs_c;
                const REAL s = alpha * sums[j];
                *c = beta == 0 ? s : s + beta * *c;
            }
        }
    }
}

/* The dot-product path (see use_dot in gemm.c): C = alpha * (the
 * m x n dot products of op(A)'s rows with op(B)'s columns) + beta * C, with
 * op(A)'s rows (cs_a == 1) and op(B)'s columns (rs_b == 1) contiguous along
 * k and m * n <= ENG_GEMM_DOT_MAX_MN.  k is cut into blocks of KB; each
 * entry's partial sums are carried from block to block as vectors (dot.h) and
 * summed at the end.  The blocks of dot products (dot_mr x dot_nr) are shared
 * out among the threads, each entry computed whole by one thread: the same
 * additions in the same order for any number of threads.  Returns 0, or -1
 * when the ISA has no dot kernel or the sums' buffer is out of reach. */
static int SFX(gemm_dot)(const gemm_problem *g, const eng_gemm_kernels *t, ptrdiff_t KB,
                         int nthreads)
{
    if (SFX(dot_kernel_of)(t) == NULL || SFX(dot_finish_of)(t) == NULL)
        return -1;
    const ptrdiff_t m = g->m, n = g->n;
    const ptrdiff_t lanes = t->dot_bytes / (ptrdiff_t)sizeof(REAL);
    const ptrdiff_t nb = ((m + t->dot_mr - 1) / t->dot_mr) * ((n + t->dot_nr - 1) / t->dot_nr);
    if (KB <= 0)
        KB = dot_block_k(m <= n ? m : n, m <= n ? t->dot_nr : t->dot_mr, sizeof(REAL));
    /* each entry's running vector of lane sums (vsum) and tail: the calling thread's buffer,
     * shared by the team (each entry is written by one thread only) */
    const double bytes = (double)m * n * (double)(lanes + 1) * sizeof(REAL);
    if (bytes > ENG_GEMM_DOT_MAX_BYTES)
        return -1;
    REAL *vsum = (REAL *)eng_gemm_workspace(ENG_GEMM_DOT_SUMS, (size_t)bytes);
    if (vsum == NULL)
        return -1;
    if (nthreads > nb)
        nthreads = (int)nb;
    if (nthreads <= 1) {        /* (a parallel region costs even when it runs one thread) */
        SFX(dot_blocks)(g, t, KB, vsum, 0, 1);
        return 0;
    }
    #pragma omp parallel num_threads(nthreads)
    {
        int th, T;
        eng_gemm_team_place(&th, &T);
        SFX(dot_blocks)(g, t, KB, vsum, th, T);
    }
    return 0;
}

/* Packs op(B)'s last r columns (ragged_columns in gemm.c) for ragged.h's dot products: rows
 * of kp values (k rounded up to a whole vector, zeros past k; four rows, zeros past r) in
 * the calling thread's buffer for them (its own: the blocked path uses the one for packed B
 * meanwhile).  NULL when the buffer cannot be had: the blocked path then computes all of C. */
static REAL *SFX(pack_ragged)(const gemm_problem *g, const eng_gemm_kernels *t, int r)
{
    const ptrdiff_t k = g->k, kp = round_up(k, t->vector_bytes / (ptrdiff_t)sizeof(REAL));
    REAL *bt = (REAL *)eng_gemm_workspace(ENG_GEMM_RAGGED_B, (size_t)(ENG_GEMM_RAGGED_MAX_COLS
                                                                      * kp) * sizeof(REAL));
    if (bt == NULL)
        return NULL;
    const ptrdiff_t rs_b = g->rs_b, cs_b = g->cs_b;
    const REAL *B = (const REAL *)g->B + (g->n - r) * cs_b;
    for (int j = 0; j < ENG_GEMM_RAGGED_MAX_COLS; j++) {
        REAL *restrict row = bt + j * kp;
        const REAL *col = B + j * cs_b;
        ptrdiff_t p = 0;
        if (j < r)
            for (; p < k; p++)
                row[p] = col[p * rs_b];
        for (; p < kp; p++)
            row[p] = 0;
    }
    return bt;
}

/* Thread th of T's rows of C's last g->ragged columns, those past the blocked path's g->n,
 * from B's packed columns (pack_ragged) by ragged.h's dot products; loops.c calls it after
 * the thread's part of the blocked path.  Each entry is summed whole, in the same order,
 * whichever thread and block of rows computes it: the bits do not depend on the thread
 * count. */
static void SFX(ragged_part)(const gemm_problem *g, int th, int T)
{
    const eng_gemm_kernels *t = kernels();
    const ptrdiff_t m = g->m, k = g->k;
    const ptrdiff_t kp = round_up(k, t->vector_bytes / (ptrdiff_t)sizeof(REAL));
    const ptrdiff_t i0 = m * th / T / 8 * 8, i1 = th == T - 1 ? m : m * (th + 1) / T / 8 * 8;
    if (i1 > i0)
        SFX(ragged_kernel_of)(t)(i1 - i0, k, g->ragged, (const REAL *)g->A + i0 * g->rs_a,
                                 g->rs_a, (const REAL *)g->ragged_b, kp, (REAL)g->alpha,
                                 (REAL)g->beta, (REAL *)g->C + i0 * g->rs_c + g->n * g->cs_c,
                                 g->rs_c, g->cs_c);
}

/* C = beta * C (beta == 0: C = 0, whatever was there). */
static void SFX(scale_c)(ptrdiff_t m, ptrdiff_t n, REAL beta, REAL *C, ptrdiff_t rs_c,
                         ptrdiff_t cs_c)
{
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            REAL *c = C + i * rs_c + j * cs_c;
            *c = beta == 0 ? (REAL)0 : beta * *c;
        }
}

ENG_GEMM_SIGNATURE(SFX(eng_gemm), REAL)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0) {
        SFX(scale_c)(m, n, beta, C, rs_c, cs_c);
        return;
    }
    if ((double)m * n * k <= (double)g_small_max) {
        SFX(eng_gemm_reference)(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c, cs_c);
        return;
    }
    gemm_problem g = { m, n, k, A, B, C, rs_a, cs_a, rs_b, cs_b, rs_c, cs_c, alpha, beta,
                       sizeof(REAL), { 0, 0, 0, 0, 0 }, NULL, SFX(pack_a), SFX(pack_b), SFX(tile),
                       0, 0, NULL, NULL, NULL, NULL, 0, NULL };
    if (use_dot(m, n, k, cs_a, rs_b)
            && SFX(gemm_dot)(&g, kernels(), dot_kb(), eng_gemm_threads_for(m, n, k)) == 0)
        return;
    const int ragged = ragged_columns(kernels(), &g);
    if (ragged && (g.ragged_b = SFX(pack_ragged)(&g, kernels(), ragged)) != NULL) {
        g.ragged = ragged;
        g.last_columns = SFX(ragged_part);
        g.n = n - ragged;                            /* the blocked path's columns */
    }
    if (run_blocked(&g, sizeof(REAL) == sizeof(double)) != 0)  /* out of memory: the slow */
        SFX(eng_gemm_reference)(m, n, k, alpha, A, rs_a, cs_a, B, rs_b, cs_b, beta, C, rs_c,
                                cs_c);                         /* loop still gives the answer */
}
