/*
 * conv/winograd_fused_body.h -- a whole F(tile x tile, 3x3) convolution, block of tiles by
 * block of tiles, so that the transformed tiles are used while they are still in the cache.
 * Written once for REAL = float or double (common/template.h; instantiated by
 * winograd_kernels.h after winograd_steps_body.h, whose row transforms it uses).
 *
 * The three-pass way (winograd_input for all tiles, K GEMMs, winograd_output) writes V and
 * M, each K x channels x tiles values (K = 16 entries per tile for F(2x2, 3x3), 36 for
 * F(4x4, 3x3); 2 MiB per 32 x 32 image with 64 channels and F(2x2, 3x3)), to memory and
 * reads them back.  Here the tiles are cut into blocks of about ENG_WINOGRAD_FUSED_BYTES
 * of V_blk and M_blk (whole images, or whole rows of tiles of one image: winograd_plan_for),
 * and each block goes through all three steps at once:
 *
 *     V_blk[k] (C x T) = B^T d B            for the block's T tiles      (wg_input_rows)
 *     M_blk[k] (O x T) = U[k] (O x C) . V_blk[k]     k = 0 .. K-1         (the engine's GEMM)
 *     y                = A^T M_blk A + bias                               (wg_output_row)
 *
 * With 64 channels, float and F(2x2, 3x3): T = 256 tiles (one 32 x 32 image), V_blk and M_blk
 * 1 MiB each.
 * The output transform notes any NaN or infinity it writes: the call then returns 1, and the
 * caller can take another path (a NaN or an infinity in the data, spread over a tile by the
 * transforms' differences, or an overflow inside them; engine/ops/conv.py).
 * Blocks are shared out among the threads (each with its own V_blk, M_blk); the GEMMs
 * inside run on the thread that calls them.  The blocks do not depend on the thread count,
 * so neither does any output value: the results are bitwise reproducible.
 *
 * NO include guard on purpose (read once per type).
 */

static int SFX(wg_conv)(const REAL *x, const REAL *u, const REAL *bias, REAL *y, ptrdiff_t n,
                        ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w, ptrdiff_t ph,
                        ptrdiff_t pw, int tile)
{
    const winograd_plan p = winograd_plan_for(n, C, O, h, w, ph, pw, tile,
                                              (ptrdiff_t)sizeof(REAL));
    const ptrdiff_t K = p.K, oh = p.oh, ow = p.ow, tw = p.tw, blocks = p.blocks;
    const ptrdiff_t ldv = p.ldv, ldm = p.ldm;
    const size_t bytes = (size_t)(K * (ldv + ldm)) * sizeof(REAL);
    int failed = 0, nonfinite = 0;
    const int threads = blocks > 1 && K * (C + O) * p.T_max * blocks >= ENG_WINOGRAD_PAR_MIN
                        ? eng_get_num_threads() : 1;
    eng_team_clock clock;                    /* (common/team.h: is the team worth it?) */
    eng_team_start(&clock, threads);
#pragma omp parallel num_threads(threads) if(parallel: threads > 1)
    {
    const double began = eng_team_now();
    ptrdiff_t blk, done = 0;
#pragma omp for schedule(static) nowait
    for (blk = 0; blk < blocks; blk++) {
        done++;
        REAL *v = (REAL *)winograd_fused_buffer(bytes);         /* this thread's V_blk, M_blk */
        if (v == NULL) {
#ifdef _OPENMP  /* (a serial build warns on the pragma) */
#pragma omp atomic write
#endif
            failed = 1;
            continue;
        }
        REAL *m = v + K * ldv;
        ptrdiff_t img0, imgs, i0, i1, g, c, o, i, k;
        winograd_block(&p, n, blk, &img0, &imgs, &i0, &i1);
        const ptrdiff_t per = (i1 - i0) * tw, T = imgs * per;  /* tiles per image, in all */
        for (g = 0; g < imgs; g++)                             /* V_blk[k][c][tile] */
            for (c = 0; c < C; c++)
                SFX(wg_input_rows)(tile, x + ((img0 + g) * C + c) * h * w, h, w, ph, pw, i0,
                                   i1, tw, v + c * T + g * per, ldv);
        for (k = 0; k < K; k++)                                /* M_blk[k] = U[k] V_blk[k] */
            SFX(eng_gemm)(O, T, C, 1, u + (ptrdiff_t)k * O * C, C, 1, v + (ptrdiff_t)k * ldv,
                          T, 1, 0, m + (ptrdiff_t)k * ldm, T, 1);
        int bad = 0;
        for (g = 0; g < imgs; g++)                             /* y = A^T M_blk A + bias */
            for (o = 0; o < O; o++)
                for (i = i0; i < i1; i++)
                    bad |= SFX(wg_output_row)(tile, m + o * T + g * per + (i - i0) * tw, ldm,
                                              bias ? bias[o] : (REAL)0,
                                              y + ((img0 + g) * O + o) * oh * ow, oh, ow, i,
                                              tw);
        if (bad) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            nonfinite = 1;
        }
    }
    eng_team_done(&clock, began, (double)done, (double)blocks);
    }
    eng_team_finish(&clock);
    return failed ? -1 : nonfinite;
}
