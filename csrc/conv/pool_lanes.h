/*
 * conv/pool_lanes.h -- the first n values of a vector, from memory and back (0 <= n <=
 * SFX(lanes)): one full load or store when n is all of them, a masked one otherwise (a
 * masked store is slow on some CPUs, and a row's vectors are mostly full).  A template body
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
