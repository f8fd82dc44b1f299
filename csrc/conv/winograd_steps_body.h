/*
 * conv/winograd_steps_body.h -- the transforms of F(tile x tile, 3x3), tile 2 or 4, picked by
 * `tile` (winograd_body.h has tile 2's, winograd4_body.h tile 4's), and the three steps as
 * functions of their own: the filter, input and output transforms of every tile.  Written
 * once for REAL = float or double (common/template.h; instantiated by winograd_kernels.h
 * after both).
 *
 * NO include guard on purpose (read once per type).
 */

/* U = G g G^T for the nb <= ENG_WINOGRAD_BLOCK filters at w (9 values each); entry k of
 * filter q goes to u[k*ld + q].  The filters' values are first laid out value by value, so
 * that the transforms run along the filters. */
static void SFX(wg_filter_block)(int tile, const REAL *w, ptrdiff_t nb, REAL *u, ptrdiff_t ld)
{
    REAL g[9][ENG_WINOGRAD_BLOCK];
    ptrdiff_t q;
    int e;
    for (q = 0; q < nb; q++)
        for (e = 0; e < 9; e++)
            g[e][q] = w[q * 9 + e];
    if (tile == 4)
        SFX(winograd4_filter_block)(g, nb, u, ld);
    else
        SFX(winograd_filter_block)(g, nb, u, ld);
}

static void SFX(wg_input_rows)(int tile, const REAL *xp, ptrdiff_t h, ptrdiff_t w,
                               ptrdiff_t ph, ptrdiff_t pw, ptrdiff_t i0, ptrdiff_t i1,
                               ptrdiff_t tw, REAL *out, ptrdiff_t ldk)
{
    if (tile == 4)
        SFX(winograd4_input_rows)(xp, h, w, ph, pw, i0, i1, tw, out, ldk);
    else
        SFX(winograd_input_rows)(xp, h, w, ph, pw, i0, i1, tw, out, ldk);
}

/* 1 when a value written is a NaN or an infinity */
static int SFX(wg_output_row)(int tile, const REAL *in, ptrdiff_t ldk, REAL b0, REAL *yp,
                              ptrdiff_t oh, ptrdiff_t ow, ptrdiff_t i, ptrdiff_t tw)
{
    if (tile == 4)
        return SFX(winograd4_output_row)(in, ldk, b0, yp, oh, ow, i, tw);
    return SFX(winograd_output_row)(in, ldk, b0, yp, oh, ow, i, tw);
}

static void SFX(wg_grad_output_row)(int tile, const REAL *gp, ptrdiff_t oh, ptrdiff_t ow,
                                    ptrdiff_t i, ptrdiff_t tw, REAL *out, ptrdiff_t ldk)
{
    if (tile == 4)
        SFX(winograd4_grad_output_row)(gp, oh, ow, i, tw, out, ldk);
    else
        SFX(winograd_grad_output_row)(gp, oh, ow, i, tw, out, ldk);
}

/* dg = G^T dU G for nb <= ENG_WINOGRAD_BLOCK filters (entry k of filter q's dU is
 * du[k*ld + q]); filter q's dg goes to g[q*9 .. q*9 + 8]. */
static void SFX(wg_filter_grad_block)(int tile, const REAL *du, ptrdiff_t ld, ptrdiff_t nb,
                                      REAL *g)
{
    REAL dg[9][ENG_WINOGRAD_BLOCK];
    ptrdiff_t q;
    int e;
    if (tile == 4)
        SFX(winograd4_filter_grad_block)(du, ld, nb, dg);
    else
        SFX(winograd_filter_grad_block)(du, ld, nb, dg);
    for (q = 0; q < nb; q++)
        for (e = 0; e < 9; e++)
            g[q * 9 + e] = dg[e][q];
}

/* U = G g G^T for every (output, input) channel pair: w (O, C, 3, 3) -> U (K, O, C), in
 * blocks of ENG_WINOGRAD_BLOCK filters. */
static void SFX(wg_filter)(const REAL *w, REAL *u, ptrdiff_t O, ptrdiff_t C, int tile)
{
    const ptrdiff_t OC = O * C, blocks = (OC + ENG_WINOGRAD_BLOCK - 1) / ENG_WINOGRAD_BLOCK;
    ptrdiff_t blk;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: OC * winograd_entries(tile) >= ENG_WINOGRAD_PAR_MIN)
    for (blk = 0; blk < blocks; blk++) {
        const ptrdiff_t oc = blk * ENG_WINOGRAD_BLOCK;
        const ptrdiff_t nb = OC - oc < ENG_WINOGRAD_BLOCK ? OC - oc : ENG_WINOGRAD_BLOCK;
        SFX(wg_filter_block)(tile, w + 9 * oc, nb, u + oc, OC);
    }
}

/* V = B^T d B for every tile: x (n, C, h, w) -> V (K, C, n*th*tw). */
static void SFX(wg_input)(const REAL *x, REAL *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                          ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    const ptrdiff_t oh = h + 2 * ph - 2, ow = w + 2 * pw - 2;
    const ptrdiff_t th = (oh + tile - 1) / tile, tw = (ow + tile - 1) / tile, tiles = th * tw;
    const ptrdiff_t P = n * tiles, CP = C * P;
    ptrdiff_t plane;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: CP * winograd_entries(tile) >= ENG_WINOGRAD_PAR_MIN)
    for (plane = 0; plane < n * C; plane++) {      /* one (image, channel) plane */
        const ptrdiff_t img = plane / C, c = plane % C;
        REAL *vp = v + c * P + img * tiles;        /* V[0][c][first tile of the image] */
        SFX(wg_input_rows)(tile, x + plane * h * w, h, w, ph, pw, 0, th, tw, vp, CP);
    }
}

/* y = A^T M A (+ bias), every tile: M (K, O, n*th*tw) -> y (n, O, oh, ow). */
static void SFX(wg_output)(const REAL *m, const REAL *bias, REAL *y, ptrdiff_t n,
                           ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile)
{
    const ptrdiff_t th = (oh + tile - 1) / tile, tw = (ow + tile - 1) / tile, tiles = th * tw;
    const ptrdiff_t P = n * tiles, OP = O * P;
    ptrdiff_t plane;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: OP * winograd_entries(tile) >= ENG_WINOGRAD_PAR_MIN)
    for (plane = 0; plane < n * O; plane++) {      /* one (image, output channel) plane */
        const ptrdiff_t img = plane / O, o = plane % O;
        const REAL *mp = m + o * P + img * tiles;  /* M[0][o][first tile of the image] */
        const REAL b0 = bias ? bias[o] : (REAL)0;
        ptrdiff_t i;
        for (i = 0; i < th; i++)
            (void)SFX(wg_output_row)(tile, mp + i * tw, OP, b0, y + plane * oh * ow, oh, ow, i,
                                     tw);
    }
}
