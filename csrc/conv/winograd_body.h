/*
 * conv/winograd_body.h -- the F(2x2, 3x3) transforms, written once for REAL = float or
 * double (common/template.h; instantiated by winograd.c).  Layouts: winograd.h.
 *
 * Each transform is two passes of a tiny matrix over a tile: first over its rows (the
 * left factor), then over each row's entries (the right factor, the same matrix).  The
 * matrices hold only 0, +-1 and +-1/2, so the passes are additions, written out.
 *
 * NO include guard on purpose (read once per type).
 */

/* U = G g G^T.  G = [[1,0,0], [1/2,1/2,1/2], [1/2,-1/2,1/2], [0,0,1]]. */
void SFX(eng_winograd_filter)(const REAL *w, REAL *u, ptrdiff_t O, ptrdiff_t C)
{
    const ptrdiff_t OC = O * C;
    ptrdiff_t oc;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: OC * 16 >= ENG_WINOGRAD_PAR_MIN)
    for (oc = 0; oc < OC; oc++) {
        const REAL *g = w + 9 * oc;          /* g[r*3 + s] */
        const REAL half = (REAL)0.5;
        REAL t[4][3];                        /* t = G g: 4 rows of 3 */
        int a, s;
        for (s = 0; s < 3; s++) {
            t[0][s] = g[s];
            t[1][s] = half * (g[s] + g[3 + s] + g[6 + s]);
            t[2][s] = half * (g[s] - g[3 + s] + g[6 + s]);
            t[3][s] = g[6 + s];
        }
        for (a = 0; a < 4; a++) {            /* (t G^T)[a][b] */
            REAL *out = u + (ptrdiff_t)(a * 4) * OC + oc;
            out[0 * OC] = t[a][0];
            out[1 * OC] = half * (t[a][0] + t[a][1] + t[a][2]);
            out[2 * OC] = half * (t[a][0] - t[a][1] + t[a][2]);
            out[3 * OC] = t[a][2];
        }
    }
}

/* One tile from its four input rows (each pointing at the tile's first column):
 * buf[a*4 + b][j] = (B^T d B)[a][b]. */
static inline void SFX(winograd_input_tile)(const REAL *x0, const REAL *x1, const REAL *x2,
                                            const REAL *x3, REAL buf[16][ENG_WINOGRAD_BLOCK],
                                            ptrdiff_t j)
{
    REAL t[4][4];
    int a, b;
    for (b = 0; b < 4; b++) {                      /* t = B^T d: rows */
        t[0][b] = x0[b] - x2[b];
        t[1][b] = x1[b] + x2[b];
        t[2][b] = x2[b] - x1[b];
        t[3][b] = x1[b] - x3[b];
    }
    for (a = 0; a < 4; a++) {                      /* (t B)[a][b] */
        buf[a * 4 + 0][j] = t[a][0] - t[a][2];
        buf[a * 4 + 1][j] = t[a][1] + t[a][2];
        buf[a * 4 + 2][j] = t[a][2] - t[a][1];
        buf[a * 4 + 3][j] = t[a][1] - t[a][3];
    }
}

/* Tiles j = from .. to-1 of a block whose first tile starts at column c00, any of them
 * possibly reaching outside the image: copied into a zero-padded 4x4 tile first. */
static void SFX(winograd_input_edge)(const REAL *xp, REAL buf[16][ENG_WINOGRAD_BLOCK],
                                     ptrdiff_t h, ptrdiff_t w, ptrdiff_t r0, ptrdiff_t c00,
                                     ptrdiff_t from, ptrdiff_t to)
{
    ptrdiff_t j;
    for (j = from; j < to; j++) {
        const ptrdiff_t c0 = c00 + 2 * j;
        REAL d[4][4];
        int a, b;
        for (a = 0; a < 4; a++)
            for (b = 0; b < 4; b++) {
                const ptrdiff_t r = r0 + a, q = c0 + b;
                d[a][b] = (r >= 0 && r < h && q >= 0 && q < w) ? xp[r * w + q] : 0;
            }
        SFX(winograd_input_tile)(d[0], d[1], d[2], d[3], buf, j);
    }
}

/* V = B^T d B.  B^T = [[1,0,-1,0], [0,1,1,0], [0,-1,1,0], [0,1,0,-1]].
 *
 * The 16 entries of a tile go to 16 rows of V that lie C*P values apart (a power of two
 * more often than not, so they compete for the same cache sets).  So a row of tiles is
 * transformed into a small buffer first, ENG_WINOGRAD_BLOCK tiles at a time, and each
 * of the 16 rows is then written as one contiguous run. */
void SFX(eng_winograd_input)(const REAL *x, REAL *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                             ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw)
{
    const ptrdiff_t oh = h + 2 * ph - 2, ow = w + 2 * pw - 2;
    const ptrdiff_t th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = th * tw;
    const ptrdiff_t P = n * tiles, CP = C * P;
    ptrdiff_t plane;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: CP * 16 >= ENG_WINOGRAD_PAR_MIN)
    for (plane = 0; plane < n * C; plane++) {      /* one (image, channel) plane */
        const ptrdiff_t img = plane / C, c = plane % C;
        const REAL *xp = x + plane * h * w;
        REAL *vp = v + c * P + img * tiles;        /* V[0][c][first tile of the image] */
        REAL buf[16][ENG_WINOGRAD_BLOCK];
        ptrdiff_t i, j0, j;
        for (i = 0; i < th; i++) {
            const ptrdiff_t r0 = 2 * i - ph;       /* first input row of the tile */
            for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
                const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
                int k;
                if (r0 >= 0 && r0 + 4 <= h) {      /* all four rows inside the image */
                    const REAL *x0 = xp + r0 * w, *x1 = x0 + w, *x2 = x1 + w, *x3 = x2 + w;
                    /* the tiles whose four columns are inside too: no bounds checks, one
                     * loop the compiler can vectorize across tiles */
                    ptrdiff_t lo = (pw + 1) / 2 - j0;
                    ptrdiff_t hi = (w - 4 + pw >= 0 ? (w - 4 + pw) / 2 + 1 : 0) - j0;
                    lo = lo < 0 ? 0 : (lo > jn ? jn : lo);
                    hi = hi > jn ? jn : (hi < lo ? lo : hi);
                    SFX(winograd_input_edge)(xp, buf, h, w, r0, 2 * j0 - pw, 0, lo);
#pragma omp simd
                    for (j = lo; j < hi; j++) {
                        const ptrdiff_t q = 2 * (j0 + j) - pw;
                        SFX(winograd_input_tile)(x0 + q, x1 + q, x2 + q, x3 + q, buf, j);
                    }
                    SFX(winograd_input_edge)(xp, buf, h, w, r0, 2 * j0 - pw, hi, jn);
                } else {
                    SFX(winograd_input_edge)(xp, buf, h, w, r0, 2 * j0 - pw, 0, jn);
                }
                for (k = 0; k < 16; k++) {         /* V[k][c][tiles j0 ..] = buf[k] */
                    REAL *out = vp + (ptrdiff_t)k * CP + i * tw + j0;
                    for (j = 0; j < jn; j++)
                        out[j] = buf[k][j];
                }
            }
        }
    }
}

/* y = A^T M A (+ bias).  A^T = [[1,1,1,0], [0,1,-1,-1]]. */
void SFX(eng_winograd_output)(const REAL *m, const REAL *bias, REAL *y, ptrdiff_t n,
                              ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow)
{
    const ptrdiff_t th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = th * tw;
    const ptrdiff_t P = n * tiles, OP = O * P;
    ptrdiff_t plane;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: OP * 16 >= ENG_WINOGRAD_PAR_MIN)
    for (plane = 0; plane < n * O; plane++) {      /* one (image, output channel) plane */
        const ptrdiff_t img = plane / O, o = plane % O;
        const REAL *mp = m + o * P + img * tiles;  /* M[0][o][first tile of the image] */
        const REAL b0 = bias ? bias[o] : (REAL)0;
        REAL *yp = y + plane * oh * ow;
        ptrdiff_t i, j;
        for (i = 0; i < th; i++)
            for (j = 0; j < tw; j++) {
                const REAL *in = mp + i * tw + j;
                REAL s[2][4], out[2][2];
                int a, b;
                for (b = 0; b < 4; b++) {          /* s = A^T M: 2 rows */
                    const REAL m0 = in[(0 * 4 + b) * OP], m1 = in[(1 * 4 + b) * OP];
                    const REAL m2 = in[(2 * 4 + b) * OP], m3 = in[(3 * 4 + b) * OP];
                    s[0][b] = m0 + m1 + m2;
                    s[1][b] = m1 - m2 - m3;
                }
                for (a = 0; a < 2; a++) {          /* (s A)[a][.] */
                    out[a][0] = s[a][0] + s[a][1] + s[a][2] + b0;
                    out[a][1] = s[a][1] - s[a][2] - s[a][3] + b0;
                }
                for (a = 0; a < 2 && 2 * i + a < oh; a++)   /* odd sizes: drop the extra */
                    for (b = 0; b < 2 && 2 * j + b < ow; b++)
                        yp[(2 * i + a) * ow + 2 * j + b] = out[a][b];
            }
    }
}
