/*
 * conv/winograd4_body.h -- the F(4x4, 3x3) transforms, forward and adjoint, written once for
 * REAL = float or double (common/template.h; instantiated by winograd_kernels.h).  The same
 * transforms as winograd_body.h's F(2x2, 3x3) ones, for 6x6 input tiles and 4x4 output blocks:
 * 36 products per 16 outputs instead of 144.  The matrices (reference/winograd.py):
 *
 *   B^T = [[4, 0,-5, 0, 1, 0],   G = [[ 1/4,    0,    0],   A^T = [[1, 1, 1, 1, 1, 0],
 *          [0,-4,-4, 1, 1, 0],        [-1/6, -1/6, -1/6],          [0, 1,-1, 2,-2, 0],
 *          [0, 4,-4,-1, 1, 0],        [-1/6,  1/6, -1/6],          [0, 1, 1, 4, 4, 0],
 *          [0,-2,-1, 2, 1, 0],        [1/24, 1/12,  1/6],          [0, 1,-1, 8,-8, 1]]
 *          [0, 2,-1,-2, 1, 0],        [1/24,-1/12,  1/6],
 *          [0, 4, 0,-5, 0, 1]]        [   0,    0,    1]]
 *
 * As for F(2x2, 3x3), both passes of the input and output transforms run along a row of tiles
 * over contiguous values: tile j reads input columns 4j .. 4j+5, so each input row is first
 * split into its four column phases (columns 4j, 4j+1, 4j+2, 4j+3: winograd_split_row, in
 * winograd_body.h), and the column pass of
 * tile j reads phases 0-3 of j and phases 0-1 of j+1.  The products by B^T and A^T are written
 * out with their common sums (B^T's rows 1-2 and 3-4, A^T's columns 1-2 and 3-4, pair up);
 * the filter transform and its adjoint run along blocks of filters.
 *
 * NO include guard on purpose (read once per type).
 */

/* U = G g G^T for nb <= ENG_WINOGRAD_BLOCK filters: value r*3 + s of filter q is g[r*3 + s][q],
 * and entry k = a*6 + b of its U goes to u[k*ld + q].  The passes run along the filters (contiguous
 * values, vectorised); (G v) for a column v = (v0, v1, v2) is
 *     v0/4,  -(v0 + v1 + v2)/6,  -(v0 - v1 + v2)/6,  v0/24 + v1/12 + v2/6,
 *     v0/24 - v1/12 + v2/6,  v2. */
static void SFX(winograd4_filter_block)(REAL (*g)[ENG_WINOGRAD_BLOCK], ptrdiff_t nb, REAL *u,
                                        ptrdiff_t ld)
{
    const REAL c4 = (REAL)(1.0 / 4), c6 = (REAL)(1.0 / 6);
    const REAL c12 = (REAL)(1.0 / 12), c24 = (REAL)(1.0 / 24);
    REAL t[6][3][ENG_WINOGRAD_BLOCK];        /* t = G g */
    ptrdiff_t q;
    int a, b, s;
    for (s = 0; s < 3; s++)
        for (q = 0; q < nb; q++) {
            const REAL g0 = g[s][q], g1 = g[3 + s][q], g2 = g[6 + s][q];
            t[0][s][q] = c4 * g0;
            t[1][s][q] = -c6 * (g0 + g1 + g2);
            t[2][s][q] = -c6 * (g0 - g1 + g2);
            t[3][s][q] = c24 * g0 + c12 * g1 + c6 * g2;
            t[4][s][q] = c24 * g0 - c12 * g1 + c6 * g2;
            t[5][s][q] = g2;
        }
    for (a = 0; a < 6; a++) {                /* (t G^T)[a][b] */
        REAL *restrict ub[6];
        for (b = 0; b < 6; b++)
            ub[b] = u + (ptrdiff_t)(a * 6 + b) * ld;
        for (q = 0; q < nb; q++) {
            const REAL t0 = t[a][0][q], t1 = t[a][1][q], t2 = t[a][2][q];
            ub[0][q] = c4 * t0;
            ub[1][q] = -c6 * (t0 + t1 + t2);
            ub[2][q] = -c6 * (t0 - t1 + t2);
            ub[3][q] = c24 * t0 + c12 * t1 + c6 * t2;
            ub[4][q] = c24 * t0 - c12 * t1 + c6 * t2;
            ub[5][q] = t2;
        }
    }
}

/* Rows i0 .. i1-1 of tiles (all tw of each) of one (image, channel) plane xp (h x w, padded
 * by ph, pw): out[k*ldk + (i - i0)*tw + j] = (B^T d B)[k] of tile (i, j), k = a*6 + b.  The
 * next row of tiles starts four input rows further down: the last two split rows are kept. */
static void SFX(winograd4_input_rows)(const REAL *xp, ptrdiff_t h, ptrdiff_t w, ptrdiff_t ph,
                                      ptrdiff_t pw, ptrdiff_t i0, ptrdiff_t i1, ptrdiff_t tw,
                                      REAL *out, ptrdiff_t ldk)
{
    REAL split[6][4][ENG_WINOGRAD_BLOCK + 1];      /* column phases of 6 input rows */
    REAL t[6][4][ENG_WINOGRAD_BLOCK + 1];          /* t = B^T d, by column phase */
    ptrdiff_t j0, j, i;
    int a, q;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        int slot[6] = { 0, 1, 2, 3, 4, 5 };        /* input row r0 + a is in split[slot[a]] */
        for (i = i0; i < i1; i++) {
            const ptrdiff_t r0 = 4 * i - ph;       /* first input row of the tiles */
            int first = 0;
            if (i > i0) {                          /* rows r0, r0+1 were the last two */
                const int s0 = slot[0], s1 = slot[1], s2 = slot[2], s3 = slot[3];
                slot[0] = slot[4]; slot[1] = slot[5];
                slot[2] = s0; slot[3] = s1; slot[4] = s2; slot[5] = s3;
                first = 2;
            }
            for (a = first; a < 6; a++)
                SFX(winograd_split_row)(xp, h, w, r0 + a, 4 * j0 - pw, jn + 1, 4, split[slot[a]]);
            for (q = 0; q < 4; q++) {              /* rows: t = B^T d */
                const REAL *d0 = split[slot[0]][q], *d1 = split[slot[1]][q];
                const REAL *d2 = split[slot[2]][q], *d3 = split[slot[3]][q];
                const REAL *d4 = split[slot[4]][q], *d5 = split[slot[5]][q];
                for (j = 0; j <= jn; j++) {
                    const REAL s12 = d1[j] + d2[j], m12 = d1[j] - d2[j];
                    const REAL s34 = d3[j] + d4[j], m42 = d4[j] - d2[j], m31 = d3[j] - d1[j];
                    t[0][q][j] = 4 * d0[j] - 5 * d2[j] + d4[j];
                    t[1][q][j] = s34 - 4 * s12;
                    t[2][q][j] = d4[j] - d3[j] + 4 * m12;
                    t[3][q][j] = m42 + 2 * m31;
                    t[4][q][j] = m42 - 2 * m31;
                    t[5][q][j] = 4 * d1[j] - 5 * d3[j] + d5[j];
                }
            }
            REAL *row_out = out + (i - i0) * tw + j0;
            for (a = 0; a < 6; a++) {              /* columns: (t B)[a][b] */
                const REAL *c0 = t[a][0], *c1 = t[a][1], *c2 = t[a][2], *c3 = t[a][3];
                REAL *restrict v0 = row_out + (ptrdiff_t)(a * 6 + 0) * ldk;
                REAL *restrict v1 = row_out + (ptrdiff_t)(a * 6 + 1) * ldk;
                REAL *restrict v2 = row_out + (ptrdiff_t)(a * 6 + 2) * ldk;
                REAL *restrict v3 = row_out + (ptrdiff_t)(a * 6 + 3) * ldk;
                REAL *restrict v4 = row_out + (ptrdiff_t)(a * 6 + 4) * ldk;
                REAL *restrict v5 = row_out + (ptrdiff_t)(a * 6 + 5) * ldk;
                for (j = 0; j < jn; j++) {         /* tile j: c0..c3[j], c0[j+1], c1[j+1] */
                    const REAL e4 = c0[j + 1];
                    const REAL s12 = c1[j] + c2[j], m12 = c1[j] - c2[j];
                    const REAL m42 = e4 - c2[j], m31 = c3[j] - c1[j];
                    v0[j] = 4 * c0[j] - 5 * c2[j] + e4;
                    v1[j] = c3[j] + e4 - 4 * s12;
                    v2[j] = e4 - c3[j] + 4 * m12;
                    v3[j] = m42 + 2 * m31;
                    v4[j] = m42 - 2 * m31;
                    v5[j] = 4 * c1[j] - 5 * c3[j] + c1[j + 1];
                }
            }
        }
    }
}

/* Row i of tiles of one (image, output channel) plane yp (oh x ow): the tiles' products are
 * in[k*ldk + j], k = a*6 + b, j < tw; y = A^T M A + b0, the rows and columns past the output
 * dropped.  The column pass gives the four column phases of each output row, which are then
 * interleaved into it.  Returns 1 when a value written is a NaN or an infinity, else 0. */
static int SFX(winograd4_output_row)(const REAL *in, ptrdiff_t ldk, REAL b0, REAL *yp,
                                     ptrdiff_t oh, ptrdiff_t ow, ptrdiff_t i, ptrdiff_t tw)
{
    REAL s[4][6][ENG_WINOGRAD_BLOCK];              /* s = A^T M */
    REAL y[4][ENG_WINOGRAD_BLOCK];                 /* an output row's column phases */
    REAL nonfinite = 0;                            /* v - v: 0, or NaN for an Inf or a NaN */
    ptrdiff_t j0, j;
    int a, b, c;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        for (b = 0; b < 6; b++) {                  /* rows: s = A^T M */
            const REAL *m0 = in + (ptrdiff_t)(0 * 6 + b) * ldk + j0;
            const REAL *m1 = in + (ptrdiff_t)(1 * 6 + b) * ldk + j0;
            const REAL *m2 = in + (ptrdiff_t)(2 * 6 + b) * ldk + j0;
            const REAL *m3 = in + (ptrdiff_t)(3 * 6 + b) * ldk + j0;
            const REAL *m4 = in + (ptrdiff_t)(4 * 6 + b) * ldk + j0;
            const REAL *m5 = in + (ptrdiff_t)(5 * 6 + b) * ldk + j0;
            for (j = 0; j < jn; j++) {
                const REAL s12 = m1[j] + m2[j], d12 = m1[j] - m2[j];
                const REAL s34 = m3[j] + m4[j], d34 = m3[j] - m4[j];
                s[0][b][j] = m0[j] + s12 + s34;
                s[1][b][j] = d12 + 2 * d34;
                s[2][b][j] = s12 + 4 * s34;
                s[3][b][j] = d12 + 8 * d34 + m5[j];
            }
        }
        const ptrdiff_t cols = ow - 4 * j0;        /* output columns from tile j0 on */
        const ptrdiff_t full = cols / 4 < jn ? cols / 4 : jn;   /* tiles with all 4 inside */
        for (a = 0; a < 4 && 4 * i + a < oh; a++) { /* columns: (s A)[a][.] */
            const REAL *s0 = s[a][0], *s1 = s[a][1], *s2 = s[a][2];
            const REAL *s3 = s[a][3], *s4 = s[a][4], *s5 = s[a][5];
            REAL *row = yp + (4 * i + a) * ow + 4 * j0;
            for (j = 0; j < jn; j++) {
                const REAL s12 = s1[j] + s2[j], d12 = s1[j] - s2[j];
                const REAL s34 = s3[j] + s4[j], d34 = s3[j] - s4[j];
                y[0][j] = s0[j] + s12 + s34 + b0;
                y[1][j] = d12 + 2 * d34 + b0;
                y[2][j] = s12 + 4 * s34 + b0;
                y[3][j] = d12 + 8 * d34 + s5[j] + b0;
            }
            for (j = 0; j < full; j++) {
                row[4 * j] = y[0][j];
                row[4 * j + 1] = y[1][j];
                row[4 * j + 2] = y[2][j];
                row[4 * j + 3] = y[3][j];
                nonfinite += (y[0][j] - y[0][j]) + (y[1][j] - y[1][j])
                             + (y[2][j] - y[2][j]) + (y[3][j] - y[3][j]);
            }
            for (c = 0; full < jn && c < cols - 4 * full; c++) {   /* the last tile's columns */
                row[4 * full + c] = y[c][full];
                nonfinite += y[c][full] - y[c][full];
            }
        }
    }
    return nonfinite != 0;
}

/* Row i of tiles of one (image, output channel) plane gp of dy (oh x ow):
 * out[k*ldk + j] = (A dy A^T)[k] of tile j, k = a*6 + b, A = (A^T)^T (6 x 4).  Values of dy
 * past the output count as zero. */
static void SFX(winograd4_grad_output_row)(const REAL *gp, ptrdiff_t oh, ptrdiff_t ow,
                                           ptrdiff_t i, ptrdiff_t tw, REAL *out, ptrdiff_t ldk)
{
    REAL split[4][4][ENG_WINOGRAD_BLOCK + 1];      /* column phases of dy rows 4i .. 4i+3 */
    REAL t[6][4][ENG_WINOGRAD_BLOCK];              /* t = A dy, by column phase */
    ptrdiff_t j0, j;
    int a, q, r;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        for (r = 0; r < 4; r++)
            SFX(winograd_split_row)(gp, oh, ow, 4 * i + r, 4 * j0, jn, 4, split[r]);
        for (q = 0; q < 4; q++) {                  /* rows: t = A dy */
            const REAL *e0 = split[0][q], *e1 = split[1][q], *e2 = split[2][q], *e3 = split[3][q];
            for (j = 0; j < jn; j++) {
                const REAL s02 = e0[j] + e2[j], s13 = e1[j] + e3[j];
                const REAL f02 = e0[j] + 4 * e2[j], f13 = 2 * e1[j] + 8 * e3[j];
                t[0][q][j] = e0[j];
                t[1][q][j] = s02 + s13;
                t[2][q][j] = s02 - s13;
                t[3][q][j] = f02 + f13;
                t[4][q][j] = f02 - f13;
                t[5][q][j] = e3[j];
            }
        }
        for (a = 0; a < 6; a++) {                  /* columns: (t A^T)[a][b] */
            const REAL *c0 = t[a][0], *c1 = t[a][1], *c2 = t[a][2], *c3 = t[a][3];
            REAL *restrict m0 = out + (ptrdiff_t)(a * 6 + 0) * ldk + j0;
            REAL *restrict m1 = out + (ptrdiff_t)(a * 6 + 1) * ldk + j0;
            REAL *restrict m2 = out + (ptrdiff_t)(a * 6 + 2) * ldk + j0;
            REAL *restrict m3 = out + (ptrdiff_t)(a * 6 + 3) * ldk + j0;
            REAL *restrict m4 = out + (ptrdiff_t)(a * 6 + 4) * ldk + j0;
            REAL *restrict m5 = out + (ptrdiff_t)(a * 6 + 5) * ldk + j0;
            for (j = 0; j < jn; j++) {
                const REAL s02 = c0[j] + c2[j], s13 = c1[j] + c3[j];
                const REAL f02 = c0[j] + 4 * c2[j], f13 = 2 * c1[j] + 8 * c3[j];
                m0[j] = c0[j];
                m1[j] = s02 + s13;
                m2[j] = s02 - s13;
                m3[j] = f02 + f13;
                m4[j] = f02 - f13;
                m5[j] = c3[j];
            }
        }
    }
}

/* dg = G^T dU G for nb <= ENG_WINOGRAD_BLOCK filters: entry k = a*6 + b of filter q's dU is
 * du[k*ld + q], and value r*3 + s of its dg goes to dg[r*3 + s][q].  (G^T v) for a column
 * v = (v0, ..., v5) is
 *     v0/4 - (v1 + v2)/6 + (v3 + v4)/24,  (v2 - v1)/6 + (v3 - v4)/12,
 *     (v3 + v4 - v1 - v2)/6 + v5. */
static void SFX(winograd4_filter_grad_block)(const REAL *du, ptrdiff_t ld, ptrdiff_t nb,
                                             REAL (*dg)[ENG_WINOGRAD_BLOCK])
{
    const REAL c4 = (REAL)(1.0 / 4), c6 = (REAL)(1.0 / 6);
    const REAL c12 = (REAL)(1.0 / 12), c24 = (REAL)(1.0 / 24);
    REAL t[3][6][ENG_WINOGRAD_BLOCK];
    ptrdiff_t q;
    int a, b, r;
    for (b = 0; b < 6; b++) {                      /* t = G^T dU */
        const REAL *d[6];
        for (a = 0; a < 6; a++)
            d[a] = du + (ptrdiff_t)(a * 6 + b) * ld;
        for (q = 0; q < nb; q++) {
            const REAL s12 = d[1][q] + d[2][q], s34 = d[3][q] + d[4][q];
            t[0][b][q] = c4 * d[0][q] - c6 * s12 + c24 * s34;
            t[1][b][q] = c6 * (d[2][q] - d[1][q]) + c12 * (d[3][q] - d[4][q]);
            t[2][b][q] = c6 * (s34 - s12) + d[5][q];
        }
    }
    for (r = 0; r < 3; r++)                        /* (t G)[r][.] */
        for (q = 0; q < nb; q++) {
            const REAL t0 = t[r][0][q], t1 = t[r][1][q], t2 = t[r][2][q];
            const REAL t3 = t[r][3][q], t4 = t[r][4][q], t5 = t[r][5][q];
            const REAL s12 = t1 + t2, s34 = t3 + t4;
            dg[r * 3 + 0][q] = c4 * t0 - c6 * s12 + c24 * s34;
            dg[r * 3 + 1][q] = c6 * (t2 - t1) + c12 * (t3 - t4);
            dg[r * 3 + 2][q] = c6 * (s34 - s12) + t5;
        }
}
