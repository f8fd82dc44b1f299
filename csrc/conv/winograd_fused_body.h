/*
 * conv/winograd_fused_body.h -- a whole F(2x2, 3x3) convolution, block of tiles by block of
 * tiles, so that the transformed tiles are used while they are still in the cache.  Written
 * once for REAL = float or double (common/template.h; instantiated by winograd.c after
 * winograd_body.h, whose row transforms it uses).
 *
 * The three-pass way (winograd_input for all tiles, 16 GEMMs, winograd_output) writes V and
 * M, each 16 x channels x tiles values (2 MiB per 32 x 32 image with 64 channels), to memory
 * and reads them back.  Here the tiles are cut into blocks of about ENG_WINOGRAD_FUSED_BYTES
 * of V_blk and M_blk (whole rows of tiles of one image), and each block goes through all
 * three steps at once:
 *
 *     V_blk[k] (C x T) = B^T d B            for the block's T tiles      (winograd_input_rows)
 *     M_blk[k] (O x T) = U[k] (O x C) . V_blk[k]     k = 0 .. 15          (the engine's GEMM)
 *     y                = A^T M_blk A + bias                               (winograd_output_row)
 *
 * With 64 channels and float: T = 256 tiles (one 32 x 32 image), V_blk and M_blk 1 MiB each.
 * Blocks are shared out among the threads (each with its own V_blk, M_blk); the GEMMs
 * inside run on the thread that calls them.  Every output value is computed the same way
 * whatever the block size or thread count: the results are bitwise reproducible.
 *
 * NO include guard on purpose (read once per type).
 */

int SFX(eng_winograd_conv)(const REAL *x, const REAL *u, const REAL *bias, REAL *y,
                           ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                           ptrdiff_t ph, ptrdiff_t pw)
{
    const winograd_plan p = winograd_plan_for(n, C, O, h, w, ph, pw, (ptrdiff_t)sizeof(REAL));
    const ptrdiff_t oh = p.oh, ow = p.ow, th = p.th, tw = p.tw, rows = p.rows;
    const ptrdiff_t per_image = p.per_image, blocks = p.blocks;
    const ptrdiff_t ldv = p.ldv, ldm = p.ldm;
    const size_t bytes = (size_t)(16 * (ldv + ldm)) * sizeof(REAL);
    int failed = 0;
    ptrdiff_t blk;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: blocks > 1 && 16 * (C + O) * p.T_max * blocks >= ENG_WINOGRAD_PAR_MIN)
    for (blk = 0; blk < blocks; blk++) {
        REAL *v = (REAL *)winograd_fused_buffer(bytes);         /* this thread's V_blk, M_blk */
        if (v == NULL) {
#ifdef _OPENMP  /* (a serial build warns on the pragma) */
#pragma omp atomic write
#endif
            failed = 1;
            continue;
        }
        REAL *m = v + 16 * ldv;
        const ptrdiff_t img = blk / per_image, i0 = blk % per_image * rows;
        const ptrdiff_t i1 = i0 + rows < th ? i0 + rows : th, T = (i1 - i0) * tw;
        ptrdiff_t c, o, i;
        int k;
        for (c = 0; c < C; c++)                                /* V_blk[k][c][tile] */
            SFX(winograd_input_rows)(x + (img * C + c) * h * w, h, w, ph, pw, i0, i1, tw,
                                     v + c * T, ldv);
        for (k = 0; k < 16; k++)                               /* M_blk[k] = U[k] V_blk[k] */
            SFX(eng_gemm)(O, T, C, 1, u + (ptrdiff_t)k * O * C, C, 1, v + (ptrdiff_t)k * ldv,
                          T, 1, 0, m + (ptrdiff_t)k * ldm, T, 1);
        for (o = 0; o < O; o++)                                /* y = A^T M_blk A + bias */
            for (i = i0; i < i1; i++)
                SFX(winograd_output_row)(m + o * T + (i - i0) * tw, ldm,
                                         bias ? bias[o] : (REAL)0, y + (img * O + o) * oh * ow,
                                         oh, ow, i, tw);
    }
    return failed ? -1 : 0;
}
