/*
 * conv/winograd_grad_body.h -- the weight gradient of a 3x3 stride-1 convolution through
 * F(tile x tile, 3x3), block of tiles by block of tiles.  Written once for REAL = float or
 * double (common/template.h; instantiated by winograd_kernels.h after winograd_steps_body.h).
 *
 * The forward computes, per tile, y = A^T [U .* V] A with U = G g G^T and V = B^T d B.  Its
 * gradient with respect to g, summed over every tile p of every image, is
 *
 *     dM_p = A dy_p A^T                (the adjoint of the output transform, K entries)
 *     dU[k] = sum_p dM_p[k] V_p[k]     for each of the K entries k: over channels, the GEMM
 *                                      dU[k] (O x C) += dM_blk[k] (O x T) . V_blk[k]^T
 *     dg = G^T dU G                    (3x3: the adjoint of the filter transform)
 *
 * K GEMMs of k = tiles instead of one of k = 9 x pixels (im2col): 16/36 of the
 * multiplications of the direct sums for F(2x2, 3x3), 36/144 for F(4x4, 3x3).  Each dU[k] is summed by one thread, block after
 * block in order, so the result does not depend on the thread count.
 *
 * NO include guard on purpose (read once per type).
 */

static int SFX(wg_weight_grad)(const REAL *x, const REAL *gy, REAL *dw, ptrdiff_t n,
                               ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                               ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    const winograd_plan p = winograd_plan_for(n, C, O, h, w, ph, pw, tile,
                                              (ptrdiff_t)sizeof(REAL));
    const ptrdiff_t K = p.K, oh = p.oh, ow = p.ow, tw = p.tw, blocks = p.blocks;
    const ptrdiff_t ldv = p.ldv, ldm = p.ldm, OC = O * C;
    REAL *v = (REAL *)winograd_fused_buffer((size_t)(K * (ldv + ldm + OC)) * sizeof(REAL));
    if (v == NULL)
        return -1;
    REAL *dm = v + K * ldv, *du = dm + K * ldm;            /* dU: (K, O, C) */
    ptrdiff_t blk, oc;
#pragma omp parallel num_threads(eng_get_num_threads()) if(parallel: K * (C + O) * p.T_max * blocks >= ENG_WINOGRAD_PAR_MIN) private(blk)
    for (blk = 0; blk < blocks; blk++) {           /* every thread, every block, in order */
        ptrdiff_t img0, imgs, i0, i1, plane, k;
        winograd_block(&p, n, blk, &img0, &imgs, &i0, &i1);
        const ptrdiff_t per = (i1 - i0) * tw, T = imgs * per;  /* tiles per image, in all */
        /* the block's V_blk (C rows of tiles per entry) and dM_blk (O rows), image by image:
         * shared out */
#pragma omp for schedule(static)
        for (plane = 0; plane < imgs * (C + O); plane++) {
            const ptrdiff_t g = plane / (C + O), q = plane % (C + O), img = img0 + g;
            ptrdiff_t i;
            if (q < C)
                SFX(wg_input_rows)(tile, x + (img * C + q) * h * w, h, w, ph, pw, i0, i1, tw,
                                   v + q * T + g * per, ldv);
            else
                for (i = i0; i < i1; i++)
                    SFX(wg_grad_output_row)(tile, gy + (img * O + q - C) * oh * ow, oh, ow, i,
                                            tw, dm + (q - C) * T + g * per + (i - i0) * tw, ldm);
        }
        /* (the barrier at the end of the loop above: the block is transformed) */
#pragma omp for schedule(static)
        for (k = 0; k < K; k++)                    /* dU[k] (+)= dM_blk[k] V_blk[k]^T */
            SFX(eng_gemm)(O, C, T, 1, dm + (ptrdiff_t)k * ldm, T, 1, v + (ptrdiff_t)k * ldv, 1,
                          T, blk == 0 ? 0 : 1, du + (ptrdiff_t)k * O * C, C, 1);
        /* (and here: the block's buffers may be overwritten by the next one) */
    }
    for (oc = 0; oc < OC; oc += ENG_WINOGRAD_BLOCK) /* dg = G^T dU G */
        SFX(wg_filter_grad_block)(tile, du + oc, OC,
                                  OC - oc < ENG_WINOGRAD_BLOCK ? OC - oc : ENG_WINOGRAD_BLOCK,
                                  dw + 9 * oc);
    return 0;
}
