/*
 * conv/winograd_grad_body.h -- the weight gradient of a 3x3 stride-1 convolution through
 * F(2x2, 3x3), block of tiles by block of tiles.  Written once for REAL = float or double
 * (common/template.h; instantiated by winograd.c after winograd_body.h).
 *
 * The forward computes, per tile, y = A^T [U .* V] A with U = G g G^T and V = B^T d B.  Its
 * gradient with respect to g, summed over every tile p of every image, is
 *
 *     dM_p = A dy_p A^T                (4x4: the adjoint of the output transform)
 *     dU[k] = sum_p dM_p[k] V_p[k]     for each of the 16 entries k: over channels, the GEMM
 *                                      dU[k] (O x C) += dM_blk[k] (O x T) . V_blk[k]^T
 *     dg = G^T dU G                    (3x3: the adjoint of the filter transform)
 *
 * 16 GEMMs of k = tiles instead of one of k = 9 x pixels (im2col): 16/36 of the
 * multiplications of the direct sums.  Each dU[k] is summed by one thread, block after
 * block in order, so the result does not depend on the thread count.
 *
 * NO include guard on purpose (read once per type).
 */

/* Row i of tiles of one (image, output channel) plane gp of dy (oh x ow):
 * out[k*ldk + j] = (A dy A^T)[k] of tile j, k = a*4 + b, A = [[1,0], [1,1], [1,-1], [0,-1]].
 * Values of dy outside the output (an odd size's extra row or column) count as zero. */
static void SFX(winograd_grad_output_row)(const REAL *gp, ptrdiff_t oh, ptrdiff_t ow,
                                          ptrdiff_t i, ptrdiff_t tw, REAL *out, ptrdiff_t ldk)
{
    REAL e[2][ENG_WINOGRAD_BLOCK + 1], o[2][ENG_WINOGRAD_BLOCK + 1];  /* dy rows 2i, 2i+1 */
    REAL te[4][ENG_WINOGRAD_BLOCK], to[4][ENG_WINOGRAD_BLOCK];         /* t = A dy */
    ptrdiff_t j0, j;
    int a, r;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        for (r = 0; r < 2; r++)                    /* even and odd columns of tile j */
            SFX(winograd_split_row)(gp, oh, ow, 2 * i + r, 2 * j0, jn, e[r], o[r]);
        for (j = 0; j < jn; j++) {                 /* rows: t = A dy */
            te[0][j] = e[0][j];
            te[1][j] = e[0][j] + e[1][j];
            te[2][j] = e[0][j] - e[1][j];
            te[3][j] = -e[1][j];
            to[0][j] = o[0][j];
            to[1][j] = o[0][j] + o[1][j];
            to[2][j] = o[0][j] - o[1][j];
            to[3][j] = -o[1][j];
        }
        for (a = 0; a < 4; a++) {                  /* columns: (t A^T)[a][b] */
            REAL *restrict m0 = out + (ptrdiff_t)(a * 4 + 0) * ldk + j0;
            REAL *restrict m1 = out + (ptrdiff_t)(a * 4 + 1) * ldk + j0;
            REAL *restrict m2 = out + (ptrdiff_t)(a * 4 + 2) * ldk + j0;
            REAL *restrict m3 = out + (ptrdiff_t)(a * 4 + 3) * ldk + j0;
            for (j = 0; j < jn; j++) {
                m0[j] = te[a][j];
                m1[j] = te[a][j] + to[a][j];
                m2[j] = te[a][j] - to[a][j];
                m3[j] = -to[a][j];
            }
        }
    }
}

/* dg = G^T dU G for every (output, input) channel pair: du (16, O, C) -> dw (O, C, 3, 3).
 * G = [[1,0,0], [1/2,1/2,1/2], [1/2,-1/2,1/2], [0,0,1]]. */
static void SFX(winograd_filter_grad)(const REAL *du, REAL *dw, ptrdiff_t O, ptrdiff_t C)
{
    const ptrdiff_t OC = O * C;
    const REAL half = (REAL)0.5;
    ptrdiff_t oc;
    for (oc = 0; oc < OC; oc++) {
        REAL d[4][4], t[3][4];
        REAL *g = dw + 9 * oc;
        int a, b;
        for (a = 0; a < 4; a++)
            for (b = 0; b < 4; b++)
                d[a][b] = du[(ptrdiff_t)(a * 4 + b) * OC + oc];
        for (b = 0; b < 4; b++) {                  /* t = G^T dU */
            t[0][b] = d[0][b] + half * (d[1][b] + d[2][b]);
            t[1][b] = half * (d[1][b] - d[2][b]);
            t[2][b] = half * (d[1][b] + d[2][b]) + d[3][b];
        }
        for (a = 0; a < 3; a++) {                  /* (t G)[a][.] */
            g[a * 3 + 0] = t[a][0] + half * (t[a][1] + t[a][2]);
            g[a * 3 + 1] = half * (t[a][1] - t[a][2]);
            g[a * 3 + 2] = half * (t[a][1] + t[a][2]) + t[a][3];
        }
    }
}

int SFX(eng_winograd_weight_grad)(const REAL *x, const REAL *gy, REAL *dw, ptrdiff_t n,
                                  ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                  ptrdiff_t ph, ptrdiff_t pw)
{
    const winograd_plan p = winograd_plan_for(n, C, O, h, w, ph, pw, (ptrdiff_t)sizeof(REAL));
    const ptrdiff_t oh = p.oh, ow = p.ow, th = p.th, tw = p.tw, rows = p.rows;
    const ptrdiff_t per_image = p.per_image, blocks = p.blocks;
    const ptrdiff_t ldv = p.ldv, ldm = p.ldm;
    REAL *v = (REAL *)winograd_fused_buffer((size_t)(16 * (ldv + ldm + O * C)) * sizeof(REAL));
    if (v == NULL)
        return -1;
    REAL *dm = v + 16 * ldv, *du = dm + 16 * ldm;          /* dU: (16, O, C) */
    ptrdiff_t blk;
#pragma omp parallel num_threads(eng_get_num_threads()) if(parallel: 16 * (C + O) * p.T_max * blocks >= ENG_WINOGRAD_PAR_MIN) private(blk)
    for (blk = 0; blk < blocks; blk++) {           /* every thread, every block, in order */
        const ptrdiff_t img = blk / per_image, i0 = blk % per_image * rows;
        const ptrdiff_t i1 = i0 + rows < th ? i0 + rows : th, T = (i1 - i0) * tw;
        ptrdiff_t plane;
        int k;
        /* the block's V_blk (C rows of tiles per entry) and dM_blk (O rows): shared out */
#pragma omp for schedule(static)
        for (plane = 0; plane < C + O; plane++) {
            ptrdiff_t i;
            if (plane < C)
                SFX(winograd_input_rows)(x + (img * C + plane) * h * w, h, w, ph, pw, i0, i1,
                                         tw, v + plane * T, ldv);
            else
                for (i = i0; i < i1; i++)
                    SFX(winograd_grad_output_row)(gy + (img * O + plane - C) * oh * ow, oh, ow,
                                                  i, tw, dm + (plane - C) * T + (i - i0) * tw,
                                                  ldm);
        }
        /* (the barrier at the end of the loop above: the block is transformed) */
#pragma omp for schedule(static)
        for (k = 0; k < 16; k++)                   /* dU[k] (+)= dM_blk[k] V_blk[k]^T */
            SFX(eng_gemm)(O, C, T, 1, dm + (ptrdiff_t)k * ldm, T, 1, v + (ptrdiff_t)k * ldv, 1,
                          T, blk == 0 ? 0 : 1, du + (ptrdiff_t)k * O * C, C, 1);
        /* (and here: the block's buffers may be overwritten by the next one) */
    }
    SFX(winograd_filter_grad)(du, dw, O, C);
    return 0;
}
