/*
 * conv/by_chunk_body.h -- the im2col path in cache-sized chunks of images, for one type: a
 * template body (common/template.h) that by_chunk.c reads once per type.  Why, the equations
 * and the work buffer: conv.h.
 */

/* Images [i0, i0 + m):  y_i = W . im2col(x_i) + bias.  One image's (O x L) block is y's own:
 * the GEMM writes it there; a chunk of several is computed as (O x m*L) in `out` and then
 * copied into y image by image. */
static void SFX(forward_chunk)(const REAL *x, const REAL *w, const REAL *bias, REAL *y,
                               ptrdiff_t i0, ptrdiff_t m, ptrdiff_t O,
                               const eng_conv_geometry *g, REAL *cols, REAL *out)
{
    const ptrdiff_t CK = chunk_rows(g), L = chunk_positions(g), mL = m * L;
    REAL *dst = m == 1 ? y + i0 * O * L : out;
    SFX(eng_im2col)(x + i0 * chunk_input(g), cols, m, g);
    SFX(eng_gemm)(O, mL, CK, 1, w, CK, 1, cols, mL, 1, 0, dst, mL, 1);
    if (m == 1 && bias == NULL)
        return;
    for (ptrdiff_t j = 0; j < m; j++)                   /* (in place when m == 1) */
        for (ptrdiff_t o = 0; o < O; o++) {
            const REAL b = bias != NULL ? bias[o] : 0;
            const REAL *src = dst + o * mL + j * L;
            REAL *row = y + ((i0 + j) * O + o) * L;
            for (ptrdiff_t l = 0; l < L; l++)
                row[l] = src[l] + b;
        }
}

void SFX(eng_conv_by_chunk)(const REAL *x, const REAL *w, const REAL *bias, REAL *y,
                            ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g, REAL *work,
                            int threads)
{
    const ptrdiff_t m = eng_conv_chunk_images(n, O, g, sizeof(REAL));
    const ptrdiff_t chunks = (n + m - 1) / m, cols = m * chunk_rows(g) * chunk_positions(g);
    const ptrdiff_t per_thread = m * chunk_per_image(g, O);
    if (threads > chunks)
        threads = (int)chunks;
    eng_team_clock clock;                    /* (common/team.h: is the team worth it?) */
    eng_team_start(&clock, threads);
    #pragma omp parallel num_threads(threads) if (threads > 1)
    {
        REAL *mine = work + this_thread() * per_thread;
        const double began = eng_team_now();
        ptrdiff_t q, done = 0;
        #pragma omp for schedule(static) nowait
        for (q = 0; q < chunks; q++) {
            SFX(forward_chunk)(x, w, bias, y, q * m, min_images(m, n - q * m), O, g, mine,
                               mine + cols);
            done++;
        }
        eng_team_done(&clock, began, (double)done, (double)chunks);
    }
    eng_team_finish(&clock);
}

/* Images [i0, i0 + m) of a group: dW^T += im2col(x) . dY^T into `part` (C*K x O; the first
 * chunk of the group overwrites it) and dx = col2im(W^T . dY) into gx; `part` or `gx` NULL
 * when not wanted.  dY (O x m*L) is gy itself for one image, else gathered into `dy`. */
static void SFX(grads_chunk)(const REAL *x, const REAL *w, const REAL *gy, REAL *gx,
                             REAL *part, int first, ptrdiff_t i0, ptrdiff_t m, ptrdiff_t O,
                             const eng_conv_geometry *g, REAL *cols, REAL *dy)
{
    const ptrdiff_t CK = chunk_rows(g), L = chunk_positions(g), mL = m * L;
    const ptrdiff_t in = chunk_input(g);
    const REAL *d = gy + i0 * O * L;
    if (m > 1) {
        for (ptrdiff_t o = 0; o < O; o++)
            for (ptrdiff_t j = 0; j < m; j++)
                for (ptrdiff_t l = 0; l < L; l++)
                    dy[o * mL + j * L + l] = gy[((i0 + j) * O + o) * L + l];
        d = dy;
    }
    if (part != NULL) {
        SFX(eng_im2col)(x + i0 * in, cols, m, g);
        SFX(eng_gemm)(CK, O, mL, 1, cols, mL, 1, d, 1, mL, first ? 0 : 1, part, O, 1);
    }
    if (gx != NULL) {                    /* (the columns' buffer, reused) */
        SFX(eng_gemm)(CK, mL, O, 1, w, 1, CK, d, mL, 1, 0, cols, mL, 1);
        SFX(eng_col2im)(cols, gx + i0 * in, m, g);
    }
}

void SFX(eng_conv_by_chunk_grads)(const REAL *x, const REAL *w, const REAL *gy, REAL *gx,
                                  REAL *gw, ptrdiff_t n, ptrdiff_t O,
                                  const eng_conv_geometry *g, REAL *work, int threads)
{
    const ptrdiff_t m = eng_conv_chunk_images(n, O, g, sizeof(REAL));
    const ptrdiff_t CK = chunk_rows(g), cols = m * CK * chunk_positions(g);
    const ptrdiff_t per_thread = m * chunk_per_image(g, O);
    const ptrdiff_t groups = eng_conv_chunk_groups(n);
    REAL *parts = work + (ptrdiff_t)threads * per_thread;   /* after each thread's buffers */
    if (threads > groups)
        threads = (int)groups;
    eng_team_clock clock;
    eng_team_start(&clock, threads);
    #pragma omp parallel num_threads(threads) if (threads > 1)
    {
        REAL *mine = work + this_thread() * per_thread;
        const double began = eng_team_now();
        ptrdiff_t q, done = 0;
        #pragma omp for schedule(static) nowait
        for (q = 0; q < groups; q++) {       /* a group's chunks on one thread, in order */
            const ptrdiff_t first = n * q / groups, end = n * (q + 1) / groups;
            for (ptrdiff_t i0 = first; i0 < end; i0 += m)
                SFX(grads_chunk)(x, w, gy, gx, gw == NULL ? NULL : parts + q * CK * O,
                                 i0 == first, i0, min_images(m, end - i0), O, g, mine,
                                 mine + cols);
            done += end - first;
        }
        eng_team_done(&clock, began, (double)done, (double)n);
    }
    eng_team_finish(&clock);
    if (gw == NULL)
        return;
    for (ptrdiff_t o = 0; o < O; o++)         /* dW = the groups' sums, in group order */
        for (ptrdiff_t r = 0; r < CK; r++) {
            REAL s = parts[r * O + o];
            for (ptrdiff_t q = 1; q < groups; q++)
                s += parts[(q * CK + r) * O + o];
            gw[o * CK + r] = s;
        }
}
