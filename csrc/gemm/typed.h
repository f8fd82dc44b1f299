/*
 * gemm/typed.h -- the per-type steps that the loops of gemm.c call.
 *
 * Included twice by gemm.c, with `real` = float / double and FN(name) =
 * name_f32 / name_f64.  The loop nest in gemm.c works on untyped pointers
 * (bytes); these three functions turn its block coordinates into typed
 * pointers and do the work:
 *
 *   pack_a  one MR-row micro-panel of A(i0 : i0+mr, p0 : p0+kc)   (pack.h)
 *   pack_b  one NR-col micro-panel of B(p0 : p0+kc, j0 : j0+nr)   (pack.h)
 *   tile    the micro-kernel on one tile C(i0 : i0+mr, j0 : j0+nr)
 */

static void FN(pack_a)(const gemm_problem *g, ptrdiff_t i0, ptrdiff_t p0, int mr,
                       ptrdiff_t kc, void *dst)
{
    const real *A = (const real *)g->A + i0 * g->rs_a + p0 * g->cs_a;
    FN(pack_a_panel)(kc, mr, g->blk.mr, A, g->rs_a, g->cs_a, (real *)dst);
}

static void FN(pack_b)(const gemm_problem *g, ptrdiff_t p0, ptrdiff_t j0, int nr,
                       ptrdiff_t kc, void *dst)
{
    const real *B = (const real *)g->B + p0 * g->rs_b + j0 * g->cs_b;
    FN(pack_b_panel)(kc, nr, g->blk.nr, B, g->rs_b, g->cs_b, (real *)dst);
}

/* C tile = alpha * (packed A micro-panel) x (B micro-panel) + beta * C tile;
 * the B micro-panel is packed (ldb = NR) or B itself (direct B, ldb = rs_b).
 * Full tiles of a C with unit column stride go straight to the kernel; edge
 * tiles (mr < MR or nr < NR) and odd strides go through a scratch tile, of
 * which only the valid mr x nr part is written back. */
static void FN(tile)(const gemm_problem *g, ptrdiff_t i0, ptrdiff_t j0, int mr, int nr,
                     ptrdiff_t kc, const void *ap, const void *bp, ptrdiff_t ldb, double beta_d)
{
    const int MR = g->blk.mr, NR = g->blk.nr;
    const real alpha = (real)g->alpha, beta = (real)beta_d;
    const FN(eng_gemm_ukr) kernel = (FN(eng_gemm_ukr))g->kernel;
    real *C = (real *)g->C + i0 * g->rs_c + j0 * g->cs_c;
    if (mr == MR && nr == NR && g->cs_c == 1) {
        kernel(kc, (const real *)ap, (const real *)bp, ldb, C, g->rs_c, alpha, beta);
        return;
    }
    ENG_ALIGN64 real scratch[ENG_GEMM_MAX_TILE];
    kernel(kc, (const real *)ap, (const real *)bp, ldb, scratch, NR, alpha, 0);
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) {
            real *c = C + i * g->rs_c + j * g->cs_c;
            *c = beta == 0 ? scratch[i * NR + j] : scratch[i * NR + j] + beta * *c;
        }
}
