/*
 * conv/pool_vector_body.h -- the 2x2 stride-2 max pooling of one plane with vectors (what
 * it computes: pool_table.h): a template body (common/template.h) that an instruction-set
 * file (pool_avx2.c) reads once per type, after defining these helpers for its instruction
 * set (n is how many lanes count, 1 .. SFX(lanes); lanes past n are neither read nor
 * written):
 *
 *   SFX(vec)                         values (common/simd.h); SFX(lanes) of them
 *   SFX(pmask)                       one flag per lane
 *   SFX(ivec)                        one index per lane (int32; AVX2 doubles: int64)
 *   SFX(load_split)(p, n, &e, &o)    e = p[0], p[2], ... p[2n-2]; o = p[1], p[3], ... p[2n-1]
 *   SFX(store_merged)(p, e, o, n)    the reverse: p[2k] = e[k], p[2k+1] = o[k], k < n
 *   SFX(load_n)(p, n), SFX(store_n)(p, v, n), SFX(iload_n)(p, n), SFX(istore_n)(p, v, n)
 *   SFX(beats)(u, v)                 POOL_BEATS lane by lane: u > v, or u is NaN and v not
 *   SFX(pick)(m, a, b)               m ? b : a          SFX(ipick)(m, a, b)   the same
 *   SFX(keep)(m, v)                  m ? v : 0
 *   SFX(ramp)(base)                  base, base + 2, base + 4 ...
 *   SFX(iadd)(i, k)                  i + k              SFX(inext)(i, m)      i + (m ? 1 : 0)
 *   SFX(ieq)(a, b)                   a == b
 *   SFX(any4)(m, n, o, p)            m | n | o | p
 *   SFX(missing)(m, n)               nonzero if a lane below n of m is off
 */

/* Where the vector of outputs from j0 starts: at j0, except that a row's last vector ends
 * at the row's end, overlapping the one before, when the row holds a whole vector: then
 * every vector is full (masked stores are slow on some CPUs), and the outputs computed
 * twice get the same values twice. */
static inline ptrdiff_t SFX(vector_start)(ptrdiff_t j0, ptrdiff_t OW)
{
    return OW >= SFX(lanes) && j0 + SFX(lanes) > OW ? OW - SFX(lanes) : j0;
}

static void SFX(max2x2_forward)(const REAL *x, REAL *y, int32_t *argmax, ptrdiff_t W,
                                ptrdiff_t OH, ptrdiff_t OW)
{
    for (ptrdiff_t i = 0; i < OH; i++) {
        const REAL *r0 = x + 2 * i * W, *r1 = r0 + W;
        REAL *yr = y + i * OW;
        int32_t *ar = argmax + i * OW;
        for (ptrdiff_t j0 = 0; j0 < OW; j0 += SFX(lanes)) {
            const ptrdiff_t j = SFX(vector_start)(j0, OW);
            const int n = OW - j < SFX(lanes) ? (int)(OW - j) : SFX(lanes);
            SFX(vec) a, b, c, d;            /* the windows' corners: a b / c d */
            SFX(load_split)(r0 + 2 * j, n, &a, &b);
            SFX(load_split)(r1 + 2 * j, n, &c, &d);
            const SFX(ivec) ia = SFX(ramp)((int32_t)(2 * i * W + 2 * j));
            /* the same three comparisons as the portable kernel, in the same order */
            const SFX(pmask) b_wins = SFX(beats)(b, a), d_wins = SFX(beats)(d, c);
            const SFX(vec) m0 = SFX(pick)(b_wins, a, b), m1 = SFX(pick)(d_wins, c, d);
            const SFX(ivec) i0 = SFX(inext)(ia, b_wins);
            const SFX(ivec) i1 = SFX(inext)(SFX(iadd)(ia, (int32_t)W), d_wins);
            const SFX(pmask) second_row_wins = SFX(beats)(m1, m0);
            SFX(store_n)(yr + j, SFX(pick)(second_row_wins, m0, m1), n);
            SFX(istore_n)(ar + j, SFX(ipick)(second_row_wins, i0, i1), n);
        }
    }
}

static int SFX(max2x2_backward)(const REAL *gy, const int32_t *argmax, REAL *gx, ptrdiff_t H,
                                ptrdiff_t W, ptrdiff_t OH, ptrdiff_t OW)
{
    int stray = 0;          /* some index outside its own window (not the forward's) */
    for (ptrdiff_t i = 0; i < OH; i++) {
        REAL *r0 = gx + 2 * i * W, *r1 = r0 + W;
        const REAL *gr = gy + i * OW;
        const int32_t *ar = argmax + i * OW;
        for (ptrdiff_t j0 = 0; j0 < OW; j0 += SFX(lanes)) {
            const ptrdiff_t j = SFX(vector_start)(j0, OW);
            const int n = OW - j < SFX(lanes) ? (int)(OW - j) : SFX(lanes);
            const SFX(vec) g = SFX(load_n)(gr + j, n);
            const SFX(ivec) at = SFX(iload_n)(ar + j, n);
            const SFX(ivec) ia = SFX(ramp)((int32_t)(2 * i * W + 2 * j));
            const SFX(ivec) ic = SFX(iadd)(ia, (int32_t)W);
            /* which corner each index names (compared, never used as an address) */
            const SFX(pmask) to_a = SFX(ieq)(at, ia), to_b = SFX(ieq)(at, SFX(iadd)(ia, 1));
            const SFX(pmask) to_c = SFX(ieq)(at, ic), to_d = SFX(ieq)(at, SFX(iadd)(ic, 1));
            SFX(store_merged)(r0 + 2 * j, SFX(keep)(to_a, g), SFX(keep)(to_b, g), n);
            SFX(store_merged)(r1 + 2 * j, SFX(keep)(to_c, g), SFX(keep)(to_d, g), n);
            stray |= SFX(missing)(SFX(any4)(to_a, to_b, to_c, to_d), n);
        }
    }
    SFX(eng_pool_zero_outside)(gx, H, W, OH, OW);
    return stray ? -1 : 0;
}
