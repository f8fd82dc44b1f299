/*
 * conv/pool_lanes.h -- the first n values of a vector, from memory and back (0 <= n <=
 * SFX(lanes)): one full load or store when n is all of them, a masked one otherwise (a
 * masked store is slow on some CPUs, and a row's vectors are mostly full); and the 2n values
 * of a row's n pairs of columns (n <= SFX(lanes)) as two such vectors.  A template body
 * (common/template.h) that pool_avx2.c reads once per type, before the helpers that use it;
 * the vector operations are common/simd.h's.
 */

static inline SFX(vec) SFX(load_n)(const REAL *p, int n)
{
    return n == SFX(lanes) ? SFX(loadu)(p) : SFX(load_masked)(SFX(mask_of)(first_lanes(n)), p);
}

static inline void SFX(store_n)(REAL *p, SFX(vec) v, int n)
{
    if (n == SFX(lanes))
        SFX(storeu)(p, v);
    else
        SFX(store_masked)(p, SFX(mask_of)(first_lanes(n)), v);
}

/* of 2n values from p (a row's pairs of columns), how many fall in the first vector and how
 * many in the second */
static inline int SFX(first_half)(int n)
{
    return 2 * n < SFX(lanes) ? 2 * n : SFX(lanes);
}

static inline int SFX(second_half)(int n)
{
    return 2 * n > SFX(lanes) ? 2 * n - SFX(lanes) : 0;
}

/* the 2n values from p as two vectors, the lanes past them 0 */
static inline void SFX(load_pairs)(const REAL *p, int n, SFX(vec) *lo, SFX(vec) *hi)
{
    if (n == SFX(lanes)) {                                  /* the common case: no masks */
        *lo = SFX(loadu)(p);
        *hi = SFX(loadu)(p + SFX(lanes));
    } else {
        *lo = SFX(load_n)(p, SFX(first_half)(n));
        *hi = SFX(load_n)(p + SFX(lanes), SFX(second_half)(n));
    }
}

/* the first 2n values of lo, hi back to p */
static inline void SFX(store_pairs)(REAL *p, SFX(vec) lo, SFX(vec) hi, int n)
{
    if (n == SFX(lanes)) {
        SFX(storeu)(p, lo);
        SFX(storeu)(p + SFX(lanes), hi);
    } else {
        SFX(store_n)(p, lo, SFX(first_half)(n));
        SFX(store_n)(p + SFX(lanes), hi, SFX(second_half)(n));
    }
}
