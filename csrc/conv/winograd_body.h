/*
 * conv/winograd_body.h -- the F(2x2, 3x3) transforms, forward and adjoint, written once for
 * REAL = float or double (common/template.h; instantiated by winograd_kernels.h).  Layouts:
 * winograd.h; F(4x4, 3x3)'s are in winograd4_body.h (which splits rows with
 * winograd_split_row, below), and winograd_steps_body.h picks one.
 *
 * Each transform is two passes of a tiny matrix over a tile: first over its rows (the
 * left factor), then over each row's entries (the right factor, the same matrix).  The
 * matrices hold only 0, +-1 and +-1/2, so the passes are additions, written out.
 *
 * NO include guard on purpose (read once per type).
 */

/* U = G g G^T for nb <= ENG_WINOGRAD_BLOCK filters: value r*3 + s of filter q is g[r*3 + s][q],
 * and entry k = a*4 + b of its U goes to u[k*ld + q].  The passes run along the filters
 * (contiguous values, vectorised).  G = [[1,0,0], [1/2,1/2,1/2], [1/2,-1/2,1/2], [0,0,1]]. */
static void SFX(winograd_filter_block)(REAL (*g)[ENG_WINOGRAD_BLOCK], ptrdiff_t nb, REAL *u,
                                       ptrdiff_t ld)
{
    const REAL half = (REAL)0.5;
    REAL t[4][3][ENG_WINOGRAD_BLOCK];        /* t = G g */
    ptrdiff_t q;
    int a, s;
    for (s = 0; s < 3; s++)
        for (q = 0; q < nb; q++) {
            const REAL g0 = g[s][q], g1 = g[3 + s][q], g2 = g[6 + s][q];
            t[0][s][q] = g0;
            t[1][s][q] = half * (g0 + g1 + g2);
            t[2][s][q] = half * (g0 - g1 + g2);
            t[3][s][q] = g2;
        }
    for (a = 0; a < 4; a++) {                /* (t G^T)[a][b] */
        REAL *restrict u0 = u + (ptrdiff_t)(a * 4 + 0) * ld, *restrict u1 = u0 + ld;
        REAL *restrict u2 = u1 + ld, *restrict u3 = u2 + ld;
        for (q = 0; q < nb; q++) {
            const REAL t0 = t[a][0][q], t1 = t[a][1][q], t2 = t[a][2][q];
            u0[q] = t0;
            u1[q] = half * (t0 + t1 + t2);
            u2[q] = half * (t0 - t1 + t2);
            u3[q] = t2;
        }
    }
}

/* The column phases of one row r of a plane xp (h x w), for both tiles' transforms:
 * p[s][j] = x[r][q0 + phases*j + s] for s < phases, j < count (zero outside the plane: the
 * padding).  phases is 2 (F(2x2, 3x3): even and odd columns) or 4 (F(4x4, 3x3)); every call
 * passes a constant, so once inlined the interior loop is vectorised for it (loading every
 * other, or every fourth, value by permutes). */
static inline void SFX(winograd_split_row)(const REAL *xp, ptrdiff_t h, ptrdiff_t w,
                                           ptrdiff_t r, ptrdiff_t q0, ptrdiff_t count,
                                           int phases,
                                           REAL (*restrict p)[ENG_WINOGRAD_BLOCK + 1])
{
    const REAL *row = xp + r * w;
    ptrdiff_t j;
    int s;
    if (r < 0 || r >= h) {
        for (s = 0; s < phases; s++)
            for (j = 0; j < count; j++)
                p[s][j] = 0;
        return;
    }
    /* j in [lo, hi): the columns q0 + phases*j .. + phases - 1 all inside the row, no checks */
    ptrdiff_t lo = q0 >= 0 ? 0 : (phases - 1 - q0) / phases;
    ptrdiff_t hi = w - phases - q0 >= 0 ? (w - phases - q0) / phases + 1 : 0;
    hi = hi < count ? hi : count;
    lo = lo < hi ? lo : hi;
    for (j = lo; j < hi; j++)
        for (s = 0; s < phases; s++)
            p[s][j] = row[q0 + phases * j + s];
    for (j = lo == 0 ? hi : 0; j < count; j = j + 1 == lo ? hi : j + 1)  /* the rest: edges */
        for (s = 0; s < phases; s++) {
            const ptrdiff_t q = q0 + phases * j + s;
            p[s][j] = q >= 0 && q < w ? row[q] : 0;
        }
}

/* Rows i0 .. i1-1 of tiles (all tw of each) of one (image, channel) plane xp (h x w, padded
 * by ph, pw): out[k*ldk + (i - i0)*tw + j] = (B^T d B)[k] of tile (i, j), k = a*4 + b.
 * B^T = [[1,0,-1,0], [0,1,1,0], [0,-1,1,0], [0,1,0,-1]].
 *
 * Tile j reads input columns 2j .. 2j+3 (of the padded rows): the even column 2j and the
 * odd one 2j+1, then the even and odd columns of tile j+1.  So the four input rows are first
 * split into their even (e) and odd (o) columns; the row pass t = B^T d is then done on
 * whole split rows, and the column pass (t B) of tile j reads e[j], o[j], e[j+1], o[j+1]:
 * every loop runs along the tiles over contiguous values, which the compiler vectorizes,
 * and each of the 16 results goes straight to its own contiguous run of `out`.  The next
 * row of tiles starts two input rows further down: the last two split rows are kept. */
static void SFX(winograd_input_rows)(const REAL *xp, ptrdiff_t h, ptrdiff_t w, ptrdiff_t ph,
                                     ptrdiff_t pw, ptrdiff_t i0, ptrdiff_t i1, ptrdiff_t tw,
                                     REAL *out, ptrdiff_t ldk)
{
    REAL split[4][2][ENG_WINOGRAD_BLOCK + 1];      /* even and odd columns of 4 input rows */
    REAL te[4][ENG_WINOGRAD_BLOCK + 1], to[4][ENG_WINOGRAD_BLOCK + 1];   /* t = B^T d */
    ptrdiff_t j0, j, i;
    int a;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        int slot[4] = { 0, 1, 2, 3 };              /* input row r0 + a is in split[slot[a]] */
        for (i = i0; i < i1; i++) {
            const ptrdiff_t r0 = 2 * i - ph;       /* first input row of the tiles */
            if (i == i0) {
                for (a = 0; a < 4; a++)
                    SFX(winograd_split_row)(xp, h, w, r0 + a, 2 * j0 - pw, jn + 1, 2, split[a]);
            } else {                               /* rows r0, r0+1 were the last two */
                const int s0 = slot[0], s1 = slot[1];
                slot[0] = slot[2]; slot[1] = slot[3]; slot[2] = s0; slot[3] = s1;
                for (a = 2; a < 4; a++)
                    SFX(winograd_split_row)(xp, h, w, r0 + a, 2 * j0 - pw, jn + 1, 2,
                                            split[slot[a]]);
            }
            const REAL *e0 = split[slot[0]][0], *e1 = split[slot[1]][0];
            const REAL *e2 = split[slot[2]][0], *e3 = split[slot[3]][0];
            const REAL *o0 = split[slot[0]][1], *o1 = split[slot[1]][1];
            const REAL *o2 = split[slot[2]][1], *o3 = split[slot[3]][1];
            for (j = 0; j <= jn; j++) {            /* rows: t = B^T d */
                te[0][j] = e0[j] - e2[j];
                te[1][j] = e1[j] + e2[j];
                te[2][j] = e2[j] - e1[j];
                te[3][j] = e1[j] - e3[j];
                to[0][j] = o0[j] - o2[j];
                to[1][j] = o1[j] + o2[j];
                to[2][j] = o2[j] - o1[j];
                to[3][j] = o1[j] - o3[j];
            }
            REAL *row_out = out + (i - i0) * tw + j0;
            for (a = 0; a < 4; a++) {              /* columns: (t B)[a][b] */
                REAL *restrict v0 = row_out + (ptrdiff_t)(a * 4 + 0) * ldk;
                REAL *restrict v1 = row_out + (ptrdiff_t)(a * 4 + 1) * ldk;
                REAL *restrict v2 = row_out + (ptrdiff_t)(a * 4 + 2) * ldk;
                REAL *restrict v3 = row_out + (ptrdiff_t)(a * 4 + 3) * ldk;
                const REAL *ea = te[a], *oa = to[a];
                for (j = 0; j < jn; j++) {
                    v0[j] = ea[j] - ea[j + 1];
                    v1[j] = oa[j] + ea[j + 1];
                    v2[j] = ea[j + 1] - oa[j];
                    v3[j] = oa[j] - oa[j + 1];
                }
            }
        }
    }
}

/* Row i of tiles of one (image, output channel) plane yp (oh x ow): the tiles' products
 * are in[k*ldk + j], k = a*4 + b, j < tw; y = A^T M A + b0, the extra row or column of an
 * odd output size dropped; returns 1 when a value written is a NaN or an infinity, else 0.
 * A^T = [[1,1,1,0], [0,1,-1,-1]].  As in the input transform, both passes run along the
 * tiles (contiguous values: vectorized); the column pass gives the even and the odd output
 * columns, which are then interleaved into the output row. */
static int SFX(winograd_output_row)(const REAL *in, ptrdiff_t ldk, REAL b0, REAL *yp,
                                    ptrdiff_t oh, ptrdiff_t ow, ptrdiff_t i, ptrdiff_t tw)
{
    REAL s[2][4][ENG_WINOGRAD_BLOCK];              /* s = A^T M */
    REAL ye[ENG_WINOGRAD_BLOCK], yo[ENG_WINOGRAD_BLOCK];
    REAL nonfinite = 0;                            /* v - v: 0, or NaN for an Inf or a NaN */
    ptrdiff_t j0, j;
    int a, b;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        /* tiles whose two output columns both exist (all but an odd width's last) */
        const ptrdiff_t pairs = 2 * (j0 + jn) <= ow ? jn : jn - 1;
        for (b = 0; b < 4; b++) {                  /* rows: s = A^T M */
            const REAL *m0 = in + (ptrdiff_t)(0 * 4 + b) * ldk + j0;
            const REAL *m1 = in + (ptrdiff_t)(1 * 4 + b) * ldk + j0;
            const REAL *m2 = in + (ptrdiff_t)(2 * 4 + b) * ldk + j0;
            const REAL *m3 = in + (ptrdiff_t)(3 * 4 + b) * ldk + j0;
            for (j = 0; j < jn; j++) {
                s[0][b][j] = m0[j] + m1[j] + m2[j];
                s[1][b][j] = m1[j] - m2[j] - m3[j];
            }
        }
        for (a = 0; a < 2 && 2 * i + a < oh; a++) { /* columns: (s A)[a][.]; odd sizes: */
            REAL *row = yp + (2 * i + a) * ow + 2 * j0;    /* the extra row is dropped */
            for (j = 0; j < jn; j++) {
                ye[j] = s[a][0][j] + s[a][1][j] + s[a][2][j] + b0;
                yo[j] = s[a][1][j] - s[a][2][j] - s[a][3][j] + b0;
            }
            for (j = 0; j < pairs; j++) {
                row[2 * j] = ye[j];
                row[2 * j + 1] = yo[j];
                nonfinite += (ye[j] - ye[j]) + (yo[j] - yo[j]);
            }
            if (pairs < jn) {                      /* and so is the extra column */
                row[2 * pairs] = ye[pairs];
                nonfinite += ye[pairs] - ye[pairs];
            }
        }
    }
    return nonfinite != 0;
}

/* Row i of tiles of one (image, output channel) plane gp of dy (oh x ow):
 * out[k*ldk + j] = (A dy A^T)[k] of tile j, k = a*4 + b, A = [[1,0], [1,1], [1,-1], [0,-1]].
 * Values of dy outside the output (an odd size's extra row or column) count as zero. */
static void SFX(winograd_grad_output_row)(const REAL *gp, ptrdiff_t oh, ptrdiff_t ow,
                                          ptrdiff_t i, ptrdiff_t tw, REAL *out, ptrdiff_t ldk)
{
    REAL split[2][2][ENG_WINOGRAD_BLOCK + 1];  /* even and odd columns of dy rows 2i, 2i+1 */
    REAL te[4][ENG_WINOGRAD_BLOCK], to[4][ENG_WINOGRAD_BLOCK];         /* t = A dy */
    ptrdiff_t j0, j;
    int a, r;
    for (j0 = 0; j0 < tw; j0 += ENG_WINOGRAD_BLOCK) {
        const ptrdiff_t jn = tw - j0 < ENG_WINOGRAD_BLOCK ? tw - j0 : ENG_WINOGRAD_BLOCK;
        for (r = 0; r < 2; r++)                    /* even and odd columns of tile j */
            SFX(winograd_split_row)(gp, oh, ow, 2 * i + r, 2 * j0, jn, 2, split[r]);
        const REAL *e0 = split[0][0], *e1 = split[1][0], *o0 = split[0][1], *o1 = split[1][1];
        for (j = 0; j < jn; j++) {                 /* rows: t = A dy */
            te[0][j] = e0[j];
            te[1][j] = e0[j] + e1[j];
            te[2][j] = e0[j] - e1[j];
            te[3][j] = -e1[j];
            to[0][j] = o0[j];
            to[1][j] = o0[j] + o1[j];
            to[2][j] = o0[j] - o1[j];
            to[3][j] = -o1[j];
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

/* dg = G^T dU G for nb <= ENG_WINOGRAD_BLOCK filters: entry k = a*4 + b of filter q's dU is
 * du[k*ld + q], and value r*3 + s of its dg goes to dg[r*3 + s][q].
 * G = [[1,0,0], [1/2,1/2,1/2], [1/2,-1/2,1/2], [0,0,1]]. */
static void SFX(winograd_filter_grad_block)(const REAL *du, ptrdiff_t ld, ptrdiff_t nb,
                                            REAL (*dg)[ENG_WINOGRAD_BLOCK])
{
    const REAL half = (REAL)0.5;
    REAL t[3][4][ENG_WINOGRAD_BLOCK];
    ptrdiff_t q;
    int b, r;
    for (b = 0; b < 4; b++) {                      /* t = G^T dU */
        const REAL *d0 = du + (ptrdiff_t)(0 * 4 + b) * ld, *d1 = du + (ptrdiff_t)(1 * 4 + b) * ld;
        const REAL *d2 = du + (ptrdiff_t)(2 * 4 + b) * ld, *d3 = du + (ptrdiff_t)(3 * 4 + b) * ld;
        for (q = 0; q < nb; q++) {
            t[0][b][q] = d0[q] + half * (d1[q] + d2[q]);
            t[1][b][q] = half * (d1[q] - d2[q]);
            t[2][b][q] = half * (d1[q] + d2[q]) + d3[q];
        }
    }
    for (r = 0; r < 3; r++)                        /* (t G)[r][.] */
        for (q = 0; q < nb; q++) {
            const REAL t0 = t[r][0][q], t1 = t[r][1][q], t2 = t[r][2][q], t3 = t[r][3][q];
            dg[r * 3 + 0][q] = t0 + half * (t1 + t2);
            dg[r * 3 + 1][q] = half * (t1 - t2);
            dg[r * 3 + 2][q] = half * (t1 + t2) + t3;
        }
}
